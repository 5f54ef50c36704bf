"""gradprobe as a callback for the ``pytorch_lightning`` package (Lightning under its former name).

``pytorch_lightning.Trainer(callbacks=[GradProbeCallback()])``; the same callback as
``gradprobe.integrations.lightning``, for projects that import ``pytorch_lightning``.
"""

from __future__ import annotations

from ._lightning import LightningProbe
from ._probe import GradientWarning, require

require("pytorch_lightning", "lightning", "pytorch_lightning")

from pytorch_lightning import Callback  # noqa: E402 (after require() names the extra to install)


class GradProbeCallback(LightningProbe, Callback):
    """``gradprobe.integrations.lightning.GradProbeCallback`` for ``pytorch_lightning.Trainer``."""


__all__ = ["GradProbeCallback", "GradientWarning"]
