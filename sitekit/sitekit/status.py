"""Translation status: which translations are up to date with their English page, and stamping them.

Each translation records the git blob hash of the English file it translates: ``source_hash`` in a
page's front matter, or ``metadata.translation.source_hash`` in a notebook. A translation is
*up to date* when that hash is the English file's current one, *outdated* otherwise, *missing*
when the file does not exist (the site then shows the English page with a notice).
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from .markdown import FRONT_MATTER, english_only, front_matter
from .project import ROOT, english_pages, english_source, languages, translation_path

STATES = ("up to date", "outdated", "missing")


def blob_hash(content: bytes) -> str:
    """The git blob hash of ``content`` (what ``git hash-object`` prints)."""
    return hashlib.sha1(b"blob %d\0" % len(content) + content).hexdigest()


def recorded_hash(translation: Path) -> str | None:
    """The English source hash a translation says it translates, if any."""
    text = translation.read_text(encoding="utf-8")
    if translation.suffix == ".ipynb":
        return json.loads(text).get("metadata", {}).get("translation", {}).get("source_hash")
    return front_matter(text).get("source_hash")


def is_up_to_date(translation: Path, root: Path = ROOT) -> bool:
    english = english_source(translation, languages(root))
    return recorded_hash(translation) == blob_hash(english.read_bytes())


def stamp(translation: Path, root: Path = ROOT) -> str:
    """Record the current English source's hash in ``translation``; returns the hash."""
    source_hash = blob_hash(english_source(translation, languages(root)).read_bytes())
    text = translation.read_text(encoding="utf-8")
    if translation.suffix == ".ipynb":
        notebook = json.loads(text)
        notebook.setdefault("metadata", {}).setdefault("translation", {})["source_hash"] = source_hash
        text = json.dumps(notebook, indent=1, ensure_ascii=False) + "\n"
    else:
        match = FRONT_MATTER.match(text)
        if match is None:
            text = f"---\nsource_hash: {source_hash}\n---\n\n{text}"
        elif re.search(r"(?m)^source_hash:", match[1]):
            text = re.sub(r"(?m)^source_hash:.*$", f"source_hash: {source_hash}", text, count=1)
        else:
            text = text.replace("---\n", f"---\nsource_hash: {source_hash}\n", 1)
    translation.write_text(text, encoding="utf-8")
    return source_hash


def translated_pages(root: Path = ROOT) -> list[Path]:
    """The English pages that are translated: every one but those marked ``english_only``."""
    return [p for p in english_pages(root) if not english_only(p)]


@dataclass(frozen=True)
class Status:
    page: Path  # the English page
    translation: Path
    language: str
    state: str  # one of STATES
    recorded: str | None = None


def status(root: Path = ROOT) -> list[Status]:
    """One entry per translated page and translation language."""
    langs = languages(root)
    result = []
    for page in translated_pages(root):
        current = blob_hash(page.read_bytes())
        for language in langs.translations:
            translation = translation_path(page, language, langs)
            if not translation.exists():
                result.append(Status(page, translation, language, "missing"))
                continue
            recorded = recorded_hash(translation)
            state = "up to date" if recorded == current else "outdated"
            result.append(Status(page, translation, language, state, recorded))
    return result


def english_diff(item: Status, root: Path = ROOT) -> str:
    """Unified diff of the English page from the version the translation was made from to now."""
    rel = item.page.relative_to(root).as_posix()
    old = _blob_text(item.recorded, root) if item.recorded else None
    if old is None:
        return f"(the English version {item.recorded} is not in this repository's git objects: compare by hand)"
    new = item.page.read_text(encoding="utf-8")
    return "".join(
        difflib.unified_diff(old.splitlines(True), new.splitlines(True), f"{rel} (translated version)", f"{rel} (now)")
    )


def _blob_text(blob: str, root: Path) -> str | None:
    result = subprocess.run(["git", "cat-file", "-p", blob], cwd=root, capture_output=True, text=True)
    return result.stdout if result.returncode == 0 else None
