"""Activation functions: their values and derivatives, where they saturate, and dying ReLU units.

Derivatives come from autograd on a float64 grid, not from formulas. The deep-network comparison
reuses ``vanishing_gradient.measure_mlp``; the dying-ReLU run trains a small MLP on generated regression data.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from functools import cache

import torch
from torch.nn import functional as F

from ..models import ACTIVATIONS, MLP, Activation, mlp
from ..report import GradReport
from .grads import grad_of
from .threads import single_threaded
from .vanishing_gradient import measure_mlp

NAMES: tuple[Activation, ...] = ("sigmoid", "tanh", "relu", "leaky_relu", "gelu")
FINE_GRID = torch.linspace(-6, 6, 12001, dtype=torch.float64)  # steps of 0.001
SMALL = 0.01  # a derivative below this counts as saturated
SEEDS = (0, 1, 2)
FIGURE_X = tuple(i / 10 for i in range(-60, 61))  # the figures' points: -6 to 6 in steps of 0.1


def _values_and_derivatives(x: Sequence[float] | torch.Tensor) -> dict[str, tuple[torch.Tensor, torch.Tensor]]:
    grid = torch.as_tensor(x, dtype=torch.float64)
    out: dict[str, tuple[torch.Tensor, torch.Tensor]] = {}
    for name in NAMES:
        z = grid.clone().requires_grad_(True)
        y = ACTIVATIONS[name]()(z)
        (dy,) = torch.autograd.grad(y.sum(), z)  # element-wise function: d(sum)/dz_i = f'(z_i)
        out[name] = (y.detach(), dy)
    return out


def curves(x: Sequence[float] = FIGURE_X) -> dict[str, list[float]]:
    """Figure: each activation's value at the points ``x``."""
    return {name: v.tolist() for name, (v, _) in _values_and_derivatives(x).items()}


def derivatives(x: Sequence[float] = FIGURE_X) -> dict[str, list[float]]:
    """Figure: each activation's derivative at the points ``x``, computed by autograd."""
    return {name: d.tolist() for name, (_, d) in _values_and_derivatives(x).items()}


# --8<-- [start:saturation]
def saturation() -> dict[str, dict[str, float]]:
    """Per activation, on [-6, 6]: f'(0), the largest f' and where, the smallest f and f', and the
    edges of the saturated zone: below ``left`` and above ``right`` |f'| < 0.01 (nan: never)."""
    x = FINE_GRID
    rows = {}
    for name, (value, slope) in _values_and_derivatives(x).items():
        small = slope.abs() < SMALL
        left = x[~small].min().item() if small[0] else float("nan")  # last non-saturated point on the left
        right = x[~small].max().item() if small[-1] else float("nan")
        rows[name] = {
            "slope_at_0": slope[x.abs().argmin()].item(),
            "max_slope": slope.max().item(),
            "argmax_slope": x[slope.argmax()].item(),
            "min_value": value.min().item(),
            "argmin_value": x[value.argmin()].item(),
            "min_slope": slope.min().item(),
            "left": left,
            "right": right,
        }
    return rows


# --8<-- [end:saturation]


def gradient_by_activation(depth: int = 15) -> dict[str, GradReport]:
    """Figure: per-layer gradient norms of the same MLP (He init, same seed and data) with each activation."""
    return {name: measure_mlp(name, "he", depth) for name in NAMES}


def regression_data(seed: int = 0, n: int = 512, dim: int = 16) -> tuple[torch.Tensor, torch.Tensor]:
    """Inputs from N(0, 1); targets 10 + 10 sin(2 w.x) for a random unit-scale direction w."""
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(n, dim, generator=g)
    w = torch.randn(dim, 1, generator=g) / dim**0.5
    return x, 10 + 10 * torch.sin(2 * x @ w)


def _train(model: torch.nn.Module, x: torch.Tensor, y: torch.Tensor, lr: float, steps: int, g: torch.Generator) -> None:
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)  # a fresh optimizer: no momentum carried over
    for _ in range(steps):
        batch = torch.randint(0, len(x), (32,), generator=g)
        loss = F.mse_loss(model(x[batch]), y[batch])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()


# --8<-- [start:dead]
def inactive_units(model: MLP, x: torch.Tensor) -> torch.Tensor:
    """One flag per hidden unit, all blocks together: is its pre-activation <= 0 for every row of ``x``?"""
    flags, h = [], x
    with torch.no_grad():
        for block in model.hidden:
            flags.append((block.linear(h) <= 0).all(dim=0))
            h = block(h)
    return torch.cat(flags)


def zero_gradient_units(model: MLP, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """One flag per hidden unit: do its incoming weights and bias get exactly zero gradient from the
    loss on the whole data set?"""
    model.zero_grad()
    F.mse_loss(model(x), y).backward()
    return torch.cat([(grad_of(b.linear.weight) == 0).all(dim=1) & (grad_of(b.linear.bias) == 0) for b in model.hidden])


# --8<-- [end:dead]


@cache
@single_threaded
def dying_units(
    activation: Activation, lr: float, seed: int = 0, steps: int = 100, more_steps: int = 500
) -> dict[str, float]:
    """Train a 4-block MLP (He init) with Adam at ``lr`` for ``steps``, count inactive units, then train
    ``more_steps`` more at the usual 1e-3 and count how many of those units are still inactive."""
    torch.manual_seed(seed)
    g = torch.Generator().manual_seed(seed)
    x, y = regression_data(seed)
    model = mlp(4, 64, x.shape[1], 1, activation, "he")
    _train(model, x, y, lr, steps, g)
    inactive = inactive_units(model, x)
    zero_grad = zero_gradient_units(model, x, y)
    _train(model, x, y, 1e-3, more_steps, g)
    still = inactive & inactive_units(model, x)
    return {
        "inactive": inactive.float().mean().item(),  # share of all hidden units
        "zero_grad": zero_grad.float().mean().item(),  # share of all hidden units
        "zero_grad_of_inactive": (zero_grad & inactive).sum().item() / max(inactive.sum().item(), 1),
        "still_inactive": still.sum().item() / max(inactive.sum().item(), 1),  # share of the inactive ones
        "loss": F.mse_loss(model(x), y).item(),
    }


def dying_median(activation: Activation, lr: float) -> dict[str, float]:
    """``dying_units`` for every seed in ``SEEDS``, the median of each value."""
    runs = [dying_units(activation, lr, seed) for seed in SEEDS]
    return {key: statistics.median(run[key] for run in runs) for key in runs[0]}
