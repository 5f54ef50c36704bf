"""Depth-scaled residual initialization without normalization: plain, Fixup-scaled and zero-initialized branches.

A stack of ``depth`` residual blocks ``h + a * W2 relu(W1 h)`` of width 32, between an input layer
(16 -> 32) and a linear head (32 -> 10), with no normalization anywhere, float64. The branch set-ups:

- ``residual``: He initialization for W1 and W2, ``a = 1``;
- ``scaled``: Fixup's rescaling alone: W1 multiplied by ``depth ** -1/(2m-2)`` (``m = 2`` layers per
  branch, so ``depth ** -0.5``), W2 still He, ``a = 1``;
- ``fixup``: the same rescaling and W2 initialized to zero (Fixup's scalar biases and multipliers left out);
- ``rezero``: He initialization and a trainable scalar ``a`` per block initialized to zero (ReZero; SkipInit's
  zero-initialized multiplier is the same idea).
"""

from __future__ import annotations

from typing import Literal

import torch
from torch import nn
from torch.nn import functional as F

from .grads import grad_of
from .residual_connections import CLASSES, IN_FEATURES, WIDTH, teacher_data
from .threads import single_threaded

Branch = Literal["residual", "scaled", "fixup", "rezero"]
BRANCHES: tuple[Branch, ...] = ("residual", "scaled", "fixup", "rezero")
BRANCH_LAYERS = 2  # m in Fixup's depth ** (-1 / (2m - 2))


class ResidualStack(nn.Module):
    """Input layer, ``depth`` residual blocks ``h + a_k W2_k relu(W1_k h)``, linear head."""

    def __init__(self, depth: int, branch: Branch) -> None:
        super().__init__()
        if branch not in BRANCHES:
            raise ValueError(f"unknown branch {branch!r}; choose one of: {', '.join(BRANCHES)}")
        if not isinstance(depth, int) or depth < 1:
            raise ValueError(f"depth must be a positive integer, got {depth!r}")
        self.inp, self.head = nn.Linear(IN_FEATURES, WIDTH), nn.Linear(WIDTH, CLASSES)
        w1 = [nn.Linear(WIDTH, WIDTH) for _ in range(depth)]
        w2 = [nn.Linear(WIDTH, WIDTH) for _ in range(depth)]
        self.w1, self.w2 = nn.ModuleList(w1), nn.ModuleList(w2)
        for layer in [self.inp, *w1, *w2]:
            nn.init.kaiming_normal_(layer.weight, nonlinearity="relu")
            nn.init.zeros_(layer.bias)
        with torch.no_grad():
            if branch in ("scaled", "fixup"):
                for layer in w1:
                    layer.weight.mul_(depth ** (-1 / (2 * BRANCH_LAYERS - 2)))
            if branch == "fixup":
                for layer in w2:
                    nn.init.zeros_(layer.weight)
        self.a = nn.Parameter(torch.zeros(depth), requires_grad=True) if branch == "rezero" else torch.ones(depth)
        self.double()

    def stream(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """(h_0, h_depth, logits): the stream entering the first block and leaving the last, and the output."""
        first = self.inp(x)
        h = first
        for a, w1, w2 in zip(self.a, self.w1, self.w2):
            h = h + a * w2(F.relu(w1(h)))
        return first, h, self.head(h)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.stream(x)[2]


@single_threaded
def at_init(branch: Branch, depth: int, seed: int = 0) -> dict[str, float]:
    """At initialization: Var(h_depth) / Var(h_0), and ||dL/dh_0|| / ||dL/dh_depth|| for the cross-entropy."""
    x, y = teacher_data(seed)
    torch.manual_seed(seed)
    first, last, logits = ResidualStack(depth, branch).stream(x.double())
    first.retain_grad()
    last.retain_grad()
    F.cross_entropy(logits, y).backward()
    return {
        "variance": (last.var() / first.var()).item(),
        "gradient": (grad_of(first).norm() / grad_of(last).norm()).item(),
    }


def by_depth(depths: tuple[int, ...] = (8, 32, 128)) -> dict[str, list[dict[str, float]]]:
    """``at_init`` of every branch set-up at each depth."""
    return {branch: [at_init(branch, d) for d in depths] for branch in BRANCHES}


@single_threaded
def training_loss(branch: Branch, depth: int = 8, steps: int = 100, lr: float = 0.01, seed: int = 0) -> list[float]:
    """Full-batch cross-entropy at every step of SGD with momentum 0.9 (the residual page's optimizer)."""
    x, y = teacher_data(seed)
    torch.manual_seed(seed)
    model = ResidualStack(depth, branch)
    opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)
    losses = []
    for _ in range(steps):
        opt.zero_grad()
        loss = F.cross_entropy(model(x.double()), y)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses
