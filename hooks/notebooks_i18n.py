"""Make mkdocs-static-i18n treat mkdocs-jupyter notebooks as pages (ultrabug/mkdocs-static-i18n#198).

static-i18n rebuilds every file as a plain ``File`` in its ``on_files`` (priority -100), which drops
mkdocs-jupyter's ``NotebookFile`` wrapper: notebooks are then copied as raw JSON and get no
localized version, no alternates and no language switcher. Wrapping i18n's file factory so that
notebooks it creates still report ``is_documentation_page() == True`` lets i18n localize them like
Markdown pages and lets mkdocs-jupyter render them.
"""

from __future__ import annotations

import re
from pathlib import Path

from markdown.extensions.toc import slugify
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File
from mkdocs.structure.pages import Page
from mkdocs_static_i18n import suffix
from sitekit.markdown import heading_texts, page_markdown
from sitekit.plugins import source_path
from sitekit.project import languages, translation_path


def _is_notebook(file: File) -> bool:
    return file.src_uri.endswith(".ipynb")


def _create_i18n_file(file: File, *args, **kwargs) -> File:
    i18n_file = _original_create_i18n_file(file, *args, **kwargs)
    if _is_notebook(file):
        i18n_file.is_documentation_page = lambda: True  # type: ignore[method-assign]
    return i18n_file


_original_create_i18n_file = getattr(suffix.create_i18n_file, "__wrapped__", suffix.create_i18n_file)
_create_i18n_file.__wrapped__ = _original_create_i18n_file  # type: ignore[attr-defined]


def on_config(config: MkDocsConfig) -> None:
    if "mkdocs-jupyter" not in config.plugins:
        raise ValueError("hooks/notebooks_i18n.py needs the mkdocs-jupyter plugin in mkdocs.yml")
    suffix.create_i18n_file = _create_i18n_file


_HEADING = re.compile(r'<h(?P<level>[1-6])(?P<attrs>[^>]*?)id="[^"]*"(?P<body>.*?)</h(?P=level)>', re.S)


def english_heading_ids(notebook: Path) -> list[str]:
    """Slugs of the headings of a notebook's Markdown cells, in order (what the English page uses)."""
    return [slugify(h, "-") for h in heading_texts(page_markdown(notebook))]


def _english_source(page: Page, config: MkDocsConfig) -> Path:
    langs = languages(Path(config.config_file_path).parent)
    return translation_path(source_path(page), langs.default, langs)


def on_page_content(html: str, page: Page, config: MkDocsConfig, **_) -> str:
    """Give a translated notebook's headings the English notebook's ids, in the page and in its TOC.

    Notebook headings cannot carry ``{#id}``; without this, translated notebooks get ids from their
    translated text (empty for Cyrillic), so links and the TOC differ between languages.
    """
    if not _is_notebook(page.file):
        return html
    ids = iter(english_heading_ids(_english_source(page, config)))

    def retag(match: re.Match[str]) -> str:
        new_id = next(ids, None)
        if new_id is None:
            raise ValueError(f"{page.file.src_uri} has more headings than its English notebook")
        body = re.sub(r'href="#[^"]*"', f'href="#{new_id}"', match["body"])
        return f'<h{match["level"]}{match["attrs"]}id="{new_id}"{body}</h{match["level"]}>'

    html = _HEADING.sub(retag, html)
    english = english_heading_ids(_english_source(page, config))
    for item, new_id in zip(_flatten(page.toc), english):
        item.id = new_id
    return html


def _flatten(toc) -> list:
    items = []
    for item in toc:
        items.append(item)
        items += _flatten(item.children)
    return items
