"""Errors raised when gradients cannot be measured."""


class GradProbeError(Exception):
    """Base class of every error gradprobe raises on purpose."""


class NoGradientError(GradProbeError):
    """No parameter has a gradient yet: ``backward()`` was not called, or ``zero_grad()`` ran first."""


class NoTrainableParametersError(GradProbeError):
    """The model has no parameter with ``requires_grad=True``."""


class ShardedModelError(GradProbeError):
    """The model's parameters are sharded across ranks (FSDP, DeepSpeed ZeRO): per-rank norms would be wrong."""
