"""Gradient clipping, after Pascanu, Mikolov and Bengio (2013), on a plain tanh RNN.

Three measurements: how the gradient through time depends on the recurrent weight's scale (W_hh is
a random orthogonal matrix times ``radius``, so every eigenvalue and every singular value has modulus
``radius``); what clipping by norm and by value do to one gradient's direction; and the same training
run, same seed and same generated data, with and without clipping by norm.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass
from functools import cache

import torch
from torch import nn
from torch.nn.utils import clip_grad_norm_, clip_grad_value_

from ..measure import grad_norms
from ..models import SequenceModel, sequence_model
from ..sequences import step_grad_norms
from .grads import grad_of
from .recurrent_networks import decay_per_step
from .threads import single_threaded

SEEDS = (0, 1, 2, 3, 4)
HIDDEN = 32
INPUTS = 8
RADII = (0.5, 0.9, 1.1, 2.0, 3.0)
THRESHOLD = 5.0  # max_norm of the clipped training run
STEPS = 500


# --8<-- [start:radius]
def rnn_with_radius(radius: float, input_size: int = INPUTS) -> SequenceModel:
    """A tanh RNN whose W_hh is ``radius`` times a random orthogonal matrix (uses the global RNG)."""
    model = sequence_model("rnn", input_size=input_size, hidden_size=HIDDEN, output_size=1)
    nn.init.orthogonal_(model.rnn.get_parameter("weight_hh_l0"), gain=radius)
    return model


@cache  # tests and figures in one process share the runs
@single_threaded
def step_gradients(radius: float, seed: int = 0, length: int = 100) -> tuple[float, ...]:
    """Norm of d(loss)/d(input at step t) for t = 1..length, for W_hh = radius x orthogonal; float64."""
    torch.manual_seed(seed)
    model = rnn_with_radius(radius).double()
    x = torch.randn(16, length, INPUTS, dtype=torch.float64, requires_grad=True)
    y = torch.randn(16, 1, dtype=torch.float64)
    loss = torch.nn.functional.mse_loss(model(x), y)  # reads the last hidden state only
    loss.backward()
    return tuple(step_grad_norms(x))


# --8<-- [end:radius]


def gradient_by_radius(radii: tuple[float, ...] = RADII, length: int = 100) -> dict[str, list[float]]:
    """The page's figure: per-step gradient norms, median over ``SEEDS``, one series per radius."""
    return {
        f"{radius:g}": [statistics.median(v) for v in zip(*(step_gradients(radius, s, length) for s in SEEDS))]
        for radius in radii
    }


def factor_per_step(radii: tuple[float, ...] = RADII, length: int = 100) -> dict[str, float]:
    """Factor by which the gradient is multiplied per step going back in time, per radius."""
    return {key: decay_per_step(norms) for key, norms in gradient_by_radius(radii, length).items()}


def running_sum_batch(
    generator: torch.Generator, batch: int = 32, length: int = 20
) -> tuple[torch.Tensor, torch.Tensor]:
    """Generated data: ``length`` standard normal numbers; the target is their sum divided by sqrt(length)."""
    x = torch.randn(batch, length, 1, generator=generator)
    return x, x.sum(dim=1) / math.sqrt(length)


@single_threaded
def norm_vs_value(threshold: float = 1.0, radius: float = 2.0, seed: int = 0) -> dict[str, float]:
    """One gradient of an RNN with exploding gradients, clipped to ``threshold`` by norm and by value.

    Returns the norm of the gradient before and after each clipping, the cosine between each
    clipped gradient and the original, and the fraction of entries that clipping by value changed.
    """

    def gradient(clip) -> torch.Tensor:
        torch.manual_seed(seed)
        model = rnn_with_radius(radius, input_size=1)
        x, y = running_sum_batch(torch.Generator().manual_seed(seed))
        torch.nn.functional.mse_loss(model(x), y).backward()
        clip(model.parameters())
        return torch.cat([grad_of(p).flatten() for p in model.parameters()]).double()

    original = gradient(lambda parameters: None)
    by_norm = gradient(lambda parameters: clip_grad_norm_(parameters, max_norm=threshold))
    by_value = gradient(lambda parameters: clip_grad_value_(parameters, clip_value=threshold))
    cosine = torch.nn.functional.cosine_similarity
    return {
        "norm": original.norm().item(),
        "by_norm_norm": by_norm.norm().item(),
        "by_norm_cosine": cosine(original, by_norm, dim=0).item(),
        "by_value_norm": by_value.norm().item(),
        "by_value_cosine": cosine(original, by_value, dim=0).item(),
        "by_value_changed": (by_value != original).double().mean().item(),
    }


@dataclass(frozen=True)
class Run:
    """One training run, step by step, until the loss is not finite."""

    losses: tuple[float, ...]
    grad_norms: tuple[float, ...]  # total gradient norm before clipping
    radii: tuple[float, ...]  # spectral radius of W_hh when the step's gradient was computed


# --8<-- [start:train]
@cache
@single_threaded
def train(max_norm: float | None, steps: int = STEPS, lr: float = 0.12, seed: int = 0, length: int = 20) -> Run:
    """SGD on the running-sum task; clips the gradient norm to ``max_norm`` (None: no clipping)."""
    torch.manual_seed(seed)
    model = rnn_with_radius(1.0, input_size=1)  # W_hh orthogonal: spectral radius 1
    data = torch.Generator().manual_seed(seed)  # the same batches in every run with this seed
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    losses, norms, radii = [], [], []
    for _ in range(steps):
        x, y = running_sum_batch(data, length=length)
        optimizer.zero_grad()
        loss = torch.nn.functional.mse_loss(model(x), y)
        loss.backward()
        losses.append(loss.item())
        norms.append(grad_norms(model).total_norm)  # the norm clip_grad_norm_ sees
        radii.append(spectral_radius(model.rnn.get_parameter("weight_hh_l0")))
        if not math.isfinite(losses[-1]):
            break
        if max_norm is not None:
            clip_grad_norm_(model.parameters(), max_norm)  # rescales only if the norm exceeds max_norm
        optimizer.step()
    return Run(tuple(losses), tuple(norms), tuple(radii))


# --8<-- [end:train]


def spectral_radius(weight: torch.Tensor) -> float:
    """Largest eigenvalue modulus of a square matrix (``nan`` if it holds NaN or Inf)."""
    weight = weight.detach().double()
    return torch.linalg.eigvals(weight).abs().max().item() if torch.isfinite(weight).all() else math.nan


def summary(run: Run, threshold: float = THRESHOLD, last: int = 50) -> dict[str, float | int | None]:
    """Steps run, first step (1-based) whose loss is not finite, steps whose norm exceeded ``threshold``,
    the largest finite gradient norm, and the mean loss over the ``last`` steps if the run stayed finite."""
    bad = next((i + 1 for i, v in enumerate(run.losses) if not math.isfinite(v)), None)
    return {
        "steps": len(run.losses),
        "non_finite_at": bad,
        "above_threshold": sum(n > threshold for n in run.grad_norms),
        "max_norm": max(n for n in run.grad_norms if math.isfinite(n)),
        "final_loss": None if bad else statistics.fmean(run.losses[-last:]),
    }


def training_curves(threshold: float = THRESHOLD, steps: int = STEPS) -> dict[str, list[float]]:
    """The page's figure: the loss at every step while it is finite, without and with clipping."""
    return {
        "unclipped": [v for v in train(None, steps).losses if math.isfinite(v)],
        "clipped": list(train(threshold, steps).losses),
    }
