"""Lint of every page in every language: code only by include, translations structurally identical.

A page may exist in English only for a while (English first): the site shows it in the other languages
with a "not translated yet" notice and the status page lists it as missing. Every translation that
exists is held to its English page.
"""

from __future__ import annotations

import difflib
import re

import pytest
from pages import DEFAULT, INCLUDE, ROOT, TRANSLATIONS, Page, all_pages, english_pages, translation_pairs, uses_term
from sitekit.texts import termbase

PAGES = all_pages()
ENGLISH = english_pages()
PAIRS = translation_pairs()


def pair_id(pair) -> str:
    return f"{pair[0].rel}-{pair[1]}" if isinstance(pair, tuple) else str(pair)


@pytest.mark.parametrize("page", [p for p in PAGES if p.path.suffix == ".md"], ids=lambda p: p.rel)
def test_every_code_fence_is_an_include_of_an_existing_file_or_section(page: Page):
    for line, _syntax, code in page.code_blocks():
        lines = [x for x in code.splitlines() if x.strip()]
        assert lines, f"{page.rel}:{line}: empty code block"
        for text in lines:
            match = INCLUDE.match(text)
            assert match, (
                f"{page.rel}:{line}: code on a page must be included from snippets/ or src/ "
                f'(--8<-- "file"), found inline code: {text!r}'
            )
            source = ROOT / match["path"]
            assert source.is_file(), f"{page.rel}:{line}: included file {match['path']} does not exist"
            assert match["path"].startswith(("snippets/", "src/gradprobe/", "benchmarks/")), (
                f"{page.rel}:{line}: include tested code from snippets/, src/gradprobe/ or benchmarks/, "
                f"not {match['path']}"
            )
            if match["section"]:
                assert f"--8<-- [start:{match['section']}]" in source.read_text(encoding="utf-8"), (
                    f"{page.rel}:{line}: {match['path']} has no section '{match['section']}'"
                )


@pytest.mark.parametrize("page", [p for p in PAGES if p.path.suffix == ".md"], ids=lambda p: p.rel)
def test_no_code_outside_fences(page: Page):
    indented = re.findall(r"(?m)^(?: {4}|\t)(?:import |from |def |print\()", page.markdown())
    assert not indented, f"{page.rel}: indented code block found: {indented}"


@pytest.mark.parametrize("page", [p for p in PAGES if p.language in TRANSLATIONS], ids=lambda p: p.rel)
def test_every_translation_has_its_english_page(page: Page):
    english = page.translation(DEFAULT)
    assert english.is_file(), f"{page.rel} translates {english.relative_to(ROOT)}, which does not exist"
    assert not Page(english).english_only, f"{page.rel}: {english.relative_to(ROOT)} says english_only: true"


def differences(english: list[str], translated: list[str]) -> str:
    """What a contributor must change, line by line: '- ' is in English only, '+ ' in the translation only."""
    return "\n".join(line for line in difflib.ndiff(english, translated) if line[:1] in "-+")


STRUCTURE = {  # what a translation may not change, and how to read it off a page
    "code includes": Page.includes,
    "heading anchors": Page.anchors,
    "figures": Page.images,
    "link targets": Page.links,
    "raw HTML tags": Page.html_tags,
}


@pytest.mark.parametrize("what", STRUCTURE)
@pytest.mark.parametrize("pair", PAIRS, ids=pair_id)
def test_translation_changes_only_prose(pair, what):
    page, lang = pair
    translated = Page(page.translation(lang))
    read = STRUCTURE[what]
    english, theirs = read(page), read(translated)
    assert theirs == english, (
        f"{translated.rel}: the {what} must be those of {page.rel}, in the same order "
        f"(- only in English, + only in the translation):\n{differences(english, theirs)}"
    )


@pytest.mark.parametrize("pair", [p for p in PAIRS if p[0].path.suffix == ".ipynb"], ids=pair_id)
def test_translated_notebook_has_the_same_code_cells(pair):
    page, lang = pair
    translated = Page(page.translation(lang))
    code = [c["source"] for c in page.notebook()["cells"] if c["cell_type"] == "code"]
    assert [c["source"] for c in translated.notebook()["cells"] if c["cell_type"] == "code"] == code, (
        f"{translated.rel}: notebook code cells differ from {page.rel}; translate only Markdown cells"
    )


TERMS = termbase()


@pytest.mark.parametrize(
    "pair",
    [p for p in PAIRS if any(e.get("page") == p[0].rel.removeprefix("docs/") for e in TERMS.values())],
    ids=pair_id,
)
def test_translation_uses_the_termbase_terms_of_its_concepts(pair):
    page, lang = pair
    translated = Page(page.translation(lang))
    text = translated.markdown().casefold()
    missing = [
        entry[lang]
        for entry in TERMS.values()
        if entry.get("page") == page.rel.removeprefix("docs/") and not uses_term(text, entry[lang])
    ]
    assert not missing, (
        f"{translated.rel} never uses the termbase term(s) {missing} for its concept(s): "
        "use them (any inflected form), or change i18n/termbase.yml for the whole site"
    )


@pytest.mark.parametrize("page", [p for p in ENGLISH if p.path.suffix == ".md"], ids=lambda p: p.rel)
def test_every_heading_has_an_explicit_anchor(page: Page):
    headings = re.findall(r"(?m)^#{1,6} .*$", page.markdown())
    missing = [h for h in headings if "{#" not in h]
    assert not missing, f"{page.rel}: give these headings an explicit {{#anchor}}: {missing}"
