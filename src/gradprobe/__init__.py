"""gradprobe: measure per-layer gradient norms and spot vanishing or exploding gradients."""

from .errors import GradProbeError, NoGradientError, NoTrainableParametersError, ShardedModelError
from .grouping import group_layers
from .history import GradHistory
from .measure import grad_norms
from .report import GradReport, Thresholds
from .watch import watch

__all__ = [
    "GradHistory",
    "GradProbeError",
    "GradReport",
    "NoGradientError",
    "NoTrainableParametersError",
    "ShardedModelError",
    "Thresholds",
    "grad_norms",
    "group_layers",
    "watch",
]
__version__ = "0.1.0"
