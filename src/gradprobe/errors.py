"""Errors raised when gradients cannot be measured."""


class GradProbeError(Exception):
    """Base class of every error gradprobe raises on purpose."""


class NoGradientError(GradProbeError):
    """No parameter has a gradient yet: ``backward()`` was not called, or ``zero_grad()`` ran first."""


class NoTrainableParametersError(GradProbeError):
    """The model has no parameter with ``requires_grad=True``."""


class ShardedModelError(GradProbeError):
    """The model's parameters are sharded in a way gradprobe cannot measure (DeepSpeed ZeRO, tensor parallelism).

    FSDP (``FullyShardedDataParallel``, ``fully_shard``) is measured; the message names the
    parameter that cannot be, and what to do instead.
    """
