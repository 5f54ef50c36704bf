"""Render the termbase (i18n/termbase.yml) as the glossary index table, in place of its marker line.

Every language's glossary page shows every term in all languages side by side; the term in the
page's own language links to the glossary page about it.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.pages import Page
from sitekit.markers import marker
from sitekit.plugins import i18n_plugin
from sitekit.texts import termbase

MARKER = marker("termbase-table")


def termbase_table(language: str, languages: list[tuple[str, str]], root: Path) -> str:
    """A Markdown table: one row per concept, one column per language, sorted by the page's language."""
    entries = termbase(root).values()
    rows = []
    for entry in sorted(entries, key=lambda e: e[language].casefold()):
        cells = []
        for code, _ in languages:
            term = entry[code]
            cells.append(f"[{term}]({entry['page']})" if code == language and entry.get("page") else term)
        rows.append("| " + " | ".join(cells) + " |")
    header = "| " + " | ".join(name for _, name in languages) + " |"
    return "\n".join([header, "|" + "---|" * len(languages), *rows])


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, **_) -> str:
    if MARKER not in markdown:
        return markdown
    i18n = i18n_plugin(config)
    languages = [(lang.locale, lang.name) for lang in i18n.config.languages]
    return markdown.replace(
        MARKER, termbase_table(i18n.current_language, languages, Path(config.config_file_path).parent)
    )
