"""Translation status on the site (sitekit.notices): a notice atop every page shown in another language
than its file's (English only, not translated yet) or whose translation is outdated, and the status table
in place of the ``<!-- glossary:translation-status -->`` marker.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.pages import Page
from sitekit.markers import marker
from sitekit.notices import notice, status_table

MARKER = marker("translation-status")


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, **_) -> str:
    root = Path(config.config_file_path).parent
    language = config.plugins["i18n"].current_language
    if MARKER in markdown:
        markdown = markdown.replace(MARKER, status_table(language, root))
    block = notice(Path(page.file.abs_src_path), language, root, config.site_url, page.url)
    if block is None:
        return markdown
    lines = markdown.split("\n")
    at = next((i + 1 for i, line in enumerate(lines) if line.startswith("# ")), 0)
    return "\n".join([*lines[:at], "", block, *lines[at:]])
