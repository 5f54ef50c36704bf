"""The termbase is enforced: one term per concept on every page and figure of a language.

An entry of ``i18n/termbase.yml`` may list, per language, the variants a page must not use for its
concept (``avoid: {tr: [katsayı]}``): the forms a translator would naturally reach for and that the
site decided against. Each variant matches at the start of a word, in any inflected form (it is a
stem), case-insensitively. Code, include lines, link targets and the References section (titles as
published) are not checked.
"""

from __future__ import annotations

import re

import pytest
import yaml
from pages import FENCE, INLINE_CODE, LANGUAGES, ROOT, all_pages
from sitekit.texts import termbase

TERMS = termbase()
LINK_TARGET = re.compile(r"\]\([^)\s]*\)")
REFERENCES = re.compile(r"^#+ [^\n]*\{#references\}.*?(?=^#+ |\Z)", re.M | re.S)  # cited titles stay as published
FIGURE_TEXTS = yaml.safe_load((ROOT / "i18n" / "figures.yml").read_text(encoding="utf-8"))


def prose(markdown: str) -> str:
    return LINK_TARGET.sub("]", INLINE_CODE.sub(" ", FENCE.sub(" ", REFERENCES.sub(" ", markdown))))


def strings(value: object) -> list[str]:
    """Every string inside a figure's text entry (titles, labels, series names)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    return []


def variant(form: str) -> re.Pattern[str]:
    """A variant in any inflected form: at the start of a word, casefolded."""
    return re.compile(r"(?<!\w)" + re.escape(form.casefold()) + r"\w*")


def texts(language: str) -> list[tuple[str, str]]:
    """(where, prose) of every page and figure in ``language``."""
    found = [(page.rel, prose(page.markdown())) for page in all_pages() if page.language == language]
    found += [
        (f"i18n/figures.yml: {figure}", "\n".join(strings(by_language.get(language))))
        for figure, by_language in FIGURE_TEXTS.items()
    ]
    return found


def test_every_entry_names_its_concept_in_every_language():
    for concept, entry in TERMS.items():
        missing = [lang for lang in LANGUAGES if not isinstance(entry.get(lang), str) or not entry[lang].strip()]
        assert not missing, f"i18n/termbase.yml: {concept} has no term in {missing}"
        unknown = set(entry.get("avoid", {})) - set(LANGUAGES)
        assert not unknown, f"i18n/termbase.yml: {concept} avoids variants in unknown languages {sorted(unknown)}"


def test_an_avoided_variant_is_not_the_term_itself():
    for concept, entry in TERMS.items():
        for lang, variants in entry.get("avoid", {}).items():
            clash = [v for v in variants if entry[lang].casefold().startswith(v.casefold())]
            assert not clash, f"i18n/termbase.yml: {concept} avoids {clash}, which matches its own {lang} term"


@pytest.mark.parametrize("language", LANGUAGES)
def test_pages_and_figures_use_the_termbase_variant(language: str):
    rules = [
        (concept, entry[language], form, variant(form))
        for concept, entry in TERMS.items()
        for form in entry.get("avoid", {}).get(language, [])
    ]
    found = []
    for where, text in texts(language):
        folded = text.casefold()
        for concept, term, form, pattern in rules:
            for match in pattern.finditer(folded):
                found.append(f"{where}: {match[0]!r} ({concept}: write {term!r}, not {form!r})")
    assert not found, "non-termbase variants of termbase concepts:\n" + "\n".join(found)


def test_the_check_finds_an_avoided_variant():
    """The matcher sees an inflected variant inside prose, and not inside code or a link target."""
    pattern = variant("Мини-пакет")
    assert pattern.search(prose("Разбейте данные на мини-пакеты.").casefold())
    assert not pattern.search(prose("`мини-пакеты` и [ссылка](мини-пакеты.md)").casefold())
    assert not pattern.search("полумини-пакеты")
