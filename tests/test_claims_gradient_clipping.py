"""Each measurable sentence of docs/gradient-clipping.md, asserted."""

import math
import statistics

import pytest
import torch
from pages import figure_args
from torch.nn.utils import clip_grad_norm_

from gradprobe.experiments.gradient_clipping import (
    HIDDEN,
    SEEDS,
    THRESHOLD,
    factor_per_step,
    gradient_by_radius,
    norm_vs_value,
    rnn_with_radius,
    summary,
    train,
)

RADIUS_FIGURE = figure_args("gradient-clipping-radius")  # the radii and sequence length the figure shows


@pytest.fixture(scope="module")
def by_radius():
    return gradient_by_radius(**RADIUS_FIGURE)


@pytest.fixture(scope="module")
def factors():
    return factor_per_step(**RADIUS_FIGURE)


@pytest.fixture(scope="module")
def clipping():
    return norm_vs_value(threshold=1.0)


@pytest.fixture(scope="module")
def seed_runs():
    return {seed: (summary(train(None, seed=seed)), summary(train(THRESHOLD, seed=seed))) for seed in SEEDS}


def test_scaled_orthogonal_w_hh_has_every_eigenvalue_and_singular_value_at_the_radius():
    torch.manual_seed(0)
    weight = rnn_with_radius(2.0).rnn.weight_hh_l0.detach().double()
    assert weight.shape == (HIDDEN, HIDDEN)
    assert torch.allclose(torch.linalg.svdvals(weight), torch.full((HIDDEN,), 2.0, dtype=torch.float64))
    assert torch.allclose(torch.linalg.eigvals(weight).abs(), torch.full((HIDDEN,), 2.0, dtype=torch.float64))


def test_smallest_gradients_are_near_1e_minus_35(by_radius):
    smallest = min(min(norms) for norms in by_radius.values())
    assert 1e-36 < smallest < 1e-34


def test_below_one_the_bound_holds(by_radius, factors):
    assert round(factors["0.5"], 2) == 0.45 and factors["0.5"] < 0.5
    assert round(factors["0.9"], 2) == 0.77 and factors["0.9"] < 0.9
    ratio = by_radius["0.5"][0] / by_radius["0.5"][-1]
    assert 1e-35 < ratio < 1e-34  # "step 1 receives 10^-34 of what step 100 receives"


def test_above_one_explosion_is_allowed_not_guaranteed(by_radius, factors):
    assert round(factors["1.1"], 2) == 0.88  # still shrinks
    assert round(factors["2"], 2) == 1.13
    assert round(factors["3"], 2) == 1.33
    assert round(math.log10(by_radius["3"][0] / by_radius["3"][-1])) == 13  # "about 10^13"


def test_each_radius_curve_is_monotone_in_the_direction_the_factor_says(by_radius):
    for key, norms in by_radius.items():
        growing = float(key) > 1.5
        assert (norms[0] > norms[-1]) == growing, key


def test_norm_clipping_keeps_the_direction(clipping):
    assert round(clipping["norm"], 1) == 22.1
    assert f"{clipping['by_norm_norm']:.4f}" == "1.0000" and clipping["by_norm_norm"] <= 1.0
    assert f"{clipping['by_norm_cosine']:.6f}" == "1.000000"


def test_value_clipping_changes_6_percent_of_entries_turns_29_degrees_leaves_norm_139(clipping):
    assert round(clipping["by_value_changed"] * 100, 1) == 6.0
    assert round(clipping["by_value_cosine"], 3) == 0.875
    assert round(math.degrees(math.acos(clipping["by_value_cosine"]))) == 29
    assert round(clipping["by_value_norm"], 1) == 13.9


def test_clipping_to_every_entry_gives_c_times_sign():
    grad = torch.tensor([3.0, -0.5, 2.0, -7.0])
    param = torch.nn.Parameter(torch.zeros(4))
    param.grad = grad.clone()
    torch.nn.utils.clip_grad_value_([param], clip_value=0.1)
    assert torch.equal(param.grad, 0.1 * grad.sign())


def test_seed_0_step_by_step():
    unclipped, clipped = train(None), train(THRESHOLD)
    assert unclipped.losses[:6] == clipped.losses[:6] and unclipped.losses[6] != clipped.losses[6]
    first_above = next(i for i, n in enumerate(clipped.grad_norms) if n > THRESHOLD)
    assert first_above + 1 == 6 and round(clipped.grad_norms[first_above], 1) == 15.9
    assert round(unclipped.grad_norms[9]) == 123
    assert round(unclipped.radii[9], 2) == 1.46 and round(unclipped.radii[10], 2) == 5.12
    assert next(i + 1 for i, v in enumerate(unclipped.losses) if v > 1000) == 13
    assert summary(unclipped)["non_finite_at"] == 56  # "a few dozen steps later (step 56)"


def test_clipped_seed_0_trains_500_steps():
    run = train(THRESHOLD)
    s = summary(run)
    assert s["steps"] == 500 and s["non_finite_at"] is None
    assert s["above_threshold"] == 44 and round(100 * 44 / 500, 1) == 8.8
    assert round(s["final_loss"], 2) == 0.45
    assert round(run.losses[0], 2) == 0.95
    assert round(statistics.median(run.grad_norms), 1) == 2.2


def test_five_seeds(seed_runs):
    unclipped = {seed: runs[0] for seed, runs in seed_runs.items()}
    clipped = {seed: runs[1] for seed, runs in seed_runs.items()}
    steps = sorted(s["non_finite_at"] for s in unclipped.values() if s["non_finite_at"])
    assert steps == [56, 209, 332, 347, 369] and max(steps) < 400  # "all five, each within its first 400 steps"
    assert all(s["non_finite_at"] is None for s in clipped.values())
    finals = [s["final_loss"] for s in clipped.values()]
    assert round(min(finals), 2) == 0.36 and round(max(finals), 2) == 0.45


def test_smaller_thresholds_also_train():
    two, one = summary(train(2.0), threshold=2.0), summary(train(1.0), threshold=1.0)
    assert two["non_finite_at"] is None and two["above_threshold"] == 383 and round(two["final_loss"], 2) == 0.23
    assert one["non_finite_at"] is None and one["above_threshold"] == 499 and round(one["final_loss"], 2) == 0.15
    five = summary(train(THRESHOLD))["final_loss"]
    assert one["final_loss"] < two["final_loss"] < five  # "lower losses"; the threshold of 1 "did best here"


def test_clip_grad_norm_cannot_repair_non_finite_gradients():
    a, b = torch.nn.Parameter(torch.zeros(3)), torch.nn.Parameter(torch.zeros(3))
    a.grad, b.grad = torch.tensor([1.0, math.nan, 2.0]), torch.tensor([1.0, 2.0, 3.0])
    assert math.isnan(clip_grad_norm_([a, b], 1.0).item())
    assert torch.isnan(a.grad).all() and torch.isnan(b.grad).all()  # every gradient becomes NaN
    a.grad, b.grad = torch.tensor([2e19, 1.0, 2.0]), torch.tensor([1.0, 2.0, 3.0])  # finite, norm > 1.8e19
    assert math.isinf(clip_grad_norm_([a, b], 1.0).item())
    assert (a.grad == 0).all() and (b.grad == 0).all()  # every finite gradient multiplied by zero
    a.grad = torch.tensor([1.0, math.nan, 2.0])
    with pytest.raises(RuntimeError, match="non-finite"):
        clip_grad_norm_([a, b], 1.0, error_if_nonfinite=True)
