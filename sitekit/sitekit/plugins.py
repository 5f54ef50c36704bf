"""Typed access to what the hooks read from mkdocs' build state: mkdocs types ``config.plugins[...]``
as a bare ``BasePlugin`` and a page's source path as optional, and mkdocs-static-i18n ships no types."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, cast

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.pages import Page


class I18nPlugin(Protocol):
    """The attributes of mkdocs-static-i18n's plugin that the hooks read."""

    current_language: str  # the language being built
    default_language: str
    building: bool  # True while static-i18n builds the other languages, within the first build
    config: Any  # its I18nPluginConfig (``languages``, ...)


def i18n_plugin(config: MkDocsConfig) -> I18nPlugin:
    """The site's ``i18n`` plugin (mkdocs-static-i18n)."""
    # Not a wrong type but a missing one: static-i18n is untyped and mkdocs knows plugins only as BasePlugin.
    return cast(I18nPlugin, config.plugins["i18n"])


def source_path(page: Page) -> Path:
    """The file ``page`` was built from; an error for a page generated in memory (no source file)."""
    if page.file.abs_src_path is None:
        raise ValueError(f"page {page.file.src_uri!r} has no source file")
    return Path(page.file.abs_src_path)
