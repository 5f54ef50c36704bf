"""The translated texts the site adds: i18n/site.yml (notices, interface strings) and i18n/termbase.yml."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .project import ROOT, load_yaml


def site_texts(root: Path = ROOT) -> dict[str, dict[str, Any]]:
    """i18n/site.yml: ``{key: {language: text or texts}}``."""
    return load_yaml(root / "i18n" / "site.yml")


def site_text(key: str, language: str, root: Path = ROOT) -> Any:
    """One entry of i18n/site.yml in ``language``, or a KeyError naming what is missing."""
    texts = site_texts(root)
    try:
        return texts[key][language]
    except KeyError:
        raise KeyError(f"i18n/site.yml: no '{language}' text for '{key}'") from None


def termbase(root: Path = ROOT) -> dict[str, dict[str, str]]:
    """i18n/termbase.yml: ``{concept: {language: term}}``."""
    return load_yaml(root / "i18n" / "termbase.yml")
