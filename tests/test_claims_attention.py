"""Each measurable sentence of docs/attention.md, asserted."""

import itertools
import math
import statistics
import warnings

import pytest
import torch
from pages import figure_args
from torch import nn

from gradprobe.experiments.attention import (
    SEEDS,
    EncoderStack,
    ffn_grad_norms,
    last_layer_by_depth,
    last_position_attention,
    post_vs_pre,
    residual_stream_scale,
    transformer_vs_rnn,
)
from gradprobe.experiments.attention_scaling import DIMENSIONS, LENGTH, QUERIES, SILENT, by_dimension
from gradprobe.experiments.attention_scaling import measure as measure_scaling

DEPTHS = tuple(figure_args("attention-depth")["depths"])


@pytest.fixture(scope="module")
def profile():
    return post_vs_pre(**figure_args("attention-norm-placement"))


@pytest.fixture(scope="module")
def by_depth():
    return last_layer_by_depth(DEPTHS)


@pytest.fixture(scope="module")
def paths():
    return transformer_vs_rnn(100)


def log_slope(values) -> float:
    """Fitted change of log(value) per layer."""
    return statistics.linear_regression(range(len(values)), [math.log(v) for v in values]).slope


@pytest.mark.parametrize("norm_first", [False, True])
def test_both_placements_are_measured_on_the_same_parameters(norm_first):
    torch.manual_seed(0)
    model = EncoderStack(12, norm_first)
    x, y = torch.randn(8, 32, 32), torch.randint(10, (8, 32))
    nn.functional.cross_entropy(model(x).flatten(0, 1), y.flatten()).backward()
    expected = [
        math.hypot(layer.linear2.weight.grad.norm().item(), layer.linear2.bias.grad.norm().item())
        for layer in model.layers
    ]  # W2 and its bias, nothing else: no LayerNorm on either side
    assert ffn_grad_norms(norm_first, 12, 0) == pytest.approx(expected, rel=1e-5)


def test_every_post_ln_w2_gets_at_least_as_much_as_pre_ln_and_the_gap_grows_to_the_output(profile):
    post, pre = profile["post"], profile["pre"]
    ratios = [a / b for a, b in zip(post, pre)]
    assert all(r >= 1 for r in ratios)
    assert round(ratios[0], 2) == 1.00 and round(ratios[-1], 2) == 1.44  # "from none ... to 1.44 times"
    assert statistics.correlation(range(12), ratios) > 0.95  # "grows steadily"


def test_within_a_stack_post_ln_is_level_and_pre_ln_falls_by_40_percent(profile):
    post, pre = profile["post"], profile["pre"]
    assert min(post) >= 0.14 and max(post) <= 0.19
    assert -0.03 < log_slope(post) <= 0  # "if anything, falls slightly": under 3% per layer
    assert log_slope(pre) < 2 * log_slope(post)  # "pre-LN falls faster"
    assert round(1 - pre[-1] / pre[0], 1) == 0.4  # "by about 40%"


def test_last_layer_gradient_against_depth(by_depth):
    post, pre = by_depth["post"], by_depth["pre"]
    assert round(post[0], 2) == 0.11 and round(post[-1], 2) == 0.27
    assert post[-1] > 2 * post[0]  # "more than doubles from 1 to 24 layers"
    assert all(0.10 <= v <= 0.15 for v in pre)  # pre-LN "stays between 0.10 and 0.15"
    ratios = [a / b for a, b in zip(post, pre)]
    assert round(ratios[0], 2) == 0.96 and round(ratios[-1], 1) == 2.7
    assert all(a < b for a, b in itertools.pairwise(ratios))  # "growing with every step in depth"


def test_pre_ln_shrinks_far_less_than_one_over_root_n(by_depth):
    pre = by_depth["pre"]
    theory = math.sqrt(DEPTHS[-1] / DEPTHS[0])  # Xiong et al.'s 1/sqrt(N), from 1 to 24 layers
    assert round(theory, 1) == 4.9
    assert 1 < pre[0] / pre[-1] < 1.5 < theory  # it shrinks, but by far less


def test_single_layers_vary_between_seeds_as_much_as_some_differences(profile):
    spread = [max(v) / min(v) for v in zip(*(ffn_grad_norms(False, 12, s) for s in SEEDS))]
    assert min(spread) > profile["post"][0] / profile["pre"][0]


def test_pre_ln_residual_stream_doubles_over_24_layers_post_ln_stays_at_one():
    pre = statistics.median(residual_stream_scale(True, 24, s) for s in SEEDS)
    post = statistics.median(residual_stream_scale(False, 24, s) for s in SEEDS)
    assert 1.8 < pre < 2.2
    assert post == pytest.approx(1.0, abs=0.03)
    assert (
        residual_stream_scale(True, 1, 0) < residual_stream_scale(True, 12, 0) < residual_stream_scale(True, 24, 0)
    )  # grows with depth


def test_every_earlier_position_gets_about_one_percent_with_no_trend(paths):
    t = paths["transformer"]
    shares = [v / t[-1] for v in t[:-1]]
    assert (round(100 * min(shares), 1), round(100 * max(shares), 1)) == (0.6, 1.2)  # "between 0.6% and 1.2%"
    assert t[0] >= t[98]  # "position 1 gets no less than position 99"


def test_attention_at_initialization_is_almost_even():
    for seed in SEEDS:
        last = last_position_attention(seed, 100)  # the last position's weights over the 100 positions
        assert last.sum(-1).allclose(torch.ones(16))
        assert last.min().item() >= 0.003 and last.max().item() <= 0.03


def test_rnn_falls_by_27_orders_over_the_same_distance(paths):
    assert 27 < math.log10(paths["rnn"][-1] / paths["rnn"][0]) < 28


def test_nn_transformer_encoder_starts_all_layers_identical():
    torch.manual_seed(0)
    layer = nn.TransformerEncoderLayer(32, 4, 64, dropout=0.0, batch_first=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the nested-tensor notice
        encoder = nn.TransformerEncoder(layer, num_layers=3)
    first, *rest = encoder.layers
    for other in rest:
        assert all(torch.equal(a, b) for a, b in zip(first.parameters(), other.parameters()))
    torch.manual_seed(0)
    ours = EncoderStack(3, norm_first=False)
    assert not torch.equal(ours.layers[0].linear1.weight, ours.layers[1].linear1.weight)


def test_norm_first_true_is_pre_ln():
    torch.manual_seed(0)
    layer = nn.TransformerEncoderLayer(32, 4, 64, dropout=0.0, batch_first=True, norm_first=True).eval()
    x = torch.randn(2, 5, 32)
    with torch.no_grad():
        attn = layer.self_attn(*(3 * [layer.norm1(x)]), need_weights=False)[0]
        h = x + attn
        expected = h + layer.linear2(layer.activation(layer.linear1(layer.norm2(h))))
        # the training-mode path, not the inference fast path
        assert torch.allclose(layer.train()(x), expected, atol=1e-6)


# "Scaled scores: why divide by the square root of the key size"
@pytest.fixture(scope="module")
def scaling():
    assert DIMENSIONS == (4, 16, 64, 256, 1024) and (LENGTH, QUERIES) == (32, 64)
    return by_dimension(DIMENSIONS)


def pick(runs: list[dict[str, float]], key: str) -> list[float]:
    return [run[key] for run in runs]


def test_dot_products_of_unit_variance_components_have_variance_d_k():
    g = torch.Generator().manual_seed(0)
    q, k = torch.randn(2, 4000, 256, generator=g, dtype=torch.float64)
    assert (q * k).sum(-1).var().item() == pytest.approx(256, rel=0.08)


def test_scaled_logits_keep_unit_spread_and_spread_attention(scaling):
    std, weight = pick(scaling["scaled"], "logit_std"), pick(scaling["scaled"], "max_weight")
    assert [round(min(std), 2), round(max(std), 2)] == [0.91, 1.01]
    assert [round(min(weight), 2), round(max(weight), 2)] == [0.14, 0.17]
    entropy = pick(scaling["scaled"], "entropy")
    assert [round(min(entropy), 2), round(max(entropy), 2)] == [2.99, 3.10] and round(math.log(LENGTH), 2) == 3.47


def test_unscaled_logits_follow_sqrt_d_k_and_the_softmax_closes_in_on_one_key(scaling):
    std = pick(scaling["unscaled"], "logit_std")
    assert round(std[0], 1) == 1.8 and round(std[-1]) == 32
    assert all(0.85 < s / math.sqrt(d) < 1.05 for s, d in zip(std, DIMENSIONS))
    weight, entropy = pick(scaling["unscaled"], "max_weight"), pick(scaling["unscaled"], "entropy")
    assert [round(weight[i], 2) for i in (0, 2, 4)] == [0.30, 0.78, 0.96]
    assert [round(entropy[i], 2) for i in (0, 2, 4)] == [2.41, 0.59, 0.11]


def test_unscaled_query_gradient_is_larger_but_comes_from_few_keys(scaling):
    unscaled, scaled = pick(scaling["unscaled"], "query_grad"), pick(scaling["scaled"], "query_grad")
    assert round(unscaled[0], 1) == 2.0 and round(unscaled[3]) == 16
    assert [round(min(scaled), 2), round(max(scaled), 2)] == [0.78, 1.08]
    silent = pick(scaling["unscaled"], "silent")
    assert [round(100 * silent[0], 2), round(100 * silent[2]), round(100 * silent[4], 1)] == [0.05, 55, 92.5]
    assert all(s == 0.0 for s in pick(scaling["scaled"], "silent")) and SILENT == 1e-6


def test_at_1024_the_logit_gradient_shrinks_as_a_whole(scaling):
    assert (
        round(scaling["unscaled"][-1]["logit_grad"], 3) == 0.073
        and round(scaling["scaled"][-1]["logit_grad"], 2) == 0.17
    )


def test_attention_scaling_rejects_a_bad_key_size():
    with pytest.raises(ValueError, match="d_k must be a positive integer, got 0"):
        measure_scaling(0, True)
