"""Figures over time steps: one value per step of a long sequence, too many points for markers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from .plots import wrap


def step_lines(series: Mapping[str, Sequence[float]], *, title: str, xlabel: str, ylabel: str,
               x: Sequence[float] | None = None) -> Figure:
    """One line per series on a logarithmic y axis, against time steps 1, 2, 3, ... unless ``x`` is given."""
    if not series:
        raise ValueError("step_lines needs at least one series")
    fig, ax = plt.subplots(figsize=(7, 4), layout="constrained")
    for label, values in series.items():
        values = list(values)
        xs = list(x) if x is not None else list(range(1, len(values) + 1))
        if len(xs) != len(values):
            raise ValueError(f"series {label!r} has {len(values)} values for {len(xs)} x positions")
        ax.semilogy(xs, values, linewidth=1.6, label=label)
    ax.set(title=wrap(title, 60), xlabel=wrap(xlabel, 80), ylabel=wrap(ylabel, 45))
    ax.legend(fontsize="small")
    return fig
