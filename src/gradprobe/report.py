"""The per-layer gradient report: norms, first/last ratio, verdict and a readable table."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

Verdict = Literal["healthy", "vanishing", "exploding", "non-finite"]


# --8<-- [start:thresholds]
@dataclass(frozen=True)
class Thresholds:
    """When a report is called vanishing or exploding.

    ``ratio`` is the first layer's gradient norm divided by the last layer's.
    """

    vanishing_ratio: float = 1e-3  # first layer gets < 1/1000 of the last layer's gradient
    exploding_ratio: float = 1e3  # first layer gets > 1000x the last layer's gradient
    exploding_norm: float = 1e4  # or any single layer's gradient norm exceeds this
# --8<-- [end:thresholds]


DEFAULT_THRESHOLDS = Thresholds()


@dataclass(frozen=True)
class GradReport:
    """Gradient norms of one backward pass, one entry per layer in forward order."""

    layers: tuple[str, ...]
    norms: tuple[float, ...]
    thresholds: Thresholds = DEFAULT_THRESHOLDS

    def __post_init__(self) -> None:
        if len(self.layers) != len(self.norms):
            raise ValueError(f"{len(self.layers)} layer names but {len(self.norms)} norms")
        if not self.layers:
            raise ValueError("a GradReport needs at least one layer")

    @property
    def first_non_finite(self) -> str | None:
        """The layer where the backward pass first met NaN or Inf: the non-finite layer nearest the loss.

        The chain rule carries a NaN down to every layer below the one where it appeared, so in a
        plain stack the layers under this one are non-finite too; they inherited it.
        """
        return next((n for n, v in zip(reversed(self.layers), reversed(self.norms)) if not math.isfinite(v)), None)

    @property
    def ratio(self) -> float:
        """First layer's norm over the last layer's (``nan`` if both are zero or non-finite)."""
        first, last = self.norms[0], self.norms[-1]
        if last == 0.0:
            return math.inf if first > 0.0 else math.nan
        return first / last

    @property
    def total_norm(self) -> float:
        """Norm of all gradients together: the value ``clip_grad_norm_`` would see."""
        return math.sqrt(math.fsum(v * v for v in self.norms))

    @property
    def verdict(self) -> Verdict:
        """``non-finite``, ``exploding``, ``vanishing`` or ``healthy`` (checked in that order)."""
        t = self.thresholds
        if self.first_non_finite is not None:
            return "non-finite"
        if max(self.norms) > t.exploding_norm or self.ratio > t.exploding_ratio:
            return "exploding"
        if all(v == 0.0 for v in self.norms) or self.ratio < t.vanishing_ratio:
            return "vanishing"
        return "healthy"

    def norm(self, layer: str) -> float:
        """Gradient norm of one layer, by its ``named_modules`` name."""
        try:
            return self.norms[self.layers.index(layer)]
        except ValueError:
            raise KeyError(f"no layer named {layer!r}; layers are: {', '.join(self.layers)}") from None

    def table(self) -> str:
        """Aligned text table of the norms followed by a summary line."""
        width = max(len("layer"), *(len(n) for n in self.layers))
        lines = [f"{'#':>3}  {'layer':<{width}}  {'grad norm':>9}"]
        lines += [f"{i:>3}  {n:<{width}}  {v:>9.2e}" for i, (n, v) in enumerate(zip(self.layers, self.norms))]
        lines.append(self.summary())
        return "\n".join(lines)

    def summary(self) -> str:
        """One line: verdict, first/last ratio and, if any, the non-finite layer nearest the loss."""
        text = f"verdict: {self.verdict}  (first/last = {self.ratio:.1e})"
        if self.first_non_finite is not None:
            text += f"  first non-finite layer: {self.first_non_finite}"
        return text

    def __str__(self) -> str:
        return self.table()
