"""Execute a notebook only when it or gradprobe's code changed.

mkdocs-jupyter caches each converted notebook under a key of the notebook's file and its options; its
cache lives here in ``.cache/notebooks/<hash of gradprobe's sources>/``, so a change to the code the
notebook runs executes it again too. Older folders are removed.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig

from sitekit.cache import package_hash


def on_config(config: MkDocsConfig) -> None:
    jupyter = config.plugins["mkdocs-jupyter"]
    folder = Path(config.config_file_path).parent / ".cache" / "notebooks"
    current = folder / package_hash("gradprobe")[:16]
    for old in folder.glob("*"):
        if old != current and old.is_dir():
            shutil.rmtree(old)
    jupyter.config["cache"] = True
    jupyter.config["cache_dir"] = str(current)
