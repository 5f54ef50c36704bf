"""Matplotlib figures of gradient norms; every text on them is passed in, so pages can localize it."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
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
    return "\n".join(textwrap.wrap(text, width)) or text


def log_lines(series: Mapping[str, Sequence[float]], *, title: str, xlabel: str, ylabel: str,
              x: Sequence[float] | None = None) -> Figure:
    """One line per series on a logarithmic y axis (x defaults to 0, 1, 2, ...)."""
    fig, ax = plt.subplots(figsize=(7, 4), layout="constrained")
    for label, values in series.items():
        xs = list(x) if x is not None else list(range(len(values)))
        ax.semilogy(xs, list(values), marker="o", markersize=3, label=label)
    ax.set(title=wrap(title, 60), xlabel=wrap(xlabel, 80), ylabel=wrap(ylabel, 45))
    ax.legend()
    return fig
