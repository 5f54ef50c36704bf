"""Each measurable sentence of docs/backpropagation.md, asserted."""

import inspect
import math

import pytest
import torch

from gradprobe.experiments.backpropagation import (
    CHAINS,
    DEPTH,
    chain_factors,
    chain_output_gradient,
    chain_parameters,
    chain_products,
    forward,
    gradients_by_autograd,
    gradients_by_differences,
    gradients_by_hand,
    max_abs_difference,
    running_products,
    tiny_network,
)


@pytest.fixture(scope="module")
def grads():
    params, x, y = tiny_network()
    return {
        "hand": gradients_by_hand(params, x, y),
        "autograd": gradients_by_autograd(params, x, y),
        "differences": gradients_by_differences(params, x, y),
    }


def test_tiny_network_shape_and_parameter_count():
    params, x, _y = tiny_network()
    assert params["W1"].shape == (2, 2) and params["W2"].shape == (1, 2)  # 2 inputs, 2 hidden, 1 output
    assert sum(p.numel() for p in params.values()) == 9  # "18 [forward passes] for 9 parameters"
    assert x.tolist() == [1.0, 2.0]  # "the input is x = (1, 2)"


def test_hand_written_gradients_match_autograd_to_the_last_bit(grads):
    assert max_abs_difference(grads["hand"], grads["autograd"]) < 1e-12
    assert max_abs_difference(grads["hand"], grads["autograd"]) == 0.0  # the output prints 0.0e+00


def test_finite_differences_agree_to_3e_10_the_rounding_limit(grads):
    params, x, y = tiny_network()
    difference = max_abs_difference(grads["hand"], grads["differences"])
    assert f"{difference:.0e}" == "3e-10"
    eps = inspect.signature(gradients_by_differences).parameters["eps"].default
    assert eps == 1e-6
    rounding = 2 * torch.finfo(torch.float64).eps * forward(params, x, y).item() / (2 * eps)
    assert rounding / 3 < difference < 3 * rounding  # "about the rounding error ... divided by 2 eps"


def test_gradient_of_w1_is_delta_times_x_transposed(grads):
    w1, b1 = grads["hand"]["W1"], grads["hand"]["b1"]
    assert torch.equal(w1[:, 1], 2 * w1[:, 0])  # "exactly twice the first"
    assert torch.equal(b1, w1[:, 0])


def test_tanh_derivative_is_one_minus_tanh_squared():
    z = torch.linspace(-4, 4, 801, dtype=torch.float64, requires_grad=True)
    torch.tanh(z).sum().backward()
    assert torch.allclose(z.grad, 1 - torch.tanh(z.detach()) ** 2, rtol=0, atol=1e-15)


def test_chains_are_set_up_as_described():
    assert DEPTH == 30
    assert CHAINS["sigmoid"] == ("sigmoid", (0.5, 1.5), (-0.5, 0.5))
    assert CHAINS["relu"] == ("relu", (1.0, 1.6), (0.0, 0.0))
    _, w, b = chain_parameters("relu")
    assert torch.all(w > 0) and torch.all(b == 0)  # positive input, no biases: every unit stays active


def test_sigmoid_factors_are_at_most_a_quarter_of_their_weight_and_between_015_and_033():
    _, w, _ = chain_parameters("sigmoid")
    factors = chain_factors("sigmoid")
    assert all(f <= wk / 4 for f, wk in zip(factors, w.tolist()))
    assert (round(min(factors), 2), round(max(factors), 2)) == (0.15, 0.33)


def test_relu_factors_are_the_weights_between_107_and_158():
    _, w, _ = chain_parameters("relu")
    factors = chain_factors("relu")
    assert factors == tuple(w.tolist())
    assert (round(min(factors), 2), round(max(factors), 2)) == (1.07, 1.58)


def test_products_after_30_layers():
    series = chain_products(DEPTH)
    sigmoid, relu = series["sigmoid_product"][-1], series["relu_product"][-1]
    assert f"{sigmoid:.1e}" == "3.6e-21"
    assert round(-math.log10(sigmoid) / DEPTH, 1) == 0.7  # "about 0.7 orders of magnitude lost per layer"
    assert f"{relu:.1e}" == "2.2e+03"
    # "on the figure's scale [the factors] all sit near the dotted line at 1": within one order of magnitude
    assert all(0.1 < f < 10 for key in ("sigmoid_factor", "relu_factor") for f in series[key])


def test_products_are_close_to_straight_lines_on_a_log_scale():
    for label in CHAINS:
        logs = [math.log10(p) for p in chain_products(DEPTH)[f"{label}_product"]]
        slope = (logs[-1] - logs[0]) / (len(logs) - 1)
        assert max(abs(v - (logs[0] + slope * m)) for m, v in enumerate(logs)) < 1.0, label


def test_running_products_equal_autograd_derivatives():
    for label in CHAINS:
        products = running_products(chain_factors(label))
        by_autograd = chain_output_gradient(label)
        assert products == pytest.approx(by_autograd, rel=1e-12, abs=0), label
