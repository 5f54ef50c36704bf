"""One search index per language, so a reader searches only their own language, with its stemmer.

mkdocs-static-i18n merges every language into the root ``search/search_index.json``, where lunr's
multi-language pipeline cannot stem Russian, Turkish or Portuguese inflections to the forms it
indexed. After the last language is built this hook splits that index into
``<lang>/search/search_index.json`` (the default language keeps the root one), each configured with
its own lunr language only, and points each page's ``__config.base`` at its language's root, which
is where Material's search looks for the index. Pages also load the search worker through
``assets/javascripts/workers/search-worker-i18n.js``, which stems each query word in the page's language
before Material turns it into a prefix search (lunr does not stem prefix searches).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority
from mkdocs.structure.pages import Page
from sitekit.plugins import i18n_plugin

_BASE = re.compile(r'("base":\s*")([^"]*)(")')
_WORKER = re.compile(r'("search":\s*"[^"]*/workers/)(search\.[0-9a-f]+\.min\.js)(")')
WRAPPER = "search-worker-i18n.js"  # docs/assets/javascripts/workers/: stems the query before the prefix search


def _languages(config: MkDocsConfig) -> tuple[str, list[str]]:
    i18n = i18n_plugin(config)
    return i18n.default_language, [lang.locale for lang in i18n.config.languages]


@event_priority(-200)  # after static-i18n (-100) has set the page's language
def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    output = _WORKER.sub(lambda m: f"{m[1]}{WRAPPER}?worker={m[2]}{m[3]}", output, count=1)
    i18n = i18n_plugin(config)
    language = i18n.current_language
    if language == i18n.default_language:
        return output
    return _BASE.sub(lambda m: f"{m[1]}{m[2]}/{language}/{m[3]}", output, count=1)


def split_index(index: dict, default: str, languages: list[str]) -> dict[str, dict]:
    """Split a merged Material search index into one index per language, locations made language-relative."""
    others = tuple(f"{lang}/" for lang in languages if lang != default)
    split: dict[str, dict] = {}
    for lang in languages:
        prefix = "" if lang == default else f"{lang}/"
        docs = [
            {**doc, "location": doc["location"][len(prefix) :]}
            for doc in index["docs"]
            if (doc["location"].startswith(prefix) if prefix else not doc["location"].startswith(others))
        ]
        split[lang] = {"config": {**index["config"], "lang": [lang]}, "docs": docs}
    return split


@event_priority(-200)  # after static-i18n (-100) has built every language and merged the index
def on_post_build(config: MkDocsConfig) -> None:
    i18n = i18n_plugin(config)
    if i18n.building:  # a language build nested inside the main one: the index is not complete yet
        return
    default, languages = _languages(config)
    site = Path(config.site_dir)
    merged = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    for lang, index in split_index(merged, default, languages).items():
        target = site / ("" if lang == default else lang) / "search" / "search_index.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
