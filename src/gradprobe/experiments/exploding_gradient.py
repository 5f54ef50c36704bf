"""Exploding gradients in a deep MLP: tanh layers with scaled-up weights, and a training run that ends in NaN.

A tanh network keeps its activations within [-1, 1] whatever the weights, so when its weights are
scaled up the growth shows up only in the backward pass, layer after layer toward the input. The
training run is a ReLU network with He initialization whose learning rate is too large: the gradient
grows from step to step until the loss is NaN.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache

import torch

from ..measure import grad_norms
from ..models import MLP, mlp
from ..report import GradReport
from ..watch import watch
from .recurrent_networks import decay_per_step
from .threads import single_threaded

DEPTH = 30
GAINS = (1.0, 2.0, 4.0, 8.0)
LEARNING_RATES = (0.01, 0.05, 0.1)


# --8<-- [start:measure]
def scaled_tanh_mlp(gain: float, depth: int = DEPTH, seed: int = 0) -> MLP:
    """A tanh MLP with Xavier initialization whose hidden weights are then multiplied by ``gain``."""
    torch.manual_seed(seed)
    model = mlp(depth=depth, width=64, in_features=32, out_features=1, activation="tanh", init="xavier")
    with torch.no_grad():
        for block in model.hidden:  # the head keeps its scale
            block.linear.weight.mul_(gain)
    return model


@single_threaded
def measure_gain(gain: float, depth: int = DEPTH, seed: int = 0) -> GradReport:
    """Per-layer gradient norms of ``scaled_tanh_mlp`` after one backward pass on random data.

    In float64: at large gains the network is chaotic, and float32 rounding differences between
    CPUs would grow by the same factor per layer as the gradient, into visibly different results."""
    model = scaled_tanh_mlp(gain, depth, seed).double()
    x, y = torch.randn(256, 32).double(), torch.randn(256, 1).double()
    loss = torch.nn.functional.mse_loss(model(x), y)
    loss.backward()
    return grad_norms(model)


# --8<-- [end:measure]


def norms_by_gain(gains: tuple[float, ...] = GAINS, depth: int = DEPTH, seed: int = 0) -> dict[str, GradReport]:
    """The page's figure: one report per gain, keyed by the gain (``"1"``, ``"2"``, ...)."""
    return {f"{gain:g}": measure_gain(gain, depth, seed) for gain in gains}


def growth_per_layer(report: GradReport) -> float:
    """Factor by which the gradient norm grows per layer toward the input, fitted between 10 and 90% of the depth."""
    return decay_per_step([norm for _, norm in report.measured])


@single_threaded
def predicted_growth(gain: float, depth: int = DEPTH, seed: int = 0) -> float:
    """``gain`` times the root mean square of tanh'(z) over the units of the layers ``growth_per_layer`` fits.

    For weights with variance gain^2 / width, a backward step multiplies the squared gradient norm by
    gain^2 * mean(f'(z)^2) on average: the mean-field estimate of the factor per layer.
    """
    model = scaled_tanh_mlp(gain, depth, seed).double()
    x = torch.randn(256, 32).double()  # the same input as measure_gain: same seed, drawn right after the model
    slopes = []
    with torch.no_grad():
        for block in model.hidden:
            z = block.linear(x)
            slopes.append(1 - torch.tanh(z) ** 2)
            x = block.activation(z)
    first, last = (depth + 1) // 10, (depth + 1) * 9 // 10  # the layers decay_per_step fits over
    return gain * torch.cat([s.flatten() for s in slopes[first:last]]).square().mean().sqrt().item()


@dataclass(frozen=True)
class TrainingRun:
    """What ``train`` measured: the loss and gradprobe's report at every step, until the loss is not finite."""

    losses: tuple[float, ...]
    reports: tuple[GradReport, ...]


# --8<-- [start:train]
@cache  # tests and figures in one process share the runs
@single_threaded
def train(lr: float, steps: int = 40, depth: int = 10, seed: int = 0) -> TrainingRun:
    """Full-batch SGD on a ReLU MLP with He initialization; stops at the first loss that is not finite."""
    torch.manual_seed(seed)
    model = mlp(depth=depth, width=64, in_features=32, out_features=1, activation="relu", init="he")
    x = torch.randn(256, 32)
    y = torch.sin(x[:, :4].sum(dim=1, keepdim=True))  # a smooth target the network can learn
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    losses = []
    with watch(model) as history:  # records per-layer gradient norms at every backward pass
        for _ in range(steps):
            optimizer.zero_grad()
            loss = torch.nn.functional.mse_loss(model(x), y)
            loss.backward()
            losses.append(loss.item())
            if not math.isfinite(losses[-1]):
                break
            optimizer.step()
    return TrainingRun(tuple(losses), tuple(history.report(i) for i in range(len(history.steps))))


# --8<-- [end:train]


def loss_by_learning_rate(lrs: tuple[float, ...] = LEARNING_RATES, steps: int = 40) -> dict[str, list[float]]:
    """The page's figure: the loss at every step while it is finite, one series per learning rate."""
    return {f"{lr:g}": [v for v in train(lr, steps).losses if math.isfinite(v)] for lr in lrs}
