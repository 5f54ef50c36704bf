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
from sitekit.plugins import i18n_plugin, source_path

MARKER = marker("translation-status")


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, **_) -> str:
    root = Path(config.config_file_path).parent
    language = i18n_plugin(config).current_language
    if MARKER in markdown:
        markdown = markdown.replace(MARKER, status_table(language, root))
    if config.site_url is None:
        raise ValueError("mkdocs.yml needs a site_url: the translation notices link absolute pages")
    block = notice(source_path(page), language, root, config.site_url, page.url)
    if block is None:
        return markdown
    lines = markdown.split("\n")
    at = next((i + 1 for i, line in enumerate(lines) if line.startswith("# ")), 0)
    return "\n".join([*lines[:at], "", block, *lines[at:]])
