"""gradprobe 0.1.0's measurement path, frozen here (self-contained) for the before/after rows of the benchmark."""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn


@dataclass(frozen=True)
class IndexV010:
    """0.1.0's layer index: each module that owns trainable parameters, in definition order."""

    names: tuple[str, ...]
    params: tuple[nn.Parameter, ...]
    layer_of_param: torch.Tensor

    @classmethod
    def of(cls, model: nn.Module) -> IndexV010:
        names, params, owners, seen = [], [], [], set()
        for name, module in model.named_modules():
            own = [p for p in module.parameters(recurse=False) if p.requires_grad and id(p) not in seen]
            if own:
                seen.update(id(p) for p in own)
                owners += [len(names)] * len(own)
                names.append(name or type(module).__name__)
                params += own
        return cls(tuple(names), tuple(params), torch.tensor(owners, dtype=torch.long))


def norms_v010(index: IndexV010) -> list[float]:
    """``LayerIndex.norms`` as released in 0.1.0 (error handling left out)."""
    with_grad = [i for i, p in enumerate(index.params) if p.grad is not None]
    grads = [index.params[i].grad for i in with_grad]
    per_param = torch._foreach_norm([g.detach() for g in grads])
    devices = {n.device for n in per_param}
    if len(devices) > 1:
        per_param = [n.cpu() for n in per_param]
    squares = torch.stack(per_param).double().cpu() ** 2
    per_layer = torch.zeros(len(index.names), dtype=squares.dtype)
    per_layer.index_add_(0, index.layer_of_param[with_grad], squares)
    return per_layer.sqrt().tolist()


class HistoryV010:
    """``GradHistory`` as released in 0.1.0: one hook per parameter, measured in the first end-of-pass callback."""

    def __init__(self, model: nn.Module) -> None:
        self._index = IndexV010.of(model)
        self._rows: list[torch.Tensor] = []
        self._callback_queued = False
        self.passes = 0

    def attach(self) -> list[torch.utils.hooks.RemovableHandle]:
        return [p.register_post_accumulate_grad_hook(self._on_grad_ready) for p in self._index.params]

    def _on_grad_ready(self, _param: torch.Tensor) -> None:
        if not self._callback_queued:
            self._callback_queued = True
            torch.autograd.Variable._execution_engine.queue_callback(self._on_backward_end)

    def _on_backward_end(self) -> None:
        self._callback_queued = False
        self.passes += 1
        self._rows.append(torch.tensor(norms_v010(self._index), dtype=torch.float64))
        del self._rows[:-2048]
