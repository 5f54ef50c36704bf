"""Heatmap figures: a grid of values, one row per series, colour on a logarithmic scale."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.colors import LogNorm
from matplotlib.figure import Figure

from .numbers import localize
from .style import label, new_figure


def log_heatmap(
    series: Mapping[str, Sequence[float]],
    *,
    title: str,
    xlabel: str,
    ylabel: str,
    x: Sequence[float] | None = None,
    language: str = "en",
) -> Figure:
    """One row per series (first on top), one column per x value, colour on a logarithmic scale.

    Meant for per-layer norms over training steps: rows are layers, columns steps. Zeros and
    non-finite values are left blank. Large grids are rasterized to keep the SVG small.
    """
    if not series:
        raise ValueError("log_heatmap needs at least one series")
    lengths = {len(values) for values in series.values()}
    if len(lengths) != 1:
        raise ValueError(f"every series needs the same number of values, got lengths {sorted(lengths)}")
    grid = np.array([list(values) for values in series.values()], dtype=float)
    grid = np.ma.masked_where(~np.isfinite(grid) | (grid <= 0), grid)
    xs = np.asarray(list(x) if x is not None else range(grid.shape[1]), dtype=float)
    if len(xs) != grid.shape[1]:
        raise ValueError(f"{len(xs)} x values for {grid.shape[1]} columns")
    edges = (
        np.concatenate([xs - 0.5, xs[-1:] + 0.5])
        if len(xs) < 2 or np.allclose(np.diff(xs), 1)
        else (np.concatenate([[xs[0] - (xs[1] - xs[0]) / 2], (xs[1:] + xs[:-1]) / 2, [xs[-1] + (xs[-1] - xs[-2]) / 2]]))
    )
    fig, ax = new_figure(height=0.27 * len(series) + 1.9)
    lows, highs = grid.min(), grid.max()
    norm = LogNorm(vmin=lows, vmax=highs) if grid.count() and lows < highs else None
    mesh = ax.pcolormesh(
        edges, np.arange(len(series) + 1), grid, norm=norm, cmap="viridis", rasterized=grid.size > 4000
    )
    ax.set_yticks(np.arange(len(series)) + 0.5, list(series), fontsize=10.5)
    ax.invert_yaxis()
    ax.grid(False)
    fig.colorbar(mesh, ax=ax, pad=0.02)
    label(ax, title, xlabel, ylabel)
    localize(fig, language)
    return fig
