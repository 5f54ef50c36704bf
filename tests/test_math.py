"""Math: every formula of every page becomes MathML that Chromium lays out, with no TeX left over.

Fast: the pages go through Markdown with the site's own extensions and hooks/mathml.py, with no site build.
"""

from __future__ import annotations

import os
import sys
from types import SimpleNamespace

import markdown
import pytest
from mkdocs.config import load_config
from pages import ROOT, all_pages

sys.path.insert(0, str(ROOT / "hooks"))
import mathml

MD_PAGES = [p for p in all_pages() if p.path.suffix == ".md"]


@pytest.fixture(scope="module")
def to_html():
    """The site's Markdown converter (its extensions and their options), then the math hook."""
    config = load_config(str(ROOT / "mkdocs.yml"))
    cwd = os.getcwd()
    os.chdir(ROOT)  # pymdownx.snippets resolves its base_path "." from the working directory

    def convert(text: str, name: str = "page.md") -> str:
        md = markdown.Markdown(extensions=config["markdown_extensions"], extension_configs=config["mdx_configs"])
        return mathml.on_page_content(md.convert(text), page=SimpleNamespace(file=SimpleNamespace(src_uri=name)))

    yield convert
    os.chdir(cwd)


@pytest.mark.parametrize("page", MD_PAGES, ids=lambda p: p.rel)
def test_every_formula_renders_to_mathml(to_html, page):
    html = to_html(page.markdown(), page.rel)  # the hook raises on TeX it could not render or left behind
    assert "arithmatex" not in html
    assert not mathml.unrendered(html)


def test_aligned_formulas_become_a_table_with_no_literal_ampersand_or_line_break(to_html):
    html = to_html("$$\n\\begin{aligned}\na &= b, & c &= d, \\\\\ne &= f.\n\\end{aligned}\n$$\n")
    assert html.count("<mtr") == 2 and html.count("<mtd") == 8
    assert "&amp;" not in html and "linebreak" not in html


def test_a_prime_is_a_superscript_of_what_it_follows(to_html):
    html = to_html(r"\(\tanh'(z)\)")
    assert '<msup><mi>tanh</mi><mo lspace="0em" rspace="0em" class="tml-prime">′</mo></msup>' in html


def test_punctuation_and_suffixes_stay_glued_to_inline_math(to_html):
    html = to_html(r"so \(x = 1\). Then \(n\)'nin, and \(y\) alone")
    assert html.count('<span class="math-glued">') == 2
    assert "</math>.</span>" in html and "</math>'nin,</span>" in html
    assert html.count("<math") == 3


def test_display_math_gets_its_own_box(to_html):
    html = to_html("$$\nx = 1\n$$\n")
    assert html.startswith('<div class="math"><math display="block"')


@pytest.mark.parametrize(
    "latex, message",
    [
        (r"\frac{1", "expected '}'"),
        (r"\notacommand x", "Unsupported function name: \\notacommand"),
    ],
)
def test_bad_tex_fails_the_build_naming_page_and_formula(to_html, latex, message):
    with pytest.raises(ValueError, match=r"docs/broken\.md: cannot render formula") as error:
        to_html(f"\\({latex}\\)", "docs/broken.md")
    assert message in str(error.value) and latex in str(error.value).replace("\\\\", "\\")


def test_unrendered_finds_tex_and_broken_mathml_but_not_code():
    assert mathml.unrendered(r"<p>\(x\) and $$y$$</p>") == ["\\(", "\\)", "$$", "$$"]
    assert mathml.unrendered('<math><mi>&amp;</mi><mspace linebreak="newline"></mspace></math>') == [
        "<mi>&amp;</mi>",
        'linebreak="newline"',
    ]
    assert mathml.unrendered(r"<p>formulas between <code>\(</code> and <code>$$</code></p>") == []
