"""mkdocstrings' stylesheet only on pages it documents, and once: the plugin links it from every page
(6.6 KB each, uncompressed, enough to push the heaviest glossary pages over their weight budgets), once
more for each language static-i18n builds after the first."""

from __future__ import annotations

import re

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.pages import Page

_STYLESHEET = re.compile(r'<link rel="stylesheet" href="[^"]*assets/_mkdocstrings\.css">\s*')
_GENERATED = 'class="doc doc-'  # the blocks mkdocstrings renders


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    return _only_where_used(output)


def on_post_template(output: str, template_name: str, config: MkDocsConfig) -> str:
    """Theme templates rendered as files of their own: the 404 page."""
    return _only_where_used(output)


def _only_where_used(output: str) -> str:
    first = _STYLESHEET.search(output)
    if first is None:
        return output
    kept = first[0] if _GENERATED in output else ""
    return output[: first.start()] + kept + _STYLESHEET.sub("", output[first.end() :])
