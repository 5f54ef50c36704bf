"""Callbacks that run gradprobe inside training frameworks: ``gradprobe.integrations.lightning``
(Lightning), ``gradprobe.integrations.pytorch_lightning`` (the ``pytorch_lightning`` package) and
``gradprobe.integrations.huggingface`` (``transformers.Trainer``). Each imports its framework itself."""

from ._probe import GradientWarning

__all__ = ["GradientWarning"]
