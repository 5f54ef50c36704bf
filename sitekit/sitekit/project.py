"""Where the site's sources are and how they are named: languages, ``name.<lang>.ext`` translations, pages."""

from __future__ import annotations

import copy
import functools
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(os.environ.get("GLOSSARY_ROOT") or Path(__file__).resolve().parents[2])
PAGE_SUFFIXES = (".md", ".ipynb")


def load_yaml(path: Path) -> Any:
    """A YAML file of the repository (``yaml.safe_load``); a missing file names itself."""
    return _parsed(path, yaml.SafeLoader)


def mkdocs_config(root: Path = ROOT) -> dict[str, Any]:
    """mkdocs.yml read as plain strings (its ``!!python`` tags are not constructed)."""
    return _parsed(root / "mkdocs.yml", yaml.BaseLoader)


def _parsed(path: Path, loader: type) -> Any:
    """A copy of ``path`` parsed by ``loader``; parsed again only when the file changed (a build reads
    the same files hundreds of times)."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise FileNotFoundError(f"{path}: missing") from None
    return copy.deepcopy(_parse(path, loader, stat.st_mtime_ns, stat.st_size))


@functools.lru_cache(maxsize=64)
def _parse(path: Path, loader: type, mtime_ns: int, size: int) -> Any:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=loader)


@dataclass(frozen=True)
class Languages:
    """The languages of mkdocs-static-i18n in mkdocs.yml: the ``default: true`` one and all, in order."""

    default: str
    codes: tuple[str, ...]

    @property
    def translations(self) -> tuple[str, ...]:
        return tuple(code for code in self.codes if code != self.default)


def languages(root: Path = ROOT) -> Languages:
    config = mkdocs_config(root)
    i18n = next(p["i18n"] for p in config["plugins"] if isinstance(p, dict) and "i18n" in p)
    codes = tuple(lang["locale"] for lang in i18n["languages"])
    defaults = [lang["locale"] for lang in i18n["languages"] if lang.get("default") == "true"]
    if len(defaults) != 1:
        raise ValueError(f"{root / 'mkdocs.yml'}: exactly one i18n language needs 'default: true', found {defaults}")
    return Languages(defaults[0], codes)


def split_name(path: Path, codes: tuple[str, ...]) -> tuple[str, str | None, str]:
    """(stem, language or None for the default language's file, suffix) of ``stem[.lang].suffix``."""
    parts = path.name.split(".")
    if len(parts) >= 3 and parts[-2] in codes:
        return ".".join(parts[:-2]), parts[-2], "." + parts[-1]
    return ".".join(parts[:-1]), None, "." + parts[-1]


def language_of(path: Path, langs: Languages) -> str:
    return split_name(path, langs.codes)[1] or langs.default


def translation_path(page: Path, language: str, langs: Languages) -> Path:
    """The file of ``page`` (English or a translation) in ``language``."""
    stem, _, suffix = split_name(page, langs.codes)
    return page.with_name(f"{stem}{suffix}" if language == langs.default else f"{stem}.{language}{suffix}")


def english_source(translation: Path, langs: Languages) -> Path:
    """The English page a translation translates; ValueError for a file that is not a translation."""
    stem, language, suffix = split_name(translation, langs.codes)
    if language is None or language == langs.default:
        raise ValueError(
            f"{translation}: not a translated page (expected name.<language>{suffix}, "
            f"language one of {', '.join(langs.translations)})"
        )
    return translation.with_name(f"{stem}{suffix}")


def all_pages(root: Path = ROOT) -> list[Path]:
    """Every page under docs/, in every language."""
    return sorted(p for p in (root / "docs").rglob("*") if p.suffix in PAGE_SUFFIXES)


def english_pages(root: Path = ROOT) -> list[Path]:
    langs = languages(root)
    return [p for p in all_pages(root) if split_name(p, langs.codes)[1] is None]
