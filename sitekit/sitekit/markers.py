"""Shortcode markers: ``<!-- glossary:NAME -->`` lines a hook replaces with generated Markdown.

Every marker is of this one family, and a page naming a marker no hook knows (a typo) or a known one
without the ``glossary:`` prefix fails the build, naming page and marker, instead of showing nothing.
"""

from __future__ import annotations

import re

PREFIX = "glossary:"
KNOWN = {
    "termbase-table": "every term of i18n/termbase.yml in every language (hooks/glossary.py)",
    "translation-status": "each page's translation status in each language (hooks/translation_notice.py)",
}
_COMMENT = re.compile(r"<!--\s*(.*?)\s*-->", re.S)


def marker(name: str) -> str:
    """The marker line of ``name``, one of ``KNOWN``."""
    if name not in KNOWN:
        raise KeyError(f"no marker '{name}'; known: {', '.join(sorted(KNOWN))}")
    return f"<!-- {PREFIX}{name} -->"


def check_markers(markdown: str, page: str) -> None:
    """ValueError naming ``page`` and the marker for each unknown or unprefixed marker in ``markdown``."""
    for comment in _COMMENT.findall(markdown):
        name = comment.removeprefix(PREFIX).strip()
        if comment.startswith(PREFIX) and name not in KNOWN:
            raise ValueError(
                f"{page}: unknown marker <!-- {comment} -->; known: "
                + ", ".join(marker(known) for known in sorted(KNOWN))
            )
        if not comment.startswith(PREFIX) and comment in KNOWN:
            raise ValueError(f"{page}: marker <!-- {comment} --> needs its prefix: {marker(comment)}")
