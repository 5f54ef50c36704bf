"""Render every figure of docs/figures.yml at build time, once per language, from gradprobe code.

Each language build gets ``figures/<id>.svg`` drawn with that language's texts (i18n/figures.yml)
and number format, so a page's ``![...](figures/<id>.svg)`` shows labels in the page's language.
Experiment data is computed once per build and shared by the languages.

On the page the figure is drawn inline, not as an <img>: its colours are CSS custom properties
(gradprobe.plots.themable), so Material's dark scheme recolours it, and a click enlarges it in a
<dialog> (figures.css, figures.js, added only to pages that show a figure). The file stays for links.
"""

from __future__ import annotations

import hashlib
import html
import importlib
import io
import re
from functools import cache
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import yaml
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from gradprobe.plots import theme_css, themable
from gradprobe.report import GradReport

ROOT = Path(__file__).resolve().parent.parent
SPECS = ROOT / "docs" / "figures.yml"
TEXTS = ROOT / "i18n" / "figures.yml"
SITE_TEXTS = ROOT / "i18n" / "site.yml"
HERE = Path(__file__).resolve().parent
COORDINATE = re.compile(r"(?<=[\s\"(,])-?\d+\.\d\d+(?=[\s\"),])")
FIGURE_IMG = re.compile(r'<img alt="([^"]*)" src="(?:\.\./)*figures/([\w-]+)\.svg" />')
DARK = '[data-md-color-scheme="slate"] .gg-figure,[data-md-color-scheme="slate"] .gg-lightbox'
_rendered: dict[str, str] = {}  # figure id -> SVG of the language being built


def _resolve(dotted: str) -> Any:
    module, _, name = dotted.partition(":")
    return getattr(importlib.import_module(module), name)


@cache
def _data(figure_id: str) -> dict[str, list[float]]:
    spec = load_specs()[figure_id]
    result = _resolve(spec["experiment"])(**spec.get("args", {}))
    return {key: list(v.norms) if isinstance(v, GradReport) else list(v) for key, v in result.items()}


def load_specs() -> dict[str, dict[str, Any]]:
    return yaml.safe_load(SPECS.read_text(encoding="utf-8"))


def load_texts() -> dict[str, dict[str, dict[str, Any]]]:
    return yaml.safe_load(TEXTS.read_text(encoding="utf-8"))


def render_svg(figure_id: str, language: str) -> bytes:
    """The figure ``figure_id`` as SVG, with its texts in ``language``."""
    spec = load_specs()[figure_id]
    try:
        text = load_texts()[figure_id][language]
    except KeyError:
        raise KeyError(f"{TEXTS.relative_to(ROOT)}: no '{language}' texts for figure '{figure_id}'") from None
    series = {text["series"][key]: values for key, values in _data(figure_id).items()}
    x = spec.get("args", {}).get(spec["x"]) if "x" in spec else None
    fig = _resolve(spec["plot"])(series, title=text["title"], xlabel=text["xlabel"], ylabel=text["ylabel"], x=x,
                                 language=language)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None, "Format": None, "Type": None})
    plt.close(fig)
    scope = "g" + hashlib.sha1(figure_id.encode()).hexdigest()[:5]
    return themable(minify_svg(buffer.getvalue().decode("utf-8"), scope)).encode("utf-8")


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
    return svg.replace("</style>", rules + "</style>", 1) if "</style>" in svg else svg.replace(
        "><", f"><style>{rules}</style><", 1)


@event_priority(-110)  # after mkdocs-static-i18n (-100) has chosen this build's language
def on_files(files: Files, config: MkDocsConfig) -> Files:
    i18n = config.plugins["i18n"]
    language = i18n.current_language
    prefix = "" if language == i18n.default_language else f"{language}/"
    _rendered.clear()
    for figure_id in load_specs():
        svg = render_svg(figure_id, language)
        _rendered[figure_id] = svg.decode("utf-8")
        file = File.generated(config, f"figures/{figure_id}.svg", content=svg)
        file.dest_uri = f"{prefix}figures/{figure_id}.svg"
        files.append(file)
    return files


def inline_figures(output: str, svgs: dict[str, str], enlarge: str, close: str) -> str:
    """``output`` with each figure <img> replaced by a button holding the figure's SVG, and the
    figures' CSS and script added once; a page without figures is returned unchanged."""
    def one(match: re.Match[str]) -> str:
        alt, figure_id = match[1], match[2]
        if figure_id not in svgs:
            raise KeyError(f"page shows figures/{figure_id}.svg, which docs/figures.yml does not list")
        svg = svgs[figure_id][svgs[figure_id].index("<svg "):]
        svg = svg.replace("<svg ", f'<svg role="img" aria-label="{alt}" ', 1)
        return (f'<button type="button" class="gg-figure" aria-label="{alt}" title="{html.escape(enlarge)}" '
                f'data-close="{html.escape(close)}">{svg}</button>')

    output, count = FIGURE_IMG.subn(one, output)
    if not count:
        return output
    css = re.sub(r"/\*.*?\*/", "", (HERE / "figures.css").read_text(encoding="utf-8"), flags=re.S)
    css = re.sub(r"(?<=[{};:,])\s+|\s+(?=[{}])", "", css).strip() + theme_css(DARK)
    script = (HERE / "figures.js").read_text(encoding="utf-8")
    output = output.replace("</head>", f"<style>{css}</style></head>", 1)
    return output.replace("</body>", f"<script>{script}</script></body>", 1)


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    language = config.plugins["i18n"].current_language
    texts = yaml.safe_load(SITE_TEXTS.read_text(encoding="utf-8"))["figure"][language]
    return inline_figures(output, _rendered, texts["enlarge"], texts["close"])
