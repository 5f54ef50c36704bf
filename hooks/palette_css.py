"""Material's palette stylesheet with only the colours the site uses.

``assets/stylesheets/palette.*.min.css`` holds the rules of every primary and accent colour Material
offers (about 12 KB, loaded by every page view); the site uses one of each. After the build this hook
drops every selector that applies to a primary or accent colour that no ``theme.palette`` option
sets, and every rule left without a selector. The colour schemes (light and dark) are kept whole.
"""

from __future__ import annotations

import re
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority
from sitekit.plugins import i18n_plugin

_COLOUR = re.compile(r"\[data-md-color-(primary|accent)=([\w-]+)\]")
DEFAULT_COLOUR = "indigo"  # Material's default primary and accent


def used_colours(palette: list[dict] | dict | None) -> dict[str, set[str]]:
    """{"primary": {...}, "accent": {...}}: the colours the configured palette options set."""
    options = palette if isinstance(palette, list) else [palette or {}]
    return {
        kind: {str(o.get(kind) or DEFAULT_COLOUR).replace(" ", "-") for o in options} for kind in ("primary", "accent")
    }


def _blocks(css: str) -> list[tuple[str, str]]:
    """Top-level ``(prelude, body)`` pairs of a minified stylesheet, braces balanced."""
    blocks, depth, start, open_at = [], 0, 0, 0
    for i, char in enumerate(css):
        if char == "{":
            if depth == 0:
                open_at = i
            depth += 1
        elif char == "}":
            depth -= 1
            if depth < 0:
                raise ValueError("palette stylesheet: unbalanced braces")
            if depth == 0:
                blocks.append((css[start:open_at], css[open_at + 1 : i]))
                start = i + 1
    if depth or css[start:].strip():
        raise ValueError("palette stylesheet: unbalanced braces or trailing text")
    return blocks


def trim(css: str, used: dict[str, set[str]]) -> str:
    """The stylesheet without the selectors of unused primary and accent colours."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    out = []
    for prelude, body in _blocks(css):
        if prelude.startswith("@"):
            inner = trim(body, used) if "{" in body else body
            if inner:
                out.append(f"{prelude}{{{inner}}}")
            continue
        selectors = [s for s in prelude.split(",") if all(value in used[kind] for kind, value in _COLOUR.findall(s))]
        if selectors:
            out.append(f"{','.join(selectors)}{{{body}}}")
    return "".join(out)


@event_priority(-300)  # after static-i18n (-100) has built every language into the same assets
def on_post_build(config: MkDocsConfig) -> None:
    if i18n_plugin(config).building:  # a nested language build: the outer build trims once
        return
    sheets = list((Path(config.site_dir) / "assets" / "stylesheets").glob("palette.*.min.css"))
    if not sheets:
        raise ValueError("hooks/palette_css.py: Material's palette stylesheet is not in the site")
    used = used_colours(config.theme.get("palette"))
    for sheet in sheets:
        sheet.write_text(trim(sheet.read_text(encoding="utf-8"), used), encoding="utf-8")
