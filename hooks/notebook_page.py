"""Notebook pages as light as the other pages, with the theme's copy buttons and a download button.

mkdocs-jupyter inlines JupyterLab's whole stylesheet (about 590 KB), a clipboard script, MathJax and
Mermaid set-up into every notebook page, and gives code cells its own English-only copy button.
This hook removes all of that from the rendered notebook: code cells become the theme's code blocks
(which get Material's copy button, in the page's language), headings get the theme's permalink,
and notebook_page.css, inlined, lays out the few JupyterLab classes left. It also adds a button
that downloads the page's own notebook (the translated one on a translated page), which
mkdocs-jupyter's ``include_source`` copies next to the page.
"""

from __future__ import annotations

import html as html_lib
import re
from pathlib import Path

import yaml
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.pages import Page
from sitekit.plugins import i18n_plugin, source_path

TEXTS = Path(__file__).resolve().parent.parent / "i18n" / "site.yml"
STYLE = Path(__file__).with_suffix(".css")
_INLINED = re.compile(r"<style[^>]*>.*?</style>|<script[^>]*>.*?</script>|<!--.*?-->", re.S)
_COPY_BUTTON = re.compile(
    r'<div class="zeroclipboard-container">.*?</clipboard-copy>\s*</div>'
    r'|<div class="clipboard-copy-txt"[^>]*>.*?</div>',
    re.S,
)
_CODE = re.compile(r'<div class="highlight-ipynb hl-(?P<lang>[\w-]+)"><pre>(?P<code>.*?)</pre></div>', re.S)
_ANCHOR = re.compile(r'<a class="anchor-link" href="(#[^"]*)">¶</a>')
_CELL_ID = re.compile(r'id="cell-id=([\w-]+)"')  # "=" in an id breaks the copy button's CSS selector
_DOWNLOAD_ICON = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><path d="M5 20h14v-2H5m14-9h-4V3H9v6H5l7 7z"/></svg>'
)


def is_notebook(page: Page) -> bool:
    return page.file.src_uri.endswith(".ipynb")


def slim_notebook(html: str, permalink_title: str) -> str:
    """The notebook's HTML without inlined assets, with theme code blocks and theme permalinks."""
    if "jp-Notebook" not in html:
        raise ValueError("hooks/notebook_page.py: this is not mkdocs-jupyter's notebook HTML")
    html = _CELL_ID.sub(r'id="cell-\1"', _COPY_BUTTON.sub("", _INLINED.sub("", html)))
    html = _CODE.sub(
        lambda m: f'<div class="language-{m["lang"]} highlight"><pre><code>{m["code"]}</code></pre></div>', html
    )
    title = html_lib.escape(permalink_title, quote=True)
    return _ANCHOR.sub(lambda m: f'<a class="headerlink" href="{m[1]}" title="{title}">¶</a>', html)


def download_button(notebook_name: str, title: str) -> str:
    href = html_lib.escape(notebook_name, quote=True)
    label = html_lib.escape(title, quote=True)
    return f'<a href="{href}" title="{label}" class="md-content__button md-icon" download>{_DOWNLOAD_ICON}</a>'


def on_page_content(html: str, page: Page, config: MkDocsConfig, **_) -> str:
    if not is_notebook(page):
        return html
    if not config.plugins["mkdocs-jupyter"].config["include_source"]:
        raise ValueError("hooks/notebook_page.py needs mkdocs-jupyter's include_source: true (the download)")
    texts = yaml.safe_load(TEXTS.read_text(encoding="utf-8"))["interface"][i18n_plugin(config).current_language]
    style = f"<style>{STYLE.read_text(encoding='utf-8')}</style>"
    return (
        style
        + download_button(source_path(page).name, texts["download_notebook"])
        + slim_notebook(html, texts["permalink"])
    )
