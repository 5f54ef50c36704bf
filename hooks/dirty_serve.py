"""`make serve` rebuilds only the pages that changed (`mkdocs serve --dirty`) and stays strict.

mkdocs warns on every dirty build that links may go stale, and `--strict` turns that warning into a
failed build. Under `serve --dirty` this hook drops that one message; every other warning still fails.
A dirty rebuild renders only the saved page: until the server restarts, search covers what was rebuilt.
`make build` and `make test` always build everything.
"""

from __future__ import annotations

import logging

DIRTY_WARNING = "A 'dirty' build is being performed"


class _DropDirtyWarning(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith(DIRTY_WARNING)


def on_startup(command: str, dirty: bool) -> None:
    if command == "serve" and dirty:
        logging.getLogger("mkdocs.commands.build").addFilter(_DropDirtyWarning())
