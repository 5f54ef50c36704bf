"""Reading the site's sources for the tests: sitekit's rules, and what each page includes and links.

sitekit.project.ROOT is $GLOSSARY_ROOT when set: the translation tests lint a modified copy (a new language).
"""

from __future__ import annotations

import copy
import json
import math
import re
import statistics
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pytest_codeblocks import extract_from_file
from sitekit.figures import figure_specs
from sitekit.project import ROOT

from sitekit import markdown, project

DOCS = ROOT / "docs"
CONFIG = project.mkdocs_config(ROOT)
_LANGS = project.languages(ROOT)
LANGUAGES = list(_LANGS.codes)
DEFAULT = _LANGS.default
TRANSLATIONS = list(_LANGS.translations)

INCLUDE = re.compile(r'^\s*--8<--\s+"(?P<path>[^":]+)(?::(?P<section>[\w-]+))?"\s*$')
ANCHOR = re.compile(r"^#+ .*\{#(?P<id>[\w-]+)\}\s*$", re.M)
IMAGE = re.compile(r"!\[[^\]]*\]\((?P<src>[^)\s]+)\)")
LINK = re.compile(r"(?<!!)\[[^\]]*\]\((?P<href>[^)\s]+)\)")
HTML_TAG = re.compile(r"</?[a-zA-Z][\w-]*|<!--.*?-->", re.S)
FENCE = re.compile(r"^(`{3,}).*?^\1\s*$", re.S | re.M)
INLINE_CODE = re.compile(r"`[^`\n]+`")


@dataclass(frozen=True)
class Page:
    path: Path

    @property
    def language(self) -> str:
        return project.language_of(self.path, _LANGS)

    def translation(self, language: str) -> Path:
        return project.translation_path(self.path, language, _LANGS)

    @property
    def rel(self) -> str:
        return self.path.relative_to(ROOT).as_posix()

    @property
    def english_only(self) -> bool:
        """Built in every language from the English file, never translated (``english_only: true``)."""
        return markdown.english_only(self.path)

    def markdown(self) -> str:
        """The page's Markdown: the file itself, or a notebook's Markdown cells."""
        return markdown.page_markdown(self.path)

    def notebook(self) -> dict:
        return json.loads(self.path.read_text(encoding="utf-8"))

    def code_blocks(self) -> list[tuple[int, str, str]]:
        """(line, syntax, code) of every fenced block."""
        return [(b.lineno, b.syntax or "", b.code) for b in extract_from_file(self.path)]

    def includes(self) -> list[str]:
        return [line.strip() for _, _, code in self.code_blocks() for line in code.splitlines() if line.strip()]

    def anchors(self) -> list[str]:
        return ANCHOR.findall(self.markdown())

    def images(self) -> list[str]:
        return IMAGE.findall(self.markdown())

    def links(self) -> list[str]:
        return LINK.findall(self.markdown())

    def html_tags(self) -> list[str]:
        """Raw HTML in the page's prose (outside code): tag names and comments, in order."""
        prose = INLINE_CODE.sub("", FENCE.sub("", self.markdown()))
        return HTML_TAG.findall(prose)


def uses_term(text: str, term: str) -> bool:
    """Whether ``text`` (casefolded) contains ``term`` in some inflected form: each word's stem, in order."""
    words = re.findall(r"\w+", term.casefold())
    stems = [w if len(w) <= 4 else w[: max(4, len(w) - 3)] for w in words]
    pattern = r"\W+(?:\w+\W+)?".join(re.escape(stem) + r"\w*" for stem in stems)
    return re.search(pattern, text) is not None


def all_pages() -> list[Page]:
    return sorted((Page(p) for p in project.all_pages(ROOT)), key=lambda p: p.rel)


def english_pages() -> list[Page]:
    return [p for p in all_pages() if p.language == DEFAULT]


@cache
def figures() -> dict[str, dict]:
    """Per figure: the experiment that computes it, its plot and the arguments it runs with (sitekit's specs)."""
    return figure_specs(ROOT)


def figure_args(name: str) -> dict:
    """The arguments docs/figures.yml passes to figure ``name``'s experiment, for tests to run it the same way."""
    spec = figures().get(name)
    assert spec is not None, f"docs/figures.yml has no figure {name!r}"
    return copy.deepcopy(spec.get("args") or {})


def log_line(values: list[float], xs: list[float] | None = None) -> tuple[float, float]:
    """Fit log10(values) against xs (default: their index): (factor per unit of x, largest distance of a point
    from the line in orders of magnitude). A constant factor per layer is a small distance."""
    xs, logs = xs or list(range(len(values))), [math.log10(v) for v in values]
    fit = statistics.linear_regression(xs, logs)
    return 10**fit.slope, max(abs(y - (fit.intercept + fit.slope * x)) for x, y in zip(xs, logs))


def translation_pairs() -> list[tuple[Page, str]]:
    """(English page, language) of every translation that exists (english_only pages have none)."""
    return [
        (page, lang)
        for page in english_pages()
        if not page.english_only
        for lang in TRANSLATIONS
        if page.translation(lang).is_file()
    ]
