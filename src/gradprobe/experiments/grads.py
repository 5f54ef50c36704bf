"""The gradient a backward pass left on a tensor, typed: ``Tensor.grad`` is ``None`` until then."""

from __future__ import annotations

import torch


def grad_of(tensor: torch.Tensor) -> torch.Tensor:
    """``tensor.grad``; a clear error if no backward pass has filled it (or ``retain_grad`` was not called)."""
    if tensor.grad is None:
        raise ValueError("the tensor has no gradient: run backward() first (retain_grad() on a non-leaf tensor)")
    return tensor.grad
