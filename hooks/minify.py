"""Smaller pages: code blocks without the spans that change nothing, and minified HTML.

Pygments wraps every name, string affix and run of whitespace in a code block in its own ``<span>``;
the theme draws those in the code's default colour, so their spans only add bytes (a fifth of a code
block's HTML). ``<math>`` elements lose their ``xmlns`` attribute, which HTML implies. The whole page
is then minified with minify-html, which keeps ``<pre>`` content as written. Together they take about
15 % off a page's HTML; with hooks/palette_css.py they keep every page within the page weight budget
of tests/test_browser.py.
"""

from __future__ import annotations

import re

import minify_html
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority
from mkdocs.structure.pages import Page

_CODE = re.compile(r"<code>.*?</code>", re.S)
_PLAIN_SPAN = re.compile(r'<span class="(?:n|sa|w)">([^<]*)</span>')  # Name, String.Affix, Whitespace
_MATH_NAMESPACE = ' xmlns="http://www.w3.org/1998/Math/MathML"'  # implied for <math> in HTML


def unwrap_plain_tokens(html: str) -> str:
    """Code blocks with their name, string affix and whitespace tokens as plain text."""
    return _CODE.sub(lambda m: _PLAIN_SPAN.sub(r"\1", m[0]), html)


def minify(html: str) -> str:
    return minify_html.minify(html, keep_closing_tags=True, keep_html_and_head_opening_tags=True)


@event_priority(-200)  # after the hooks that rewrite code blocks (notebooks)
def on_page_content(html: str, page: Page, config: MkDocsConfig, **_) -> str:
    return unwrap_plain_tokens(html).replace(f"<math{_MATH_NAMESPACE}", "<math")


@event_priority(-400)  # last: after every hook that edits the page with patterns
def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    return minify(output)
