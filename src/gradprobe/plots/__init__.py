"""Matplotlib figures of gradient norms; every text on them is passed in, so pages can localize it.

``docs/figures.yml`` names these as ``gradprobe.plots:<function>``. Each takes the series to draw
(``{label: values}``), the figure's texts, optional x values and the language its numbers are
written in (``language="ru"``: ``0,5``), and returns a ``Figure``. ``themable`` and ``theme_css``
let a page recolour the SVG for its dark scheme.
"""

import importlib.util

if importlib.util.find_spec("matplotlib") is None:
    raise ImportError(
        'gradprobe.plots needs matplotlib, which the core install leaves out: pip install "gradprobe[plots]"',
        name="matplotlib",
    )

from .heatmap import log_heatmap
from .lines import curves, factor_product_lines, layer_lines, linear_lines, log_lines, step_lines
from .numbers import format_number, localize
from .style import themable, theme_css, wrap

__all__ = [
    "curves",
    "factor_product_lines",
    "format_number",
    "layer_lines",
    "linear_lines",
    "localize",
    "log_heatmap",
    "log_lines",
    "step_lines",
    "themable",
    "theme_css",
    "wrap",
]
