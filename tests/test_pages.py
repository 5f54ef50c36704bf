"""Lint of every page in every language: code only by include, translations structurally identical."""

from __future__ import annotations

import re

import pytest

from pages import INCLUDE, ROOT, TRANSLATIONS, Page, all_pages, english_pages

PAGES = all_pages()
ENGLISH = english_pages()
PAIRS = [(page, lang) for page in ENGLISH for lang in TRANSLATIONS]


def pair_id(pair) -> str:
    return f"{pair[0].rel}-{pair[1]}" if isinstance(pair, tuple) else str(pair)


@pytest.mark.parametrize("page", [p for p in PAGES if p.path.suffix == ".md"], ids=lambda p: p.rel)
def test_every_code_fence_is_an_include_of_an_existing_file_or_section(page: Page):
    for line, syntax, code in page.code_blocks():
        lines = [x for x in code.splitlines() if x.strip()]
        assert lines, f"{page.rel}:{line}: empty code block"
        for text in lines:
            match = INCLUDE.match(text)
            assert match, (f"{page.rel}:{line}: code on a page must be included from snippets/ or src/ "
                           f"(--8<-- \"file\"), found inline code: {text!r}")
            source = ROOT / match["path"]
            assert source.is_file(), f"{page.rel}:{line}: included file {match['path']} does not exist"
            assert match["path"].startswith(("snippets/", "src/gradprobe/", "benchmarks/")), (
                f"{page.rel}:{line}: include tested code from snippets/, src/gradprobe/ or benchmarks/, not {match['path']}")
            if match["section"]:
                assert f"--8<-- [start:{match['section']}]" in source.read_text(encoding="utf-8"), (
                    f"{page.rel}:{line}: {match['path']} has no section '{match['section']}'")


@pytest.mark.parametrize("page", [p for p in PAGES if p.path.suffix == ".md"], ids=lambda p: p.rel)
def test_no_code_outside_fences(page: Page):
    indented = re.findall(r"(?m)^(?: {4}|\t)(?:import |from |def |print\()", page.markdown())
    assert not indented, f"{page.rel}: indented code block found: {indented}"


@pytest.mark.parametrize("pair", PAIRS, ids=pair_id)
def test_every_english_page_is_translated(pair):
    page, lang = pair
    assert page.translation(lang).is_file(), f"{page.rel} has no {lang} translation: add {page.translation(lang).relative_to(ROOT)}"


@pytest.mark.parametrize("pair", PAIRS, ids=pair_id)
def test_translation_has_the_same_code_anchors_and_figures(pair):
    page, lang = pair
    translated = Page(page.translation(lang))
    if not translated.path.is_file():
        pytest.fail(f"missing translation {translated.rel}")
    assert translated.includes() == page.includes(), f"{translated.rel}: code includes differ from {page.rel}"
    assert translated.anchors() == page.anchors(), f"{translated.rel}: heading anchors differ from {page.rel}"
    assert translated.images() == page.images(), f"{translated.rel}: figures differ from {page.rel}"
    if page.path.suffix == ".ipynb":
        code = [c["source"] for c in page.notebook()["cells"] if c["cell_type"] == "code"]
        assert [c["source"] for c in translated.notebook()["cells"] if c["cell_type"] == "code"] == code, (
            f"{translated.rel}: notebook code cells differ from {page.rel}")


@pytest.mark.parametrize("page", [p for p in ENGLISH if p.path.suffix == ".md"], ids=lambda p: p.rel)
def test_every_heading_has_an_explicit_anchor(page: Page):
    headings = re.findall(r"(?m)^#{1,6} .*$", page.markdown())
    missing = [h for h in headings if "{#" not in h]
    assert not missing, f"{page.rel}: give these headings an explicit {{#anchor}}: {missing}"
