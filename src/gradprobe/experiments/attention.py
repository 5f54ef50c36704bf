"""Gradients in Transformers at initialization: layer norm before or after the residual add, and path length.

A stack of ``nn.TransformerEncoderLayer`` (d_model 32, 4 heads, no dropout) with a linear head
reads random vectors; the loss is cross-entropy against random labels at every position. The
per-layer gradient norms come from gradprobe: the feed-forward output layer W2 (``linear2``) of each
encoder layer, the parameters Xiong et al. (2020) analyse, so post-LN and pre-LN are measured on the
same parameters (their LayerNorms sit in different places and are left out).
"""

from __future__ import annotations

import statistics
from functools import cache

import torch
from torch import nn

from ..measure import grad_norms
from ..sequences import step_grad_norms
from .recurrent_networks import median_over_seeds
from .threads import single_threaded

SEEDS = (0, 1, 2, 3, 4)
D_MODEL = 32
CLASSES = 10


# --8<-- [start:model]
class EncoderStack(nn.Module):
    """``depth`` encoder layers, a final LayerNorm for pre-LN (as in Xiong et al.), a linear head."""

    def __init__(self, depth: int, norm_first: bool, d_model: int = D_MODEL, out_features: int = CLASSES) -> None:
        super().__init__()
        # Built one by one: nn.TransformerEncoder deep-copies a single layer, so all would start equal.
        self.layers = nn.ModuleList(
            nn.TransformerEncoderLayer(
                d_model, nhead=4, dim_feedforward=2 * d_model, dropout=0.0, batch_first=True, norm_first=norm_first
            )
            for _ in range(depth)
        )
        self.norm = nn.LayerNorm(d_model) if norm_first else nn.Identity()
        self.head = nn.Linear(d_model, out_features)

    def forward(self, x: torch.Tensor, causal: bool = False) -> torch.Tensor:
        mask = nn.Transformer.generate_square_subsequent_mask(x.shape[1], dtype=x.dtype) if causal else None
        for layer in self.layers:
            x = layer(x, src_mask=mask, is_causal=causal)
        return self.head(self.norm(x))


# --8<-- [end:model]


# --8<-- [start:measure]
@cache  # tests and figures in one process share the runs
@single_threaded  # a tiny model: faster on one CPU thread, and independent of the core count
def ffn_grad_norms(norm_first: bool, depth: int = 12, seed: int = 0) -> tuple[float, ...]:
    """Gradient norm of each encoder layer's W2 (``linear2``: weight and bias) after one backward pass."""
    torch.manual_seed(seed)
    model = EncoderStack(depth, norm_first)
    x = torch.randn(8, 32, D_MODEL)  # (batch, positions, d_model)
    y = torch.randint(CLASSES, (8, 32))
    loss = nn.functional.cross_entropy(model(x).flatten(0, 1), y.flatten())
    loss.backward()
    report = grad_norms(model)  # layers.0.self_attn, layers.0.linear1, layers.0.linear2, ..., head
    norms = dict(report.measured)
    return tuple(norms[f"layers.{i}.linear2"] for i in range(depth))  # the same parameters in both placements


# --8<-- [end:measure]


def encoder_norms(norm_first: bool, depth: int = 12, seeds: tuple[int, ...] = SEEDS) -> list[float]:
    """Median over seeds of the gradient norm of each encoder layer's W2."""
    runs = [ffn_grad_norms(norm_first, depth, seed) for seed in seeds]
    return [statistics.median(values) for values in zip(*runs)]


def post_vs_pre(depth: int = 12) -> dict[str, list[float]]:
    """The page's figure: per-layer gradient norms of W2, post-LN (original Transformer) and pre-LN."""
    return {"post": encoder_norms(False, depth), "pre": encoder_norms(True, depth)}


def last_layer_by_depth(depths: tuple[int, ...] = (1, 2, 4, 8, 12, 24)) -> dict[str, list[float]]:
    """Gradient norm of the last encoder layer's W2 (median over seeds) against the number of layers."""
    depths = tuple(depths)
    return {"post": [encoder_norms(False, d)[-1] for d in depths], "pre": [encoder_norms(True, d)[-1] for d in depths]}


# --8<-- [start:positions]
@cache
@single_threaded
def position_gradients(seed: int = 0, length: int = 100, depth: int = 2) -> tuple[float, ...]:
    """Norm of d(loss)/d(input at position t), t = 1..length, when the loss reads the last position only.

    The stack is pre-LN and causal (each position attends to itself and the ones before it),
    so, like the RNN it is compared with, no position sees the future.
    """
    torch.manual_seed(seed)
    model = EncoderStack(depth, norm_first=True, out_features=1)
    x = torch.randn(16, length, D_MODEL, requires_grad=True)
    y = torch.randn(16, 1)
    loss = nn.functional.mse_loss(model(x, causal=True)[:, -1], y)
    loss.backward()
    return tuple(step_grad_norms(x))


# --8<-- [end:positions]


def transformer_vs_rnn(length: int = 100) -> dict[str, list[float]]:
    """Median per-position gradient norms of the causal Transformer and of the tanh RNN."""
    runs = [position_gradients(seed, length) for seed in SEEDS]
    return {
        "transformer": [statistics.median(values) for values in zip(*runs)],
        "rnn": median_over_seeds("rnn", length=length),
    }


@cache
@single_threaded
def residual_stream_scale(norm_first: bool, depth: int, seed: int = 0) -> float:
    """Standard deviation of the residual stream after ``depth`` layers, relative to the input's."""
    torch.manual_seed(seed)
    model = EncoderStack(depth, norm_first)
    x = torch.randn(8, 32, D_MODEL)
    with torch.no_grad():
        h = x
        for layer in model.layers:
            h = layer(h)
    return (h.std() / x.std()).item()


@single_threaded
def last_position_attention(seed: int = 0, length: int = 100) -> torch.Tensor:
    """Attention weights of the last position over all positions, first layer of ``position_gradients``'s stack."""
    torch.manual_seed(seed)  # the same model and input as position_gradients
    model = EncoderStack(2, norm_first=True, out_features=1)
    x = torch.randn(16, length, D_MODEL)
    layer = model.layers[0]
    assert isinstance(layer, nn.TransformerEncoderLayer)  # an nn.ModuleList's items are typed Module
    mask = nn.Transformer.generate_square_subsequent_mask(length)
    with torch.no_grad():
        normed = layer.norm1(x)
        _, weights = layer.self_attn(normed, normed, normed, attn_mask=mask, need_weights=True)
    return weights[:, -1]  # (batch, length), averaged over heads
