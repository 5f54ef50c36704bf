"""Figures of a chain rule's factors next to their running product, one colour per chain."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from .plots import wrap


def factor_product_lines(series: Mapping[str, Sequence[float]], *, title: str, xlabel: str, ylabel: str,
                         x: Sequence[float] | None = None) -> Figure:
    """Series in pairs, (local factors, running product) of one chain each, on a logarithmic y axis.

    Both series of a pair share a colour: the factors as dots, the product as a line. x defaults to
    1, 2, 3, ... (the number of factors multiplied so far). A dotted line marks a factor of 1.
    """
    if not series or len(series) % 2:
        raise ValueError(f"factor_product_lines needs series in (factors, product) pairs, got {len(series)} series")
    fig, ax = plt.subplots(figsize=(7, 4), layout="constrained")
    items = list(series.items())
    for index, ((factor_label, factors), (product_label, products)) in enumerate(zip(items[::2], items[1::2])):
        factors, products = list(factors), list(products)
        if len(factors) != len(products):
            raise ValueError(f"{factor_label!r} has {len(factors)} values but {product_label!r} has {len(products)}")
        xs = list(x) if x is not None else list(range(1, len(factors) + 1))
        colour = f"C{index}"
        ax.semilogy(xs, factors, linestyle="none", marker="o", markersize=3.5, color=colour, label=factor_label)
        ax.semilogy(xs, products, linewidth=1.8, color=colour, label=product_label)
    ax.axhline(1.0, color="0.4", linewidth=0.8, linestyle=":")
    ax.set(title=wrap(title, 60), xlabel=wrap(xlabel, 80), ylabel=wrap(ylabel, 45))
    ax.legend(fontsize="small")
    return fig
