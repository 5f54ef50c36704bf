"""Figures of functions and of quantities that cross zero: smooth lines on linear axes, zero lines drawn."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from .plots import wrap


LINESTYLES = ("-", "--", "-.", (0, (1, 1)), (0, (5, 1, 1, 1, 1, 1)))  # curves that coincide stay visible


def curves(series: Mapping[str, Sequence[float]], *, title: str, xlabel: str, ylabel: str,
           x: Sequence[float] | None = None) -> Figure:
    """One line per series on linear axes (x defaults to 0, 1, 2, ...), without markers, each in its own dash style.

    Where the data cross zero, the line x = 0 or y = 0 is drawn, so a reader sees the sign at a glance.
    """
    if not series:
        raise ValueError("curves needs at least one series")
    fig, ax = plt.subplots(figsize=(7, 4), layout="constrained")
    xs_all, ys_all = [], []
    for i, (label, values) in enumerate(series.items()):
        values = list(values)
        xs = list(x) if x is not None else list(range(len(values)))
        if len(xs) != len(values):
            raise ValueError(f"series {label!r} has {len(values)} values for {len(xs)} x positions")
        ax.plot(xs, values, linewidth=1.6, linestyle=LINESTYLES[i % len(LINESTYLES)], label=label)
        xs_all += xs
        ys_all += values
    if min(ys_all) < 0 < max(ys_all):
        ax.axhline(0, color="0.4", linewidth=0.8, zorder=0)
    if min(xs_all) < 0 < max(xs_all):
        ax.axvline(0, color="0.4", linewidth=0.8, zorder=0)
    ax.set(title=wrap(title, 60), xlabel=wrap(xlabel, 80), ylabel=wrap(ylabel, 45))
    ax.legend(fontsize="small")
    return fig
