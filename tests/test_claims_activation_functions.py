"""Each measurable sentence of docs/activation-functions.md, asserted."""

import math

import pytest
import torch

from gradprobe.experiments.activation_functions import (
    FINE_GRID,
    NAMES,
    SEEDS,
    curves,
    derivatives,
    dying_median,
    dying_units,
    gradient_by_activation,
    saturation,
)


@pytest.fixture(scope="module")
def rows():
    return saturation()


@pytest.fixture(scope="module")
def reports():
    return gradient_by_activation(depth=15)


def test_the_grid_has_12001_points_on_minus_6_to_6():
    assert len(FINE_GRID) == 12001
    assert FINE_GRID[0].item() == -6 and FINE_GRID[-1].item() == 6


def test_sigmoid_slope_peaks_at_a_quarter_at_zero_and_is_0_0025_at_six(rows):
    r = rows["sigmoid"]
    assert r["slope_at_0"] == pytest.approx(0.25, abs=1e-12)
    assert r["max_slope"] == pytest.approx(0.25, abs=1e-12)
    assert abs(r["argmax_slope"]) < 1e-3
    assert round(r["min_slope"], 4) == 0.0025  # at |x| = 6, the edge of the range


def test_tanh_slope_peaks_at_one_four_times_the_sigmoid(rows):
    assert rows["tanh"]["slope_at_0"] == pytest.approx(1.0, abs=1e-12)
    assert rows["tanh"]["max_slope"] == pytest.approx(4 * rows["sigmoid"]["max_slope"])


def test_saturation_edges_match_the_closed_forms(rows):
    sigmoid, tanh = rows["sigmoid"], rows["tanh"]
    assert sigmoid["right"] == pytest.approx(2 * math.acosh(5), abs=2e-3)  # cosh(z/2) > 5
    assert sigmoid["left"] == pytest.approx(-2 * math.acosh(5), abs=2e-3)
    assert tanh["right"] == pytest.approx(math.acosh(10), abs=2e-3)  # cosh z > 10
    assert tanh["left"] == pytest.approx(-math.acosh(10), abs=2e-3)
    assert round(sigmoid["right"], 2) == 4.58 and round(2 * math.acosh(5), 2) == 4.58
    assert round(tanh["right"], 2) == 2.99 and round(math.acosh(10), 2) == 2.99
    assert tanh["right"] < sigmoid["right"]  # "saturates sooner"


def test_relu_slope_is_one_for_positive_and_exactly_zero_for_the_rest_leaky_never_below_0_01(rows):
    slopes = derivatives(FINE_GRID.tolist())
    relu, leaky = torch.tensor(slopes["relu"]), torch.tensor(slopes["leaky_relu"])
    positive = FINE_GRID > 0
    assert torch.all(relu[positive] == 1) and torch.all(relu[~positive] == 0)  # PyTorch: 0 at x = 0 too
    assert rows["relu"]["slope_at_0"] == 0.0
    assert torch.allclose(leaky[~positive], torch.tensor(0.01)) and torch.all(leaky[positive] == 1)
    assert rows["leaky_relu"]["min_slope"] == pytest.approx(0.01)
    assert math.isnan(rows["leaky_relu"]["left"]) and math.isnan(rows["leaky_relu"]["right"])
    assert math.isnan(rows["relu"]["right"]) and abs(rows["relu"]["left"]) < 1e-2  # "x < 0"


def test_gelu_slope_exceeds_one_at_sqrt2_and_dips_to_minus_0_129(rows):
    g = rows["gelu"]
    assert g["slope_at_0"] == pytest.approx(0.5, abs=1e-12)
    assert round(g["max_slope"], 3) == 1.129
    assert g["argmax_slope"] == pytest.approx(math.sqrt(2), abs=1e-3)
    assert round(g["min_slope"], 3) == -0.129
    assert all(rows[name]["max_slope"] <= 1 + 1e-12 for name in NAMES if name != "gelu")  # "the only one"


def test_gelu_is_the_only_non_monotonic_one_with_a_minimum_of_minus_0_170_at_minus_0_75(rows):
    g = rows["gelu"]
    assert round(g["min_value"], 3) == -0.170
    assert g["argmin_value"] == pytest.approx(-0.752, abs=2e-3)
    slopes = torch.tensor(derivatives(FINE_GRID.tolist())["gelu"])
    assert torch.all(slopes[FINE_GRID < -0.76] < 0) and torch.all(slopes[FINE_GRID > -0.75] > 0)
    assert all(rows[name]["min_slope"] >= 0 for name in NAMES if name != "gelu")
    assert round(g["left"], 2) == -3.07 and math.isnan(g["right"])  # saturates on the left only


def test_figure_data_agree_with_the_formulas():
    x = [-2.0, -0.5, 0.5, 3.0]
    values, slopes = curves(x), derivatives(x)
    t = torch.tensor(x, dtype=torch.float64)
    normal = torch.distributions.Normal(torch.tensor(0.0, dtype=torch.float64), 1.0)
    expected = {
        "sigmoid": (torch.sigmoid(t), torch.sigmoid(t) * (1 - torch.sigmoid(t))),
        "tanh": (torch.tanh(t), 1 / torch.cosh(t) ** 2),
        "gelu": (t * normal.cdf(t), normal.cdf(t) + t * normal.log_prob(t).exp()),
    }
    for name, (value, slope) in expected.items():
        assert values[name] == pytest.approx(value.tolist(), abs=1e-9), name
        assert slopes[name] == pytest.approx(slope.tolist(), abs=1e-9), name


def test_only_the_sigmoid_network_vanishes_by_5e_9_about_3_6_per_block(reports):
    sigmoid = reports["sigmoid"]
    assert sigmoid.verdict == "vanishing"
    assert round(sigmoid.ratio / 1e-9) == 5  # "5 x 10^-9"
    per_block = sigmoid.ratio ** (-1 / 15)  # 15 steps from blocks.0 to the head
    assert round(per_block, 1) == 3.6  # "about 3.6 per block"
    assert per_block > math.sqrt(8)  # above the bound 1/sqrt(8) per block
    for name in ("tanh", "relu", "leaky_relu", "gelu"):
        assert reports[name].verdict == "healthy", name
        assert 0.09 < reports[name].ratio < 1, name  # "within a factor of about ten"


@pytest.mark.parametrize("seed", SEEDS)
def test_every_inactive_relu_unit_gets_exactly_zero_gradient_and_leaky_units_never_do(seed):
    relu, leaky = dying_units("relu", 0.03, seed), dying_units("leaky_relu", 0.03, seed)
    assert relu["zero_grad"] == relu["inactive"] and relu["zero_grad_of_inactive"] == 1.0
    assert relu["inactive"] > 0.3 and leaky["inactive"] > 0.2  # every seed, not just the median
    assert leaky["zero_grad"] == 0.0


def test_dying_relu_table():
    low, high = dying_median("relu", 0.001), dying_median("relu", 0.03)
    assert round(low["inactive"], 3) == 0.035 and round(high["inactive"], 3) == 0.375
    assert round(high["still_inactive"], 2) == 0.89
    assert 1 / 10 < 1 - high["still_inactive"] < 1 / 8  # "about one in nine" came back
    leaky = dying_median("leaky_relu", 0.03)
    assert round(leaky["inactive"], 3) == 0.363  # "a similar share, 36.3%"
    assert abs(leaky["inactive"] - high["inactive"]) < 0.05
    assert 0.22 < 1 - leaky["still_inactive"] < 0.3  # "about one in four"
