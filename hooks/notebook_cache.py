"""Execute a notebook only when it or gradprobe's code changed.

mkdocs-jupyter caches each converted notebook under a key of the notebook's file and its options. Here
its cache lives in ``.cache/notebooks/<hash of gradprobe's sources>/<language>/``: a change to the code
the notebook runs executes it again too, and each language's build (which evicts the entries it did not
use) keeps its own folder. Folders of older code are removed.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority
from mkdocs.structure.files import Files
from sitekit.cache import package_hash
from sitekit.plugins import i18n_plugin

_folder: list[Path] = []  # this build's folder, for every language


def on_config(config: MkDocsConfig) -> None:
    folder = Path(config.config_file_path).parent / ".cache" / "notebooks"
    current = folder / package_hash("gradprobe")[:16]
    for old in folder.glob("*"):
        if old != current and old.is_dir():
            shutil.rmtree(old)
    _folder[:] = [current]
    config.plugins["mkdocs-jupyter"].config["cache"] = True


@event_priority(-110)  # after mkdocs-static-i18n (-100) has chosen this build's language
def on_files(files: Files, config: MkDocsConfig) -> Files:
    language = i18n_plugin(config).current_language
    config.plugins["mkdocs-jupyter"].config["cache_dir"] = str(_folder[0] / language)
    return files
