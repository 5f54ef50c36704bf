"""gradprobe as a Lightning callback, ``Trainer(callbacks=[GradProbeCallback()])``: needs the lightning extra."""

from __future__ import annotations

from ._lightning import LightningProbe
from ._probe import GradientWarning, require

require("lightning", "lightning", "lightning")

from lightning.pytorch import Callback  # noqa: E402 (after require() names the extra to install)


class GradProbeCallback(LightningProbe, Callback):
    """Per-layer gradient norms of every ``every``-th optimizer step, logged through the trainer's loggers.

    Records the gradient the optimizer applies: accumulated over ``accumulate_grad_batches``,
    unscaled (``precision="16-mixed"``: the loss scale of Lightning's GradScaler is divided out),
    after ``gradient_clip_val``; beside it the total norm before clipping and whether clipping fired.
    Each recorded step goes to every logger of the trainer (``trainer.loggers``) at the step under
    which Lightning logs that batch's own metrics (``trainer.global_step`` before the step), as the
    numbers of ``GradHistory.scalars`` (``gradprobe/layer/<layer>``, ``gradprobe/total``,
    ``gradprobe/pre_clip_total``, ``gradprobe/clipped``, ``gradprobe/verdict``). ``every=None`` follows the trainer's
    ``log_every_n_steps``; ``depth`` merges layers into blocks of that many dotted name parts
    (``group_layers``). The first step whose verdict is vanishing, exploding or non-finite raises a
    ``GradientWarning`` naming the layers (once per verdict, on global rank zero). The whole run
    stays readable as ``callback.history`` (a ``GradHistory``), also after training.
    """


__all__ = ["GradProbeCallback", "GradientWarning"]
