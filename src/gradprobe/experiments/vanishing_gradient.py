"""Vanishing gradients in a deep MLP: sigmoid with default init against ReLU with He init."""

from __future__ import annotations

import torch

from ..measure import grad_norms
from ..models import Activation, Init, mlp
from ..report import GradReport


# --8<-- [start:measure]
def measure_mlp(activation: Activation, init: Init, depth: int = 15, seed: int = 0) -> GradReport:
    """Per-layer gradient norms of a ``depth``-block MLP after one backward pass on random data."""
    torch.manual_seed(seed)
    model = mlp(depth=depth, width=64, in_features=32, out_features=1, activation=activation, init=init)
    x, y = torch.randn(256, 32), torch.randn(256, 1)
    loss = torch.nn.functional.mse_loss(model(x), y)
    loss.backward()
    return grad_norms(model)


# --8<-- [end:measure]


def sigmoid_vs_relu(depth: int = 15, seed: int = 0) -> dict[str, GradReport]:
    """The page's comparison: ``sigmoid`` (default init) and ``relu`` (He init)."""
    return {
        "sigmoid": measure_mlp("sigmoid", "default", depth, seed),
        "relu": measure_mlp("relu", "he", depth, seed),
    }


def ratio_by_depth(depths: tuple[int, ...] = (2, 5, 10, 15, 20), seed: int = 0) -> dict[str, list[float]]:
    """First/last layer gradient ratio against depth, for both set-ups."""
    return {name: [sigmoid_vs_relu(d, seed)[name].ratio for d in depths] for name in ("sigmoid", "relu")}
