"""Each measurable sentence of docs/gradient-descent.md, asserted."""

import itertools

import pytest
import torch
from pages import figure_args

from gradprobe.experiments.gradient_descent import (
    FEATURE_SCALES,
    RATES,
    SAMPLES,
    TRUE_WEIGHTS,
    curvature,
    descend,
    factor_per_step,
    loss_by_rate,
    mse,
    regression,
    steps_to_reach,
    three_rates,
)

SWEEP = tuple(figure_args("gradient-descent-stability")["fractions"])  # learning rates over 2 / lambda_max


@pytest.fixture(scope="module")
def c():
    return curvature()


@pytest.fixture(scope="module")
def runs():
    return {name: descend(lr, 100) for name, lr in RATES.items()}


def test_the_demo_problem_is_as_described():
    x, y = regression()
    assert RATES == {"small": 0.01, "good": 0.3, "large": 0.55}
    assert SAMPLES == 200 and x.shape == (200, 2) and x.dtype == torch.float64
    assert FEATURE_SCALES == (2.0, 0.5)
    assert torch.allclose(y, x @ torch.tensor(TRUE_WEIGHTS, dtype=torch.float64))  # noise-free: minimum 0
    assert mse(torch.tensor(TRUE_WEIGHTS, dtype=torch.float64), x, y).item() == 0.0


def test_least_squares_hessian_is_x_transpose_x_over_n_everywhere():
    x, y = regression()
    expected = x.T @ x / len(x)
    for w in (torch.zeros(2, dtype=torch.float64), torch.tensor([5.0, -7.0], dtype=torch.float64)):
        hessian = torch.autograd.functional.hessian(lambda v: mse(v, x, y), w)
        assert torch.allclose(hessian, expected, rtol=0, atol=1e-12)


def test_curvature_numbers(c):
    assert round(c["lambda_max"], 2) == 4.08
    assert round(c["lambda_min"], 3) == 0.238
    assert round(c["kappa"], 1) == 17.2
    assert round(c["kappa"]) == 17  # "a condition number of 17"
    assert round(c["limit"], 2) == 0.49
    assert round(c["best"], 3) == 0.463
    assert 0.94 < c["best"] / c["limit"] < 0.95  # "about 95% of the way to the limit"
    assert RATES["small"] < RATES["good"] < c["limit"] < RATES["large"]


def test_good_rate(c, runs):
    losses = runs["good"]
    assert round(1 - 0.3 * c["lambda_max"], 3) == -0.225
    assert losses[1] / losses[0] < 0.1  # "removes more than 90% of the loss"
    assert round((1 - 0.3 * c["lambda_min"]) ** 2, 4) == 0.8626
    factor = factor_per_step(0.3)
    assert abs(factor["measured"] - factor["predicted"]) < 5e-5  # "matches to four decimals"
    assert f"{losses[100]:.1e}" == "1.9e-07"
    assert 0.9e-8 < losses[100] / losses[0] < 1.1e-8  # "a hundred-millionth of where it started"


def test_small_rate_crawls(runs):
    losses = runs["small"]
    assert round(losses[100], 2) == 0.31
    assert round(100 * losses[100] / losses[0], 1) == 1.7
    assert 0.99 < losses[100] / losses[99] < 1  # "falls by less than 1% per step"
    factor = factor_per_step(0.01)
    assert factor["measured"] < factor["predicted"]  # "still a little below the prediction"
    assert factor["predicted"] - factor["measured"] < 0.005


def test_small_rate_needs_thirty_times_the_steps():
    slow, fast = steps_to_reach(1e-8, 0.01, steps=5000), steps_to_reach(1e-8, 0.3)
    assert (slow, fast) == (3112, 101)
    assert 28 < slow / fast < 33  # "about thirty times as many steps" for a rate thirty times smaller


def test_large_rate_diverges(c, runs):
    losses = runs["large"]
    assert round(1 - 0.55 * c["lambda_max"], 3) == -1.246
    assert round((1 - 0.55 * c["lambda_max"]) ** 2, 3) == 1.552
    factor = factor_per_step(0.55)
    assert abs(factor["measured"] - factor["predicted"]) < 5e-5  # "again exactly as predicted"
    assert (round(losses[0], 1), round(losses[1], 1)) == (18.5, 28.3)  # the first step already raises it
    assert all(b > a for a, b in itertools.pairwise(losses))
    assert f"{losses[100]:.1e}" == "2.2e+20"
    longer = descend(0.55, 200)
    crossing = next(t for t, loss in enumerate(longer) if loss > torch.finfo(torch.float32).max)
    assert crossing < 200  # "before step 200 it passes float32's largest number"
    assert round(torch.finfo(torch.float32).max / 1e38, 1) == 3.4


def test_good_and_large_draw_straight_lines_the_small_one_bends(runs):
    for name, losses in three_rates(100).items():
        after_five = losses[4:]  # the figure's losses start at step 1: these are steps 5..100
        per_step = [b / a for a, b in itertools.pairwise(after_five)]  # "after the first few steps"
        straight = max(per_step) / min(per_step) < 1.01
        assert straight == (name != "small"), name
    small = runs["small"]
    assert round(small[0], 1) == 18.5 and round(small[10], 1) == 8.3  # "more than half ... from 18.5 to 8.3"
    assert small[10] < small[0] / 2
    assert round(1 - small[100] / small[90], 2) == 0.06  # "over its last ten it loses about 6%"


def test_limit_is_sharp(c):
    below = descend(0.98 * c["limit"], 100)
    above = descend(1.02 * c["limit"], 100)
    assert f"{below[100] / below[0]:.1e}" == "2.8e-04"
    assert round(above[100] / above[0], -2) == 2500


def test_sweep_best_next_to_the_cliff_bounce_at_the_limit():
    relative = loss_by_rate(SWEEP)["relative"]
    assert SWEEP[0] == 0.05 and SWEEP[-1] == 1.2  # "from 5% to 120% of the limit"
    best = relative.index(min(relative))
    assert SWEEP[best] == 0.9
    assert all(a > b for a, b in itertools.pairwise(relative[: best + 1]))  # falls steadily up to the best
    assert all(a < b for a, b in zip(relative[best:], relative[best + 1 :]))  # then rises steeply
    at_limit = relative[SWEEP.index(1.0)]
    assert round(at_limit, 2) == 0.97  # "the loss stays at 97% of its start"
    assert all(r > 1e8 for s, r in zip(SWEEP, relative) if s > 1)  # "beyond it the loss explodes"


def test_standardizing_makes_a_round_bowl(c):
    s = curvature(standardize=True)
    assert round(s["kappa"], 2) == 1.12
    assert steps_to_reach(1e-10, c["best"]) == 99
    assert steps_to_reach(1e-10, s["best"], standardize=True) == 5
