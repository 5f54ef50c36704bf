"""What the framework callbacks share: one ``watch`` per training run, its rows as metrics, a warning per verdict."""

from __future__ import annotations

import importlib.util
import warnings
from collections.abc import Iterator
from contextlib import ExitStack
from typing import Any

import torch
from torch import nn

from ..history import GradHistory
from ..report import Thresholds
from ..watch import watch

_WARNED = ("vanishing", "exploding", "non-finite")


def require(module: str, extra: str, integration: str) -> None:
    """Fail with the install command when ``module``, which ``integration`` builds on, is not installed."""
    if importlib.util.find_spec(module) is None:
        raise ImportError(
            f"gradprobe.integrations.{integration} needs {module}, which the core install leaves "
            f'out: pip install "gradprobe[{extra}]"',
            name=module,
        )


class GradientWarning(UserWarning):
    """A watched training run's gradients turned vanishing, exploding or non-finite."""


class Probe:
    """Watches one model and optimizer from the start of training to its end (``watch(optimizer=...)``)."""

    def __init__(
        self,
        every: int | None,
        depth: int | None,
        thresholds: Thresholds,
        max_records: int,
        prefix: str,
        lang: str | None,
    ) -> None:
        if every is not None and (isinstance(every, bool) or not isinstance(every, int) or every < 1):
            raise ValueError(
                f"every must be a positive number of optimizer steps or None (the trainer's "
                f"logging interval), got {every!r}"
            )
        if depth is not None and (isinstance(depth, bool) or not isinstance(depth, int) or depth < 1):
            raise ValueError(f"depth must be a positive integer (dotted name parts to keep) or None, got {depth!r}")
        self.every, self.depth, self.thresholds = every, depth, thresholds
        self.max_records, self.prefix, self.lang = max_records, prefix, lang
        self.history: GradHistory | None = None
        self._stack = ExitStack()
        self._logged = 0  # rows already handed to the logger
        self._warned: set[str] = set()

    def start(self, model: nn.Module, optimizer: torch.optim.Optimizer, scaler: Any, logging_interval: int) -> None:
        self.stop()
        self.history = self._stack.enter_context(
            watch(
                model,
                self.every or logging_interval,
                self.max_records,
                self.thresholds,
                optimizer=optimizer,
                scaler=scaler,
                lang=self.lang,
            )
        )
        self._logged, self._warned = 0, set()

    def stop(self) -> None:
        self._stack.close()

    def new_rows(self, warn: bool) -> Iterator[tuple[int, dict[str, float]]]:
        """(optimizer step, metrics) of each row recorded since the last call; warns once per bad verdict."""
        history = self.history
        if history is None:
            return
        steps = history.steps
        start = next((row for row, step in enumerate(steps) if step >= self._logged), len(steps))
        for row in range(start, len(steps)):
            report = history.report(row)
            if warn and report.verdict in _WARNED and report.verdict not in self._warned:
                self._warned.add(report.verdict)
                warnings.warn(
                    f"gradprobe, optimizer step {steps[row]}: {report.summary()}", GradientWarning, stacklevel=2
                )
            yield steps[row], history.scalars(row, self.depth, self.prefix)
        if steps:
            self._logged = steps[-1] + 1
