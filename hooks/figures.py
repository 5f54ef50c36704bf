"""Render every figure of docs/figures.yml at build time, once per language, from gradprobe code.

Each language build gets ``figures/<id>.svg`` drawn with that language's texts (i18n/figures.yml),
so a page's ``![...](figures/<id>.svg)`` shows labels in the page's language. Experiment data is
computed once per build and shared by the languages.
"""

from __future__ import annotations

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

from gradprobe.report import GradReport

ROOT = Path(__file__).resolve().parent.parent
SPECS = ROOT / "docs" / "figures.yml"
TEXTS = ROOT / "i18n" / "figures.yml"


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
    fig = _resolve(spec["plot"])(series, title=text["title"], xlabel=text["xlabel"], ylabel=text["ylabel"], x=x)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None, "Format": None, "Type": None})
    plt.close(fig)
    return minify_svg(buffer.getvalue().decode("utf-8")).encode("utf-8")


def minify_svg(svg: str) -> str:
    """Drop matplotlib's metadata, the whitespace it writes between tags and path points, coordinate
    digits beyond a hundredth of a point (invisible at any zoom a reader uses) and ids nothing refers
    to, and turn every style repeated on several elements into one CSS class."""
    svg = re.sub(r"<metadata>.*?</metadata>", "", svg, flags=re.S)
    svg = re.sub(r"(?<=[\s\"(,])(-?\d+\.\d\d)\d+", r"\1", svg)
    svg = re.sub(r' transform="rotate\(-?0 [^"]*\)"', "", svg)
    svg = re.sub(r">\s+<", "><", svg)
    svg = re.sub(r"\s*\n\s*", " ", svg)
    referenced = set(re.findall(r"#([\w-]+)", svg))
    svg = re.sub(r' id="([\w.-]+)"', lambda m: m[0] if m[1] in referenced else "", svg)
    return _styles_to_classes(svg)


def _styles_to_classes(svg: str) -> str:
    """Replace each ``style="..."`` used more than once by a short class, defined once in a <style>."""
    counts: dict[str, int] = {}
    for style in re.findall(r' style="([^"]*)"', svg):
        counts[style] = counts.get(style, 0) + 1
    repeated = [style for style, n in sorted(counts.items(), key=lambda item: -item[1]) if n > 1]
    names = {style: f"s{i}" for i, style in enumerate(repeated)}
    if not names:
        return svg
    svg = re.sub(r' style="([^"]*)"', lambda m: f' class="{names[m[1]]}"' if m[1] in names else m[0], svg)
    rules = "".join(f".{name}{{{style}}}" for style, name in names.items())
    return svg.replace("</style>", rules + "</style>", 1) if "</style>" in svg else svg.replace(
        "><", f"><style>{rules}</style><", 1)


@event_priority(-110)  # after mkdocs-static-i18n (-100) has chosen this build's language
def on_files(files: Files, config: MkDocsConfig) -> Files:
    i18n = config.plugins["i18n"]
    language = i18n.current_language
    prefix = "" if language == i18n.default_language else f"{language}/"
    for figure_id in load_specs():
        file = File.generated(config, f"figures/{figure_id}.svg", content=render_svg(figure_id, language))
        file.dest_uri = f"{prefix}figures/{figure_id}.svg"
        files.append(file)
    return files
