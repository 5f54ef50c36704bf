"""Figures of gradient norms that differ by small factors: a linear y axis from zero, not a log axis."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from .plots import wrap


def linear_lines(series: Mapping[str, Sequence[float]], *, title: str, xlabel: str, ylabel: str,
                 x: Sequence[float] | None = None) -> Figure:
    """One line per series on a linear y axis that starts at zero (x defaults to 0, 1, 2, ...).

    A log axis makes a 1.5x difference look like a cliff; starting at zero shows it at its size.
    """
    if not series:
        raise ValueError("linear_lines needs at least one series")
    fig, ax = plt.subplots(figsize=(7, 4), layout="constrained")
    for label, values in series.items():
        values = list(values)
        xs = list(x) if x is not None else list(range(len(values)))
        if len(xs) != len(values):
            raise ValueError(f"series {label!r} has {len(values)} values for {len(xs)} x positions")
        ax.plot(xs, values, marker="o", markersize=3, label=label)
    ax.set_ylim(bottom=0)
    ax.set(title=wrap(title, 60), xlabel=wrap(xlabel, 80), ylabel=wrap(ylabel, 45))
    ax.legend()
    return fig
