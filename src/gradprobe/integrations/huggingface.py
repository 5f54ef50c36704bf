"""gradprobe as a ``transformers.Trainer`` callback: ``GradProbeCallback(trainer)``. Needs the huggingface extra."""

from __future__ import annotations

import math
from typing import Any

from ..history import GradHistory
from ..report import DEFAULT_THRESHOLDS, Thresholds
from ._probe import GradientWarning, Probe, require

require("transformers", "huggingface", "huggingface")

from transformers import Trainer, TrainerCallback  # noqa: E402 (after require() names the extra to install)


class GradProbeCallback(TrainerCallback):
    """Per-layer gradient norms of every ``every``-th optimizer step, logged with ``trainer.log``.

    ``GradProbeCallback(trainer)`` adds itself to ``trainer`` (``trainer.add_callback``) and keeps a
    reference to it: callbacks are not given the Trainer, and only ``Trainer.log`` reaches every
    ``report_to`` backend and ``trainer.state.log_history`` alike. Records the gradient the
    optimizer applies: accumulated over ``gradient_accumulation_steps``, unscaled (fp16's GradScaler
    is read from Accelerate's optimizer wrapper), after ``max_grad_norm``; beside it the total norm
    before clipping (the Trainer's ``grad_norm``) and whether clipping fired. Each recorded step is
    logged at the end of that step (``on_step_end``, at ``state.global_step``) as the numbers of
    ``GradHistory.scalars`` (``gradprobe/layer/<layer>``, ``gradprobe/total``,
    ``gradprobe/pre_clip_total``, ``gradprobe/clipped``, ``gradprobe/verdict``). ``every=None``
    follows the Trainer's ``logging_steps``; ``depth`` merges layers into blocks of that many dotted
    name parts (``group_layers``). The first step whose verdict is vanishing, exploding or
    non-finite raises a ``GradientWarning`` naming the layers (once per verdict, on the main
    process). The whole run stays readable as ``callback.history`` (a ``GradHistory``).
    """

    def __init__(
        self,
        trainer: Trainer,
        every: int | None = None,
        depth: int | None = None,
        thresholds: Thresholds = DEFAULT_THRESHOLDS,
        *,
        max_records: int = 2048,
        prefix: str = "gradprobe",
        lang: str | None = None,
    ) -> None:
        if not isinstance(trainer, Trainer):
            raise TypeError(
                f"GradProbeCallback(trainer): expected a transformers.Trainer, got {type(trainer).__name__}"
            )
        self._probe = Probe(every, depth, thresholds, max_records, prefix, lang)
        self._trainer = trainer
        trainer.add_callback(self)

    @property
    def history(self) -> GradHistory:
        """Everything recorded so far (raises before training has started)."""
        if self._probe.history is None:
            raise RuntimeError("GradProbeCallback has recorded nothing yet: call trainer.train()")
        return self._probe.history

    def on_train_begin(
        self, args: Any, state: Any, control: Any, model: Any = None, optimizer: Any = None, **kwargs: Any
    ) -> None:
        # Accelerate wraps the optimizer (AcceleratedOptimizer): the hooks go on the torch optimizer inside,
        # and the wrapper holds the GradScaler of fp16 training.
        inner = getattr(optimizer, "optimizer", optimizer)
        self._probe.start(model, inner, getattr(optimizer, "scaler", None), math.ceil(state.logging_steps))

    def on_step_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> Any:
        self._log(state, control)
        return control

    def on_train_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        self._log(state, control)
        self._probe.stop()

    def _log(self, state: Any, control: Any) -> None:
        # Trainer.log clears control.should_log (set for this step by the Trainer's own flow callback):
        # put it back, or the Trainer would skip logging its own loss and grad_norm at this step.
        should_log = control.should_log
        for _, metrics in self._probe.new_rows(warn=state.is_world_process_zero):
            self._trainer.log(metrics)
        control.should_log = should_log


__all__ = ["GradProbeCallback", "GradientWarning"]
