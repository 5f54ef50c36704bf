"""The 1/sqrt(d_k) in scaled dot-product attention, measured as a fix for softmax saturation.

Queries and keys have independent N(0, 1) components, the assumption of Vaswani et al.'s (2017)
footnote 4, so a dot product q.k has variance d_k. For each d_k, ``LENGTH`` keys and values and
``QUERIES`` queries are drawn in float64; the attention weights softmax(q k^T / s) are computed with
s = sqrt(d_k) (scaled) and s = 1 (unscaled), and the loss sum_i <g_i, y_i>, with y = softmax(.) V and
fixed random g, is back-propagated to the queries and keys.
"""

from __future__ import annotations

import math

import torch

from .grads import grad_of
from .threads import single_threaded

LENGTH, QUERIES, VALUE_DIM = 32, 64, 16
DIMENSIONS = (4, 16, 64, 256, 1024)
SILENT = 1e-6  # a logit whose gradient is below this gets, in effect, none


@single_threaded
def measure(d_k: int, scaled: bool, seed: int = 0) -> dict[str, float]:
    """Mean largest attention weight; mean entropy of the weights (nats; uniform is log LENGTH); the
    standard deviation of the logits; the RMS of the loss gradient at the logits (the softmax's input)
    and the share of logits whose gradient is below ``SILENT``; the RMS norm of the gradient of one
    query and of one key."""
    if not isinstance(d_k, int) or d_k < 1:
        raise ValueError(f"d_k must be a positive integer, got {d_k!r}")
    g = torch.Generator().manual_seed(seed)
    q = torch.randn(QUERIES, d_k, generator=g, dtype=torch.float64, requires_grad=True)
    k = torch.randn(LENGTH, d_k, generator=g, dtype=torch.float64, requires_grad=True)
    v = torch.randn(LENGTH, VALUE_DIM, generator=g, dtype=torch.float64)
    upstream = torch.randn(QUERIES, VALUE_DIM, generator=g, dtype=torch.float64)
    logits = q @ k.T / (math.sqrt(d_k) if scaled else 1.0)
    logits.retain_grad()
    weights = torch.softmax(logits, dim=-1)
    (weights @ v * upstream).sum().backward()
    return {
        "max_weight": weights.max(-1).values.mean().item(),
        "entropy": torch.special.entr(weights).sum(-1).mean().item(),
        "logit_std": logits.std().item(),
        "logit_grad": grad_of(logits).pow(2).mean().sqrt().item(),
        "silent": (grad_of(logits).abs() < SILENT).double().mean().item(),
        "query_grad": _row_rms(grad_of(q)),
        "key_grad": _row_rms(grad_of(k)),
    }


def _row_rms(t: torch.Tensor) -> float:
    """Root mean square of the rows' norms: the typical size of one query's (or key's) gradient."""
    return t.pow(2).sum(-1).mean().sqrt().item()


def by_dimension(dimensions: tuple[int, ...] = DIMENSIONS) -> dict[str, list[dict[str, float]]]:
    """``measure`` for every d_k, scaled and unscaled."""
    return {name: [measure(d, scaled) for d in dimensions] for name, scaled in (("scaled", True), ("unscaled", False))}
