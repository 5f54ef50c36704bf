"""gradprobe 0.1.0's measurement path, frozen here for the before/after rows of the benchmark."""

from __future__ import annotations

import torch

from gradprobe import GradHistory
from gradprobe.layers import LayerIndex


def norms_v010(index: LayerIndex) -> list[float]:
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


class HistoryV010(GradHistory):
    """``GradHistory`` as released in 0.1.0: measures in the first end-of-pass callback, via a list."""

    def _on_backward_end(self) -> None:
        self._callback_queued = False
        step = self.passes
        self.passes += 1
        if step % self._stride == 0:
            self._record(step, torch.tensor(norms_v010(self._index), dtype=torch.float64))
