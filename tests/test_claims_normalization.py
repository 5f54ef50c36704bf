"""Each measurable sentence of docs/normalization.md, asserted."""

import itertools
import math

import pytest
import torch
from pages import figure_args

from gradprobe.experiments.normalization import (
    DEPTH,
    NORMS,
    loss_by_step,
    measure,
    saturated_percent,
    saturation_by_scale,
    tanh_mlp,
)

SCALES = figure_args("normalization-saturation")["scales"]  # what the figure shows


@pytest.fixture(scope="module")
def default():
    return {norm: measure(norm, 1.0) for norm in NORMS}


@pytest.fixture(scope="module")
def large():
    return {norm: measure(norm, 4.0) for norm in NORMS}


@pytest.fixture(scope="module")
def losses():
    return loss_by_step(**figure_args("normalization-training"))


def per_block_factor(spread: tuple[float, ...]) -> float:
    return (spread[-1] / spread[0]) ** (1 / (len(spread) - 1))


def test_pytorch_defaults_quoted_on_the_page():
    bn, ln = torch.nn.BatchNorm1d(4), torch.nn.LayerNorm(4)
    assert bn.eps == ln.eps == 1e-5
    assert bn.momentum == 0.1
    for layer in (bn, ln):
        assert torch.equal(layer.weight, torch.ones(4)) and torch.equal(layer.bias, torch.zeros(4))


def test_batch_norm_cancels_a_positive_factor_on_the_weights():
    torch.manual_seed(0)
    bn, x, w = torch.nn.BatchNorm1d(8), torch.randn(64, 16), torch.randn(8, 16)
    assert torch.allclose(bn(x @ (3 * w).T), bn(x @ w.T), atol=1e-4)


def test_saturation_threshold_and_its_share_under_a_standard_normal():
    z = math.atanh(math.sqrt(1 - 0.1))  # tanh'(z) = 1 - tanh(z)^2 = 0.1
    assert round(z, 2) == 1.82
    assert round(100 * math.erfc(1.82 / math.sqrt(2)), 1) == 6.9


def test_without_normalization_first_block_gets_about_1e_minus_4_and_is_vanishing(default):
    report = default["none"].report
    assert report.verdict == "vanishing"
    assert 1e-4 < report.ratio < 2e-4  # "about 10^-4"
    assert -4 < math.log10(report.ratio) < -3.5  # "almost four orders of magnitude of decay"


def test_without_normalization_hardly_any_unit_saturates_and_the_spread_fades(default):
    m = default["none"]
    assert saturated_percent(m) < 0.05  # printed as 0.0%
    assert round(m.spread[0], 2) == 0.58
    assert 1.05e-5 <= m.spread[-1] < 1.15e-5
    assert round(per_block_factor(m.spread), 2) == 0.56
    assert all(a > b for a, b in zip(m.spread, m.spread[1:]))


def test_with_normalization_the_spread_stays_near_one_and_gradients_are_healthy(default):
    assert all(round(s, 2) == 1.00 for s in default["batch"].spread)
    assert round(min(default["layer"].spread), 2) == 0.79 and round(max(default["layer"].spread), 2) == 0.98
    assert round(default["batch"].report.ratio, 1) == 3.3
    assert round(default["layer"].report.ratio, 1) == 2.4
    assert all(default[n].report.verdict == "healthy" for n in ("batch", "layer"))


def test_with_normalization_the_gradient_grows_slowly_toward_the_input(default):
    for norm in ("batch", "layer"):
        norms = default[norm].report.norms
        assert 1 < norms[0] / norms[-1] < 5  # "a factor of a few over 20 blocks"
        assert max(norms) / min(norms) < 10


def test_saturated_shares_printed_for_the_normalized_networks(default, large):
    for runs in (default, large):
        assert round(saturated_percent(runs["batch"]), 1) == 6.6
        assert round(saturated_percent(runs["layer"]), 1) == 6.9


def test_large_weights_saturate_a_third_and_the_gradient_grows_toward_the_input(large):
    assert round(saturated_percent(large["none"])) == 32
    assert round(large["none"].report.ratio, 1) == 6.6
    assert large["none"].report.ratio > 1


def test_batch_norm_forward_pass_does_not_see_the_weight_scale(default, large):
    assert large["batch"].spread == pytest.approx(default["batch"].spread, abs=1e-4)
    assert saturated_percent(large["batch"]) == pytest.approx(saturated_percent(default["batch"]), abs=0.01)
    assert large["batch"].report.norms[-1] == pytest.approx(default["batch"].report.norms[-1], rel=1e-3)
    shrink = default["batch"].report.ratio / large["batch"].report.ratio
    assert 3.5 < shrink < 4.1  # "about four times smaller"
    assert round(large["batch"].report.ratio, 2) == 0.85


def test_weight_sweep_none_climbs_from_zero_to_two_thirds_normalized_stay_flat():
    shares = saturation_by_scale(SCALES, DEPTH)
    none = shares["none"]
    assert none[0] == 0.0 and round(none[-1], 1) == 66.5
    assert all(a <= b for a, b in itertools.pairwise(none))
    for norm in ("batch", "layer"):
        assert all(6.5 <= v <= 7.1 for v in shares[norm]), norm


def test_unnormalized_training_starts_at_the_target_variance_and_stalls(losses):
    _, _, y = tanh_mlp("none", 1.0, DEPTH, 0)
    variance = y.var(unbiased=False).item()
    assert round(variance, 2) == 1.21
    assert losses["none"][0] == pytest.approx(variance, abs=0.005)
    assert round(losses["none"][-1], 2) == 0.91


def test_the_unnormalized_output_is_a_constant_near_the_targets_mean():
    model, x, y = tanh_mlp("none", 1.0, DEPTH, 0)
    with torch.no_grad():
        out = model(x)
    assert round(out.std().item() * 1e6) == 6  # "the same output for every input (a spread of 6e-6)"
    assert round(out.mean().item(), 2) == 0.05 and round(y.mean().item(), 2) == 0.01
    constant_loss = ((out.mean() - y) ** 2).mean().item()  # variance + (constant - mean)^2
    assert constant_loss == pytest.approx(y.var(unbiased=False).item() + (out.mean() - y.mean()).item() ** 2)
    assert constant_loss > y.var(unbiased=False).item()  # exactly the variance only for the mean


def test_normalized_training_reaches_the_printed_losses(losses):
    assert 2.55e-4 <= losses["batch"][-1] < 2.65e-4
    assert 1.35e-3 <= losses["layer"][-1] < 1.45e-3
    assert losses["batch"][-1] < losses["layer"][-1] < losses["none"][-1] / 100
