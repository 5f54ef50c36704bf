"""Record per-layer gradient norms of any training loop: at every backward pass, or at every optimizer step."""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from typing import Any

import torch
from torch import nn
from torch.utils._pytree import tree_leaves

from .errors import NoTrainableParametersError
from .history import GradHistory
from .layers import LayerIndex
from .norms import tensor_norms
from .report import DEFAULT_THRESHOLDS, Thresholds

_REFERENCES = 4  # small parameters measured at each backward pass to tell what happened to the gradient before the step
_UNIFORM = 1e-5  # relative spread of their before/after ratios below which the change was one common factor


def _graph_task() -> int:
    return torch._C._current_graph_task_id()


class _Recorder:
    """The hooks behind ``watch``: they write into a ``GradHistory`` and hold the only references to the model."""

    def __init__(
        self, model: nn.Module, history_args: dict[str, Any], optimizer: torch.optim.Optimizer | None, scaler: Any
    ) -> None:
        if isinstance(model, nn.parallel.DistributedDataParallel):
            model = model.module
        self.index = LayerIndex.of(model, trainable_only=False)
        params = self.index.params
        if not any(p.requires_grad for p in params):
            raise NoTrainableParametersError(
                f"{type(model).__name__} has no trainable parameters (none with requires_grad=True): "
                "unfreeze at least one layer before watching its gradients"
            )
        self.history = GradHistory(
            self.index.names, unit="step" if optimizer else "pass", shared=self.index.shared, **history_args
        )
        for column, members in enumerate(self.index.layer_params):
            self.history._set_listed(column, any(params[i].requires_grad for i in members))
        self.optimizer, self.scaler = optimizer, scaler
        self.handles: list[Any] = []
        self.frozen = [i for i, p in enumerate(params) if not p.requires_grad]
        if self.index.sharding is not None:  # FSDP writes the gradients itself, after autograd: no hook on them fires
            self.handles.append(model.register_forward_hook(self._on_forward))
        for i, p in enumerate(params):
            if p.requires_grad and self.index.sharding is None:
                self._hook(i)
        if optimizer is not None:
            self.handles.append(optimizer.register_step_pre_hook(self._before_step))
            self.handles.append(optimizer.register_step_post_hook(self._after_step))
        self.deferred = False  # a step given a closure: its gradient is computed inside the step, read after it
        self.references: list[int] = []  # chosen at the first backward pass among the parameters that got a gradient
        self.references_before: torch.Tensor | None = None
        self.task: int | None = None  # autograd graph task of the pass in progress
        self.ready: list[int] = []  # parameters whose gradient is ready in this pass, in the order they became so
        self.since_step: set[int] = set()
        self.order_learned = False

    def detach(self) -> None:
        for handle in self.handles:
            handle.remove()
        self.handles = []
        self.history._finish()

    # --- backward pass ----------------------------------------------------------------------------

    def _hook(self, i: int) -> None:
        param = self.index.params[i]
        assert isinstance(param, torch.Tensor)  # a model that is not sharded
        self.handles.append(param.register_post_accumulate_grad_hook(partial(self._on_grad_ready, i)))

    def _on_grad_ready(self, i: int, _param: torch.Tensor) -> None:
        self._in_pass()
        self.ready.append(i)

    def _in_pass(self) -> None:
        task = _graph_task()
        if task != self.task:  # the first gradient of a new pass (also after a pass that raised)
            self.task, self.ready = task, []
            torch.autograd.Variable._execution_engine.queue_callback(self._on_backward_end)

    def _on_forward(self, _module: nn.Module, _args: Any, output: Any) -> None:
        """Sharded models: the backward pass through this output is a pass in which every parameter gets a gradient."""
        for tensor in tree_leaves(output):
            if isinstance(tensor, torch.Tensor) and tensor.requires_grad:
                tensor.register_hook(self._on_output_grad)

    def _on_output_grad(self, _grad: torch.Tensor) -> None:
        if not self.handles:  # the watch has ended since this output was computed
            return
        self._in_pass()
        if not self.ready:  # output-most first, as gradients become ready
            self.ready = [i for i in reversed(range(len(self.index.params))) if self.index.params[i].requires_grad]

    def _on_backward_end(self) -> None:
        ready, self.task = self.ready, None
        self._pick_up_unfrozen(ready)
        if not self.order_learned:  # gradients become ready output-most first: their order reversed is forward order
            self.history._set_order(self.index.forward_order({i: -rank for rank, i in enumerate(ready)}))
            self.order_learned = True
        history = self.history
        step = history.passes
        history.passes += 1
        # Measure in a callback queued now, so that it runs after every callback queued during the pass:
        # DDP queues its own when the last gradient is ready, and that one writes the averaged gradients;
        # FSDP queues its own when the pass starts, and that one waits for the reduce-scattered gradients.
        if self.optimizer is not None:
            self.since_step.update(ready)
            if not self.references:
                self.references = sorted(ready, key=lambda i: self.index.params[i].numel())[:_REFERENCES]
            torch.autograd.Variable._execution_engine.queue_callback(self._measure_references)
        elif step % history.stride == 0:
            torch.autograd.Variable._execution_engine.queue_callback(partial(self._measure_pass, step, ready))

    def _pick_up_unfrozen(self, ready: list[int]) -> None:
        params = self.index.params
        for i in [i for i in self.frozen if params[i].requires_grad]:
            self.frozen.remove(i)
            for column, members in enumerate(self.index.layer_params):
                if i in members:
                    self.history._set_listed(column, True)
            if self.index.sharding is not None:  # already in ready: a sharded pass lists every trainable parameter
                continue
            self._hook(i)
            if params[i].grad is not None:
                ready.append(i)

    def _scale(self) -> torch.Tensor | None:
        """The GradScaler's current loss scale as a 1-element tensor (no host sync), or None without a scaler."""
        if self.scaler is None:
            return None
        scale = getattr(self.scaler, "_scale", None)
        if not self.scaler.is_enabled() or scale is None:
            return torch.ones(1, dtype=torch.float64)
        return scale.double()

    def _measure_pass(self, step: int, ready: list[int]) -> None:
        if self.index.sharding is not None and all(self.index.params[i].grad is None for i in ready):
            return  # FSDP kept this pass's gradients unreduced (no_sync): no sharded gradient to measure yet
        measured = self.index.measure(ready)
        scale = self._scale()
        norms, total = measured.norms, measured.total
        if scale is not None:
            scale = scale.to(norms.device)
            norms, total = norms / scale, total / scale
        self.history._record(step, norms, measured.has_grad, _row_values(total, scale))

    # --- optimizer step ---------------------------------------------------------------------------

    def _reference_norms(self) -> torch.Tensor:
        grads = [self.index.params[i].grad for i in self.references]
        present = [g for g in grads if g is not None]
        if len(present) < len(grads):
            values = iter(tensor_norms(present).cpu().tolist() if present else [])
            return torch.tensor([next(values) if g is not None else math.nan for g in grads], dtype=torch.float64)
        return tensor_norms(present)

    def _measure_references(self) -> None:
        """Norms of a few small gradients as the pass leaves them: the step's are compared with these."""
        self.references_before = self._reference_norms()

    def _before_step(self, _optimizer: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        # optimizer.step(closure) runs the backward pass inside the step (Lightning does so for every step
        # it takes without a GradScaler): the gradient it applies exists only after the step, which leaves it as is.
        self.deferred = kwargs.get("closure", args[0] if args else None) is not None
        if not self.deferred:
            self._record_step()

    def _after_step(self, _optimizer: Any, _args: Any, _kwargs: Any) -> None:
        if self.deferred:
            self.deferred = False
            self._record_step()

    def _record_step(self) -> None:
        history = self.history
        step = history.optimizer_steps
        history.optimizer_steps += 1
        ready, self.since_step = self.since_step, set()
        before, self.references_before = self.references_before, None
        if step % history.stride or not any(self.index.params[i].grad is not None for i in ready):
            return
        # The references' norms before the step and now, measured with the layers (summed over shards with them)
        measured = self.index.measure(
            ready, also=None if before is None else torch.cat([before, self._reference_norms().to(before.device)])
        )
        device = measured.norms.device
        scale = self._scale()
        scale = (
            scale.to(device).reshape(()) if scale is not None else torch.tensor(1.0, dtype=torch.float64, device=device)
        )
        nan = torch.tensor(math.nan, dtype=torch.float64, device=device)
        if before is None:  # a step without a backward pass since the last one: nothing to compare with
            factor, changed = nan, nan
        else:
            before, now = measured.also.to(device).chunk(2)  # type: ignore[union-attr]
            ratios = now / before
            valid = torch.isfinite(ratios) & (ratios > 0)
            high = torch.where(valid, ratios, -math.inf).max()
            low = torch.where(valid, ratios, math.inf).min()
            uniform = valid.any() & (high - low <= _UNIFORM * high)
            factor = torch.where(uniform, high * scale, nan)
            changed = torch.where(valid.any(), torch.tensor(1.0, dtype=torch.float64, device=device), nan)
        # Clipping by norm multiplied every gradient by one factor c <= 1 (and GradScaler's unscale_ by 1/scale):
        # the total before clipping is the total now over c, and c == 1 means clipping did not change it.
        # Gradients changed by different factors (clipping by value) were clipped by an unknown amount.
        pre_clip = measured.total / factor
        clipped = torch.where(torch.isnan(factor), changed, (factor < 1 - 1e-6).double())
        history._record(
            step,
            measured.norms,
            measured.has_grad,
            _row_values(measured.total, scale if self.scaler is not None else None, pre_clip, clipped),
        )


def _row_values(
    total: torch.Tensor,
    loss_scale: torch.Tensor | None = None,
    pre_clip: torch.Tensor | None = None,
    clipped: torch.Tensor | None = None,
) -> torch.Tensor:
    """The per-row values a history keeps beside the norms, as one float64 tensor (NaN: not applicable)."""
    nan = torch.tensor(math.nan, dtype=torch.float64, device=total.device)
    return torch.stack(
        [v.reshape(()).double() if v is not None else nan for v in (total, loss_scale, pre_clip, clipped)]
    )


# --8<-- [start:watch]
@contextmanager
def watch(
    model: nn.Module,
    every: int = 1,
    max_records: int = 2048,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
    *,
    optimizer: torch.optim.Optimizer | None = None,
    scaler: Any = None,
    lang: str | None = None,
) -> Iterator[GradHistory]:
    """Record per-layer gradient norms of ``model`` while the block runs; yields the ``GradHistory``.

    Without ``optimizer``, one row per ``every``-th backward pass: ``.grad`` as it stands when the
    pass ends (with gradient accumulation, the running sum), before any clipping. With
    ``optimizer=opt``, one row per ``every``-th optimizer step: the gradient the optimizer is about
    to apply (accumulated over micro-batches, unscaled by GradScaler, after any clipping), with the
    total norm before clipping and whether clipping changed it (``report.pre_clip_total``,
    ``report.clipped``); a step given a closure (``optimizer.step(closure)``, as Lightning and
    LBFGS call it) is read right after it, since the closure runs the backward pass inside the
    step. Use ``optimizer=`` to see what training really applies; leave it out to
    see every backward pass. With ``torch.amp.GradScaler``, pass ``scaler=scaler``: per-pass norms
    are divided by the loss scale in effect, and a pass whose scaled gradients overflowed is a
    skipped step (verdict ``skipped``), not a model problem; with ``optimizer=``, a step GradScaler
    skips never reaches the optimizer and adds no row. Without ``scaler=``, a GradScaler's gradients
    read 65536 times too large.

    Layers are ordered as the data flows: the order in which gradients become ready in the first
    recorded backward pass, reversed (output-most first becomes input-most first). A layer that
    gets no gradient in that pass keeps its definition order place after the layer defined before
    it. Parameters frozen when the block starts and unfrozen later are picked up at the next pass.
    Works with any loop that calls ``backward()`` (plain PyTorch, DDP, Ultralytics); the hooks are
    removed on exit, also when the body raises, and the history then holds plain data only.
    Under ``DistributedDataParallel`` every rank records the all-reduced (averaged) gradient. Under
    FSDP (``FullyShardedDataParallel``, ``fully_shard``), watch on every rank with the same arguments:
    each records the whole gradient's norms (one all-reduce per row), layers as in the unwrapped model,
    in definition order; ``no_sync()`` passes add no row. DeepSpeed ZeRO and tensor parallelism raise
    ``ShardedModelError`` when the block starts.
    """
    recorder = _Recorder(
        model, {"every": every, "max_records": max_records, "thresholds": thresholds, "lang": lang}, optimizer, scaler
    )
    try:
        yield recorder.history
    finally:
        recorder.detach()


# --8<-- [end:watch]
