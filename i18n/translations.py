"""Translation status: which translated pages are up to date with their English source.

Each translation records the git blob hash of the English file it translates: ``source_hash`` in a
page's front matter, or ``metadata.translation.source_hash`` in a notebook. A translation is
*up to date* when that hash is the English file's current one, *outdated* otherwise, *missing*
when the file does not exist. Languages come from mkdocs.yml, so a new language needs no change here.

    python i18n/translations.py status          # one line per page and language
    python i18n/translations.py status --diff   # ... with the English changes since each outdated one
    python i18n/translations.py stamp docs/page.ru.md   # after updating a translation
"""

from __future__ import annotations

import argparse
import difflib
import hashlib
import json
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
PAGE_SUFFIXES = (".md", ".ipynb")
_FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.S)


def languages(root: Path = ROOT) -> tuple[str, list[str]]:
    """(default language, all languages) as configured for mkdocs-static-i18n in mkdocs.yml."""
    config = yaml.load((root / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    i18n = next(p["i18n"] for p in config["plugins"] if isinstance(p, dict) and "i18n" in p)
    codes = [lang["locale"] for lang in i18n["languages"]]
    default = next(lang["locale"] for lang in i18n["languages"] if lang.get("default") == "true")
    return default, codes


def blob_hash(content: bytes) -> str:
    """The git blob hash of ``content`` (what ``git hash-object`` prints)."""
    return hashlib.sha1(b"blob %d\0" % len(content) + content).hexdigest()


def recorded_hash(translation: Path) -> str | None:
    """The English source hash a translation says it translates, if any."""
    text = translation.read_text(encoding="utf-8")
    if translation.suffix == ".ipynb":
        return json.loads(text).get("metadata", {}).get("translation", {}).get("source_hash")
    match = _FRONT_MATTER.match(text)
    return (yaml.safe_load(match[1]) or {}).get("source_hash") if match else None


def stamp(translation: Path, root: Path = ROOT) -> str:
    """Record the current English source's hash in ``translation``; returns the hash."""
    source_hash = blob_hash(english_source(translation, root).read_bytes())
    text = translation.read_text(encoding="utf-8")
    if translation.suffix == ".ipynb":
        notebook = json.loads(text)
        notebook.setdefault("metadata", {}).setdefault("translation", {})["source_hash"] = source_hash
        text = json.dumps(notebook, indent=1, ensure_ascii=False) + "\n"
    else:
        match = _FRONT_MATTER.match(text)
        if match is None:
            text = f"---\nsource_hash: {source_hash}\n---\n\n{text}"
        elif re.search(r"(?m)^source_hash:", match[1]):
            text = re.sub(r"(?m)^source_hash:.*$", f"source_hash: {source_hash}", text, count=1)
        else:
            text = text.replace("---\n", f"---\nsource_hash: {source_hash}\n", 1)
    translation.write_text(text, encoding="utf-8")
    return source_hash


def english_source(translation: Path, root: Path = ROOT) -> Path:
    stem, language, suffix = translation.name.rsplit(".", 2)
    if language not in languages(root)[1]:
        raise ValueError(f"{translation}: not a translated page (expected name.<language>{translation.suffix})")
    return translation.with_name(f"{stem}.{suffix}")


def english_only(page: Path) -> bool:
    """Whether an English page says ``english_only: true`` in its front matter: it is built in every
    language from the English file (the API reference, generated from the docstrings) and never translated."""
    match = _FRONT_MATTER.match(page.read_text(encoding="utf-8")) if page.suffix == ".md" else None
    return bool(match and (yaml.safe_load(match[1]) or {}).get("english_only") is True)


def english_pages(root: Path = ROOT) -> list[Path]:
    """The English pages that are translated: every one but those marked ``english_only``."""
    _, codes = languages(root)
    return sorted(p for p in (root / "docs").rglob("*") if p.suffix in PAGE_SUFFIXES
                  and not (len(p.suffixes) > 1 and p.suffixes[-2].lstrip(".") in codes) and not english_only(p))


@dataclass(frozen=True)
class Status:
    page: Path  # the English page
    language: str
    state: str  # "up to date", "outdated" or "missing"
    recorded: str | None = None

    @property
    def translation(self) -> Path:
        return self.page.with_name(f"{self.page.stem}.{self.language}{self.page.suffix}")


def status(root: Path = ROOT) -> list[Status]:
    default, codes = languages(root)
    result = []
    for page in english_pages(root):
        current = blob_hash(page.read_bytes())
        for language in (c for c in codes if c != default):
            translation = page.with_name(f"{page.stem}.{language}{page.suffix}")
            if not translation.exists():
                result.append(Status(page, language, "missing"))
                continue
            recorded = recorded_hash(translation)
            result.append(Status(page, language, "up to date" if recorded == current else "outdated", recorded))
    return result


def english_diff(item: Status, root: Path = ROOT) -> str:
    """Unified diff of the English page from the version the translation was made from to now."""
    rel = item.page.relative_to(root).as_posix()
    old = _blob_text(item.recorded, root) if item.recorded else None
    if old is None:
        return f"(the English version {item.recorded} is not in this repository's git objects: compare by hand)"
    new = item.page.read_text(encoding="utf-8")
    return "".join(difflib.unified_diff(old.splitlines(True), new.splitlines(True),
                                        f"{rel} (translated version)", f"{rel} (now)"))


def _blob_text(blob: str, root: Path) -> str | None:
    result = subprocess.run(["git", "cat-file", "-p", blob], cwd=root, capture_output=True, text=True)
    return result.stdout if result.returncode == 0 else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    show = commands.add_parser("status", help="list every translation: up to date, outdated or missing")
    show.add_argument("--diff", action="store_true", help="show the English changes behind each outdated page")
    show.add_argument("--root", type=Path, default=ROOT, help=argparse.SUPPRESS)
    mark = commands.add_parser("stamp", help="mark translations as up to date with their English page")
    mark.add_argument("files", type=Path, nargs="+")
    mark.add_argument("--root", type=Path, default=ROOT, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.command == "stamp":
        for file in args.files:
            print(f"{file}: source_hash {stamp(file.resolve(), args.root)}")
        return 0
    for item in status(args.root):
        print(f"{item.state:<10}  {item.language}  {item.translation.relative_to(args.root)}")
        if args.diff and item.state == "outdated":
            print(english_diff(item, args.root))
    return 0


if __name__ == "__main__":
    sys.exit(main())
