"""Render LaTeX math to MathML at build time: no JavaScript, no fonts, no third-party request.

``pymdownx.arithmatex`` (generic mode) finds the math and wraps it; this hook converts each
wrapped formula with latex2mathml. Browsers render MathML natively.
"""

from __future__ import annotations

import html
import re

from latex2mathml.converter import convert
from mkdocs.structure.pages import Page

_INLINE = re.compile(r'<span class="arithmatex">\\\((.+?)\\\)</span>', re.S)
_BLOCK = re.compile(r'<div class="arithmatex">\\\[(.+?)\\\]</div>', re.S)
_ENTITY = re.compile(r"&#x([0-9A-Fa-f]+);")


def _char(code: int) -> str:
    return html.escape(chr(code), quote=False)


def _mathml(latex: str, display: str, page: Page) -> str:
    try:
        mathml = convert(html.unescape(latex), display=display)
        return _ENTITY.sub(lambda m: _char(int(m[1], 16)), mathml)  # "&#x02202;" -> "∂": a third of the size
    except Exception as error:  # latex2mathml raises many exception types for bad input
        raise ValueError(f"{page.file.src_uri}: cannot render formula {latex!r}: {error}") from error


def on_page_content(content: str, page: Page, **_) -> str:
    content = _BLOCK.sub(lambda m: f'<div class="math">{_mathml(m.group(1), "block", page)}</div>', content)
    return _INLINE.sub(lambda m: _mathml(m.group(1), "inline", page), content)
