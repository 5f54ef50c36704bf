"""gradprobe.plots: numbers in the reader's language on every figure kind, and the colours a page can theme."""

from __future__ import annotations

import io
import re

import matplotlib.pyplot as plt
import pytest
from babel.numbers import parse_decimal
from pages import LANGUAGES

from gradprobe import plots
from gradprobe.plots import format_number, localize, themable, theme_css
from gradprobe.plots.numbers import locale_of
from gradprobe.plots.style import THEME
from sitekit import figures

# Every plot function docs/figures.yml may name, with data that makes matplotlib write decimals,
# thousands, powers of ten and minor log labels.
DATA = {"a": [0.25, 0.5, 0.75, 1.0], "b": [0.1, 0.2, 0.3, 0.4]}
KINDS = {
    "log_lines": ({"a": [1.5, 0.8, 0.3, 0.2]}, [0.5, 1.0, 1.5, 2.0]),  # less than a decade: minor labels
    "layer_lines": ({"a": [59049.0, 3.0, 1e-3, 2e-4]}, None),
    "step_lines": ({"a": [1.0, 1e-2, 1e-5, 1e-9], "b": [2.0, 0.5, 0.1, 0.01]}, None),
    "linear_lines": (DATA, [1000, 20000, 40000, 59049]),
    "curves": ({"a": [-0.5, 0.0, 0.5, 1.0]}, [-1.5, -0.5, 0.5, 1.5]),
    "factor_product_lines": ({"f": [0.25, 0.25, 0.25, 0.25], "p": [0.25, 0.0625, 0.0156, 0.0039]}, None),
    "log_heatmap": ({"row 1": [1e-3, 0.5, 2.0, 3.0], "row 2": [0.1, 0.2, 0.3, 0.4]}, [0.5, 1.0, 1.5, 2.0]),
}
DECIMAL_POINT = re.compile(r"\d\.(?!\d{3}(?!\d))\d")  # a point not followed by a group of three digits


def test_every_plot_function_is_exercised():
    assert set(KINDS) == {name for name in plots.__all__ if name.endswith(("lines", "curves", "heatmap"))}
    assert {spec["plot"].split(":")[1] for spec in figures.figure_specs().values()} <= set(KINDS)


def drawn_texts(fig) -> list[str]:
    """Every text the figure draws: tick labels (major and minor), offsets, legend entries."""
    fig.canvas.draw()
    texts = []
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            ticks = axis.get_majorticklabels() + axis.get_minorticklabels() + [axis.get_offset_text()]
            texts += [t.get_text() for t in ticks if t.get_visible()]
    texts += [t.get_text() for legend in fig.legends for t in legend.get_texts()]
    return [t for t in texts if t]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_numbers_on_every_figure_kind_follow_the_language(kind, language):
    series, x = KINDS[kind]
    fig = getattr(plots, kind)(series, title="t", xlabel="x", ylabel="y", x=x, language=language)
    texts = drawn_texts(fig)
    plt.close(fig)
    numbers = [t for t in texts if re.search(r"\d", t)]
    assert len(numbers) >= 4, f"{kind}: too few numbers drawn to check: {texts}"
    with_decimals = [t for t in numbers if re.search(r"\d[.,]\d", t)]
    if language == "en":
        assert all("," not in t or re.search(r"\d,\d{3}", t) for t in with_decimals), texts
    else:
        assert not [t for t in numbers if DECIMAL_POINT.search(t)], f"{kind}/{language}: decimal points in {texts}"
        assert not [t for t in numbers if language == "ru" and "." in t], f"{kind}/ru: points in {texts}"
    if kind in ("log_lines", "curves", "linear_lines"):  # their data guarantee ticks with decimals
        expected = "." if language == "en" else ","
        assert any(re.search(rf"\d{re.escape(expected)}\d", t) for t in with_decimals), f"{kind}/{language}: {texts}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_linear_tick_labels_read_back_as_their_values(language):
    fig = plots.linear_lines(DATA, title="t", xlabel="x", ylabel="y", x=[1000, 20000, 40000, 59049], language=language)
    fig.canvas.draw()
    locale = locale_of(language)
    for axis in (fig.axes[0].xaxis, fig.axes[0].yaxis):
        for loc, label in zip(axis.get_majorticklocs(), axis.get_majorticklabels()):
            value = parse_decimal(label.get_text().replace("\N{MINUS SIGN}", "-"), locale, strict=True)
            assert float(value) == pytest.approx(loc), f"{language}: {label.get_text()!r} for {loc}"
    plt.close(fig)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_text_stays_inside_the_figure(language):
    """The longest title, axis labels and legend entries of i18n/figures.yml, wrapped, fit the figure's width."""
    texts = [by_language[language] for by_language in figures.figure_texts().values()]
    longest = {key: max((t[key] for t in texts), key=len) for key in ("title", "xlabel", "ylabel")}
    legend = sorted((name for t in texts for name in t["series"].values()), key=len)[-3:]
    fig = plots.log_lines({name: [1.0, 0.1] for name in legend}, **longest, language=language)
    fig.canvas.draw()
    renderer, box = fig.canvas.get_renderer(), fig.bbox
    ax = fig.axes[0]
    for text in (ax.title, ax.xaxis.label, ax.yaxis.label, *fig.legends[0].get_texts()):
        extent = text.get_window_extent(renderer)
        assert box.x0 <= extent.x0 and extent.x1 <= box.x1 + 0.5, f"{language}: {text.get_text()!r} overflows"
    plt.close(fig)


def test_log_axes_label_powers_of_ten():
    fig = plots.step_lines({"a": [1.0, 1e-3, 1e-6]}, title="t", xlabel="x", ylabel="y", language="ru")
    labels = [t for t in drawn_texts(fig) if "10^" in t]
    plt.close(fig)
    assert labels and all(re.fullmatch(r"\$\\mathdefault\{10\^\{[-−]?\d+\}\}\$", t) for t in labels), labels


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("en", "59049", "59,049"),
        ("en", "0.25", "0.25"),
        ("ru", "59049", "59\N{NO-BREAK SPACE}049"),
        ("ru", "−0.50", "−0,50"),
        ("ru", "1000.5", "1\N{NO-BREAK SPACE}000,5"),
        ("tr", "59049", "59.049"),
        ("tr", "0.25", "0,25"),
        ("pt", "59049", "59.049"),
        ("pt", "2.5", "2,5"),
        ("ru", r"$\mathdefault{10^{-12}}$", r"$\mathdefault{10^{-12}}$"),
        ("pt", r"$\mathdefault{2.5\times10^{3}}$", r"$\mathdefault{2{,}5\times10^{3}}$"),
    ],
)
def test_format_number(language, text, expected):
    assert format_number(text, language) == expected


def test_unknown_language_is_a_clear_error():
    with pytest.raises(ValueError, match="no number format for language 'xx'"):
        format_number("1.5", "xx")
    fig, _ = plt.subplots()
    with pytest.raises(ValueError, match="'xx'"):
        localize(fig, "xx")
    plt.close(fig)


def test_figure_colours_become_css_variables_with_the_light_colour_as_fallback():
    fig = plots.log_lines({"a": [1.0, 0.1], "b": [2.0, 0.2]}, title="t", xlabel="x", ylabel="y")
    buffer = io.BytesIO()
    fig.savefig(buffer, format="svg")
    plt.close(fig)
    svg = themable(buffer.getvalue().decode("utf-8"))
    for name in ("--gg-ink", "--gg-grid", "--gg-c0", "--gg-c1", "--gg-muted"):
        assert f"var({name},{THEME[name][0]})" in svg, name
    assert "#ffffff" not in svg.lower() and "fill: white" not in svg, "an opaque white background is left"
    bare = re.sub(r"var\(--gg-[\w-]+,#\w+\)", "", svg)
    assert not {light for light, _ in THEME.values()} & set(re.findall(r"#[0-9a-f]{6}", bare))
    css = theme_css(".dark")
    assert css.startswith(".dark{") and all(f"{name}:{dark}" in css for name, (_, dark) in THEME.items())


def test_inline_figures_scopes_each_figure_and_adds_css_and_script_once():
    svg = figures.minify_svg(
        '<svg width="1pt"><defs><style>*{stroke: none}</style></defs>'
        '<text style="fill: #1f2328">a</text><text style="fill: #1f2328">b</text></svg>',
        "gabc",
    )
    assert '<svg class="gabc"' in svg and ".gabc *{" in svg and ".gabc .s0{fill: #1f2328}" in svg
    rounded = figures.minify_svg('<svg><text x="1.2345" y="-2.96">rate 0.0125</text></svg>')
    assert '<text x="1.2" y="-3">rate 0.0125</text>' in rounded, "coordinates round to tenths, texts stay"
    page = (
        '<html><head></head><body><p><img alt="A &amp; B" src="../figures/one.svg" /></p>'
        '<p><img alt="C" src="../figures/one.svg" /></p></body></html>'
    )
    out = figures.inline_figures(page, {"one": "<?xml?>" + svg}, enlarge="Enlarge", close="Close")
    assert "<img" not in out and "<?xml" not in out and out.count('class="gg-figure"') == 2
    assert 'aria-label="A &amp; B"' in out and 'data-close="Close"' in out
    assert out.count(".gg-figure{") == 1 and out.count("<script>") == 1 and "--gg-ink:" in out
    assert figures.inline_figures("<p>no figure</p>", {}, "e", "c") == "<p>no figure</p>"
    with pytest.raises(KeyError, match=r"figures/two\.svg"):
        figures.inline_figures('<img alt="x" src="figures/two.svg" />', {"one": svg}, "e", "c")
