"""Reading the site's sources: which pages exist in which language, and what each one includes."""

from __future__ import annotations

import copy
import json
import math
import os
import re
import statistics
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml
from pytest_codeblocks import extract_from_file

# GLOSSARY_ROOT lets the translation tests lint a modified copy of the sources (a new language, say).
ROOT = Path(os.environ.get("GLOSSARY_ROOT", Path(__file__).resolve().parent.parent))
DOCS = ROOT / "docs"
CONFIG = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
LANGUAGES = [lang["locale"] for lang in next(p["i18n"] for p in CONFIG["plugins"] if "i18n" in p)["languages"]]
DEFAULT = LANGUAGES[0]
TRANSLATIONS = LANGUAGES[1:]

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
        suffix = self.path.suffixes[-2].lstrip(".") if len(self.path.suffixes) > 1 else ""
        return suffix if suffix in LANGUAGES else DEFAULT

    def translation(self, language: str) -> Path:
        return self.path.with_name(f"{self.path.name.split('.')[0]}.{language}{self.path.suffix}")

    @property
    def rel(self) -> str:
        return self.path.relative_to(ROOT).as_posix()

    @property
    def english_only(self) -> bool:
        """Built in every language from the English file, never translated (``english_only: true``)."""
        front = re.match(r"\A---\n(.*?)\n---\n", self.markdown(), re.S) if self.path.suffix == ".md" else None
        return bool(front and (yaml.safe_load(front[1]) or {}).get("english_only") is True)

    def markdown(self) -> str:
        """The page's Markdown: the file itself, or a notebook's Markdown cells."""
        if self.path.suffix == ".ipynb":
            return "\n\n".join("".join(c["source"]) for c in self.notebook()["cells"] if c["cell_type"] == "markdown")
        return self.path.read_text(encoding="utf-8")

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


def termbase() -> dict[str, dict[str, str]]:
    return yaml.safe_load((ROOT / "i18n" / "termbase.yml").read_text(encoding="utf-8"))


def uses_term(text: str, term: str) -> bool:
    """Whether ``text`` (casefolded) contains ``term`` in some inflected form: each word's stem, in order."""
    words = re.findall(r"\w+", term.casefold())
    stems = [w if len(w) <= 4 else w[: max(4, len(w) - 3)] for w in words]
    pattern = r"\W+(?:\w+\W+)?".join(re.escape(stem) + r"\w*" for stem in stems)
    return re.search(pattern, text) is not None


def all_pages() -> list[Page]:
    return sorted((Page(p) for p in DOCS.rglob("*") if p.suffix in {".md", ".ipynb"}), key=lambda p: p.rel)


def english_pages() -> list[Page]:
    return [p for p in all_pages() if p.language == DEFAULT]


@cache
def figures() -> dict[str, dict]:
    """docs/figures.yml: per figure, the experiment that computes it, its plot and the arguments it passes."""
    return yaml.load((DOCS / "figures.yml").read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


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
