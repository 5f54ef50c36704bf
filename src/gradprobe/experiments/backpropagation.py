"""Backpropagation by hand: a 2-2-1 tanh network differentiated with the chain rule, line by line,
checked against autograd and against finite differences; and the product of local derivatives along
a deep chain one unit wide, where the chain rule's product shrinks or grows exponentially.

Everything runs in float64 with fixed numbers, so the results are exact to rounding.
"""

from __future__ import annotations

from functools import cache

import torch

from .grads import grad_of
from .threads import single_threaded

Params = dict[str, torch.Tensor]


def _tensor(values: list) -> torch.Tensor:
    return torch.tensor(values, dtype=torch.float64)


# --8<-- [start:network]
def tiny_network() -> tuple[Params, torch.Tensor, torch.Tensor]:
    """Parameters of a network with 2 inputs, 2 tanh hidden units and 1 linear output; one input, one target."""
    params = {
        "W1": _tensor([[0.5, -0.4], [0.3, 0.8]]),
        "b1": _tensor([0.1, -0.2]),  # hidden layer
        "W2": _tensor([[1.2, -0.7]]),
        "b2": _tensor([0.05]),  # output layer
    }
    x, y = _tensor([1.0, 2.0]), _tensor([0.6])
    return params, x, y


def forward(p: Params, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """The loss L = ½ (ŷ - y)², with ŷ = W2 tanh(W1 x + b1) + b2."""
    y_hat = p["W2"] @ torch.tanh(p["W1"] @ x + p["b1"]) + p["b2"]
    return 0.5 * (y_hat - y).pow(2).sum()


# --8<-- [end:network]


# --8<-- [start:by-hand]
def gradients_by_hand(p: Params, x: torch.Tensor, y: torch.Tensor) -> Params:
    """∂L/∂(each parameter), written out with the chain rule, one local derivative per line."""
    # Forward pass, keeping the intermediate values that the backward pass reuses.
    z = p["W1"] @ x + p["b1"]  # hidden pre-activations
    h = torch.tanh(z)  # hidden activations
    y_hat = p["W2"] @ h + p["b2"]  # output
    # Backward pass: start at the loss and multiply by one local derivative per step.
    d_y_hat = y_hat - y  # L = ½ (ŷ - y)²      =>  ∂L/∂ŷ = ŷ - y
    d_W2 = torch.outer(d_y_hat, h)  # ŷ = W2 h + b2       =>  ∂L/∂W2 = ∂L/∂ŷ · hᵀ
    d_b2 = d_y_hat  #                         ∂L/∂b2 = ∂L/∂ŷ
    d_h = p["W2"].T @ d_y_hat  #                         ∂L/∂h  = W2ᵀ · ∂L/∂ŷ
    d_z = d_h * (1 - h**2)  # h = tanh(z), tanh' = 1 - tanh²  =>  ∂L/∂z = ∂L/∂h ⊙ (1 - h²)
    d_W1 = torch.outer(d_z, x)  # z = W1 x + b1       =>  ∂L/∂W1 = ∂L/∂z · xᵀ
    d_b1 = d_z  #                         ∂L/∂b1 = ∂L/∂z
    return {"W1": d_W1, "b1": d_b1, "W2": d_W2, "b2": d_b2}


# --8<-- [end:by-hand]


# --8<-- [start:autograd]
def gradients_by_autograd(p: Params, x: torch.Tensor, y: torch.Tensor) -> Params:
    """The same gradients from PyTorch's reverse-mode automatic differentiation."""
    leaves = {name: value.clone().requires_grad_() for name, value in p.items()}
    forward(leaves, x, y).backward()
    gradients: Params = {}
    for name, leaf in leaves.items():
        assert leaf.grad is not None  # every leaf requires a gradient and the loss depends on it
        gradients[name] = leaf.grad
    return gradients


# --8<-- [end:autograd]


def gradients_by_differences(p: Params, x: torch.Tensor, y: torch.Tensor, eps: float = 1e-6) -> Params:
    """Central differences (L(θ + ε) - L(θ - ε)) / 2ε, one parameter entry at a time: two forward passes each."""
    grads = {}
    for name, value in p.items():
        grad = torch.zeros_like(value)
        for i in range(value.numel()):
            step = torch.zeros_like(value).view(-1)
            step[i] = eps
            up = forward({**p, name: value + step.view_as(value)}, x, y)
            down = forward({**p, name: value - step.view_as(value)}, x, y)
            grad.view(-1)[i] = (up - down) / (2 * eps)
        grads[name] = grad
    return grads


def max_abs_difference(a: Params, b: Params) -> float:
    """Largest absolute difference between two sets of gradients over every entry."""
    return max((a[name] - b[name]).abs().max().item() for name in a)


# Deep chains one unit wide: h_k = f(w_k h_{k-1} + b_k). Label -> (activation, weight range, bias range).
CHAINS: dict[str, tuple[str, tuple[float, float], tuple[float, float]]] = {
    "sigmoid": ("sigmoid", (0.5, 1.5), (-0.5, 0.5)),
    "relu": ("relu", (1.0, 1.6), (0.0, 0.0)),
}
DEPTH = 30


def chain_parameters(label: str, depth: int = DEPTH, seed: int = 0) -> tuple[str, torch.Tensor, torch.Tensor]:
    """Activation, weights and biases of the chain ``label``, drawn uniformly from its ranges."""
    try:
        activation, (w_low, w_high), (b_low, b_high) = CHAINS[label]
    except KeyError:
        raise ValueError(f"unknown chain {label!r}; choose one of: {', '.join(CHAINS)}") from None
    generator = torch.Generator().manual_seed(seed)
    w = w_low + (w_high - w_low) * torch.rand(depth, generator=generator, dtype=torch.float64)
    b = b_low + (b_high - b_low) * torch.rand(depth, generator=generator, dtype=torch.float64)
    return activation, w, b


# --8<-- [start:chain]
@cache  # tests and figures in one process share the runs
@single_threaded  # scalar arithmetic: one thread is faster
def chain_factors(label: str, depth: int = DEPTH, seed: int = 0) -> tuple[float, ...]:
    """Local derivatives ∂h_k/∂h_{k-1} = w_k f'(z_k) of a chain one unit wide, k = 1..depth, input side first."""
    activation, w, b = chain_parameters(label, depth, seed)
    h, factors = torch.tensor(1.0, dtype=torch.float64), []
    for k in range(depth):
        z = w[k] * h + b[k]
        if activation == "sigmoid":
            h = torch.sigmoid(z)
            factors.append((w[k] * h * (1 - h)).item())  # σ'(z) = σ(z)(1 - σ(z))
        else:
            h = torch.relu(z)
            factors.append((w[k] * (z > 0)).item())  # relu'(z) = 1 where z > 0
    return tuple(factors)


# --8<-- [end:chain]


def chain_output_gradient(label: str, depth: int = DEPTH, seed: int = 0) -> list[float]:
    """∂h_depth/∂h_k by autograd for k = depth-1 .. 0, the same chain: the products, read off independently."""
    activation, w, b = chain_parameters(label, depth, seed)
    f = torch.sigmoid if activation == "sigmoid" else torch.relu
    states = [torch.tensor(1.0, dtype=torch.float64, requires_grad=True)]
    for k in range(depth):
        states.append(f(w[k] * states[-1] + b[k]))
        states[-1].retain_grad()
    states[-1].backward()
    return [grad_of(states[k]).item() for k in range(depth - 1, -1, -1)]


def running_products(factors: tuple[float, ...]) -> list[float]:
    """∂h_n/∂h_{n-m} for m = 1..n: the product of the last m factors, built from the output backwards."""
    products, product = [], 1.0
    for factor in reversed(factors):
        product *= factor
        products.append(product)
    return products


def chain_products(depth: int = DEPTH, seed: int = 0) -> dict[str, list[float]]:
    """The page's figure, a pair of series per chain: the local factors in the order the backward pass
    meets them (output side first), then their running product."""
    series = {}
    for label in CHAINS:
        factors = chain_factors(label, depth, seed)
        series[f"{label}_factor"] = list(reversed(factors))
        series[f"{label}_product"] = running_products(factors)
    return series
