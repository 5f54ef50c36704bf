"""Batch and layer normalization in a deep tanh MLP: per-block gradient norms, how the pre-activations
are spread, how many units saturate, and training loss, without normalization and with each kind.

The model is ``gradprobe.models.mlp`` with tanh and PyTorch's default initialization; every block is
``linear -> [norm] -> tanh``. Data are 256 random inputs and targets, the same for every variant.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import torch
from torch import nn

from ..grouping import group_layers
from ..measure import grad_norms
from ..models import MLP, Norm, mlp
from ..report import GradReport
from .threads import single_threaded

NORMS: tuple[Norm, ...] = ("none", "batch", "layer")
DEPTH, WIDTH, IN_FEATURES, BATCH = 20, 64, 32, 256
SATURATED_BELOW = 0.1  # a tanh unit counts as saturated where tanh'(z) < 0.1, that is |z| > 1.82


@dataclass(frozen=True)
class Measurement:
    """One backward pass: the gradient norm of each block and, per block, what its tanh receives."""

    report: GradReport  # blocks.0, ..., blocks.<depth-1>, head
    spread: tuple[float, ...]  # standard deviation over the batch of each unit's tanh input, mean over units
    saturated: tuple[float, ...]  # fraction of (sample, unit) pairs where tanh'(z) < SATURATED_BELOW


def tanh_mlp(norm: Norm, weight_scale: float, depth: int, seed: int) -> tuple[MLP, torch.Tensor, torch.Tensor]:
    """The model, with every hidden weight matrix multiplied by ``weight_scale``, and its data."""
    if not weight_scale > 0:
        raise ValueError(f"weight_scale must be a positive number, got {weight_scale!r}")
    torch.manual_seed(seed)
    model = mlp(depth, WIDTH, IN_FEATURES, 1, activation="tanh", norm=norm)
    with torch.no_grad():
        for block in model.hidden:
            block.linear.weight.mul_(weight_scale)
    return model, torch.randn(BATCH, IN_FEATURES), torch.randn(BATCH, 1)


# --8<-- [start:measure]
@cache  # tests, snippet and figures share the runs
@single_threaded
def measure(norm: Norm, weight_scale: float = 1.0, depth: int = DEPTH, seed: int = 0) -> Measurement:
    """Gradient norms per block after one backward pass, and the spread and saturation of each tanh's input."""
    model, x, y = tanh_mlp(norm, weight_scale, depth, seed)
    inputs: list[torch.Tensor] = []  # the pre-activation each tanh receives (after the normalization, if any)
    for block in model.hidden:
        block.activation.register_forward_pre_hook(lambda module, args: inputs.append(args[0].detach()))
    nn.functional.mse_loss(model(x), y).backward()
    report = group_layers(grad_norms(model), depth=2)  # a block's linear layer and norm together
    spread = tuple(z.std(dim=0).mean().item() for z in inputs)
    saturated = tuple((1 - z.tanh() ** 2 < SATURATED_BELOW).float().mean().item() for z in inputs)
    return Measurement(report, spread, saturated)


# --8<-- [end:measure]


# --8<-- [start:train]
@cache
@single_threaded
def training_loss(norm: Norm, steps: int = 60, depth: int = DEPTH, seed: int = 0) -> tuple[float, ...]:
    """Loss at each step of full-batch Adam (learning rate 1e-3) fitting the 256 random targets.

    In float64: in float32 the rounding of the nearly collapsed signals differs between CPUs, and so did the losses."""
    model, x, y = tanh_mlp(norm, 1.0, depth, seed)
    model, x, y = model.double(), x.double(), y.double()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    losses = []
    for _ in range(steps):
        loss = nn.functional.mse_loss(model(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return tuple(losses)


# --8<-- [end:train]


def gradient_by_block(depth: int = DEPTH) -> dict[str, GradReport]:
    """The page's first figure: gradient norm per block without normalization, with batch and with layer norm."""
    return {norm: measure(norm, 1.0, depth).report for norm in NORMS}


def saturated_percent(m: Measurement) -> float:
    """Percentage of saturated tanh units, over all blocks."""
    return 100 * sum(m.saturated) / len(m.saturated)


def saturation_by_scale(
    scales: tuple[float, ...] = (0.5, 1, 2, 3, 4, 5, 6, 7, 8), depth: int = DEPTH
) -> dict[str, list[float]]:
    """The page's second figure: percentage of saturated tanh units against the factor applied to the weights."""
    return {norm: [saturated_percent(measure(norm, float(s), depth)) for s in scales] for norm in NORMS}


def loss_by_step(steps: int = 60, depth: int = DEPTH) -> dict[str, list[float]]:
    """The page's third figure: training loss at every step for each variant."""
    return {norm: list(training_loss(norm, steps, depth)) for norm in NORMS}
