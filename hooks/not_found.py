"""A 404 page in every language: ``<lang>/404.html``, and the default language's at the site root.

Each language build renders the theme's 404.html to the site root, so the last language built
would win. This hook writes each build's 404 page to its language folder with localized text from
i18n/site.yml, and keeps the default language's one at the root.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority
from sitekit.plugins import i18n_plugin

TEXTS = Path(__file__).resolve().parent.parent / "i18n" / "site.yml"
_H1 = re.compile(r"<h1>404 - Not found</h1>")


def localized_404(html: str, language: str, home: str) -> str:
    text = yaml.safe_load(TEXTS.read_text(encoding="utf-8"))["not_found"][language]
    body = f'<h1>{text["title"]}</h1><p>{text["text"]}</p><p><a href="{home}">{text["home"]}</a></p>'
    if not _H1.search(html):
        raise ValueError("hooks/not_found.py: the theme's 404 template changed; update the pattern")
    return _H1.sub(body, html).replace("<title>404 - Not found", f"<title>{text['title']}")


_root_404: dict[str, str] = {}  # the default language's page, kept across this run's language builds


@event_priority(50)  # before static-i18n (-100) starts the other languages' builds
def on_post_build(config: MkDocsConfig) -> None:
    i18n = i18n_plugin(config)
    language = i18n.current_language
    site = Path(config.site_dir)
    home = (config.site_url or "/").rstrip("/") + "/"
    rendered = (site / "404.html").read_text(encoding="utf-8")
    if language == i18n.default_language:
        _root_404["html"] = localized_404(rendered, language, home)
    else:
        target = site / language / "404.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(localized_404(rendered, language, f"{home}{language}/"), encoding="utf-8")
    (site / "404.html").write_text(_root_404["html"], encoding="utf-8")
