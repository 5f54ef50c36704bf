"""Fail the build on a mistyped shortcode marker (see sitekit.markers), naming page and marker."""

from __future__ import annotations

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority
from mkdocs.structure.pages import Page
from sitekit.markers import check_markers


@event_priority(100)  # before the hooks that replace the markers they know
def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, **_) -> str:
    check_markers(markdown, page.file.src_uri)
    return markdown
