"""The site's figures: which experiment feeds each (docs/figures.yml), their texts, their data and their SVG.

An entry names ``experiment`` (``module:function``, called with its own default arguments updated by
``args``) or ``data`` (a checked-in JSON file of ``{series: values}``, for data too slow to compute at
build time, such as YOLO training), the ``plot`` that draws it and, optionally, the argument ``x`` that
holds the x values.
"""

from __future__ import annotations

import functools
import hashlib
import html
import importlib
import inspect
import io
import json
import re
from importlib.metadata import version
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
from matplotlib import mathtext

from gradprobe.plots import themable, theme_css
from gradprobe.report import GradReport

from .cache import cached, code_hash
from .project import ROOT, load_yaml

# The site draws about a hundred figures per build whose tick labels repeat ($10^{-3}$, ...); matplotlib
# keeps the last 50 parsed formulas, so most were parsed again (a fifth of a cold build's time). A larger
# cache of the same pure function: identical figures, parsed once.
_parse = vars(mathtext.MathTextParser)["_parse_cached"]  # private, so not in matplotlib's type stubs
mathtext.MathTextParser._parse_cached = functools.lru_cache(8192)(_parse.__wrapped__)  # type: ignore[attr-defined]

SPECS = Path("docs") / "figures.yml"
TEXTS = Path("i18n") / "figures.yml"
COORDINATE = re.compile(r"(?<=[\s\"(,])-?\d+\.\d\d+(?=[\s\"),])")
FIGURE_IMG = re.compile(r'<img alt="([^"]*)" src="(?:\.\./)*figures/([\w-]+)\.svg" />')
DARK = '[data-md-color-scheme="slate"] .gg-figure,[data-md-color-scheme="slate"] .gg-lightbox'
HERE = Path(__file__).resolve().parent
SVG_METADATA = {"Date": None, "Creator": None, "Format": None, "Type": None}  # reproducible files


def resolve(dotted: str) -> Any:
    """The object ``module:name`` names."""
    module, _, name = dotted.partition(":")
    return getattr(importlib.import_module(module), name)


def figure_specs(root: Path = ROOT) -> dict[str, dict[str, Any]]:
    """docs/figures.yml, each experiment's ``args`` completed with the function's default arguments."""
    specs = load_yaml(root / SPECS)
    for figure_id, spec in specs.items():
        if ("experiment" in spec) == ("data" in spec):
            raise ValueError(f"{SPECS}: figure '{figure_id}' needs exactly one of 'experiment' and 'data'")
        if "experiment" in spec:
            parameters = inspect.signature(resolve(spec["experiment"])).parameters.values()
            defaults = {p.name: _plain(p.default) for p in parameters if p.default is not p.empty}
            spec["args"] = defaults | spec.get("args", {})
        if "x" in spec and spec["x"] not in spec.get("args", {}):
            raise ValueError(
                f"{SPECS}: figure '{figure_id}' takes its x values from '{spec['x']}', "
                f"which is not an argument of {spec.get('experiment')}"
            )
    return specs


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, (tuple, range)) else value


def figure_texts(root: Path = ROOT) -> dict[str, dict[str, dict[str, Any]]]:
    return load_yaml(root / TEXTS)


def figure_data(figure_id: str, spec: dict[str, Any], root: Path = ROOT) -> dict[str, list[float]]:
    """``{series key: values}`` of a figure: read from its data file, or computed by its experiment
    (from the on-disk cache when neither the code nor the arguments changed)."""
    if "data" in spec:
        return json.loads((root / spec["data"]).read_text(encoding="utf-8"))
    return cached(
        figure_id, spec["experiment"], _series_of(spec["experiment"]), spec["args"], root / ".cache" / "experiments"
    )


def figure_svgs(language: str, root: Path = ROOT) -> dict[str, str]:
    """Every figure of docs/figures.yml drawn in ``language``: ``{figure id: SVG}``.

    An SVG is kept in ``.cache/figures/`` under a hash of all it is drawn from (spec, data, texts, the
    plotting code and matplotlib's version), so only figures whose inputs changed are drawn again.
    """
    specs, texts, plots = figure_specs(root), figure_texts(root), code_hash("gradprobe.plots")
    matplotlib = version("matplotlib")
    folder = root / ".cache" / "figures"
    folder.mkdir(parents=True, exist_ok=True)
    result, kept = {}, set()
    for figure_id, spec in specs.items():
        data = figure_data(figure_id, spec, root)
        inputs = [figure_id, language, spec, data, texts.get(figure_id, {}).get(language), plots, matplotlib]
        path = folder / f"{figure_id}.{language}.{hashlib.sha256(json.dumps(inputs).encode()).hexdigest()[:16]}.svg"
        if not path.exists():
            path.write_text(render_svg(figure_id, language, spec, data, texts), encoding="utf-8")
        result[figure_id] = path.read_text(encoding="utf-8")
        kept.add(path)
    for stale in folder.glob(f"*.{language}.*.svg"):
        if stale not in kept:
            stale.unlink()
    return result


def _norms(report: GradReport) -> list[float]:
    """A report's norms as a figure series: every layer must have a gradient."""
    norms = [norm for norm in report.norms if norm is not None]
    if len(norms) != len(report.norms):
        missing = [layer for layer, norm in zip(report.layers, report.norms) if norm is None]
        raise ValueError(f"cannot plot a report with layers that got no gradient: {', '.join(missing)}")
    return norms


def _series_of(dotted: str):
    def compute(**args: Any) -> dict[str, list[float]]:
        result = resolve(dotted)(**args)
        return {key: _norms(v) if isinstance(v, GradReport) else list(v) for key, v in result.items()}

    return compute


def render_svg(
    figure_id: str, language: str, spec: dict[str, Any], data: dict[str, list[float]], texts: dict[str, dict[str, Any]]
) -> str:
    """The figure as themable, minified SVG with its texts in ``language``."""
    try:
        text = texts[figure_id][language]
    except KeyError:
        raise KeyError(f"{TEXTS}: no '{language}' texts for figure '{figure_id}'") from None
    series = {text["series"][key]: values for key, values in data.items()}
    x = spec["args"][spec["x"]] if "x" in spec else None
    fig = resolve(spec["plot"])(
        series, title=text["title"], xlabel=text["xlabel"], ylabel=text["ylabel"], x=x, language=language
    )
    scope = "g" + hashlib.sha1(figure_id.encode()).hexdigest()[:5]
    return themable(minify_svg(svg_text(fig), scope))


def svg_text(fig: Any) -> str:
    """A matplotlib figure as SVG text, without the date and creator; the figure is closed."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="svg", metadata=SVG_METADATA)
    plt.close(fig)
    return buffer.getvalue().decode("utf-8")


def minify_svg(svg: str, scope: str = "fig") -> str:
    """Drop matplotlib's metadata, the whitespace it writes between tags and path points, coordinate
    digits beyond a tenth of a point (a tenth of a pixel on the page, a third enlarged) and ids nothing
    refers to, and turn every style repeated on several elements into one CSS class.

    The root <svg> gets the class ``scope`` and every rule is scoped to it, so that figures drawn
    inline in one page do not restyle each other or the page; every font falls back to sans-serif.
    """
    svg = re.sub(r"<metadata>.*?</metadata>", "", svg, flags=re.S)
    svg = re.sub(r"font-family: 'DejaVu Sans'(?=[;\"])", "font-family: 'DejaVu Sans', sans-serif", svg)
    svg = re.sub(r"<[^>]+>", lambda tag: COORDINATE.sub(_tenths, tag[0]), svg)  # in tags only, not in texts
    svg = re.sub(r' transform="rotate\(-?0 [^"]*\)"', "", svg)
    svg = re.sub(r">\s+<", "><", svg)
    svg = re.sub(r"\s*\n\s*", " ", svg)
    referenced = set(re.findall(r"#([\w-]+)", svg))
    svg = re.sub(r' id="([\w.-]+)"', lambda m: m[0] if m[1] in referenced else "", svg)
    svg = svg.replace("<svg ", f'<svg class="{scope}" ', 1).replace("*{", f".{scope} *{{")
    return _styles_to_classes(svg, scope)


def _tenths(match: re.Match[str]) -> str:
    return f"{float(match[0]):.1f}".removesuffix(".0")


def _styles_to_classes(svg: str, scope: str) -> str:
    """Replace each ``style="..."`` used more than once by a short class, defined once in a <style>
    as a rule that applies inside the root element of class ``scope`` only."""
    counts: dict[str, int] = {}
    for style in re.findall(r' style="([^"]*)"', svg):
        counts[style] = counts.get(style, 0) + 1
    repeated = [style for style, n in sorted(counts.items(), key=lambda item: -item[1]) if n > 1]
    names = {style: f"s{i}" for i, style in enumerate(repeated)}
    if not names:
        return svg
    svg = re.sub(r' style="([^"]*)"', lambda m: f' class="{names[m[1]]}"' if m[1] in names else m[0], svg)
    rules = "".join(f".{scope} .{name}{{{style}}}" for style, name in names.items())
    return (
        svg.replace("</style>", rules + "</style>", 1)
        if "</style>" in svg
        else svg.replace("><", f"><style>{rules}</style><", 1)
    )


def inline_figures(output: str, svgs: dict[str, str], enlarge: str, close: str) -> str:
    """``output`` with each figure <img> replaced by a button holding the figure's SVG, and the
    figures' CSS and script added once; a page without figures is returned unchanged."""

    def one(match: re.Match[str]) -> str:
        alt, figure_id = match[1], match[2]
        if figure_id not in svgs:
            raise KeyError(f"page shows figures/{figure_id}.svg, which docs/figures.yml does not list")
        svg = svgs[figure_id][svgs[figure_id].index("<svg ") :]
        svg = svg.replace("<svg ", f'<svg role="img" aria-label="{alt}" ', 1)
        return (
            f'<button type="button" class="gg-figure" aria-label="{alt}" title="{html.escape(enlarge)}" '
            f'data-close="{html.escape(close)}">{svg}</button>'
        )

    output, count = FIGURE_IMG.subn(one, output)
    if not count:
        return output
    css = re.sub(r"/\*.*?\*/", "", (HERE / "figures.css").read_text(encoding="utf-8"), flags=re.S)
    css = re.sub(r"(?<=[{};:,])\s+|\s+(?=[{}])", "", css).strip() + theme_css(DARK)
    script = (HERE / "figures.js").read_text(encoding="utf-8")
    output = output.replace("</head>", f"<style>{css}</style></head>", 1)
    return output.replace("</body>", f"<script>{script}</script></body>", 1)
