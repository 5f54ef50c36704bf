"""The built site in a real headless Chromium: language switcher (served at its site_url path, at the root
and under another prefix), copy button, search, math, figures, colour scheme, notebook on a phone, no
third-party or failing requests, page weight, no page wider than a desktop or a phone screen.
Screenshots go to test-artifacts/."""

from __future__ import annotations

import functools
import json
import re
import shutil
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urljoin, urlparse

import pytest
import yaml
from pages import CONFIG, DEFAULT, LANGUAGES, ROOT, english_pages
from PIL import Image, ImageStat
from playwright import sync_api as playwright

pytestmark = pytest.mark.slow

CHROMIUM = shutil.which("chromium") or shutil.which("google-chrome")
ARTIFACTS = ROOT / "test-artifacts"
PAGE_BUDGET = 400_000  # bytes per page view, every page of every language, all assets, uncompressed
VIEWPORTS = {"desktop": (1366, 900), "phone": (390, 844)}  # (width, height) in CSS pixels
PAGES = [p.rel.removeprefix("docs/").rsplit(".", 1)[0] for p in english_pages()]
SITE_PATH = urlparse(CONFIG["site_url"]).path  # "/gradient-glossary/"
MOUNTS = [SITE_PATH, "/", "/other/"]  # where the same build is served: the switcher must work at each
SEARCHES = [  # a form of a word in each language, and the page it must find
    ("en", "vanishing gradients", "vanishing-gradient/"),
    ("ru", "градиентами", "vanishing-gradient/"),
    ("tr", "gradyanların", "vanishing-gradient/"),
    ("pt", "gradientes", "vanishing-gradient/"),
    ("pt", "explosao", "exploding-gradient/"),  # typed without the accent of "explosão"
    ("tr", "patlamasi", "exploding-gradient/"),  # typed without the dotless ı of "patlaması"
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


class MountedSiteHandler(SimpleHTTPRequestHandler):
    """Serves the site at every path of MOUNTS at once (the root one last, as it matches everything)."""

    def translate_path(self, path: str) -> str:
        for mount in sorted(MOUNTS, key=len, reverse=True):
            if path.startswith(mount):
                return super().translate_path("/" + path.removeprefix(mount))
        return super().translate_path(path)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def origin(built_site: Path) -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(MountedSiteHandler, directory=str(built_site)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture(scope="module")
def server(origin: str) -> str:
    """The site under the path of its site_url, as GitHub Pages serves it."""
    return origin + SITE_PATH


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None:
        pytest.fail("chromium is not installed: `make test` installs it (apt-get install chromium)")
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
            ],
        )
        yield browser
        browser.close()


def open_page(browser, base_url: str, viewport: dict[str, int] = DESKTOP):
    """A page that records its requests, the size of each response and every request that failed."""
    context = browser.new_context(
        base_url=base_url, viewport=viewport, permissions=["clipboard-read", "clipboard-write"]
    )
    page = context.new_page()
    page.requests = []  # type: ignore[attr-defined]
    page.on("request", lambda r: page.requests.append(r.url))
    page.sizes = {}  # type: ignore[attr-defined]
    page.failed = []  # type: ignore[attr-defined]

    def record(response) -> None:
        if response.ok:
            page.sizes[response.url] = len(response.body())
        elif response.status >= 400:  # 304 Not Modified: the browser's cache answered
            page.failed.append(f"{response.status} {response.url}")

    page.on("response", record)
    page.on("requestfailed", lambda r: page.failed.append(f"{r.failure} {r.url}"))
    return context, page


@pytest.fixture
def page(browser, server):
    context, page = open_page(browser, server)
    yield page
    context.close()


@pytest.fixture
def phone(browser, server):
    context, page = open_page(browser, server, PHONE)
    yield page
    context.close()


SEARCH = re.compile(r"search/search_index\.json$|/workers/search|/lunr/")
SEARCH_INDEX = re.compile(r"search/search_index\.json(\?|$)")


def page_weight(page) -> tuple[int, int]:
    """(bytes the page loaded, bytes of the search engine), both uncompressed.

    Search (its worker, the stemmer and the language's index) is reported apart from the page's
    budget: a background worker loads it after the page has rendered, every page of a language
    shares it, and it grows with the site, not with the page.
    """
    search = sum(size for u, size in page.sizes.items() if SEARCH.search(u.split("?")[0]))
    return sum(page.sizes.values()) - search, search


WEIGHTS: list[str] = []  # page, bytes, search bytes: written to test-artifacts/page-weights.tsv


@pytest.fixture(scope="module", autouse=True)
def page_weights_report() -> Iterator[None]:
    yield
    if WEIGHTS:
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / "page-weights.tsv").write_text("page\tbytes\tsearch bytes\n" + "\n".join(WEIGHTS) + "\n")


def url(page_name: str, lang: str) -> str:
    prefix = "" if lang == DEFAULT else f"{lang}/"
    return prefix + ("" if page_name == "index" else f"{page_name}/")


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("page_name", PAGES)
def test_page_loads_with_switcher_math_figures_and_no_foreign_requests(page, server, page_name, lang):
    # The last request of a page is its language's search index, which Material's search worker fetches
    # after the page has loaded: waiting for it replaces networkidle's half second of silence per page.
    with page.expect_response(lambda response: SEARCH_INDEX.search(response.url)):
        page.goto(url(page_name, lang), wait_until="load")
    links = page.locator(".md-select__link").evaluate_all(
        "els => els.map(e => [e.hreflang, e.href, e.getAttribute('href')])"
    )
    assert sorted(h for h, _, _ in links) == sorted(LANGUAGES)
    for code, href, written in links:
        assert href == server + url(page_name, code), f"{code} switcher link leaves the page: {href}"
        assert not urlparse(written).scheme and not written.startswith("/"), f"{code} link is not relative: {written}"
    for img in page.locator("article img").all():
        assert img.evaluate("i => i.complete && i.naturalWidth > 0"), f"figure did not load: {img.get_attribute('src')}"
    for figure in page.locator("article .gg-figure svg").all():
        assert figure.bounding_box()["width"] > 0, f"figure not drawn: {figure.get_attribute('aria-label')}"
    for formula in page.locator("article math").all()[:5]:
        assert formula.bounding_box()["width"] > 0
    origin = server.split("/", 3)[:3]
    foreign = [r for r in page.requests if r.split("/", 3)[:3] != origin and not r.startswith("data:")]
    assert not foreign, f"requests to other hosts: {foreign}"
    assert not page.failed, f"failing requests: {page.failed}"
    total, search = page_weight(page)
    WEIGHTS.append(f"{url(page_name, lang) or '/'}\t{total}\t{search}")
    assert total < PAGE_BUDGET, f"{url(page_name, lang)} weighs {total} bytes, over the budget of {PAGE_BUDGET}"
    for width, height in VIEWPORTS.values():
        page.set_viewport_size({"width": width, "height": height})
        document_width = page.evaluate("document.documentElement.scrollWidth")
        assert document_width <= width, f"{url(page_name, lang)} is {document_width} px wide at {width} px"


def switch_language(page, code: str) -> None:
    """Pick a language in the header's menu as a reader does: open the menu, click the language."""
    page.locator(".md-header .md-select button").hover()
    with page.expect_navigation(wait_until="networkidle"):
        page.locator(f".md-header a.md-select__link[hreflang={code}]").click()


@pytest.mark.parametrize("mount", MOUNTS)
def test_language_menu_keeps_the_page_and_its_section_wherever_the_site_is_served(browser, origin, mount):
    base = origin + mount
    context, page = open_page(browser, base, PHONE if mount == "/other/" else DESKTOP)
    try:
        page.goto(base + "vanishing-gradient/#why-it-matters", wait_until="networkidle")
        switch_language(page, "ru")
        assert page.url == base + "ru/vanishing-gradient/#why-it-matters"
        heading = page.locator("#why-it-matters")
        assert heading.inner_text().startswith("Почему это важно")
        assert heading.evaluate("h => h.getBoundingClientRect().top") < page.viewport_size["height"] / 3, (
            "the page did not scroll to the section"
        )
        toggle = page.locator("form[data-md-component='palette'] label:visible").first.get_attribute("title")
        footer = page.locator("footer .md-copyright").inner_text()
        english = [t for t in (toggle, footer) if re.search(r"Switch to|Made with|Built with", t)]
        assert not english, f"English interface on the Russian page: {english}"
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"switcher-section-{mount.strip('/') or 'root'}.png"))
        page.goto(base + "ru/", wait_until="networkidle")  # home pages: from one language's home to another's
        switch_language(page, "tr")
        assert page.url == base + "tr/"
        switch_language(page, "en")
        assert page.url == base
        assert not page.failed, f"failing requests: {page.failed}"
    finally:
        context.close()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_404_page_offers_each_languages_home(page, server, lang):
    page.goto(("" if lang == DEFAULT else f"{lang}/") + "404.html", wait_until="networkidle")
    links = dict(page.locator(".md-select__link").evaluate_all("els => els.map(e => [e.hreflang, e.href])"))
    assert links == {code: server + url("index", code) for code in LANGUAGES}


def test_copy_button_copies_exactly_the_snippet(page):
    page.goto(url("vanishing-gradient", "en"), wait_until="networkidle")
    block = page.locator("pre:has(code)").nth(1)
    block.hover()
    block.locator("button.md-code__button[data-md-type=copy]").click()
    copied = page.evaluate("navigator.clipboard.readText()")
    expected = (ROOT / "snippets" / "vanishing_gradient.py").read_text(encoding="utf-8")
    assert copied.strip() == expected.strip()


@pytest.mark.parametrize(("lang", "query", "expected"), SEARCHES)
def test_search_finds_inflected_and_unaccented_forms_in_the_readers_language_only(page, server, lang, query, expected):
    page.goto(url("index", lang), wait_until="networkidle")
    page.locator("input.md-search__input").click()
    page.locator("input.md-search__input").fill(query)
    page.keyboard.press("End")  # Material reads the query on keyup, which fill() does not send
    page.wait_for_selector(".md-search-result__item", timeout=30_000)
    hrefs = page.locator(".md-search-result__item a").evaluate_all("els => els.map(e => e.href)")
    home = server + url("index", lang)
    assert any(h.startswith(home + expected) for h in hrefs), f"{query!r} did not find {expected}: {hrefs}"
    others = [
        h
        for h in hrefs
        if not h.startswith(home)
        or any(h.startswith(f"{server}{code}/") for code in LANGUAGES if code not in (lang, DEFAULT))
    ]
    assert not others, f"results from other languages: {others}"


def test_colour_scheme_toggle_switches_between_light_and_dark(page):
    page.goto(url("index", "en"), wait_until="networkidle")
    scheme = lambda: page.evaluate("document.body.getAttribute('data-md-color-scheme')")
    before = scheme()
    page.locator("form[data-md-component='palette'] label:visible").first.click()
    after = scheme()
    assert {before, after} == {"default", "slate"}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_screenshots_of_a_glossary_page_and_the_notebook(page, lang):
    for name in ("vanishing-gradient", "notebooks/vanishing-gradient-by-depth"):
        page.goto(url(name, lang), wait_until="networkidle")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{name.replace('/', '-')}-{lang}.png"), full_page=False)
    assert re.search(r"depth\s+sigmoid\s+relu", page.locator("article").inner_text()), "notebook outputs missing"


NOTEBOOK = "notebooks/vanishing-gradient-by-depth"


def source_notebook(lang: str) -> Path:
    return ROOT / "docs" / (f"{NOTEBOOK}.ipynb" if lang == DEFAULT else f"{NOTEBOOK}.{lang}.ipynb")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_notebook_reads_on_a_phone_and_downloads_in_its_language(phone, server, lang):
    phone.goto(url(NOTEBOOK, lang), wait_until="networkidle")
    ARTIFACTS.mkdir(exist_ok=True)
    phone.screenshot(path=str(ARTIFACTS / f"notebook-phone-{lang}.png"))
    article = phone.locator("article").bounding_box()
    block = phone.locator(".jp-CodeCell pre:has(code)").first
    assert block.bounding_box()["width"] > 0.9 * article["width"], "code cells do not use the phone's width"
    block.hover()
    button = block.locator("button.md-code__button[data-md-type=copy]")
    english = button.get_attribute("title") == "Copy to clipboard"
    assert english == (lang == DEFAULT), "copy button not in the page's language"
    overlapping = button.evaluate("""b => {
        const box = b.getBoundingClientRect(), code = b.closest('pre').querySelector('code');
        const range = document.createRange(); range.selectNodeContents(code);
        return [...range.getClientRects()].some(r => r.width > 0 && r.left < box.right && r.right > box.left
                                                    && r.top < box.bottom && r.bottom > box.top);
    }""")
    assert not overlapping, "the copy button covers code"
    button.click()
    source = source_notebook(lang)
    notebook = json.loads(source.read_text(encoding="utf-8"))
    first_code = "".join(next(c for c in notebook["cells"] if c["cell_type"] == "code")["source"])
    assert phone.evaluate("navigator.clipboard.readText()").strip() == first_code.strip()
    download = phone.locator("article a[download]")
    texts = yaml.safe_load((ROOT / "i18n" / "site.yml").read_text(encoding="utf-8"))["interface"][lang]
    assert download.get_attribute("title") == texts["download_notebook"]
    response = phone.request.get(urljoin(phone.url, download.get_attribute("href")))
    assert response.ok and response.json() == notebook, f"the download is not {source.name}"
    assert not phone.failed, f"failing requests: {phone.failed}"


def test_wide_display_math_scrolls_in_its_own_box_on_a_phone(browser, server):
    context = browser.new_context(base_url=server, viewport=dict(zip(("width", "height"), VIEWPORTS["phone"])))
    page = context.new_page()
    page.goto(url("activation-functions", "en"), wait_until="networkidle")
    box = page.locator("article div.math").first
    overflow, scroll_width, client_width = box.evaluate(
        "b => [getComputedStyle(b).overflowX, b.scrollWidth, b.clientWidth]"
    )
    assert overflow == "auto" and scroll_width > client_width, "the widest formula should need its own scroll box"
    box.evaluate("b => { b.scrollLeft = b.scrollWidth; }")
    assert box.evaluate("b => b.scrollLeft") == scroll_width - client_width, "its right end cannot be scrolled to"
    assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS["phone"][0]
    context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("device", VIEWPORTS)
def test_screenshots_of_a_formula_heavy_page(browser, server, device, scheme):
    width, height = VIEWPORTS[device]
    context = browser.new_context(base_url=server, viewport={"width": width, "height": height}, color_scheme=scheme)
    page = context.new_page()
    page.goto(url("activation-functions", "en"), wait_until="networkidle")
    assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == (
        "slate" if scheme == "dark" else "default"
    )
    page.locator("article div.math").first.evaluate("b => b.scrollIntoView({block: 'center'})")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(
        path=str(ARTIFACTS / f"math-activation-functions-{device}-{scheme}.png"), full_page=False, animations="disabled"
    )  # the header's title fades to the page's title on scrolling


FIGURE_TEXT_PX = """svg => {
  const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  const px = el => parseFloat(getComputedStyle(el).fontSize) * scale;
  const texts = [...svg.querySelectorAll('text')];
  return {
    ticks: texts.filter(t => !t.children.length && /^[\u2212-]?[\\d.,\u00a0]+$/.test(t.textContent)).map(px),
    exponents: [...svg.querySelectorAll('tspan')].filter(t => /^[\u2212\\d]$/.test(t.textContent)).map(px),
  };
}"""


def luminance(path: Path) -> float:
    """Median grey level (0 black .. 1 white) of a screenshot: what a reader sees as its background."""
    return ImageStat.Stat(Image.open(path).convert("L")).median[0] / 255


def test_figures_follow_the_dark_scheme_and_enlarge_on_click(page):
    ARTIFACTS.mkdir(exist_ok=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(url("vanishing-gradient", "en"), wait_until="networkidle")
    figure = page.locator("article .gg-figure").first
    figure.scroll_into_view_if_needed()
    figure.screenshot(path=str(ARTIFACTS / "figure-light.png"))
    page.locator("form[data-md-component='palette'] label:visible").first.click()
    assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == "slate"
    figure.screenshot(path=str(ARTIFACTS / "figure-dark.png"))
    light, dark = luminance(ARTIFACTS / "figure-light.png"), luminance(ARTIFACTS / "figure-dark.png")
    assert light > 0.85 and dark < 0.25, f"figure background grey level: light {light:.2f}, dark {dark:.2f}"
    ink = figure.locator("svg text").first.evaluate("t => getComputedStyle(t).fill")
    assert ink != "rgb(31, 35, 40)", "figure text kept the light scheme's colour in the dark scheme"
    figure.click()
    dialog = page.locator("dialog#gg-lightbox[open]")
    dialog.wait_for()
    enlarged, inline = dialog.locator("svg").bounding_box()["width"], figure.bounding_box()["width"]
    assert enlarged > 1.5 * inline, f"lightbox shows the figure {enlarged:.0f} px wide, inline {inline:.0f} px"
    page.screenshot(path=str(ARTIFACTS / "figure-lightbox-dark.png"))
    page.keyboard.press("Escape")
    assert page.locator("dialog#gg-lightbox[open]").count() == 0


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_figure_text_is_readable_on_a_phone(browser, server, lang):
    context = browser.new_context(base_url=server, viewport={"width": 390, "height": 844}, device_scale_factor=2)
    page = context.new_page()
    page.goto(url("weight-initialization", lang), wait_until="networkidle")
    sizes = [
        page.locator("article .gg-figure svg").nth(i).evaluate(FIGURE_TEXT_PX)
        for i in range(page.locator("article .gg-figure svg").count())
    ]
    assert sizes, "no inline figure on the page"
    ticks = [px for size in sizes for px in size["ticks"]]
    exponents = [px for size in sizes for px in size["exponents"]]
    assert ticks and min(ticks) >= 10, f"tick labels {min(ticks):.1f} px at a 390 px viewport"
    assert exponents and min(exponents) >= 7, f"exponents {min(exponents):.1f} px at a 390 px viewport"
    page.locator("article .gg-figure").first.scroll_into_view_if_needed()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"figure-phone-{lang}.png"))
    context.close()
