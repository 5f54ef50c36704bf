"""Render every figure of docs/figures.yml at build time, once per language, from gradprobe code.

Each language build gets ``figures/<id>.svg`` drawn with that language's texts (i18n/figures.yml)
and number format, so a page's ``![...](figures/<id>.svg)`` shows labels in the page's language.
Experiment data and SVGs come from sitekit's on-disk cache (.cache/) unless what they are made from
changed: the experiment's code or arguments, the figure's texts, the plotting code.

On the page the figure is drawn inline, not as an <img>: its colours are CSS custom properties
(gradprobe.plots.themable), so Material's dark scheme recolours it, and a click enlarges it in a
<dialog> (sitekit/figures.css and figures.js, added only to pages that show a figure). The file stays for links.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from sitekit.figures import figure_svgs, inline_figures
from sitekit.plugins import i18n_plugin
from sitekit.texts import site_texts

_rendered: dict[str, str] = {}  # figure id -> SVG of the language being built


@event_priority(-110)  # after mkdocs-static-i18n (-100) has chosen this build's language
def on_files(files: Files, config: MkDocsConfig) -> Files:
    i18n = i18n_plugin(config)
    language = i18n.current_language
    prefix = "" if language == i18n.default_language else f"{language}/"
    _rendered.clear()
    _rendered.update(figure_svgs(language, Path(config.config_file_path).parent))
    for figure_id, svg in _rendered.items():
        file = File.generated(config, f"figures/{figure_id}.svg", content=svg.encode("utf-8"))
        file.dest_uri = f"{prefix}figures/{figure_id}.svg"
        files.append(file)
    return files


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    language = i18n_plugin(config).current_language
    texts = site_texts(Path(config.config_file_path).parent)["figure"][language]
    return inline_figures(output, _rendered, texts["enlarge"], texts["close"])
