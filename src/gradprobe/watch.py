"""Record per-layer gradient norms at every backward pass of any training loop."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import torch
from torch import nn

from .errors import NoGradientError
from .layers import LayerIndex
from .report import DEFAULT_THRESHOLDS, GradReport, Thresholds


class GradHistory:
    """Per-layer gradient norms recorded at backward passes, kept in bounded memory.

    At most ``max_records`` rows are kept. When the buffer is full every other row is dropped
    and the sampling stride doubles, so a run of any length stays evenly covered from start to end.
    Rows stay on the gradients' device until read, so recording never waits for a GPU.

    Under ``DistributedDataParallel`` (pass the wrapper or its ``.module``; layers are named as in
    the unwrapped model) every rank records the gradient *after* DDP's all-reduce: the gradient
    averaged over all ranks, the same on every rank, and the one a single process would get on
    the global batch (up to float rounding). Passes inside ``no_sync()`` are not all-reduced, so
    there each rank records its own accumulated local gradient.
    """

    def __init__(self, model: nn.Module, every: int = 1, max_records: int = 2048,
                 thresholds: Thresholds = DEFAULT_THRESHOLDS) -> None:
        if every < 1:
            raise ValueError(f"every must be a positive number of backward passes, got {every}")
        if max_records < 2:
            raise ValueError(f"max_records must be at least 2, got {max_records}")
        if isinstance(model, nn.parallel.DistributedDataParallel):
            model = model.module
        self._index = LayerIndex.of(model)
        self._model_name = type(model).__name__
        self._thresholds = thresholds
        self._stride = every
        self._norms = torch.empty(max_records, len(self._index.names), dtype=torch.float64)
        self._steps: list[int] = []
        self._callback_queued = False
        self.passes = 0
        """Backward passes seen so far, recorded or not."""

    @property
    def layers(self) -> tuple[str, ...]:
        """Layer names, as ``named_modules`` names them."""
        return self._index.names

    @property
    def steps(self) -> tuple[int, ...]:
        """Index (0-based) of the backward pass behind each recorded row."""
        return tuple(self._steps)

    @property
    def stride(self) -> int:
        """Current sampling stride: one backward pass in ``stride`` is recorded."""
        return self._stride

    @property
    def norms(self) -> torch.Tensor:
        """Recorded norms, shape ``(len(steps), len(layers))``."""
        return self._norms[: len(self._steps)].to("cpu", copy=True)

    def report(self, row: int = -1) -> GradReport:
        """The recorded pass ``row`` (default: the latest) as a ``GradReport``."""
        if not self._steps:
            raise NoGradientError(
                f"no backward pass of {self._model_name} was recorded: run loss.backward() inside the watch block"
            )
        values = self._norms[: len(self._steps)][row].tolist()
        return GradReport(self.layers, tuple(values), self._thresholds)

    def attach(self) -> list[torch.utils.hooks.RemovableHandle]:
        """Register one post-accumulate-grad hook per parameter; returns the handles to remove."""
        return [p.register_post_accumulate_grad_hook(self._on_grad_ready) for p in self._index.params]

    def _on_grad_ready(self, _param: torch.Tensor) -> None:
        # The first parameter hook of a backward pass queues one callback that runs when the pass ends.
        if not self._callback_queued:
            self._callback_queued = True
            torch.autograd.Variable._execution_engine.queue_callback(self._on_backward_end)

    def _on_backward_end(self) -> None:
        self._callback_queued = False
        step = self.passes
        self.passes += 1
        if step % self._stride == 0:
            # Measure in a callback queued now, so that it runs after every callback queued during
            # the pass: DDP queues its own when the last gradient is ready, and that one writes the
            # all-reduced gradients into .grad.
            torch.autograd.Variable._execution_engine.queue_callback(lambda: self._measure(step))

    def _measure(self, step: int) -> None:
        self._record(step, self._index.norm_tensor(self._model_name))

    def _record(self, step: int, norms: torch.Tensor) -> None:
        if len(self._steps) == len(self._norms):
            keep = [i for i, s in enumerate(self._steps) if s % (2 * self._stride) == 0]
            self._norms[: len(keep)] = self._norms[keep]
            self._steps = [self._steps[i] for i in keep]
            self._stride *= 2
            if step % self._stride:
                return
        if self._norms.device != norms.device:
            self._norms = self._norms.to(norms.device)
        self._norms[len(self._steps)] = norms
        self._steps.append(step)


# --8<-- [start:watch]
@contextmanager
def watch(model: nn.Module, every: int = 1, max_records: int = 2048,
          thresholds: Thresholds = DEFAULT_THRESHOLDS) -> Iterator[GradHistory]:
    """Record per-layer gradient norms of ``model`` at every ``every``-th backward pass.

    Works with any loop that calls ``backward()`` (plain PyTorch, Ultralytics, Lightning):
    parameter hooks fire as gradients accumulate and one batched norm computation runs when
    the backward pass ends. The hooks are removed on exit, also when the body raises.
    Under ``DistributedDataParallel`` every rank records the all-reduced (averaged) gradient;
    see ``GradHistory`` for what is recorded per rank.
    """
    history = GradHistory(model, every, max_records, thresholds)
    handles = history.attach()
    try:
        yield history
    finally:
        for handle in handles:
            handle.remove()
# --8<-- [end:watch]
