"""What Adam does to a vanishing gradient: it rescales each layer's update, not the layer's effect.

A plain tanh MLP with PyTorch's default initialization loses the gradient on its way down (and the
input's signal on its way up). The same model, on the same data, takes the same number of full-batch
steps with SGD and with Adam; ``relative_updates`` compares ||W_after - W_before|| / ||W_before|| per
layer, ``output_change`` how much the network's output moves when only one layer's update is applied.
``epsilon_floor`` repeats the Adam run on a deeper sigmoid MLP, whose first-layer gradient entries
lie below Adam's epsilon (1e-8).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Literal

import torch
from torch.nn import functional as F

from ..models import MLP, Activation, mlp
from .grads import grad_of
from .threads import single_threaded

Optimizer = Literal["sgd", "adam"]
LEARNING_RATES: dict[Optimizer, float] = {"sgd": 0.1, "adam": 1e-3}  # Adam's default rate; SGD's a usual one
ADAM_EPS = 1e-8  # PyTorch's (and Kingma & Ba's) default
STEPS = 10
TANH = {"activation": "tanh", "depth": 20}
SIGMOID = {"activation": "sigmoid", "depth": 15}


@dataclass(frozen=True)
class Run:
    """The model before and after ``steps`` steps, the data, and the first step's weight gradients."""

    before: MLP
    after: MLP
    x: torch.Tensor
    gradients: tuple[torch.Tensor, ...]


def layers(model: MLP) -> list[torch.nn.Linear]:
    """The linear layers, input side first."""
    return [b.linear for b in model.hidden] + [model.head]


@single_threaded
def train(
    optimizer: Optimizer, activation: Activation = "tanh", depth: int = 20, steps: int = STEPS, seed: int = 0
) -> Run:
    """``steps`` full-batch steps on 256 random regression points with ``optimizer`` at its rate."""
    if optimizer not in LEARNING_RATES:
        raise ValueError(f"unknown optimizer {optimizer!r}; choose one of: {', '.join(LEARNING_RATES)}")
    torch.manual_seed(seed)
    model = mlp(depth, 64, 32, 1, activation, "default")
    before = copy.deepcopy(model)
    g = torch.Generator().manual_seed(seed)
    x, y = torch.randn(256, 32, generator=g), torch.randn(256, 1, generator=g)
    lr = LEARNING_RATES[optimizer]
    opt = (
        torch.optim.SGD(model.parameters(), lr=lr)
        if optimizer == "sgd"
        else torch.optim.Adam(model.parameters(), lr=lr, eps=ADAM_EPS)
    )
    gradients: tuple[torch.Tensor, ...] = ()
    for step in range(steps):
        opt.zero_grad()
        F.mse_loss(model(x), y).backward()
        if step == 0:
            gradients = tuple(grad_of(layer.weight).clone() for layer in layers(model))
        opt.step()
    return Run(before, model, x, gradients)


def relative_updates(run: Run) -> list[float]:
    """||W_after - W_before|| / ||W_before|| for each layer, input side first."""
    return [
        ((a.weight - b.weight).norm() / b.weight.norm()).item() for a, b in zip(layers(run.after), layers(run.before))
    ]


def gradient_ratio(run: Run) -> float:
    """First layer's weight-gradient norm over the last layer's, at the first step."""
    return (run.gradients[0].norm() / run.gradients[-1].norm()).item()


@torch.no_grad()
def output_change(run: Run, layer: int) -> float:
    """||f(x) - f_0(x)|| / ||f_0(x)|| when only layer ``layer`` (0 = first) takes its trained weights."""
    model = copy.deepcopy(run.before)
    target, source = layers(model)[layer], layers(run.after)[layer]
    target.load_state_dict(source.state_dict())
    start = run.before(run.x)
    return ((model(run.x) - start).norm() / start.norm()).item()


@torch.no_grad()
def input_spread(run: Run) -> float:
    """How much the last hidden layer still depends on the input at initialization: the norm of its
    standard deviation over the batch, divided by the norm of its mean."""
    h = run.x
    for block in run.before.hidden:
        h = block(h)
    return (h.std(0).norm() / h.mean(0).norm()).item()


def summary(activation: Activation = "tanh", depth: int = 20) -> dict[str, dict[str, float]]:
    """Per optimizer: the first step's gradient ratio, the first and last layers' relative updates
    and the output change each of them causes alone."""
    result: dict[str, dict[str, float]] = {}
    for optimizer in LEARNING_RATES:
        run = train(optimizer, activation, depth)
        updates = relative_updates(run)
        result[optimizer] = {
            "gradient_ratio": gradient_ratio(run),
            "first_update": updates[0],
            "last_update": updates[-1],
            "first_effect": output_change(run, 0),
            "last_effect": output_change(run, -1),
            "input_spread": input_spread(run),
        }
    return result


def epsilon_floor(activation: Activation = "sigmoid", depth: int = 15) -> dict[str, float]:
    """The deep sigmoid MLP under Adam: median |gradient| of the first layer's weights at the first
    step, Adam's epsilon, and the first and last layers' relative updates."""
    run = train("adam", activation, depth)
    updates = relative_updates(run)
    return {
        "median_gradient": run.gradients[0].abs().median().item(),
        "eps": ADAM_EPS,
        "first_update": updates[0],
        "last_update": updates[-1],
    }
