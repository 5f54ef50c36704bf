"""One-shot measurement: per-layer gradient norms of a model right after ``backward()``."""

from __future__ import annotations

from torch import nn

from .layers import LayerIndex
from .report import DEFAULT_THRESHOLDS, GradReport, Thresholds


# --8<-- [start:grad_norms]
def grad_norms(model: nn.Module, thresholds: Thresholds = DEFAULT_THRESHOLDS) -> GradReport:
    """Per-layer gradient norms of ``model`` after ``loss.backward()``.

    A layer is a module that owns trainable parameters itself; its norm is the L2 norm of all
    its parameters' gradients together. Raises ``NoGradientError`` before any backward pass and
    ``NoTrainableParametersError`` for a fully frozen model. NaN/Inf gradients do not raise:
    the report's verdict is ``non-finite`` and names the first such layer.
    """
    index = LayerIndex.of(model)
    return GradReport(index.names, tuple(index.norms(type(model).__name__)), thresholds)
# --8<-- [end:grad_norms]
