"""The look shared by every figure, in one place: sizes readable on a phone, a colourblind-safe
palette, no chart junk, and colours a page's CSS can swap for its dark scheme.

Figures are drawn 5.6 inches wide with 12-point tick labels, so that shrunk to a phone's column
(about 360 CSS pixels) the labels stay about 10 pixels tall. Every colour comes from ``THEME``:
``themable`` turns each into a CSS custom property whose fallback is the light colour, and
``theme_css`` writes the dark values, so one SVG serves both schemes.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from cycler import cycler
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties

WIDTH = 5.6  # inches
HEIGHT = 3.9
# CSS custom property: (light colour, dark colour). The light colours are the ones matplotlib draws.
INK = {"--gg-ink": ("#1f2328", "#e3e5ea")}  # texts and tick labels
MUTED = {"--gg-muted": ("#6e7379", "#9aa0a8")}  # axis lines, tick marks, reference lines
GRID = {"--gg-grid": ("#e4e6ea", "#3a3f4b")}
# Okabe & Ito's colourblind-safe palette without black and yellow; dark variants keep each hue, lighter
SERIES = {
    f"--gg-c{i}": pair
    for i, pair in enumerate(
        [
            ("#0072b2", "#56a8e8"),
            ("#d55e00", "#ff8c42"),
            ("#009e73", "#2fc79a"),
            ("#cc79a7", "#e89bc6"),
            ("#e69f00", "#f5b942"),
            ("#56b4e9", "#a9dcf7"),
        ]
    )
}
THEME = INK | MUTED | GRID | SERIES
REFERENCE = MUTED["--gg-muted"][0]  # colour of reference lines (y = 1, the axes through zero)

plt.rcParams.update(
    {
        "svg.fonttype": "none",  # text stays text: small, selectable, drawn in the reader's sans-serif font
        "svg.hashsalt": "gradprobe",  # stable ids, so a figure's file changes only when the figure does
        "font.sans-serif": ["DejaVu Sans"],
        "font.size": 12,
        "axes.titlesize": 13,
        "axes.labelsize": 12,
        "xtick.labelsize": 12,
        "ytick.labelsize": 12,
        "legend.fontsize": 11.5,
        "mathtext.default": "regular",  # powers of ten in the labels' font
        "axes.formatter.use_mathtext": True,
        "text.color": INK["--gg-ink"][0],
        "axes.labelcolor": INK["--gg-ink"][0],
        "xtick.labelcolor": INK["--gg-ink"][0],
        "ytick.labelcolor": INK["--gg-ink"][0],
        "axes.edgecolor": REFERENCE,
        "xtick.color": REFERENCE,
        "ytick.color": REFERENCE,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.grid": True,
        "axes.axisbelow": True,
        "grid.color": GRID["--gg-grid"][0],
        "grid.alpha": 1.0,
        "grid.linewidth": 0.8,
        "axes.prop_cycle": cycler(color=[light for light, _ in SERIES.values()]),
        "lines.linewidth": 1.8,
        "figure.facecolor": "none",  # the page's background shows through, in either scheme
        "axes.facecolor": "none",
        "savefig.facecolor": "none",
        "legend.frameon": False,
    }
)


def themable(svg: str) -> str:
    """``svg`` with every ``THEME`` colour written as ``var(--name, light colour)``.

    Used inline in a page, the page's CSS (``theme_css``) sets the colours; anywhere else the
    fallbacks draw the light figure.
    """
    for name, (light, _) in THEME.items():
        svg = svg.replace(light, f"var({name},{light})")
    return svg


def theme_css(dark_selector: str) -> str:
    """CSS giving ``THEME``'s dark colours to figures inside elements matching ``dark_selector``."""
    return f"{dark_selector}{{" + ";".join(f"{name}:{dark}" for name, (_, dark) in THEME.items()) + "}"


def wrap(text: str, width: int) -> str:
    """Break a label into lines of at most ``width`` characters (translations run longer)."""
    return "\n".join(textwrap.wrap(text, width, break_on_hyphens=False)) or text


def new_figure(height: float = HEIGHT) -> tuple[Figure, Axes]:
    """A figure of the site's width with one set of axes."""
    return plt.subplots(figsize=(WIDTH, height), layout="constrained")


def figure_of(ax: Axes) -> Figure:
    """The figure ``ax`` is drawn on (the site draws no subfigures)."""
    fig = ax.get_figure(root=True)
    if not isinstance(fig, Figure):
        raise TypeError(f"axes {ax!r} belong to no figure")
    return fig


def text_width(fig: Figure, line: str, size: float) -> float:
    """Length in points of one line of text at ``size`` points."""
    canvas = fig.canvas
    if not isinstance(canvas, FigureCanvasAgg):
        raise TypeError(
            f"gradprobe.plots measures its texts on an Agg canvas, not {type(canvas).__name__}: "
            "use an Agg-based matplotlib backend (Agg, the default, or any interactive one built on it)"
        )
    renderer = canvas.get_renderer()
    return renderer.get_text_width_height_descent(line, FontProperties(size=size), ismath="$" in line)[0] * 72 / fig.dpi


def fit(fig: Figure, text: str, size: float, length: float) -> str:
    """``text`` broken into as few lines as keep each at most ``length`` points long at ``size`` points."""
    for chars in range(min(len(text), int(length / (0.4 * size))), 9, -1):  # no font averages under 0.4 em
        wrapped = wrap(text, chars)
        if all(text_width(fig, line, size) <= length for line in wrapped.split("\n")):
            return wrapped
    return wrap(text, 10)


def label(ax: Axes, title: str, xlabel: str, ylabel: str) -> None:
    """Title and axis labels, wrapped so long translations stay inside the figure. The title and x label
    are centred on the axes, which the y label and tick labels push right: about 50 points plus a
    line's height per line of y label; the centred texts get the width less twice that."""
    fig = figure_of(ax)
    size = plt.rcParams["axes.labelsize"]
    ylabel = fit(fig, ylabel, size, fig.get_figheight() * 72 - 90)
    across = fig.get_figwidth() * 72 - 2 * (50 + 1.2 * size * (ylabel.count("\n") + 1))
    ax.set(
        title=fit(fig, title, plt.rcParams["axes.titlesize"], across),
        xlabel=fit(fig, xlabel, size, across),
        ylabel=ylabel,
    )


def legend(ax: Axes) -> None:
    """The legend of ``ax`` under the axes, where it never hides a line: in two columns when every entry
    fits half the width, entries wrapped to fit; the figure grows by the legend's height."""
    fig = figure_of(ax)
    handles, labels = ax.get_legend_handles_labels()
    size = plt.rcParams["legend.fontsize"]
    column = fig.get_figwidth() * 72 / 2 - 40  # half the width, less the line sample and the gaps
    columns = 2 if len(labels) > 1 and all(text_width(fig, text, size) <= column for text in labels) else 1
    labels = [fit(fig, text, size, column if columns == 2 else 2 * column) for text in labels]
    rows = [max(text.count("\n") + 1 for text in labels[i : i + columns]) for i in range(0, len(labels), columns)]
    fig.set_figheight(fig.get_figheight() + (sum(rows) * 1.3 * size + 8) / 72)
    fig.legend(handles, labels, loc="outside lower center", ncols=columns, frameon=False)


def x_values(
    series: Mapping[str, Sequence[float]], x: Sequence[float] | None, start: int, kind: str
) -> list[tuple[str, list[float], list[float]]]:
    """``(label, xs, values)`` per series; ``xs`` defaults to ``start, start + 1, ...``.

    Raises ``ValueError`` for no series, or a series whose length differs from ``x``'s.
    """
    if not series:
        raise ValueError(f"{kind} needs at least one series")
    rows = []
    for name, series_values in series.items():
        values = [float(v) for v in series_values]
        xs = [float(v) for v in x] if x is not None else [float(start + i) for i in range(len(values))]
        if len(xs) != len(values):
            raise ValueError(f"series {name!r} has {len(values)} values for {len(xs)} x positions")
        rows.append((name, xs, values))
    return rows
