"""Small models for the demos: a configurable deep MLP and recurrent sequence models."""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from typing import Literal, cast

import torch
from torch import nn

Activation = Literal["sigmoid", "tanh", "relu", "leaky_relu", "gelu"]
Init = Literal["default", "standard", "xavier", "he"]
Norm = Literal["none", "batch", "layer"]
Cell = Literal["rnn", "lstm", "gru"]

ACTIVATIONS: dict[str, type[nn.Module]] = {
    "sigmoid": nn.Sigmoid,
    "tanh": nn.Tanh,
    "relu": nn.ReLU,
    "leaky_relu": nn.LeakyReLU,
    "gelu": nn.GELU,
}
INITS = ("default", "standard", "xavier", "he")
NORMS: dict[str, type[nn.Module] | None] = {"none": None, "batch": nn.BatchNorm1d, "layer": nn.LayerNorm}
CELLS: dict[str, Callable[..., nn.RNNBase]] = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}


def _choose(kind: str, value: str, choices) -> None:
    if value not in choices:
        raise ValueError(f"unknown {kind} {value!r}; choose one of: {', '.join(choices)}")


def _positive(**values: int) -> None:
    for name, value in values.items():
        if not isinstance(value, int) or value < 1:
            raise ValueError(f"{name} must be a positive integer, got {value!r}")


class Block(nn.Module):
    """``linear -> [norm] -> activation``, with ``x + f(x)`` when residual."""

    def __init__(self, width_in: int, width_out: int, activation: str, norm: str, residual: bool) -> None:
        super().__init__()
        self.linear = nn.Linear(width_in, width_out)
        norm_cls = NORMS[norm]
        self.norm = norm_cls(width_out) if norm_cls else nn.Identity()
        self.activation = ACTIVATIONS[activation]()
        self.residual = residual and width_in == width_out

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.activation(self.norm(self.linear(x)))
        return x + out if self.residual else out


class MLP(nn.Module):
    """``depth`` hidden blocks then a linear ``head``; layers are ``blocks.<i>.linear`` and ``head``."""

    def __init__(self, blocks: list[Block], head: nn.Linear) -> None:
        super().__init__()
        self.blocks = nn.ModuleList(blocks)
        self.head = head

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for block in self.blocks:
            x = block(x)
        return self.head(x)

    @property
    def hidden(self) -> list[Block]:
        """The hidden blocks, input side first."""
        # nn.ModuleList is not generic in torch's stubs (its items are typed Module); here they are all Blocks.
        return [cast(Block, block) for block in self.blocks]


def init_linear(layer: nn.Linear, init: str, activation: str) -> None:
    """Re-initialize ``layer``; every scheme but ``default`` (PyTorch's own) zeroes the bias.

    ``standard``: U[-1/sqrt(n_in), 1/sqrt(n_in)], the heuristic Glorot & Bengio (2010) start from;
    ``xavier``: their normalized init, Var = 2/(n_in + n_out) (gain 1, as in the paper);
    ``he``: He et al. (2015), normal with Var = 2/n_in (fan-in).
    """
    if init == "default":
        return
    if init == "standard":
        bound = 1 / math.sqrt(layer.in_features)
        nn.init.uniform_(layer.weight, -bound, bound)
    elif init == "xavier":
        nn.init.xavier_uniform_(layer.weight)
    else:
        nn.init.kaiming_normal_(layer.weight, nonlinearity="leaky_relu" if activation == "leaky_relu" else "relu")
    nn.init.zeros_(layer.bias)


# --8<-- [start:mlp]
def mlp(
    depth: int,
    width: int,
    in_features: int,
    out_features: int,
    activation: Activation = "relu",
    init: Init = "default",
    norm: Norm = "none",
    residual: bool = False,
) -> MLP:
    """A deep MLP of ``depth`` hidden blocks of ``width`` units each."""
    _positive(depth=depth, width=width, in_features=in_features, out_features=out_features)
    _choose("activation", activation, ACTIVATIONS)
    _choose("init", init, INITS)
    _choose("norm", norm, NORMS)
    widths = [in_features] + [width] * depth
    blocks = [Block(a, b, activation, norm, residual) for a, b in itertools.pairwise(widths)]
    head = nn.Linear(width, out_features)
    for layer in [b.linear for b in blocks] + [head]:
        init_linear(layer, init, activation)
    return MLP(blocks, head)


# --8<-- [end:mlp]


class SequenceModel(nn.Module):
    """A recurrent network reading a whole sequence; the ``head`` maps its last hidden state."""

    def __init__(self, rnn: nn.RNNBase, head: nn.Linear) -> None:
        super().__init__()
        self.rnn = rnn
        self.head = head

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out, _ = self.rnn(x)
        return self.head(out[:, -1])


def sequence_model(
    cell: Cell, input_size: int, hidden_size: int, output_size: int, num_layers: int = 1
) -> SequenceModel:
    """An ``rnn`` (tanh), ``lstm`` or ``gru`` network, batch-first, with a linear head."""
    _choose("cell", cell, CELLS)
    _positive(input_size=input_size, hidden_size=hidden_size, output_size=output_size, num_layers=num_layers)
    rnn = CELLS[cell](input_size, hidden_size, num_layers=num_layers, batch_first=True)
    return SequenceModel(rnn, nn.Linear(hidden_size, output_size))
