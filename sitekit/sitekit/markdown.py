"""Reading pages: front matter, a notebook's Markdown cells, headings and titles."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml

FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.S)
_MD_HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.M)
_TITLE = re.compile(r"^# +(.+?)(?: *\{#[^}]*\})? *$", re.M)


def front_matter(text: str) -> dict[str, Any]:
    """The YAML front matter of a Markdown page (``{}`` when it has none)."""
    match = FRONT_MATTER.match(text)
    return (yaml.safe_load(match[1]) or {}) if match else {}


def notebook_markdown(notebook: dict[str, Any]) -> str:
    """A notebook's Markdown cells, joined by blank lines."""
    return "\n\n".join("".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "markdown")


def page_markdown(path: Path) -> str:
    """A page's Markdown: the file itself, or a notebook's Markdown cells."""
    text = path.read_text(encoding="utf-8")
    return notebook_markdown(json.loads(text)) if path.suffix == ".ipynb" else text


def english_only(page: Path) -> bool:
    """Whether a page says ``english_only: true`` in its front matter: built in every language from the
    English file (the API reference, generated from the docstrings) and never translated."""
    return page.suffix == ".md" and front_matter(page.read_text(encoding="utf-8")).get("english_only") is True


def heading_texts(markdown: str) -> list[str]:
    return _MD_HEADING.findall(markdown)


def page_title(path: Path) -> str:
    """The first level-1 heading of a page or of a notebook's Markdown cells."""
    match = _TITLE.search(page_markdown(path))
    if match is None:
        raise ValueError(f"{path} has no '# ' title")
    return match[1]
