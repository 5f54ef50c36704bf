"""Figures of a quantity per hidden layer, numbered 1, 2, 3, ...: log y axis, whole-number layer ticks."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from .plots import wrap


def layer_lines(series: Mapping[str, Sequence[float]], *, title: str, xlabel: str, ylabel: str,
                x: Sequence[float] | None = None) -> Figure:
    """One line per series on a logarithmic y axis against the layer numbers ``x`` (default 1, 2, 3, ...)."""
    if not series:
        raise ValueError("layer_lines needs at least one series")
    fig, ax = plt.subplots(figsize=(7, 4), layout="constrained")
    for label, values in series.items():
        values = list(values)
        xs = list(x) if x is not None else list(range(1, len(values) + 1))
        if len(xs) != len(values):
            raise ValueError(f"series {label!r} has {len(values)} values for {len(xs)} layers")
        ax.semilogy(xs, values, marker="o", markersize=3, label=label)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set(title=wrap(title, 60), xlabel=wrap(xlabel, 80), ylabel=wrap(ylabel, 45))
    ax.legend(fontsize="small")
    return fig
