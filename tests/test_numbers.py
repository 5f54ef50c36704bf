"""Every number a page states, in every language, is bound: to a measurement a test asserts, to an output the
page includes, to a figure's settings or to a named source; and every translation states English's numbers."""

from __future__ import annotations

from decimal import Decimal

import pytest
from pages import ROOT, Page, english_pages, translation_pairs
from prose_numbers import (
    RECORDS,
    asserts,
    defined_tests,
    figure_arguments,
    file_constants,
    numbers,
    printed,
    record,
    slug,
    stated,
)

ENGLISH = english_pages()
PAIRS = translation_pairs()  # a missing translation fails in test_pages


@pytest.mark.parametrize(
    ("language", "text", "values"),
    [
        (
            "en",
            "59,049-fold, 0.25 and −0.75, a 34-layer net, 4e-10, 1.1 × 10^9",
            ["59049", "0.25", "-0.75", "34", "4E-10", "1.1E+9"],
        ),
        ("ru", "в 59 049 раз, 0,25 и −0,75; версия 3.10", ["59049", "0.25", "-0.75", "3.10"]),
        ("tr", "%3,5'i, 12.001 noktada, 5000. adımda", ["3.5", "12001", "5000"]),
        ("pt", "59.049 vezes, 0,010 e 65.536", ["59049", "0.010", "65536"]),
        ("en", "ResNet-18, YOLO11n, float32, CIFAR-10, 2D, gradprobe 0.1.0, in 2015 (arXiv:1512.03385)", []),
        (
            "en",
            "\\(h_{k-1} = 3.6 \\times 10^{-21}\\), \\(1/4\\), \\(10^{13}\\) `lr=0.5` [x](a-1.md) {#b-2}",
            ["3.6E-21", "1E+13"],
        ),
        ("en", "Text 7.\n\n## References {#references}\n\n- He et al. CVPR, 2016, 770-778.\n", ["7"]),
    ],
)
def test_numbers_are_read_in_the_pages_notation_and_names_are_not_numbers(language, text, values):
    assert [str(v) for v in stated(text, language)] == values


def shown(values: set[Decimal]) -> list[str]:
    return sorted(str(v) for v in values)


@pytest.mark.parametrize("page", ENGLISH, ids=lambda p: p.rel)
def test_every_number_on_the_page_is_bound(page: Page):
    rec = record(slug(page))
    bound = printed(page) | figure_arguments(page) | set(rec["measured"]) | set(rec["sourced"])
    loose = set(numbers(page)) - bound
    assert not loose, (
        f"{page.rel} states {shown(loose)}, which no test asserts and no source gives: add each to "
        f"docs/numbers/{slug(page)}.yml (measured: the test that asserts it, or sourced:), "
        "or correct the page"
    )


@pytest.mark.parametrize("page", ENGLISH, ids=lambda p: p.rel)
def test_every_recorded_number_is_on_the_page_and_asserted_or_sourced(page: Page):
    rec, stated = record(slug(page)), set(numbers(page))
    where = f"docs/numbers/{slug(page)}.yml"
    unused = (set(rec["measured"]) | set(rec["sourced"])) - stated
    assert not unused, f"{where} records {shown(unused)}, which {page.rel} no longer states: remove them"
    known = defined_tests()
    for value, test in rec["measured"].items():
        assert test in known, f"{where}: {value} names the test {test}, which does not exist"
        assert asserts(test, value), f"{where}: {value} is said to be asserted by {test}, which never writes it"
    for value, source in rec["sourced"].items():
        path = source.split()[0]
        if path.endswith(".py"):
            assert (ROOT / path).is_file(), f"{where}: {value} comes from {path}, which does not exist"
            assert value in file_constants(path), f"{where}: {value} is said to come from {path}, which never writes it"


def test_every_record_belongs_to_a_page():
    pages = {slug(page) for page in english_pages()}
    orphans = sorted(p.name for p in RECORDS.glob("*.yml") if p.stem not in pages)
    assert not orphans, f"docs/numbers/ has records of no page: {orphans}"


@pytest.mark.parametrize(("page", "lang"), PAIRS, ids=lambda x: x.rel if isinstance(x, Page) else x)
def test_translation_states_the_numbers_of_the_english_page(page: Page, lang: str):
    translated = Page(page.translation(lang))
    english, theirs = set(numbers(page)), set(numbers(translated))
    assert theirs == english, (
        f"{translated.rel} must state the numbers of {page.rel}: missing {shown(english - theirs)}, "
        f"extra {shown(theirs - english)} (in {lang} notation: decimal comma, its digit groups)"
    )
