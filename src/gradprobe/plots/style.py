"""The look shared by every figure: SVG text as text, stable ids, light grid, wrapped labels."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

plt.rcParams.update({
    "svg.fonttype": "none",  # text stays text: small, selectable, drawn in the reader's sans-serif font
    "svg.hashsalt": "gradprobe",  # stable ids, so a figure's file changes only when the figure does
    "font.sans-serif": ["DejaVu Sans"],
    "axes.grid": True,
    "grid.alpha": 0.3,
})


def wrap(text: str, width: int) -> str:
    """Break a label into lines of at most ``width`` characters (translations run longer)."""
    return "\n".join(textwrap.wrap(text, width, break_on_hyphens=False)) or text


def new_figure(height: float = 4) -> tuple[Figure, Axes]:
    """A 7-inch-wide figure with one set of axes."""
    return plt.subplots(figsize=(7, height), layout="constrained")


def label(ax: Axes, title: str, xlabel: str, ylabel: str) -> None:
    """Title and axis labels, wrapped so long translations stay inside the figure."""
    ax.set(title=wrap(title, 60), xlabel=wrap(xlabel, 80), ylabel=wrap(ylabel, 45))


def x_values(series: Mapping[str, Sequence[float]], x: Sequence[float] | None, start: int, kind: str
             ) -> list[tuple[str, list[float], list[float]]]:
    """``(label, xs, values)`` per series; ``xs`` defaults to ``start, start + 1, ...``.

    Raises ``ValueError`` for no series, or a series whose length differs from ``x``'s.
    """
    if not series:
        raise ValueError(f"{kind} needs at least one series")
    rows = []
    for name, values in series.items():
        values = list(values)
        xs = list(x) if x is not None else list(range(start, start + len(values)))
        if len(xs) != len(values):
            raise ValueError(f"series {name!r} has {len(values)} values for {len(xs)} x positions")
        rows.append((name, xs, values))
    return rows
