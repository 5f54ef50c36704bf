"""The page-rewriting hooks on small inputs: language menu, notebook pages, minified code, palette, status table."""

from __future__ import annotations

import sys

import pytest
from pages import ROOT

sys.path.insert(0, str(ROOT / "hooks"))
import language_switcher
import minify
import notebook_page
import palette_css
from sitekit.markdown import page_title
from sitekit.markers import check_markers, marker
from sitekit.notices import status_table


def test_head_alternates_go_but_the_body_keeps_its_links():
    html = (
        '<head><link rel="alternate" href="../ru/page/" hreflang="ru"><link rel="next" href="../b/"></head>'
        '<body><a href="../ru/page/" hreflang="ru" class="md-select__link">Русский</a></body>'
    )
    out = language_switcher.without_head_alternates(html)
    assert 'rel="alternate"' not in out
    assert '<link rel="next" href="../b/">' in out and 'class="md-select__link"' in out


def test_only_unstyled_token_spans_are_unwrapped_and_only_in_code():
    html = (
        '<p><span class="n">prose</span></p><pre><code><span class="k">def</span><span class="w"> </span>'
        '<span class="n">f</span><span class="p">():</span></code></pre>'
    )
    assert minify.unwrap_plain_tokens(html) == (
        '<p><span class="n">prose</span></p><pre><code>'
        '<span class="k">def</span> f<span class="p">():</span></code></pre>'
    )


def test_minified_page_keeps_preformatted_text():
    html = "<html><head><title>t</title></head><body>\n  <p>a   b</p>\n<pre><code>x\n    y</code></pre></body></html>"
    out = minify.minify(html)
    assert "<pre><code>x\n    y</code></pre>" in out and len(out) < len(html)


NOTEBOOK = (
    '<style>.jp-Notebook{}</style><script>clipboard()</script><div class="jp-Notebook">'
    '<div class="jp-Cell" id="cell-id=ab12"><h2 id="read">Read<a class="anchor-link" href="#read">¶</a></h2>'
    '<div class="zeroclipboard-container"><clipboard-copy for="cell-1"><div>Copied!</div></clipboard-copy>'
    '</div><div class="highlight-ipynb hl-python"><pre><span></span>x = 1\n</pre></div>'
    '<div class="clipboard-copy-txt" id="cell-1">x = 1</div></div></div>'
)


def test_notebook_loses_inlined_assets_and_gets_theme_code_blocks_and_permalinks():
    out = notebook_page.slim_notebook(NOTEBOOK, "Постоянная ссылка")
    assert "<style" not in out and "<script" not in out and "clipboard" not in out
    assert '<div class="language-python highlight"><pre><code><span></span>x = 1\n</code></pre></div>' in out
    assert '<a class="headerlink" href="#read" title="Постоянная ссылка">¶</a>' in out
    assert 'id="cell-ab12"' in out


def test_notebook_hook_refuses_html_that_is_not_a_notebook():
    with pytest.raises(ValueError, match="not mkdocs-jupyter's notebook HTML"):
        notebook_page.slim_notebook("<p>page</p>", "Permanent link")


PALETTE = (
    "@media screen{[data-md-color-scheme=slate]{--a:1}}[data-md-color-primary=pink]{--b:2}"
    "[data-md-color-primary=indigo],[data-md-color-primary=red]{--c:3}"
    "@media screen and (min-width:60em){[data-md-color-accent=red] .x{--d:4}}/*# map */"
)


def test_palette_keeps_schemes_and_used_colours_only():
    used = palette_css.used_colours([{"scheme": "default"}, {"scheme": "slate", "accent": "deep orange"}])
    assert used == {"primary": {"indigo"}, "accent": {"indigo", "deep-orange"}}
    assert palette_css.trim(PALETTE, used) == (
        "@media screen{[data-md-color-scheme=slate]{--a:1}}[data-md-color-primary=indigo]{--c:3}"
    )


def test_palette_refuses_a_stylesheet_it_cannot_read():
    with pytest.raises(ValueError, match="unbalanced"):
        palette_css.trim("[data-md-color-primary=pink]{--b:2", palette_css.used_colours(None))


def test_status_table_names_pages_by_their_title_in_the_readers_language():
    table = status_table("tr", ROOT)
    assert "| [Kaybolan gradyan](vanishing-gradient.md) |" in table
    assert "`vanishing-gradient.md`" not in table


def test_page_title_needs_a_level_one_heading(tmp_path):
    page = tmp_path / "docs" / "page.md"
    page.parent.mkdir()
    page.write_text("## Only a section\n", encoding="utf-8")
    with pytest.raises(ValueError, match="no '# ' title"):
        page_title(page)


def test_a_mistyped_or_unprefixed_marker_fails_naming_page_and_marker():
    check_markers(f"# T\n\n{marker('termbase-table')}\n<!-- a plain comment -->\n", "glossary.md")
    with pytest.raises(ValueError, match=r"glossary\.md: unknown marker <!-- glossary:termbase-tabel -->"):
        check_markers("<!-- glossary:termbase-tabel -->", "glossary.md")
    with pytest.raises(ValueError, match=r"status\.md: marker <!-- translation-status --> needs its prefix"):
        check_markers("<!-- translation-status -->", "status.md")
