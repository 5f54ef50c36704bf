"""Gradients along a sequence: per-time-step gradient norms, and the bias of a gated cell's keep gate."""

from __future__ import annotations

import torch
from torch import nn

from .errors import NoGradientError


# --8<-- [start:step_grad_norms]
def step_grad_norms(inputs: torch.Tensor, time_dim: int = 1) -> list[float]:
    """L2 norm of ``inputs.grad`` at each time step, over all other dimensions together.

    ``inputs`` is a sequence tensor created with ``requires_grad=True`` (batch-first
    ``(batch, time, features)`` by default) after ``loss.backward()``. Entry ``t`` says how
    strongly the loss depends on what the network saw at step ``t``.
    """
    if not isinstance(inputs, torch.Tensor):
        raise TypeError(f"expected a torch.Tensor, got {type(inputs).__name__}")
    if inputs.dim() == 0:
        raise ValueError("inputs is a scalar: pass the sequence tensor, with a time dimension")
    if not -inputs.dim() <= time_dim < inputs.dim():
        raise ValueError(f"time_dim {time_dim} is out of range for a tensor of shape {tuple(inputs.shape)}")
    if inputs.grad is None:
        raise NoGradientError(
            "inputs has no gradient: create it with requires_grad=True and call loss.backward() first"
        )
    grad = inputs.grad.detach().movedim(time_dim, 0).reshape(inputs.shape[time_dim], -1)
    return torch.linalg.vector_norm(grad.double(), dim=1).tolist()


# --8<-- [end:step_grad_norms]


# --8<-- [start:keep_gate]
def set_keep_gate_bias(rnn: nn.Module, value: float) -> None:
    """Set the bias of the gate that keeps the old state: the LSTM forget gate, the GRU update gate.

    PyTorch stores the gates in blocks of ``hidden_size`` rows, LSTM as (input, forget, cell,
    output) and GRU as (reset, update, new), so the gate is block 1 in both. Its total bias
    ``b_ih + b_hh`` becomes ``value`` in every layer and direction. A gate of sigmoid(value)
    keeps that fraction of the old state at each step, and passes that fraction of the gradient back.
    """
    if not isinstance(rnn, (nn.LSTM, nn.GRU)):
        raise TypeError(
            f"expected a torch.nn.LSTM or torch.nn.GRU, got {type(rnn).__name__}: "
            "only gated cells have a gate that keeps the old state"
        )
    if not rnn.bias:
        raise ValueError(f"this {type(rnn).__name__} was built with bias=False: it has no gate bias to set")
    gate = slice(rnn.hidden_size, 2 * rnn.hidden_size)
    with torch.no_grad():
        for name, param in rnn.named_parameters():
            if name.startswith("bias_ih"):
                param[gate] = value
            elif name.startswith("bias_hh"):
                param[gate] = 0.0


# --8<-- [end:keep_gate]
