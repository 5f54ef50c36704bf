"""One-shot measurement: per-layer gradient norms of a model right after ``backward()``."""

from __future__ import annotations

import torch
from torch import nn

from .errors import NoGradientError
from .layers import LayerIndex, graph_positions
from .report import DEFAULT_THRESHOLDS, GradReport, Thresholds


# --8<-- [start:grad_norms]
def grad_norms(
    model: nn.Module,
    loss: torch.Tensor | None = None,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
    lang: str | None = None,
) -> GradReport:
    """Per-layer gradient norms of ``model`` after ``loss.backward()``.

    A layer is a module without children that owns trainable parameters (see ``LayerIndex``);
    its norm is the L2 norm of all its parameters' gradients together, computed in at least
    float32. Pass the ``loss`` you called ``backward()`` on to order the layers as the data
    flows, read from its autograd graph; without it they are in definition order (the order of
    ``__init__``), which is the data's order only for sequential models. A layer whose gradient is
    ``None`` is shown without a norm and does not count in the ratio or the verdict.
    Raises ``NoGradientError`` before any backward pass (also when every gradient is exactly zero,
    as after ``zero_grad(set_to_none=False)``) and ``NoTrainableParametersError`` for a fully frozen
    model. NaN/Inf gradients do not raise: the verdict is ``non-finite`` and names the layer.
    Under FSDP call it on every rank: the norms are those of the whole gradient (one all-reduce),
    layers named as in the unwrapped model and in definition order; ``ShardedModelError`` for
    sharding it cannot measure (DeepSpeed ZeRO, tensor parallelism).
    """
    index = LayerIndex.of(model)
    name = type(model).__name__
    measured = index.measure(model_name=name)
    norms, total = measured.norms.tolist(), measured.total.item()
    if total == 0.0:
        raise NoGradientError(
            f"every gradient of {name} is exactly zero: no backward pass since zero_grad(set_to_none=False), "
            "or the loss does not depend on any parameter; call loss.backward() before measuring"
        )
    order = index.forward_order(graph_positions(loss, index.params)) if loss is not None else range(len(index.names))
    return GradReport(
        tuple(index.names[i] for i in order),
        tuple(norms[i] if measured.has_grad[i] else None for i in order),
        thresholds,
        index.shared,
        total,
        lang=lang,
    )


# --8<-- [end:grad_norms]
