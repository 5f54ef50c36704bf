"""Render LaTeX math to MathML at build time with Temml: no script on the page, no third-party request.

``pymdownx.arithmatex`` (generic mode) finds the math and wraps it; this hook converts each wrapped
formula with Temml (``hooks/vendor/temml.min.js``, run in V8 embedded by mini-racer). Browsers render
MathML natively, styled by ``docs/assets/stylesheets/math.css`` (with Temml's prime font, cut down to 648 bytes).
An inline formula is glued to the punctuation or suffix written against it (``\\(x\\).``,
``\\(n\\)'nin``), so a line never starts with that period.
"""

from __future__ import annotations

import atexit
import functools
import html
import re
from pathlib import Path

from mkdocs.structure.pages import Page
from py_mini_racer import JSEvalException, MiniRacer

TEMML = Path(__file__).parent / "vendor" / "temml.min.js"
TEMML_VERSION = "0.13.5"  # also in hooks/vendor/README.md and docs/assets/temml/
_INLINE = re.compile(r'([^\s<>]*)<span class="arithmatex">\\\((.+?)\\\)</span>([^\s<>]*)', re.S)
_BLOCK = re.compile(r'<div class="arithmatex">\\\[(.+?)\\\]</div>', re.S)
# What must never reach a reader: TeX left as text, or MathML that Chromium does not lay out
# (an alignment as a literal "&", a line break as <mspace linebreak>).
UNRENDERED = re.compile(
    r"\\[()\[\]]|\$\$|\\(?:begin|end|frac|sqrt)\b|<mi>&(?:amp;)?</mi>|"
    r'linebreak="newline"|temml-error|<merror'
)
_VERBATIM = re.compile(r"<(pre|code|script|style)\b.*?</\1>", re.S)


@functools.cache
def _temml() -> MiniRacer:
    engine = MiniRacer()
    atexit.register(engine.close)  # an open mini-racer context keeps the interpreter from exiting
    engine.eval(TEMML.read_text(encoding="utf-8"))
    version = engine.eval("temml.version")
    if version != TEMML_VERSION:
        raise RuntimeError(f"{TEMML} is Temml {version}, expected {TEMML_VERSION}")
    return engine


def _message(error: JSEvalException) -> str:
    """Temml's own message, without V8's location prefix."""
    first = str(error).splitlines()[0]
    return first.split("ParseError:", 1)[1].strip() if "ParseError:" in first else first


def render(latex: str, display: bool) -> str:
    """MathML for one formula; ``ValueError`` naming the formula if Temml cannot render it."""
    try:
        mathml = _temml().call("temml.renderToString", latex, {"displayMode": display, "throwOnError": True})
    except JSEvalException as error:
        raise ValueError(f"cannot render formula {latex!r}: {_message(error)}") from error
    if bad := UNRENDERED.search(mathml):
        raise ValueError(f"formula {latex!r} rendered with {bad[0]!r} left in its MathML")
    return mathml


def _render(latex: str, display: bool, page: Page) -> str:
    try:
        return render(html.unescape(latex), display)
    except ValueError as error:
        raise ValueError(f"{page.file.src_uri}: {error}") from error


def _inline(match: re.Match[str], page: Page) -> str:
    before, latex, after = match.groups()
    mathml = _render(latex, False, page)
    return f'<span class="math-glued">{before}{mathml}{after}</span>' if before or after else mathml


def unrendered(page_html: str) -> list[str]:
    """Raw TeX or broken MathML in a page's HTML, code and scripts aside."""
    return UNRENDERED.findall(_VERBATIM.sub("", page_html))


def on_page_content(content: str, page: Page, **_) -> str:
    content = _BLOCK.sub(lambda m: f'<div class="math">{_render(m[1], True, page)}</div>', content)
    content = _INLINE.sub(lambda m: _inline(m, page), content)
    if left := unrendered(content):
        raise ValueError(f"{page.file.src_uri}: math left unrendered: {sorted(set(left))}")
    return content
