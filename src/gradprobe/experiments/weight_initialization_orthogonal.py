"""Orthogonal initialization and dynamical isometry: the singular values of a deep net's input-output
Jacobian, Gaussian against orthogonal weights at the same scale.

Both inits give every layer E[||W v||^2] = ||v||^2 (weight variance 1/n, the critical scale for linear
and tanh layers), so the mean squared singular value of the Jacobian stays near 1 with depth for both.
What differs is the spread around that mean (Saxe et al., 2014; Pennington et al., 2017).
"""

from __future__ import annotations

from typing import Literal

import torch

from .threads import single_threaded

Net = Literal["linear", "tanh"]
Weights = Literal["gaussian", "orthogonal"]
WIDTH = 64
DEPTHS = (10, 100)


def weights(kind: Weights, width: int, depth: int, generator: torch.Generator) -> list[torch.Tensor]:
    """``depth`` float64 square matrices: N(0, 1/width) entries, or random orthogonal (gain 1)."""
    if kind not in ("gaussian", "orthogonal"):
        raise ValueError(f"unknown weights {kind!r}; choose gaussian or orthogonal")
    gaussian = [torch.randn(width, width, generator=generator, dtype=torch.float64) for _ in range(depth)]
    if kind == "gaussian":
        return [w / width**0.5 for w in gaussian]
    return [torch.nn.init.orthogonal_(torch.empty_like(w), generator=generator) for w in gaussian]


@single_threaded
def singular_values(net: Net, kind: Weights, depth: int, width: int = WIDTH, seed: int = 0) -> torch.Tensor:
    """Singular values of d h_depth / d x at one N(0, 1) input, for ``h_k = f(W_k h_{k-1})``, no biases."""
    if net not in ("linear", "tanh"):
        raise ValueError(f"unknown net {net!r}; choose linear or tanh")
    g = torch.Generator().manual_seed(seed)
    h = torch.randn(width, generator=g, dtype=torch.float64)
    jacobian = torch.eye(width, dtype=torch.float64)
    for w in weights(kind, width, depth, g):
        z = w @ h
        slope = torch.ones_like(z) if net == "linear" else 1 - torch.tanh(z) ** 2
        jacobian = slope[:, None] * (w @ jacobian)
        h = z if net == "linear" else torch.tanh(z)
    return torch.linalg.svdvals(jacobian)


def spread(net: Net, kind: Weights, depth: int) -> dict[str, float]:
    """The Jacobian's root-mean-square singular value and the share of its singular values within a
    factor of 2 of that RMS (1.0 is dynamical isometry)."""
    s = singular_values(net, kind, depth)
    rms = (s**2).mean().sqrt()
    return {"rms": rms.item(), "within_two": ((s > rms / 2) & (s < 2 * rms)).double().mean().item()}


def by_depth(depths: tuple[int, ...] = DEPTHS) -> dict[str, list[dict[str, float]]]:
    """``spread`` of each net and init at each depth, keyed ``"<net> <init>"``."""
    return {
        f"{net} {kind}": [spread(net, kind, d) for d in depths]
        for net in ("linear", "tanh")
        for kind in ("gaussian", "orthogonal")
    }
