"""Each measurable sentence of docs/vanishing-gradient.md (and its notebook), asserted."""

import math

import pytest
import torch

from gradprobe.experiments.vanishing_gradient import ratio_by_depth, sigmoid_vs_relu


@pytest.fixture(scope="module")
def reports():
    return sigmoid_vs_relu(depth=15)


def test_sigmoid_derivative_is_at_most_a_quarter_reached_at_zero():
    z = torch.linspace(-10, 10, 20001, requires_grad=True)
    torch.sigmoid(z).sum().backward()
    assert z.grad.max().item() == pytest.approx(0.25)
    assert z[z.grad.argmax()].item() == pytest.approx(0.0, abs=1e-3)
    assert z.grad[z.abs() > 8].max().item() < 1e-3  # "close to zero once the unit saturates"


def test_sigmoid_every_layer_passes_back_only_a_fraction(reports):
    norms = reports["sigmoid"].norms
    assert all(a < b for a, b in zip(norms, norms[1:]))


def test_sigmoid_first_layer_is_more_than_ten_orders_below_the_head(reports):
    assert reports["sigmoid"].ratio < 1e-10
    assert reports["sigmoid"].verdict == "vanishing"


def test_relu_he_first_and_last_within_a_factor_of_one_hundred(reports):
    assert 1e-2 < reports["relu"].ratio < 1e2
    assert reports["relu"].verdict == "healthy"


def test_gap_is_exponential_in_depth_and_relu_stays_level():
    depths = (2, 5, 10, 15, 20)
    ratios = ratio_by_depth(depths)
    per_block = [math.log10(r) / d for r, d in zip(ratios["sigmoid"][1:], depths[1:])]
    assert all(a > b for a, b in zip(ratios["sigmoid"], ratios["sigmoid"][1:]))
    assert max(per_block) - min(per_block) < 0.35 * abs(sum(per_block) / len(per_block))  # constant factor per block
    assert all(1e-2 < r < 1e2 for r in ratios["relu"])  # notebook: "within two orders of magnitude at every depth"
