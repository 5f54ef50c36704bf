"""Translation status on the site: a notice on outdated translations and the translation-status table.

A translated page whose English source changed since it was translated (see i18n/translations.py)
gets a warning at the top, in the reader's language, linking to the current English page. A page
that exists in English only (``english_only: true``) says so at the top in the other languages. A page
containing the marker line gets the status table of every page in every language, each page named by
its title in the reader's language and linked.
"""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path

import yaml
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.pages import Page

ROOT = Path(__file__).resolve().parent.parent
TEXTS = ROOT / "i18n" / "site.yml"
MARKER = "<!-- translation-status -->"

_spec = importlib.util.spec_from_file_location("i18n_translations", ROOT / "i18n" / "translations.py")
translations = sys.modules.setdefault("i18n_translations", importlib.util.module_from_spec(_spec))
_spec.loader.exec_module(translations)


def _texts(key: str, language: str) -> dict[str, str]:
    return yaml.safe_load(TEXTS.read_text(encoding="utf-8"))[key][language]


_HEADING = re.compile(r"^# +(.+?)(?: *\{#[^}]*\})? *$", re.M)


def page_title(source: Path) -> str:
    """The first level-1 heading of a page or of a notebook's Markdown cells."""
    text = source.read_text(encoding="utf-8")
    if source.suffix == ".ipynb":
        cells = json.loads(text)["cells"]
        text = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    match = _HEADING.search(text)
    if match is None:
        raise ValueError(f"{source} has no '# ' title for the translation status table")
    return match[1]


def _title_in(page: Path, language: str, default: str) -> str:
    translated = page.with_name(f"{page.stem}.{language}{page.suffix}")
    return page_title(translated if language != default and translated.exists() else page)


def status_table(language: str, default: str) -> str:
    """Markdown table: one row per page (its title in ``language``, linked), one column per translation language."""
    text = _texts("status_table", language)
    items = translations.status(ROOT)
    codes = list(dict.fromkeys(item.language for item in items))
    rows: dict[Path, dict[str, str]] = {}
    for item in items:
        rows.setdefault(item.page, {})[item.language] = text[item.state]
    lines = ["| " + " | ".join([text["page"], *codes]) + " |", "|" + "---|" * (len(codes) + 1)]
    for page, states in rows.items():
        title = _title_in(page, language, default).replace("|", "\\|")
        link = f"[{title}]({page.relative_to(ROOT / 'docs').as_posix()})"
        lines.append("| " + " | ".join([link, *(states[c] for c in codes)]) + " |")
    return "\n".join(lines)


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, **_) -> str:
    i18n = config.plugins["i18n"]
    language = i18n.current_language
    if MARKER in markdown:
        markdown = markdown.replace(MARKER, status_table(language, i18n.default_language))
    source = Path(page.file.abs_src_path)
    if language != i18n.default_language and translations.english_only(source):
        text = _texts("english_only", language)
        return _after_title(markdown, f'!!! info "{text["title"]}"\n\n    {text["text"]}\n\n')
    if language == i18n.default_language or f".{language}." not in source.name:
        return markdown
    english = translations.english_source(source, ROOT)
    if translations.recorded_hash(source) == translations.blob_hash(english.read_bytes()):
        return markdown
    text = _texts("outdated", language)
    url = config.site_url.rstrip("/") + "/" + page.url.removeprefix(f"{language}/")
    notice = f'!!! warning "{text["title"]}"\n\n    {text["text"].format(url=url)}\n\n'
    return _after_title(markdown, notice)


def _after_title(markdown: str, block: str) -> str:
    lines = markdown.split("\n")
    at = next((i + 1 for i, line in enumerate(lines) if line.startswith("# ")), 0)
    return "\n".join([*lines[:at], "", block, *lines[at:]])
