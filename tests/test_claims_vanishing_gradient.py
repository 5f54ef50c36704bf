"""Each measurable sentence of docs/vanishing-gradient.md (and its notebook), asserted."""

import math

import pytest
import torch

from gradprobe.experiments.vanishing_gradient import ratio_by_depth, sigmoid_vs_relu
from pages import figure_args, log_line


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
    depths = figure_args("vanishing-gradient-depth")["depths"]
    ratios = ratio_by_depth(depths)
    sigmoid, off_line = log_line(ratios["sigmoid"], depths)
    span = -math.log10(sigmoid) * (depths[-1] - depths[0])  # orders of magnitude the line falls
    assert sigmoid < 0.5 and off_line < 0.1 * span  # a constant factor per block: a straight line on a log scale
    relu, _ = log_line(ratios["relu"], depths)
    assert 0.9 < relu < 1.1  # level: under 10 % per block either way
    assert all(1e-2 < r < 1e2 for r in ratios["relu"])  # notebook: "within two orders of magnitude at every depth"
