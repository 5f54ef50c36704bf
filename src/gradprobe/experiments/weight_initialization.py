"""Weight initialization: Glorot & Bengio's (2010) and He et al.'s (2015) measurements, redone in seconds.

Every run uses generated data (ten Gaussian clusters, one per class, nothing downloaded) and the
MLP of ``gradprobe.models.mlp``. ``layer_statistics`` measures a network at initialization: the
spread of each hidden layer's activations and of the gradient with respect to its pre-activations
(read with ``retain_grad``) and its weights. ``sigmoid_training`` follows the mean activation of
each hidden layer of a sigmoid network during training, as in the paper's Figure 2.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import TypedDict

import torch
from torch.nn import functional as F

from ..measure import grad_norms
from ..models import MLP, Activation, Init, mlp
from ..report import GradReport
from .grads import grad_of
from .threads import single_threaded

CLASSES = 10


class Net(TypedDict):
    """An MLP's set-up, as keyword arguments of ``layer_statistics``."""

    activation: Activation
    depth: int
    width: int
    inputs: int


class SigmoidNet(TypedDict):
    """The trained sigmoid network: its size, SGD's learning rate and the mini-batch size."""

    depth: int
    width: int
    inputs: int
    lr: float
    batch: int


# Glorot & Bengio: five hidden tanh layers of 1000 units, 32x32 = 1024 inputs; He et al.: 30 ReLU layers.
TANH_NET: Net = {"activation": "tanh", "depth": 5, "width": 1000, "inputs": 1024}
RELU_NET: Net = {"activation": "relu", "depth": 30, "width": 256, "inputs": 256}
# Four hidden sigmoid layers trained with SGD on mini-batches of 10, as in the paper (but 128 units).
SIGMOID_NET: SigmoidNet = {"depth": 4, "width": 128, "inputs": 64, "lr": 0.5, "batch": 10}
RECORD_EVERY = 100  # training steps between two records of sigmoid_training
SIGMOID_STEPS = 6000


def clusters(n: int, dim: int, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """``n`` labelled points in ``dim`` dimensions: ten centres from N(0, 1), one per class, plus N(0, 1) noise."""
    g = torch.Generator().manual_seed(seed)
    centres = torch.randn(CLASSES, dim, generator=g)
    y = torch.randint(0, CLASSES, (n,), generator=g)
    x = centres[y] + torch.randn(n, dim, generator=g)
    return x, y


def backward_at_init(
    activation: Activation, init: Init, depth: int, width: int, inputs: int, seed: int = 0, input_variance: float = 2.0
) -> tuple[MLP, list[torch.Tensor], list[torch.Tensor]]:
    """Build the MLP, run one forward and backward pass on 256 points; return the model, each hidden
    layer's pre-activation z_k (its ``.grad`` is dL/dz_k) and its activation h_k = f(z_k).

    The clusters have variance 2 per input feature (centre plus noise); ``input_variance`` rescales them."""
    torch.manual_seed(seed)
    x, y = clusters(256, inputs, seed)
    x = x * (input_variance / 2) ** 0.5
    model = mlp(depth, width, inputs, CLASSES, activation, init)
    pre: list[torch.Tensor] = []
    post: list[torch.Tensor] = []

    def keep_preactivation(_module: torch.nn.Module, _inputs: tuple, z: torch.Tensor) -> None:
        z.retain_grad()  # autograd frees the gradient of a non-leaf tensor unless asked to keep it
        pre.append(z)

    for block in model.hidden:  # z_k = W_k h_{k-1} + b_k is the output of block.linear
        block.linear.register_forward_hook(keep_preactivation)
        block.register_forward_hook(lambda _module, _inputs, h: post.append(h.detach()))
    F.cross_entropy(model(x), y).backward()
    return model, pre, post


@cache  # tests, snippet and figures in one process share the runs
@single_threaded
def layer_statistics(
    activation: Activation, init: Init, depth: int, width: int, inputs: int, seed: int = 0, input_variance: float = 2.0
) -> dict[str, tuple[float, ...]]:
    """Per hidden layer, input side first: the variance of its activations, of the gradient at its
    pre-activations and of its weight gradient."""
    model, pre, post = backward_at_init(activation, init, depth, width, inputs, seed, input_variance)
    return {
        "activation": tuple(h.var().item() for h in post),
        "preactivation_grad": tuple(grad_of(z).var().item() for z in pre),
        "weight_grad": tuple(grad_of(block.linear.weight).var().item() for block in model.hidden),
    }


@cache
@single_threaded
def weight_gradient_report(
    activation: Activation, init: Init, depth: int, width: int, inputs: int, seed: int = 0
) -> GradReport:
    """What ``gradprobe.grad_norms`` (weight gradients only) reports on the same backward pass."""
    model, _, _ = backward_at_init(activation, init, depth, width, inputs, seed)
    return grad_norms(model)


def per_layer_factor(values: tuple[float, ...] | list[float]) -> float:
    """Geometric mean of the factor from one layer to the next (below 1: shrinking with depth)."""
    return (values[-1] / values[0]) ** (1 / (len(values) - 1))


def _pick(values: tuple[float, ...], layers: Sequence[int]) -> list[float]:
    """The values of hidden layers ``layers``, numbered from 1 on the input side."""
    if any(not 1 <= k <= len(values) for k in layers):
        raise ValueError(f"hidden layers are numbered 1 to {len(values)}, got {layers}")
    return [values[k - 1] for k in layers]


def first_layer_gradient_share(init: Init, input_variances: list[float]) -> list[float]:
    """Tanh network: the first hidden layer's pre-activation gradient variance over the fifth's, per input variance."""
    shares = []
    for variance in input_variances:
        grad = layer_statistics(init=init, input_variance=variance, **TANH_NET)["preactivation_grad"]
        shares.append(grad[0] / grad[-1])
    return shares


def tanh_variances(layers: Sequence[int] = tuple(range(1, TANH_NET["depth"] + 1))) -> dict[str, list[float]]:
    """Figure: the tanh network's activation and pre-activation gradient variance, standard vs Xavier."""
    series = {}
    for init in ("standard", "xavier"):
        stats = layer_statistics(init=init, **TANH_NET)
        series[f"{init}_activation"] = _pick(stats["activation"], layers)
        series[f"{init}_gradient"] = _pick(stats["preactivation_grad"], layers)
    return series


def relu_statistics(
    stat: str, layers: Sequence[int] = tuple(range(1, RELU_NET["depth"] + 1))
) -> dict[str, list[float]]:
    """Figure: one statistic of ``layer_statistics`` for the deep ReLU network under each init."""
    if stat not in ("activation", "preactivation_grad", "weight_grad"):
        raise ValueError(f"unknown stat {stat!r}; choose activation, preactivation_grad or weight_grad")
    return {init: _pick(layer_statistics(init=init, **RELU_NET)[stat], layers) for init in ("default", "xavier", "he")}


@cache
@single_threaded
def sigmoid_training(steps: int = SIGMOID_STEPS, seed: int = 0) -> dict[str, tuple[float, ...]]:
    """Train a sigmoid MLP (standard init) with plain SGD; every ``RECORD_EVERY`` steps, record the
    mean activation of each hidden layer and the accuracy on 500 held-out points."""
    net = SIGMOID_NET
    torch.manual_seed(seed)
    x, y = clusters(2500, net["inputs"], seed)
    (x_train, x_test), (y_train, y_test) = x.split([2000, 500]), y.split([2000, 500])
    model = mlp(net["depth"], net["width"], net["inputs"], CLASSES, "sigmoid", "standard")
    optimizer = torch.optim.SGD(model.parameters(), lr=net["lr"])
    record: dict[str, list[float]] = {f"layer{k + 1}": [] for k in range(net["depth"])}
    record["accuracy"] = []
    for step in range(steps + 1):
        if step % RECORD_EVERY == 0:
            with torch.no_grad():
                h = x_test
                for k, block in enumerate(model.hidden):
                    h = block(h)
                    record[f"layer{k + 1}"].append(h.mean().item())
                record["accuracy"].append((model.head(h).argmax(1) == y_test).float().mean().item())
        if step == steps:
            break
        batch = torch.randint(0, len(x_train), (net["batch"],))
        loss = F.cross_entropy(model(x_train[batch]), y_train[batch])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return {key: tuple(values) for key, values in record.items()}


def sigmoid_layer_means(
    checkpoints: Sequence[int] = tuple(range(0, SIGMOID_STEPS + 1, RECORD_EVERY)),
) -> dict[str, list[float]]:
    """Figure: mean activation of each hidden layer at the given training steps."""
    if any(c < 0 or c % RECORD_EVERY for c in checkpoints):
        raise ValueError(f"checkpoints must be non-negative multiples of {RECORD_EVERY}, got {checkpoints}")
    run = sigmoid_training(steps=max(checkpoints))
    return {key: [values[c // RECORD_EVERY] for c in checkpoints] for key, values in run.items() if key != "accuracy"}
