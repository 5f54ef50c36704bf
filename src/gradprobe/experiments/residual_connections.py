"""Degradation and residual connections, after He et al. (2016), on a CPU in seconds.

Plain and residual MLPs (``linear -> batch norm -> ReLU`` blocks, He initialization, as in the paper),
shallow and deep, are trained with the same optimizer (SGD with momentum, as in the paper) on the same generated
classification task:
256 Gaussian points in 16 dimensions, labelled by a fixed random one-hidden-layer tanh network.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import torch
from torch import nn

from ..grouping import group_layers
from ..measure import grad_norms
from ..models import mlp
from ..report import GradReport
from .threads import single_threaded

SHALLOW, DEEP = 4, 32
WIDTH, IN_FEATURES, CLASSES, SAMPLES = 32, 16, 10, 256
STEPS = 200


def teacher_data(seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    """``SAMPLES`` inputs and their class labels (0 to 9); a different task for every seed."""
    x = torch.randn(SAMPLES, IN_FEATURES, generator=torch.Generator().manual_seed(1000 + seed))
    torch.manual_seed(2000 + seed)
    teacher = nn.Sequential(nn.Linear(IN_FEATURES, 64), nn.Tanh(), nn.Linear(64, CLASSES))
    with torch.no_grad():
        return x, teacher(2 * x).argmax(dim=1)


@dataclass(frozen=True)
class Run:
    """One training run: the loss at every step and the per-block gradient norms at the first and last step."""

    losses: tuple[float, ...]
    first_step: GradReport  # blocks.0, ..., blocks.<depth-1>, head
    last_step: GradReport
    feature_spread: float  # at the first step: std over the batch of each input of the head, mean over inputs


# --8<-- [start:train]
@cache  # tests, snippet and figures share the runs
@single_threaded
def train(depth: int, residual: bool, seed: int = 0, steps: int = STEPS) -> Run:
    """Full-batch SGD with momentum 0.9 (learning rate 0.01) on the generated task; the loss is cross-entropy.

    In float64: the deep plain network's training magnifies rounding, and in float32 its final loss
    depends on the CPU's arithmetic."""
    x, y = teacher_data(seed)
    torch.manual_seed(seed)
    model = mlp(depth, WIDTH, IN_FEATURES, CLASSES, activation="relu", init="he", norm="batch", residual=residual)
    model, x = model.double(), x.double()
    features: list[torch.Tensor] = []  # what the head receives: the last block's output
    hook = model.head.register_forward_pre_hook(lambda module, args: features.append(args[0].detach()))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    losses, reports = [], []
    for step in range(steps):
        loss = nn.functional.cross_entropy(model(x), y)
        optimizer.zero_grad()
        loss.backward()
        if step in (0, steps - 1):
            reports.append(group_layers(grad_norms(model), depth=2))  # one norm per block
        optimizer.step()
        losses.append(loss.item())
    hook.remove()
    spread = features[0].std(dim=0).mean().item()
    return Run(tuple(losses), reports[0], reports[-1], spread)


# --8<-- [end:train]


def loss_curves(shallow: int = SHALLOW, deep: int = DEEP, seed: int = 0) -> dict[str, list[float]]:
    """The page's first figure: training loss at every step, plain and residual, shallow and deep."""
    return {
        f"{kind}_{size}": list(train(depth, kind == "residual", seed).losses)
        for kind in ("plain", "residual")
        for size, depth in (("shallow", shallow), ("deep", deep))
    }


def gradient_by_block(depth: int = DEEP, seed: int = 0) -> dict[str, GradReport]:
    """The page's second figure: gradient norm per block at the first step, plain and residual."""
    return {kind: train(depth, kind == "residual", seed).first_step for kind in ("plain", "residual")}
