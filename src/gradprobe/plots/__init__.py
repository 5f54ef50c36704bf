"""Matplotlib figures of gradient norms; every text on them is passed in, so pages can localize it.

``docs/figures.yml`` names these as ``gradprobe.plots:<function>``. Each takes the series to draw
(``{label: values}``), the figure's texts and optional x values, and returns a ``Figure``.
"""

import importlib.util

if importlib.util.find_spec("matplotlib") is None:
    raise ImportError('gradprobe.plots needs matplotlib, which the core install leaves out: '
                      'pip install "gradprobe[plots]"', name="matplotlib")

from .heatmap import log_heatmap
from .lines import curves, factor_product_lines, layer_lines, linear_lines, log_lines, step_lines
from .style import wrap

__all__ = ["curves", "factor_product_lines", "layer_lines", "linear_lines", "log_heatmap", "log_lines",
           "step_lines", "wrap"]
