"""``python -m sitekit``: translation status and stamps, and a new page's scaffold.

    python -m sitekit status          # one line per page and language: up to date, outdated, missing
    python -m sitekit status --diff   # ... with the English changes since each outdated translation
    python -m sitekit stamp docs/page.ru.md   # after updating a translation
    python -m sitekit new-page SLUG   # a new glossary page with its experiment, snippet and claims test

It works on the project around the current directory (the nearest folder up with a mkdocs.yml).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .scaffold import new_page
from .status import english_diff, stamp, status


def project_root(start: Path | None = None) -> Path:
    """$GLOSSARY_ROOT, or the nearest folder from ``start`` (the current one) up that holds mkdocs.yml."""
    if os.environ.get("GLOSSARY_ROOT"):
        return Path(os.environ["GLOSSARY_ROOT"]).resolve()
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "mkdocs.yml").is_file():
            return folder
    raise SystemExit(f"no mkdocs.yml in {here} or above: run this inside the site's repository")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sitekit", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    show = commands.add_parser("status", help="list every translation: up to date, outdated or missing")
    show.add_argument("--diff", action="store_true", help="show the English changes behind each outdated page")
    mark = commands.add_parser("stamp", help="mark translations as up to date with their English page")
    mark.add_argument("files", type=Path, nargs="+")
    scaffold = commands.add_parser("new-page", help="scaffold a glossary page: page, experiment, snippet, test, nav")
    scaffold.add_argument("slug", help="the page's name, lower-case words joined by hyphens: layer-norm")
    scaffold.add_argument("--title", help="the page's title (default: from the slug)")
    args = parser.parse_args(argv)
    root = project_root()
    if args.command == "stamp":
        for file in args.files:
            print(f"{file}: source_hash {stamp(file.resolve(), root)}")
    elif args.command == "new-page":
        for path in new_page(root, args.slug, args.title):
            print(f"created {path.relative_to(root)}")
    else:
        for item in status(root):
            print(f"{item.state:<10}  {item.language}  {item.translation.relative_to(root)}")
            if args.diff and item.state == "outdated":
                print(english_diff(item, root))
    return 0


if __name__ == "__main__":
    sys.exit(main())
