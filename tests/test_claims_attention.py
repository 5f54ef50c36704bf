"""Each measurable sentence of docs/attention.md, asserted."""

import math
import statistics
import warnings

import pytest
import torch
from torch import nn

from gradprobe.experiments.attention import (
    SEEDS, EncoderStack, last_layer_by_depth, last_position_attention, layer_grad_norms, post_vs_pre,
    residual_stream_scale, transformer_vs_rnn,
)

DEPTHS = (1, 2, 4, 8, 12, 24)


@pytest.fixture(scope="module")
def profile():
    return post_vs_pre(depth=12)


@pytest.fixture(scope="module")
def by_depth():
    return last_layer_by_depth(DEPTHS)


@pytest.fixture(scope="module")
def paths():
    return transformer_vs_rnn(100)


def test_report_is_grouped_into_one_entry_per_encoder_layer():
    report = layer_grad_norms(True, 12, 0)
    assert report.layers == tuple(f"layers.{i}" for i in range(12)) + ("norm", "head")
    assert layer_grad_norms(False, 12, 0).layers[-1] == "head"  # post-LN: no final norm


def test_every_post_ln_layer_gets_more_than_pre_ln_and_the_gap_grows_to_the_output(profile):
    post, pre = profile["post"], profile["pre"]
    assert all(a > b for a, b in zip(post, pre))
    assert round(post[0] / pre[0], 2) == 1.12
    assert round(post[-1] / pre[-1], 2) == 1.75


def test_within_a_stack_post_ln_is_flat_and_pre_ln_falls_by_a_quarter(profile):
    post, pre = profile["post"], profile["pre"]
    assert 0.24 <= min(post) and max(post) <= 0.29
    assert max(post) / min(post) < 1.2  # "no steady rise toward the output"
    assert 0.7 < pre[-1] / pre[0] < 0.8  # "down by about a quarter"
    assert pre[0] > pre[-1]  # pre-LN's early layers get the larger gradients


def test_last_layer_gradient_against_depth(by_depth):
    post, pre = by_depth["post"], by_depth["pre"]
    assert round(post[0], 2) == 0.17 and round(post[-1], 2) == 0.52
    assert 2.8 < post[-1] / post[0] < 3.3  # "triples from 1 to 24 layers"
    assert all(0.15 <= v <= 0.22 for v in pre)  # pre-LN "stays between 0.15 and 0.22"
    ratios = [a / b for a, b in zip(post, pre)]
    assert round(ratios[0], 1) == 1.1 and round(ratios[-1], 1) == 3.0
    assert all(a < b for a, b in zip(ratios, ratios[1:]))  # "the gap widens with depth"
    assert pre[-1] >= 0.9 * pre[0]  # pre-LN's last-layer gradient does not shrink over 1 to 24 layers


def test_single_layers_vary_between_seeds_as_much_as_some_differences(profile):
    spread = [max(v) / min(v) for v in zip(*(layer_grad_norms(False, 12, s).norms[:12] for s in SEEDS))]
    assert min(spread) > profile["post"][0] / profile["pre"][0]


def test_pre_ln_residual_stream_doubles_over_24_layers_post_ln_stays_at_one():
    pre = statistics.median(residual_stream_scale(True, 24, s) for s in SEEDS)
    post = statistics.median(residual_stream_scale(False, 24, s) for s in SEEDS)
    assert 1.8 < pre < 2.2
    assert post == pytest.approx(1.0, abs=0.03)
    assert residual_stream_scale(True, 1, 0) < residual_stream_scale(True, 12, 0) < residual_stream_scale(True, 24, 0)  # grows with depth


def test_every_earlier_position_gets_about_one_percent_with_no_trend(paths):
    t = paths["transformer"]
    shares = [v / t[-1] for v in t[:-1]]
    assert 0.006 < min(shares) and max(shares) < 0.0125  # "between 0.6% and 1.2%"
    assert t[0] >= t[98]  # "position 1 gets no less than position 99"


def test_attention_at_initialization_is_almost_even():
    for seed in SEEDS:
        last = last_position_attention(seed, 100)  # the last position's weights over the 100 positions
        assert last.sum(-1).allclose(torch.ones(16))
        assert 0.003 <= last.min().item() and last.max().item() <= 0.03


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
