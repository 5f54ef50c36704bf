"""Each measurable sentence of docs/residual-connections.md, asserted."""

import math
import statistics

import pytest

from gradprobe.experiments.residual_connections import DEEP, SHALLOW, gradient_by_block, loss_curves, train
from pages import figure_args

SEEDS = (0, 1, 2)  # the page's run and "two more random tasks and initializations"


@pytest.fixture(scope="module")
def curves():
    return {seed: loss_curves(SHALLOW, DEEP, seed) for seed in SEEDS}


@pytest.fixture(scope="module")
def plain_deep():
    return train(DEEP, False, 0)


def test_depths_and_steps_quoted_on_the_page(curves):
    assert figure_args("residual-connections-loss") == {"shallow": SHALLOW, "deep": DEEP}
    assert figure_args("residual-connections-gradients") == {"depth": DEEP}
    assert all(len(c) == 200 for c in curves[0].values())


def test_plain_networks_start_between_2_5_and_3(curves):
    assert all(2.5 <= curves[0][k][0] <= 3 for k in ("plain_shallow", "plain_deep"))


def test_deep_plain_trains_to_a_loss_eight_times_higher(curves):
    final = {k: v[-1] for k, v in curves[0].items()}
    assert round(final["plain_shallow"], 2) == 0.22
    assert round(final["plain_deep"], 2) == 1.75
    assert round(final["plain_deep"] / final["plain_shallow"]) == 8


def test_deep_residual_is_below_both_shallow_networks(curves):
    final = {k: v[-1] for k, v in curves[0].items()}
    assert round(final["residual_deep"], 3) == 0.010
    assert round(final["residual_shallow"], 2) == 0.13
    assert final["residual_deep"] < min(final["plain_shallow"], final["residual_shallow"])


@pytest.mark.parametrize("seed", SEEDS)
def test_the_order_is_the_same_for_every_seed(curves, seed):
    final = {k: v[-1] for k, v in curves[seed].items()}
    assert final["plain_deep"] > 4 * final["plain_shallow"]  # degradation
    assert final["residual_deep"] < min(final["plain_shallow"], final["residual_shallow"])  # and its removal


def test_deep_plain_gradients_do_not_vanish(plain_deep):
    first = plain_deep.first_step
    blocks, head = first.norms[:-1], first.norms[-1]
    assert round(min(blocks), 2) == 0.41 and round(head, 2) == 0.60
    assert min(blocks) / head > 2 / 3  # "at least two thirds as large as the output layer's"


def test_deep_plain_gradient_grows_toward_the_input_yet_is_called_healthy(plain_deep):
    first, last = plain_deep.first_step, plain_deep.last_step
    assert round(first.ratio, 1) == 116.5  # "the first block receives 116.5 times the output layer's gradient"
    assert round(last.ratio) == 29  # "at step 200 the ratio is 29"
    assert 100 < first.ratio < 1000  # healthy only under gradprobe's threshold of 1000
    assert first.verdict == "healthy" and last.verdict == "healthy"


def test_deep_plain_forward_signal_has_the_spread_of_a_relu_of_a_standard_normal(plain_deep):
    relu_of_normal = math.sqrt(0.5 - 1 / (2 * math.pi))  # the page's 0.58
    assert round(plain_deep.feature_spread, 2) == 0.59
    assert plain_deep.feature_spread == pytest.approx(relu_of_normal, abs=0.015)


def test_plain_gradient_grows_by_a_constant_factor_per_block():
    plain = gradient_by_block(DEEP)["plain"].norms[:-1]
    blocks, logs = range(len(plain)), [math.log(n) for n in plain]
    fit = statistics.linear_regression(blocks, logs)
    assert round(math.exp(-fit.slope), 1) == 1.2  # "about 1.2" per block, growing toward the input
    assert statistics.correlation(blocks, logs) < -0.99  # a straight line on a log scale: a constant factor
    assert 100 < max(plain) / min(plain) < 1000  # "two orders of magnitude"


def test_residual_blocks_stay_level_and_the_head_reads_a_grown_stream():
    residual = gradient_by_block(DEEP)["residual"]
    blocks, head = residual.norms[:-1], residual.norms[-1]
    assert round(min(blocks), 2) == 0.87 and round(max(blocks), 1) == 3.6
    assert round(head) == 43
    run = train(DEEP, True, 0)
    assert round(run.feature_spread, 1) == 7.1
    assert round(run.losses[0]) == 19


def test_deep_residual_stays_below_the_others_from_step_38(curves):
    c = curves[0]
    others = ("plain_shallow", "plain_deep", "residual_shallow")
    below = [all(c["residual_deep"][t] < c[k][t] for k in others) for t in range(200)]
    last_above = max(t for t in range(200) if not below[t])
    assert last_above + 2 == 38  # steps count from 1: "from step 38 on it stays below"
