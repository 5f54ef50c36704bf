"""The Lightning callback's behaviour, shared by ``lightning.pytorch`` and ``pytorch_lightning`` (imports neither)."""

from __future__ import annotations

from typing import Any

from ..history import GradHistory
from ..report import DEFAULT_THRESHOLDS, Thresholds
from ._probe import Probe


class LightningProbe:
    """What ``GradProbeCallback`` does, written once for ``lightning.pytorch`` and ``pytorch_lightning``."""

    def __init__(
        self,
        every: int | None = None,
        depth: int | None = None,
        thresholds: Thresholds = DEFAULT_THRESHOLDS,
        *,
        max_records: int = 2048,
        prefix: str = "gradprobe",
        lang: str | None = None,
    ) -> None:
        super().__init__()
        self._probe = Probe(every, depth, thresholds, max_records, prefix, lang)

    @property
    def history(self) -> GradHistory:
        """Everything recorded so far (raises before training has started)."""
        if self._probe.history is None:
            raise RuntimeError(
                "GradProbeCallback has recorded nothing yet: pass it to Trainer(callbacks=[...]) and call trainer.fit"
            )
        return self._probe.history

    def on_train_start(self, trainer: Any, pl_module: Any) -> None:
        optimizers = trainer.optimizers
        if len(optimizers) != 1:
            raise ValueError(f"GradProbeCallback watches one optimizer; this module configures {len(optimizers)}")
        scaler = getattr(trainer.precision_plugin, "scaler", None)  # MixedPrecision("16-mixed") holds a GradScaler
        self._probe.start(pl_module, optimizers[0], scaler, trainer.log_every_n_steps)

    def on_train_batch_end(self, trainer: Any, *_args: Any) -> None:
        self._log(trainer)

    def on_train_end(self, trainer: Any, _pl_module: Any) -> None:
        self._log(trainer)
        self._probe.stop()

    def on_exception(self, trainer: Any, pl_module: Any, exception: BaseException) -> None:
        self._probe.stop()

    def teardown(self, trainer: Any, pl_module: Any, stage: str) -> None:
        self._probe.stop()

    def _log(self, trainer: Any) -> None:
        # Logged at the step under which Lightning logs the batch's own metrics (self.log in training_step):
        # global_step before this batch's optimizer step. Steps GradScaler skipped count there, not in the history.
        for _, metrics in self._probe.new_rows(warn=trainer.is_global_zero):
            for logger in trainer.loggers:
                logger.log_metrics(metrics, step=trainer.global_step - 1)
