"""Each measurable sentence of docs/residual-connections.md, asserted."""

import math
import statistics

import pytest
from pages import figure_args

from gradprobe.experiments import residual_connections_rezero as rezero
from gradprobe.experiments.residual_connections import DEEP, SHALLOW, gradient_by_block, loss_curves, train

SEEDS = (0, 1, 2)  # the page's run and "two more random tasks and initializations"


@pytest.fixture(scope="module")
def curves():
    return {seed: loss_curves(SHALLOW, DEEP, seed) for seed in SEEDS}


@pytest.fixture(scope="module")
def plain_deep():
    return train(DEEP, False, 0)


def test_depths_and_steps_quoted_on_the_page(curves):
    assert figure_args("residual-connections-loss") == {"shallow": SHALLOW, "deep": DEEP, "seed": SEEDS[0]}
    assert figure_args("residual-connections-gradients")["depth"] == DEEP
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


# "Without normalization: Fixup, ReZero and SkipInit"
@pytest.fixture(scope="module")
def scales():
    return rezero.by_depth((8, 32, 128))


def test_he_residual_stack_grows_2_9_per_block_and_its_gradient_grows_toward_the_input(scales):
    variance = [d["variance"] for d in scales["residual"]]
    gradient = [d["gradient"] for d in scales["residual"]]
    assert [f"{v:.1e}" for v in variance] == ["3.3e+03", "2.3e+14", "1.5e+59"]
    assert round(variance[-1] ** (1 / 128), 1) == 2.9  # "about 2.9 per block" (3 = 1 + 2 expected)
    assert round(gradient[0]) == 68 and [f"{g:.1e}" for g in gradient[1:]] == ["3.7e+07", "8.7e+29"]


def test_fixup_scaling_alone_caps_the_growth_near_e_squared(scales):
    variance = [round(d["variance"], 1) for d in scales["scaled"]]
    gradient = [round(d["gradient"], 1) for d in scales["scaled"]]
    assert variance == [5.1, 6.9, 7.2] and all(v < math.e**2 for v in variance)
    assert gradient == [2.6, 2.6, 3.0]


def test_zero_initialized_branches_start_as_the_identity_at_every_depth(scales):
    for branch in ("fixup", "rezero"):
        assert all(d == {"variance": 1.0, "gradient": 1.0} for d in scales[branch]), branch


def test_he_stack_diverges_and_zero_initialized_ones_train():
    he = rezero.training_loss("residual", depth=8, steps=7)
    assert round(he[0]) == 44 and f"{he[5]:.1e}" == "1.3e+137" and math.isnan(he[6])
    runs = {b: rezero.training_loss(b, depth=8, steps=30) for b in ("fixup", "rezero", "scaled")}
    assert round(runs["fixup"][0], 2) == 2.74 and round(runs["fixup"][-1], 2) == 1.14
    assert round(runs["rezero"][0], 2) == 2.74 and round(runs["rezero"][-1], 2) == 1.22
    assert round(runs["scaled"][0], 2) == 3.70 and round(runs["scaled"][-1], 2) == 0.31


def test_residual_stack_rejects_an_unknown_branch():
    with pytest.raises(ValueError, match="unknown branch 'skip'"):
        rezero.ResidualStack(4, "skip")
