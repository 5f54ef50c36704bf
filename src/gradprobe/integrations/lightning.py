"""gradprobe as a Lightning callback: ``Trainer(callbacks=[GradProbeCallback()])``. Needs the lightning extra."""

from __future__ import annotations

from lightning.pytorch import Callback

from ._lightning import LightningProbe
from ._probe import GradientWarning


class GradProbeCallback(LightningProbe, Callback):
    __doc__ = LightningProbe.__doc__


__all__ = ["GradProbeCallback", "GradientWarning"]
