"""Addresses of the Gradient Glossary pages that explain each verdict, in the reader's language."""

from __future__ import annotations

import os

SITE_URL = "https://gradient-glossary.github.io/gradient-glossary/"
LANGUAGES = ("en", "ru", "tr", "pt")
"""The site's languages; English is the default and has no path prefix."""

FIXES = {
    "vanishing": "vanishing-gradient/#fixes",
    "exploding": "exploding-gradient/#practical-advice",
    "non-finite": "exploding-gradient/#practical-advice",
    "skipped": "real-training/#mixed-precision",
}
"""Page (and section) that explains how to fix each verdict other than healthy."""


def language(lang: str | None = None) -> str:
    """The site language to link to: ``lang`` if given, else the user's locale (``LANGUAGE``,
    ``LC_ALL``, ``LC_MESSAGES``, ``LANG``), else English. ``pt_BR.UTF-8`` gives ``pt``."""
    if lang is not None:
        code = lang.replace("-", "_").split("_")[0].lower()
        if code not in LANGUAGES:
            raise ValueError(f"lang must be one of the site's languages {', '.join(LANGUAGES)}, got {lang!r}")
        return code
    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        for value in os.environ.get(variable, "").split(":"):
            code = value.split(".")[0].replace("-", "_").split("_")[0].lower()
            if code in LANGUAGES:
                return code
    return "en"


def fix_url(verdict: str, lang: str | None = None) -> str:
    """Address of the page that explains ``verdict`` and its fixes, in the site's ``lang``."""
    code = language(lang)
    return SITE_URL + ("" if code == LANGUAGES[0] else f"{code}/") + FIXES[verdict]
