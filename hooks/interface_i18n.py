"""The theme's interface strings that no configuration option translates, in the page's language.

Texts come from the ``interface`` section of i18n/site.yml: the headings' "Permanent link" title
(the toc extension's ``permalink_title`` is one value for every language) and the footer's
"Made with" line (overrides/partials/copyright.html reads ``interface.made_with``). The colour
scheme toggles and the copyright line are translated per language in mkdocs.yml.
"""

from __future__ import annotations

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.pages import Page
from sitekit.plugins import i18n_plugin
from sitekit.texts import site_text


def interface_texts(language: str) -> dict[str, str]:
    return site_text("interface", language)


def _language(config: MkDocsConfig) -> str:
    return i18n_plugin(config).current_language


def on_template_context(context: dict, template_name: str, config: MkDocsConfig) -> dict:
    context["interface"] = interface_texts(_language(config))
    return context


def on_page_context(context: dict, page: Page, config: MkDocsConfig, **_) -> dict:
    context["interface"] = interface_texts(_language(config))
    return context


def on_page_content(html: str, page: Page, config: MkDocsConfig, **_) -> str:
    english = interface_texts("en")["permalink"]
    return html.replace(f'title="{english}"', f'title="{interface_texts(_language(config))["permalink"]}"')
