"""Line figures: one line per series, all texts passed in so pages can localize them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from .numbers import localize
from .style import REFERENCE, label, legend, new_figure, x_values

Series = Mapping[str, Sequence[float]]
LINESTYLES = ("-", "--", "-.", (0, (1, 1)), (0, (5, 1, 1, 1, 1, 1)))  # curves that coincide stay visible


def log_lines(
    series: Series, *, title: str, xlabel: str, ylabel: str, x: Sequence[float] | None = None, language: str = "en"
) -> Figure:
    """One line with dots per series on a logarithmic y axis (x defaults to 0, 1, 2, ...)."""
    fig, ax = new_figure()
    for name, xs, values in x_values(series, x, 0, "log_lines"):
        ax.semilogy(xs, values, marker="o", markersize=3, label=name)
    label(ax, title, xlabel, ylabel)
    legend(ax)
    localize(fig, language)
    return fig


def layer_lines(
    series: Series, *, title: str, xlabel: str, ylabel: str, x: Sequence[float] | None = None, language: str = "en"
) -> Figure:
    """One line per series on a logarithmic y axis against layer numbers (default 1, 2, 3, ...), whole-number ticks."""
    fig, ax = new_figure()
    for name, xs, values in x_values(series, x, 1, "layer_lines"):
        ax.semilogy(xs, values, marker="o", markersize=3, label=name)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    label(ax, title, xlabel, ylabel)
    legend(ax)
    localize(fig, language)
    return fig


def step_lines(
    series: Series, *, title: str, xlabel: str, ylabel: str, x: Sequence[float] | None = None, language: str = "en"
) -> Figure:
    """One line per series on a logarithmic y axis against time steps 1, 2, 3, ... (too many points for dots)."""
    fig, ax = new_figure()
    for name, xs, values in x_values(series, x, 1, "step_lines"):
        ax.semilogy(xs, values, linewidth=1.6, label=name)
    label(ax, title, xlabel, ylabel)
    legend(ax)
    localize(fig, language)
    return fig


def linear_lines(
    series: Series, *, title: str, xlabel: str, ylabel: str, x: Sequence[float] | None = None, language: str = "en"
) -> Figure:
    """One line per series on a linear y axis that starts at zero (x defaults to 0, 1, 2, ...).

    A log axis makes a 1.5x difference look like a cliff; starting at zero shows it at its size.
    """
    fig, ax = new_figure()
    for name, xs, values in x_values(series, x, 0, "linear_lines"):
        ax.plot(xs, values, marker="o", markersize=3, label=name)
    ax.set_ylim(bottom=0)
    label(ax, title, xlabel, ylabel)
    legend(ax)
    localize(fig, language)
    return fig


def curves(
    series: Series, *, title: str, xlabel: str, ylabel: str, x: Sequence[float] | None = None, language: str = "en"
) -> Figure:
    """Smooth lines on linear axes, each in its own dash style; the axes through zero drawn where data cross it."""
    fig, ax = new_figure()
    rows = x_values(series, x, 0, "curves")
    for i, (name, xs, values) in enumerate(rows):
        ax.plot(xs, values, linewidth=1.6, linestyle=LINESTYLES[i % len(LINESTYLES)], label=name)
    xs_all = [v for _, xs, _ in rows for v in xs]
    ys_all = [v for _, _, values in rows for v in values]
    if min(ys_all) < 0 < max(ys_all):
        ax.axhline(0, color=REFERENCE, linewidth=0.8, zorder=0)
    if min(xs_all) < 0 < max(xs_all):
        ax.axvline(0, color=REFERENCE, linewidth=0.8, zorder=0)
    label(ax, title, xlabel, ylabel)
    legend(ax)
    localize(fig, language)
    return fig


def factor_product_lines(
    series: Series, *, title: str, xlabel: str, ylabel: str, x: Sequence[float] | None = None, language: str = "en"
) -> Figure:
    """Series in pairs, (local factors, running product) of one chain each, on a logarithmic y axis.

    Both series of a pair share a colour: the factors as dots, the product as a line. x defaults to
    1, 2, 3, ... (the number of factors multiplied so far). A dotted line marks a factor of 1.
    """
    if not series or len(series) % 2:
        raise ValueError(f"factor_product_lines needs series in (factors, product) pairs, got {len(series)} series")
    rows = x_values(series, x, 1, "factor_product_lines")
    fig, ax = new_figure()
    for index, ((factor_name, xs, factors), (product_name, _, products)) in enumerate(zip(rows[::2], rows[1::2])):
        if len(factors) != len(products):
            raise ValueError(f"{factor_name!r} has {len(factors)} values but {product_name!r} has {len(products)}")
        ax.semilogy(xs, factors, linestyle="none", marker="o", markersize=3.5, color=f"C{index}", label=factor_name)
        ax.semilogy(xs, products, linewidth=1.8, color=f"C{index}", label=product_name)
    ax.axhline(1.0, color=REFERENCE, linewidth=0.8, linestyle=":")
    label(ax, title, xlabel, ylabel)
    legend(ax)
    localize(fig, language)
    return fig
