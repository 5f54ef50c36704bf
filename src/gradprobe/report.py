"""The per-layer gradient report: norms, first/last ratio, verdict with its cause, and a readable table."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from .site import fix_url

Verdict = Literal["healthy", "vanishing", "exploding", "non-finite", "skipped"]
VERDICTS: tuple[Verdict, ...] = ("healthy", "vanishing", "exploding", "non-finite", "skipped")
"""Every verdict; a logged verdict is its index here (0 healthy, 1 vanishing, 2 exploding, 3 non-finite, 4 skipped)."""


# --8<-- [start:thresholds]
@dataclass(frozen=True)
class Thresholds:
    """When a report is called vanishing or exploding.

    ``ratio`` is the input-most layer's gradient norm divided by the output-most layer's,
    among the layers that got a gradient.
    """

    vanishing_ratio: float = 1e-3  # first layer gets < 1/1000 of the last layer's gradient
    exploding_ratio: float = 1e3  # first layer gets > 1000x the last layer's gradient
    exploding_norm: float = 1e4  # or any single layer's gradient norm exceeds this


# --8<-- [end:thresholds]


DEFAULT_THRESHOLDS = Thresholds()


@dataclass(frozen=True)
class GradReport:
    """Gradient norms of one backward pass (or one optimizer step), one entry per layer, input-most first.

    ``norms[i]`` is ``None`` for a layer that got no gradient (unused in this pass): such layers
    are shown but never decide the ratio or the verdict. ``shared`` maps a layer to the layers it
    shares a parameter with (tied weights: that gradient counts in each of their norms, once in
    ``total_norm``). ``loss_scale`` is the GradScaler scale divided out of the norms (``None``: no
    scaler was given); ``skipped`` marks a pass whose scaled gradients overflowed, a step GradScaler
    skips. ``pre_clip_total`` and ``clipped`` describe an optimizer step (``watch(optimizer=...)``):
    the total norm before clipping and whether clipping changed the gradient. ``lang`` picks the
    language of the glossary page a verdict links to (default: the user's locale, else English).
    """

    layers: tuple[str, ...]
    norms: tuple[float | None, ...]
    thresholds: Thresholds = DEFAULT_THRESHOLDS
    shared: Mapping[str, tuple[str, ...]] = field(default_factory=dict, compare=False)
    total: float | None = None
    loss_scale: float | None = None
    skipped: bool = False
    pre_clip_total: float | None = None
    clipped: bool | None = None
    lang: str | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if len(self.layers) != len(self.norms):
            raise ValueError(f"{len(self.layers)} layer names but {len(self.norms)} norms")
        if not self.layers:
            raise ValueError("a GradReport needs at least one layer")

    @property
    def measured(self) -> tuple[tuple[str, float], ...]:
        """(layer, norm) of the layers that got a gradient, input-most first."""
        return tuple((n, v) for n, v in zip(self.layers, self.norms) if v is not None)

    @property
    def first_non_finite(self) -> str | None:
        """The layer where the backward pass first met NaN or Inf: the non-finite layer nearest the loss.

        The chain rule carries a NaN down to every layer below the one where it appeared, so in a
        plain stack the layers under this one are non-finite too; they inherited it.
        """
        return next((n for n, v in reversed(self.measured) if not math.isfinite(v)), None)

    @property
    def ratio(self) -> float:
        """Input-most over output-most norm, among layers with a gradient (``nan`` if undefined)."""
        measured = self.measured
        if not measured:
            return math.nan
        first, last = measured[0][1], measured[-1][1]
        if last == 0.0:
            return math.inf if first > 0.0 else math.nan
        return first / last

    @property
    def total_norm(self) -> float:
        """Norm of all gradients together: the value ``clip_grad_norm_`` would see."""
        if self.total is not None:
            return self.total
        return math.sqrt(math.fsum(v * v for _, v in self.measured))

    @property
    def verdict(self) -> Verdict:
        """``skipped``, ``non-finite``, ``exploding``, ``vanishing`` or ``healthy`` (checked in that order)."""
        t = self.thresholds
        if self.skipped:
            return "skipped"
        if self.first_non_finite is not None:
            return "non-finite"
        values = [v for _, v in self.measured]
        if not values:
            return "healthy"
        if max(values) > t.exploding_norm or self.ratio > t.exploding_ratio:
            return "exploding"
        if all(v == 0.0 for v in values) or self.ratio < t.vanishing_ratio:
            return "vanishing"
        return "healthy"

    @property
    def cause(self) -> str:
        """Where the verdict comes from, in words: which layers, and by how much the norm falls or rises."""
        return self._explain()[0]

    @property
    def cause_layers(self) -> tuple[str, ...]:
        """The layers ``cause`` names (where the norm starts to fall or rise, and where it ends)."""
        return self._explain()[1]

    def _explain(self) -> tuple[str, tuple[str, ...]]:
        verdict, measured = self.verdict, self.measured
        if verdict == "skipped":
            return (
                f"the gradients scaled by {self.loss_scale:g} overflowed: GradScaler skips this step "
                "and lowers the scale; not a problem of the model"
            ), ()
        if verdict == "non-finite":
            bad = self.first_non_finite or ""
            return f"NaN/Inf first met at `{bad}` (the layers below it inherit it)", (bad,)
        if verdict == "healthy" or not measured:
            return f"the norms stay within the thresholds (first/last = {self.ratio:.1e})", ()
        names, values = [n for n, _ in measured], [v for _, v in measured]
        if verdict == "exploding" and max(values) > self.thresholds.exploding_norm:
            i = max(range(len(values)), key=values.__getitem__)
            text = f"`{names[i]}` has gradient norm {values[i]:.2e} > {self.thresholds.exploding_norm:g}"
            if self.loss_scale is None:
                text += (
                    " (training with torch.amp.GradScaler? its gradients are multiplied by the loss "
                    "scale until unscale_: pass scaler= to watch())"
                )
            return text, (names[i],)
        logs = [math.log10(v) if v > 0 else -math.inf for v in values]
        if verdict == "vanishing":  # from where the norms leave their top decade, down to the smallest
            low = min(range(len(logs)), key=lambda i: (logs[i], i))
            top = max(logs[low:])
            start = next(i for i in range(low, len(logs)) if logs[i] >= top - 1)
            fall = "to zero" if values[low] == 0.0 else f"by {values[low] / values[start]:.0e}"
            return f"norms fall {fall} from `{names[start]}` down to `{names[low]}`", (names[start], names[low])
        high = max(range(len(logs)), key=lambda i: (logs[i], -i))
        bottom = min(logs[high:])
        start = next(i for i in range(high, len(logs)) if logs[i] <= bottom + 1)
        return (
            f"norms rise by {values[high] / values[start]:.0e} from `{names[start]}` down to `{names[high]}`",
            (names[start], names[high]),
        )

    def norm(self, layer: str) -> float | None:
        """Gradient norm of one layer, by name (``None`` if it got no gradient)."""
        try:
            return self.norms[self.layers.index(layer)]
        except ValueError:
            raise KeyError(f"no layer named {layer!r}; layers are: {', '.join(self.layers)}") from None

    def table(self, top: int | None = None) -> str:
        """Aligned text table of the norms followed by the summary.

        ``top=k`` keeps the table short for a deep model: it lists the input-most and output-most
        layers with a gradient, the layers the verdict names, and the layers whose norms stray
        furthest from the median, ``k`` rows in all at least those; the rows left out are counted.
        Group a model's layers into blocks first with ``group_layers`` to read it block by block.
        """
        shown = self._rows_to_show(top)
        width = max(len("layer"), *(len(self.layers[i]) for i in shown))
        lines = [f"{'#':>3}  {'layer':<{width}}  {'grad norm':>9}"]
        previous = -1
        for i in shown:
            if i > previous + 1:
                lines.append(_elided(i - previous - 1))
            value = self.norms[i]
            text = f"{value:>9.2e}" if value is not None else f"{'no grad':>9}"
            note = f"  shared with {', '.join(self.shared[self.layers[i]])}" if self.layers[i] in self.shared else ""
            lines.append(f"{i:>3}  {self.layers[i]:<{width}}  {text}{note}")
            previous = i
        if previous < len(self.layers) - 1:
            lines.append(_elided(len(self.layers) - 1 - previous))
        lines.append(self.summary())
        return "\n".join(lines)

    def _rows_to_show(self, top: int | None) -> list[int]:
        if top is None or top >= len(self.layers):
            return list(range(len(self.layers)))
        if isinstance(top, bool) or not isinstance(top, int) or top < 1:
            raise ValueError(f"top must be a positive number of rows, got {top!r}")
        with_grad = [i for i, v in enumerate(self.norms) if v is not None]
        keep = {with_grad[0], with_grad[-1]} if with_grad else set()
        keep.update(self.layers.index(name) for name in self.cause_layers)
        finite = sorted(math.log10(v) for i in with_grad if (v := self.norms[i]) and math.isfinite(v) and v > 0)
        median = finite[len(finite) // 2] if finite else 0.0

        def stray(i: int) -> float:
            v = self.norms[i]
            return abs(math.log10(v) - median) if v and math.isfinite(v) and v > 0 else math.inf

        for i in sorted(with_grad, key=stray, reverse=True):
            if len(keep) >= top:
                break
            keep.add(i)
        return sorted(keep)

    def summary(self, lang: str | None = None) -> str:
        """One line: verdict, first/last ratio and the cause; a verdict other than healthy ends with
        the address of the glossary page that explains its fixes, in ``lang`` (default: the report's
        ``lang``, else the user's locale, else English)."""
        verdict = self.verdict
        text = f"verdict: {verdict}  (first/last = {self.ratio:.1e})"
        if self.pre_clip_total is not None:
            text += f"  total {self.total_norm:.3g}, before clipping {self.pre_clip_total:.3g}"
            text += " (clipped)" if self.clipped else ""
        if verdict != "healthy":
            text += f": {self.cause}; see {fix_url(verdict, lang or self.lang)}"
        return text

    def __str__(self) -> str:
        return self.table()


def _elided(count: int) -> str:
    return f"{'':>3}  ... {count} more layer{'s' if count > 1 else ''} ..."
