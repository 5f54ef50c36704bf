"""Each measurable sentence of docs/weight-initialization.md, asserted."""

import itertools
import math

import pytest
import torch
from pages import figure_args

from gradprobe.experiments.weight_initialization import (
    RELU_NET,
    SIGMOID_NET,
    TANH_NET,
    clusters,
    first_layer_gradient_share,
    layer_statistics,
    per_layer_factor,
    relu_statistics,
    sigmoid_training,
    tanh_variances,
    weight_gradient_report,
)
from gradprobe.experiments.weight_initialization_orthogonal import DEPTHS, WIDTH, by_depth, singular_values
from gradprobe.experiments.weight_initialization_orthogonal import weights as orthogonal_weights
from gradprobe.models import mlp


@pytest.fixture(scope="module")
def tanh():
    return {init: layer_statistics(init=init, **TANH_NET) for init in ("standard", "default", "xavier")}


@pytest.fixture(scope="module")
def relu():
    return {init: layer_statistics(init=init, **RELU_NET) for init in ("default", "xavier", "he", "standard")}


@pytest.fixture(scope="module")
def run():
    return sigmoid_training(steps=6000)


def factor(values) -> float:
    return per_layer_factor(values)


def test_the_standard_rule_gives_n_var_w_of_one_third():
    torch.manual_seed(0)
    n = 1000
    weight = mlp(1, 1000, n, 1, "tanh", "standard").blocks[0].linear.weight
    assert n * weight.var().item() == pytest.approx(1 / 3, rel=0.02)


def test_networks_are_the_ones_described():
    assert TANH_NET == {"activation": "tanh", "depth": 5, "width": 1000, "inputs": 1024}
    assert RELU_NET == {"activation": "relu", "depth": 30, "width": 256, "inputs": 256}
    assert SIGMOID_NET == {"depth": 4, "width": 128, "inputs": 64, "lr": 0.5, "batch": 10}


def test_standard_init_tanh_activations_shrink_0_31_per_layer_from_0_32_to_0_0030(tanh):
    act = tanh["standard"]["activation"]
    assert round(factor(act), 2) == 0.31 and abs(factor(act) - 1 / 3) < 0.03  # "close to 1/3"
    assert round(act[0], 2) == 0.32 and round(act[-1], 4) == 0.0030
    assert all(a > b for a, b in itertools.pairwise(act))


def test_standard_init_gradient_shrinks_3_7_per_layer_and_layer_one_gets_1_195(tanh):
    grad = tanh["standard"]["preactivation_grad"]
    assert round(factor(grad), 1) == 3.7
    assert round(grad[-1] / grad[0]) == 195
    assert all(a < b for a, b in itertools.pairwise(grad))


def test_standard_init_weight_gradients_are_level_and_grad_norms_says_healthy(tanh):
    assert round(factor(tanh["standard"]["weight_grad"]), 2) == 0.99
    spread = tanh["standard"]["weight_grad"]
    assert max(spread) / min(spread) < 1.15
    for init in ("standard", "default", "xavier"):
        assert weight_gradient_report(init=init, **TANH_NET).verdict == "healthy", init


def test_pytorch_default_measures_like_the_standard_rule_within_a_few_percent(tanh):
    for key in ("activation", "preactivation_grad", "weight_grad"):
        standard, default = factor(tanh["standard"][key]), factor(tanh["default"][key])
        assert abs(default / standard - 1) < 0.05, key


def test_xavier_factors_0_68_and_1_75_and_layer_one_gets_a_ninth(tanh):
    act, grad = tanh["xavier"]["activation"], tanh["xavier"]["preactivation_grad"]
    assert round(factor(act), 2) == 0.68 and round(factor(grad), 2) == 1.75
    assert round(act[0], 2) == 0.52 and round(act[-1], 2) == 0.11
    assert 8.5 < grad[-1] / grad[0] < 10  # "1/9"
    assert factor(act) < 1 and factor(grad) > 1  # "not exactly level": each layer still loses a little


def test_the_inputs_have_variance_2():
    x, _ = clusters(256, TANH_NET["inputs"])
    assert round(x.var().item(), 1) == 2.0
    assert layer_statistics(init="xavier", input_variance=2.0, **TANH_NET) == layer_statistics(
        init="xavier", **TANH_NET
    )


def test_xavier_result_depends_on_the_input_variance():
    variances = [0.25, 0.5, 1.0, 2.0]
    xavier = [1 / s for s in first_layer_gradient_share("xavier", variances)]
    assert [round(v, 1) for v in (xavier[0], xavier[2], xavier[3])] == [2.7, 6.0, 9.3]
    assert all(a < b for a, b in itertools.pairwise(xavier))  # larger inputs, more lost per layer
    standard = [1 / s for s in first_layer_gradient_share("standard", variances)]
    assert round(standard[0]) == 101 and round(standard[-1]) == 195
    assert all(s > 10 * x for s, x in zip(standard, xavier))  # "far closer to level at every input scale"


def test_tanh_figure_shows_what_the_page_says_and_what_a_fresh_run_gives(tanh):
    series = tanh_variances(**figure_args("weight-initialization-variance"))  # as the figure is drawn
    gradient, activation = series["standard_gradient"], series["xavier_activation"]
    assert round(gradient[-1] / gradient[0]) == 195 and round(factor(activation), 2) == 0.68
    fresh = layer_statistics.__wrapped__(init="standard", **TANH_NET)  # computed again, not read from the cache
    assert gradient == pytest.approx(fresh["preactivation_grad"], rel=1e-12)


def test_he_keeps_both_directions_level(relu):
    assert round(factor(relu["he"]["activation"]), 2) == 0.99
    assert round(factor(relu["he"]["preactivation_grad"]), 2) == 1.01


def test_xavier_halves_both_directions_per_relu_layer(relu):
    act, grad = relu["xavier"]["activation"], relu["xavier"]["preactivation_grad"]
    assert round(factor(act), 2) == 0.50 and round(factor(grad), 2) == 2.01
    assert round(act[0], 2) == 0.68 and 0.5e-9 < act[-1] < 1.5e-9  # "from 0.68 to 10^-9"
    assert round(grad[0] / grad[-1] / 1e-9) == 2  # "about 2 x 10^-9"
    assert grad[0] / grad[-1] == pytest.approx(2**-29, rel=0.15)  # a factor of 2 over each of 29 steps


def test_pytorch_default_loses_22_orders_and_activations_level_off_on_the_bias(relu):
    grad, act = relu["default"]["preactivation_grad"], relu["default"]["activation"]
    assert round(factor(grad), 1) == 5.9 and abs(factor(grad) - 6) < 0.3  # theory 1/2 * 1/3
    assert 22 <= math.log10(grad[-1] / grad[0]) < 23
    assert 300 < act[0] / min(act) < 700  # "several hundred"
    assert all(abs(a - 5e-4) < 2e-4 for a in act[7:])  # "near 5 x 10^-4" from layer 8 on
    assert relu["standard"]["activation"][-1] < 1e-20  # zero biases: they keep falling


def test_relu_figures_show_every_layer_as_the_page_says(relu):
    args = figure_args("weight-initialization-relu-gradients")
    assert args["layers"] == list(range(1, len(relu["he"]["preactivation_grad"]) + 1))  # every hidden layer
    figure = relu_statistics(**args)
    assert round(factor(figure["he"]), 2) == 1.01 and round(factor(figure["xavier"]), 2) == 2.01
    with pytest.raises(ValueError, match="hidden layers are numbered 1 to 30"):
        relu_statistics("activation", [0])


def test_sigmoid_top_layer_saturates_within_500_steps_while_accuracy_stays_at_chance(run):
    top = run["layer4"]  # records every 100 steps
    assert round(top[0], 2) == 0.50
    assert round(top[5], 3) == 0.031 and round(top[20], 3) == 0.016
    assert all(0.05 < a < 0.15 for a in run["accuracy"][:21])  # chance for ten classes, to step 2000
    assert round(max(run["layer3"][:31]), 2) == 0.77


def test_sigmoid_top_layer_climbs_out_around_step_3000_and_learning_starts(run):
    top, accuracy = run["layer4"], run["accuracy"]
    assert top[25] < 0.03 < 0.05 < top[30]
    assert [round(accuracy[i], 2) for i in (30, 40, 50, 60)] == [0.21, 0.49, 0.93, 0.99]
    assert round(top[60], 2) == 0.20


def test_another_seed_tells_the_same_story():
    other = sigmoid_training(steps=6000, seed=1)
    assert all(t < 0.05 for t in other["layer4"][5:21])
    assert all(a < 0.15 for a in other["accuracy"][:21]) and other["accuracy"][-1] > 0.8


def test_pytorch_facts_quoted_in_the_advice():
    assert torch.nn.init.calculate_gain("tanh") == pytest.approx(5 / 3)
    torch.manual_seed(0)
    conv = torch.nn.Conv2d(64, 64, 3)
    assert conv.weight.abs().max().item() <= 1 / math.sqrt(64 * 9)
    assert conv.weight.var().item() == pytest.approx(1 / (3 * 64 * 9), rel=0.05)


# "Orthogonal initialization and dynamical isometry": depths 10 and 100, width 64.
@pytest.fixture(scope="module")
def isometry():
    assert DEPTHS == (10, 100) and WIDTH == 64
    return by_depth(DEPTHS)


def test_gaussian_and_orthogonal_weights_both_have_variance_one_over_n():
    g = torch.Generator().manual_seed(0)
    for kind in ("gaussian", "orthogonal"):
        w = torch.stack(orthogonal_weights(kind, 128, 4, g))
        assert 128 * w.var().item() == pytest.approx(1, rel=0.03), kind


def test_linear_gaussian_keeps_the_mean_but_has_14_percent_then_none_within_two(isometry):
    ten, hundred = isometry["linear gaussian"]
    assert 0.8 < ten["rms"] < 1.25  # "mean squared singular value near 1"
    assert round(100 * ten["within_two"]) == 14 and hundred["within_two"] == 0.0


def test_linear_orthogonal_is_an_exact_isometry_at_any_depth(isometry):
    for depth in isometry["linear orthogonal"]:
        assert depth["within_two"] == 1.0
    for depth in DEPTHS:  # "all are exactly 1"
        assert torch.allclose(singular_values("linear", "orthogonal", depth), torch.ones(WIDTH, dtype=torch.float64))


def test_tanh_gaussian_spreads_like_the_linear_one(isometry):
    ten, hundred = isometry["tanh gaussian"]
    assert round(100 * ten["within_two"]) == 14 and hundred["within_two"] == 0.0


def test_tanh_orthogonal_keeps_59_and_52_percent_within_two(isometry):
    ten, hundred = isometry["tanh orthogonal"]
    assert round(100 * ten["within_two"]) == 59 and round(100 * hundred["within_two"]) == 52


def test_tanh_rms_still_shrinks_to_0_10_and_0_069_at_depth_100(isometry):
    assert round(isometry["tanh gaussian"][1]["rms"], 2) == 0.10
    assert round(isometry["tanh orthogonal"][1]["rms"], 3) == 0.069
    for key in ("tanh gaussian", "tanh orthogonal"):
        assert isometry[key][1]["rms"] < isometry[key][0]["rms"] < 1


def test_orthogonal_experiment_rejects_unknown_choices():
    with pytest.raises(ValueError, match="unknown net 'relu'"):
        singular_values("relu", "orthogonal", 2)
    with pytest.raises(ValueError, match="unknown weights 'uniform'"):
        singular_values("tanh", "uniform", 2)
