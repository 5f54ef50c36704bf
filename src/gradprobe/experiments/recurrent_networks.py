"""Gradients through time: how much of the loss at the last step reaches the input at step 1.

A tanh RNN, an LSTM and a GRU of the same hidden size read the same random 100-step sequences;
the loss is computed from the last hidden state only. The gradient of that loss with respect to
the input at each step is measured at initialization, in float64: the plain RNN's gradient at step 1
is near 1e-29, and the squares summed in its norm would be far below float32's smallest number.
"""

from __future__ import annotations

import statistics
from functools import cache

import torch

from ..models import Cell, sequence_model
from ..sequences import set_keep_gate_bias, step_grad_norms
from .threads import single_threaded

SEEDS = (0, 1, 2, 3, 4)
HIDDEN = 32
INPUTS = 8

# label -> (cell, bias of the keep gate, or None for PyTorch's default initialization)
SETUPS: dict[str, tuple[Cell, float | None]] = {
    "rnn": ("rnn", None),
    "lstm": ("lstm", None),
    "gru": ("gru", None),
    "lstm_bias1": ("lstm", 1.0),
    "gru_bias1": ("gru", 1.0),
}


# --8<-- [start:measure]
@cache  # tests and figures in one process share the runs
@single_threaded  # a tiny model: faster on one CPU thread, and independent of the core count
def step_gradients(cell: Cell, keep_bias: float | None = None, seed: int = 0, length: int = 100) -> tuple[float, ...]:
    """Norm of d(loss)/d(input at step t) for t = 1..length; the loss sees only the last step."""
    torch.manual_seed(seed)
    model = sequence_model(cell, input_size=INPUTS, hidden_size=HIDDEN, output_size=1).double()
    if keep_bias is not None:  # LSTM forget gate / GRU update gate; None keeps PyTorch's default
        set_keep_gate_bias(model.rnn, keep_bias)
    x = torch.randn(16, length, INPUTS, dtype=torch.float64, requires_grad=True)  # (batch, time, features)
    y = torch.randn(16, 1, dtype=torch.float64)
    loss = torch.nn.functional.mse_loss(model(x), y)  # model(x) reads the last hidden state only
    loss.backward()
    return tuple(step_grad_norms(x))  # one norm per time step, step 1 first


# --8<-- [end:measure]


def median_over_seeds(
    cell: Cell, keep_bias: float | None = None, seeds: tuple[int, ...] = SEEDS, length: int = 100
) -> list[float]:
    """Per-step gradient norms, the median over ``seeds`` at each step."""
    runs = [step_gradients(cell, keep_bias, seed, length) for seed in seeds]
    return [statistics.median(values) for values in zip(*runs)]


def decay_per_step(norms: list[float]) -> float:
    """Factor by which the gradient shrinks per step going back in time, fitted between 10 and 90% of the way."""
    first, last = len(norms) // 10, len(norms) * 9 // 10
    return (norms[first] / norms[last]) ** (1 / (last - first))


def gradient_by_step(length: int = 100) -> dict[str, list[float]]:
    """The page's figure: median gradient norm at every step, for each set-up of ``SETUPS``."""
    return {label: median_over_seeds(cell, bias, length=length) for label, (cell, bias) in SETUPS.items()}


def summary(length: int = 100) -> dict[str, dict[str, float]]:
    """Per set-up: the gradient at step 1 and at the last step, their ratio and the decay per step."""
    rows = {}
    for label, norms in gradient_by_step(length).items():
        rows[label] = {
            "first": norms[0],
            "last": norms[-1],
            "ratio": norms[0] / norms[-1],
            "per_step": decay_per_step(norms),
        }
    return rows


def first_over_last_by_bias(
    biases: tuple[float, ...] = (0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0), length: int = 100
) -> dict[str, list[float]]:
    """Step-1 / last-step gradient ratio against the keep-gate bias; the plain RNN (no gate) as reference."""

    def ratio(cell: Cell, bias: float | None) -> float:
        norms = median_over_seeds(cell, bias, length=length)
        return norms[0] / norms[-1]

    rnn = ratio("rnn", None)
    return {
        "lstm": [ratio("lstm", b) for b in biases],
        "gru": [ratio("gru", b) for b in biases],
        "rnn": [rnn] * len(biases),
    }


def gate_value(bias: float) -> float:
    """The keep gate's output for a zero input and zero state: sigmoid(bias)."""
    return torch.sigmoid(torch.tensor(bias, dtype=torch.float64)).item()


@single_threaded
def recurrent_weight_spectrum(seed: int = 0, length: int = 100) -> dict[str, float]:
    """Spectral radius and largest singular value of the plain RNN's default-initialized W_hh, and the
    root mean square of tanh'(z) = 1 - h^2 over the hidden states of ``step_gradients``'s run."""
    torch.manual_seed(seed)  # the same model and input as step_gradients("rnn", None, seed, length)
    model = sequence_model("rnn", input_size=INPUTS, hidden_size=HIDDEN, output_size=1).double()
    x = torch.randn(16, length, INPUTS, dtype=torch.float64)
    with torch.no_grad():
        hidden, _ = model.rnn(x)
    weight = model.rnn.get_parameter("weight_hh_l0").detach()
    return {
        "radius": torch.linalg.eigvals(weight).abs().max().item(),
        "largest_singular_value": torch.linalg.matrix_norm(weight, 2).item(),
        "tanh_slope_rms": (1 - hidden**2).pow(2).mean().sqrt().item(),
    }
