"""Gradient descent on a small least-squares problem: three learning rates, and the stable range 2/lambda_max.

The problem is a linear regression with two features on different scales (standard deviations 2 and
0.5) and noise-free targets, so the smallest possible loss is 0. Its loss is a quadratic whose
curvature (the Hessian, constant here) has a steep and a flat direction; gradient descent starts
from zero weights and runs in float64 so that losses far below 1e-7 are still exact.
"""

from __future__ import annotations

from functools import cache

import torch

from .threads import single_threaded

SAMPLES = 200
FEATURE_SCALES = (2.0, 0.5)  # standard deviation of each input feature
TRUE_WEIGHTS = (3.0, -2.0)
RATES = {"small": 0.01, "good": 0.3, "large": 0.55}  # the page's three learning rates
STEPS = 100


@cache
def regression(standardize: bool = False, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """Inputs ``x`` (SAMPLES, 2) and noise-free targets ``y = x @ TRUE_WEIGHTS``, in float64.

    ``standardize`` divides each feature by its standard deviation (targets are left as they are).
    """
    generator = torch.Generator().manual_seed(seed)
    x = torch.randn(SAMPLES, 2, generator=generator, dtype=torch.float64) * torch.tensor(FEATURE_SCALES)
    y = x @ torch.tensor(TRUE_WEIGHTS, dtype=torch.float64)
    return (x / x.std(dim=0), y) if standardize else (x, y)


def curvature(standardize: bool = False) -> dict[str, float]:
    """Eigenvalues of the loss's Hessian ``x.T @ x / n``, ``lambda_max`` and ``lambda_min``, their ratio
    ``kappa`` (the condition number), the stability limit ``2 / lambda_max`` and the best fixed rate
    ``2 / (lambda_max + lambda_min)``."""
    x, _ = regression(standardize)
    low, high = torch.linalg.eigvalsh(x.T @ x / len(x)).tolist()
    return {"lambda_max": high, "lambda_min": low, "kappa": high / low, "limit": 2 / high, "best": 2 / (high + low)}


# --8<-- [start:descend]
def mse(w: torch.Tensor, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Half the mean squared error of the linear model ``x @ w``."""
    return 0.5 * (x @ w - y).pow(2).mean()


@cache  # tests, figures and the snippet in one process share the runs
@single_threaded  # a two-weight model: one thread is faster and the sums do not depend on the core count
def descend(lr: float, steps: int = STEPS, standardize: bool = False) -> tuple[float, ...]:
    """Loss before the first step and after each of ``steps`` gradient-descent steps from w = 0."""
    if not lr > 0:
        raise ValueError(f"the learning rate must be positive, got {lr!r}")
    x, y = regression(standardize)
    w = torch.zeros(2, dtype=torch.float64, requires_grad=True)
    losses = []
    for _ in range(steps):
        loss = mse(w, x, y)
        losses.append(loss.item())
        loss.backward()  # w.grad now holds the gradient of the loss at w
        assert w.grad is not None  # w is a leaf that requires a gradient
        with torch.no_grad():
            w -= lr * w.grad  # the gradient-descent step: move against the gradient
        w.grad = None  # backward() adds to .grad: clear it for the next step
    losses.append(mse(w, x, y).item())
    return tuple(losses)


# --8<-- [end:descend]


def three_rates(steps: int = STEPS) -> dict[str, list[float]]:
    """The page's first figure: loss after each step (steps 1..``steps``) for each rate of ``RATES``."""
    return {name: list(descend(lr, steps)[1:]) for name, lr in RATES.items()}


SWEEP = (
    0.05,
    0.1,
    0.2,
    0.4,
    0.6,
    0.8,
    0.9,
    0.95,
    1.0,
    1.05,
    1.1,
    1.2,
)  # learning rates, as fractions of 2 / lambda_max


def loss_by_rate(fractions: tuple[float, ...] = SWEEP, steps: int = STEPS) -> dict[str, list[float]]:
    """The page's second figure: loss after ``steps`` steps relative to the start, for learning rates
    given as fractions of the stability limit 2 / lambda_max."""
    limit = curvature()["limit"]
    relative = []
    for fraction in fractions:
        losses = descend(fraction * limit, steps)
        relative.append(losses[-1] / losses[0])
    return {"relative": relative}


def factor_per_step(lr: float, standardize: bool = False) -> dict[str, float]:
    """Measured factor by which the loss changes per step over the last 10 of ``STEPS`` steps, next to
    the quadratic's prediction: the largest ``(1 - lr * eigenvalue) ** 2`` over the two eigenvalues."""
    losses = descend(lr, STEPS, standardize)
    c = curvature(standardize)
    predicted = max((1 - lr * c["lambda_max"]) ** 2, (1 - lr * c["lambda_min"]) ** 2)
    return {"measured": (losses[-1] / losses[-11]) ** (1 / 10), "predicted": predicted}


def steps_to_reach(target: float, lr: float, standardize: bool = False, steps: int = 1000) -> int | None:
    """First step after which the loss is below ``target`` times the initial loss (None if never)."""
    losses = descend(lr, steps, standardize)
    return next((t for t, loss in enumerate(losses) if loss < target * losses[0]), None)
