"""gradprobe as a Lightning callback: ``Trainer(callbacks=[GradProbeCallback()])``. Needs the lightning extra."""

from __future__ import annotations

from ._lightning import LightningProbe
from ._probe import GradientWarning, require

require("lightning", "lightning", "lightning")

from lightning.pytorch import Callback


class GradProbeCallback(LightningProbe, Callback):
    __doc__ = LightningProbe.__doc__


__all__ = ["GradProbeCallback", "GradientWarning"]
