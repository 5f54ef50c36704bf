"""Each measurable sentence of docs/vanishing-gradient.md (and its notebook), asserted."""

import itertools
import math

import pytest
import torch
from pages import figure_args, log_line

from gradprobe.experiments.vanishing_gradient import ratio_by_depth, sigmoid_vs_relu
from gradprobe.experiments.vanishing_gradient_adam import ADAM_EPS, epsilon_floor, summary, train


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
    assert all(a < b for a, b in itertools.pairwise(norms))


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


# "What Adam hides, and what it does not fix"
@pytest.fixture(scope="module")
def optimizers():
    return summary(activation="tanh", depth=20)


def test_adam_update_is_invariant_to_rescaling_the_gradient():
    updates = []
    for c in (1.0, 1e-4):
        p = torch.nn.Parameter(torch.zeros(3))
        opt = torch.optim.Adam([p], lr=1e-3, eps=ADAM_EPS)
        for g in (torch.tensor([0.5, -2.0, 1.0]), torch.tensor([0.1, -1.0, 3.0])):
            p.grad = c * g
            opt.step()
        updates.append(p.detach().clone())
    assert torch.allclose(updates[0], updates[1], rtol=1e-3)
    assert updates[0].abs().max().item() <= 2 * 1e-3 * 1.001  # two steps, each at most about lr


def test_tanh_mlp_first_layer_gets_1_2e_4_of_the_head(optimizers):
    assert f"{optimizers['sgd']['gradient_ratio']:.1e}" == "1.2e-04"


def test_sgd_update_follows_the_gradient_2_0e_6_against_2_9_percent(optimizers):
    sgd = optimizers["sgd"]
    assert f"{sgd['first_update']:.1e}" == "2.0e-06" and round(100 * sgd["last_update"], 1) == 2.9
    assert (
        0.1 < (sgd["first_update"] / sgd["last_update"]) / sgd["gradient_ratio"] < 10
    )  # same order as the gradient ratio


def test_adam_moves_the_first_layer_6_9_percent_and_the_head_2_6(optimizers):
    adam = optimizers["adam"]
    assert round(100 * adam["first_update"], 1) == 6.9 and round(100 * adam["last_update"], 1) == 2.6


def test_adam_first_layer_update_barely_moves_the_output(optimizers):
    adam = optimizers["adam"]
    assert f"{adam['first_effect']:.1e}" == "5.7e-05" and round(100 * adam["last_effect"]) == 13


def test_tanh_mlp_has_lost_the_input_at_the_last_hidden_layer(optimizers):
    assert f"{optimizers['adam']['input_spread']:.1e}" == "1.3e-04"


def test_adam_cannot_rescale_gradients_below_its_epsilon():
    floor = epsilon_floor(activation="sigmoid", depth=15)
    assert f"{floor['median_gradient']:.1e}" == "6.6e-16" and floor["median_gradient"] < floor["eps"] / 1e6
    assert f"{floor['first_update']:.1e}" == "5.6e-09" and round(100 * floor["last_update"], 1) == 1.2


def test_adam_experiment_rejects_an_unknown_optimizer():
    with pytest.raises(ValueError, match="unknown optimizer 'rmsprop'"):
        train("rmsprop")
