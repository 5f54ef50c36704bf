"""Language menu links that work wherever the site is served, and no sitemap requests on page views.

mkdocs-static-i18n fills Material's language menu (``extra.alternate``) with absolute paths taken
from site_url (``/gradient-glossary/ru/``) and leaves them so on the home pages; on a 404 page the
menu keeps the links of the last page built. This hook gives every page's menu the page's own
translations as site-relative URLs, which Material's ``url`` filter turns into relative links. A 404
page is served at any depth, so its menu points at each language's home page under site_url's
path, like its stylesheets do.

Material also fetches ``<href>/sitemap.xml`` for every ``<link rel="alternate" hreflang>`` in a
page's head, to find the same page in another language: here each href is a page, not a site root,
so each page view made one failing request per language. The hreflang alternates stay in
sitemap.xml (an equivalent way to declare them to search engines) and leave the page heads; the
section anchor is kept on switching by ``assets/javascripts/language-switch.js``.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority
from mkdocs.structure.pages import Page
from sitekit.plugins import i18n_plugin

_HEAD_ALTERNATE = re.compile(r'\s*<link rel="alternate" href="[^"]*" hreflang="[^"]*">')


def _set_menu(config: MkDocsConfig, links: dict[str, str]) -> None:
    """The language menu with these links; the template reads ``config.extra.alternate``, an attribute
    that static-i18n sets per page over the ``extra["alternate"]`` item it configured."""
    menu = [{**entry, "link": links[entry["lang"]]} for entry in config.extra["alternate"]]
    vars(config.extra)["alternate"] = menu  # an instance attribute, as static-i18n sets it


@event_priority(0)  # after static-i18n (50) has set the menu for this page
def on_page_context(context: dict, page: Page, config: MkDocsConfig, **_) -> dict:
    alternates = getattr(page.file, "alternates", {})
    missing = [e["lang"] for e in config.extra["alternate"] if e["lang"] not in alternates]
    if missing:
        raise ValueError(f"{page.file.src_uri} has no {missing} version for the language menu")
    _set_menu(config, {lang: file.url or "./" for lang, file in alternates.items()})
    return context


def on_template_context(context: dict, template_name: str, config: MkDocsConfig) -> dict:
    if template_name == "404.html":
        root = urlsplit(config.site_url or "/").path.rstrip("/") + "/"
        default = i18n_plugin(config).default_language
        _set_menu(
            config,
            {e["lang"]: root if e["lang"] == default else f"{root}{e['lang']}/" for e in config.extra["alternate"]},
        )
    return context


def without_head_alternates(html: str) -> str:
    head, separator, body = html.partition("</head>")
    return _HEAD_ALTERNATE.sub("", head) + separator + body


@event_priority(-300)  # after the hooks that edit the page, before hooks/minify.py (-400)
def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    return without_head_alternates(output)


def on_post_template(output: str, template_name: str, config: MkDocsConfig) -> str:
    return without_head_alternates(output) if template_name == "404.html" else output
