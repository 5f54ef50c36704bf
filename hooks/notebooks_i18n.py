"""Make mkdocs-static-i18n treat mkdocs-jupyter notebooks as pages (ultrabug/mkdocs-static-i18n#198).

static-i18n rebuilds every file as a plain ``File`` in its ``on_files`` (priority -100), which drops
mkdocs-jupyter's ``NotebookFile`` wrapper: notebooks are then copied as raw JSON and get no
localized version, no alternates and no language switcher. Wrapping i18n's file factory so that
notebooks it creates still report ``is_documentation_page() == True`` lets i18n localize them like
Markdown pages and lets mkdocs-jupyter render them.
"""

from __future__ import annotations

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File
from mkdocs_static_i18n import suffix


def _is_notebook(file: File) -> bool:
    return file.src_uri.endswith(".ipynb")


def _create_i18n_file(file: File, *args, **kwargs) -> File:
    i18n_file = _original_create_i18n_file(file, *args, **kwargs)
    if _is_notebook(file):
        i18n_file.is_documentation_page = lambda: True  # type: ignore[method-assign]
    return i18n_file


_original_create_i18n_file = getattr(suffix.create_i18n_file, "__wrapped__", suffix.create_i18n_file)
_create_i18n_file.__wrapped__ = _original_create_i18n_file  # type: ignore[attr-defined]


def on_config(config: MkDocsConfig) -> None:
    if "mkdocs-jupyter" not in config.plugins:
        raise ValueError("hooks/notebooks_i18n.py needs the mkdocs-jupyter plugin in mkdocs.yml")
    suffix.create_i18n_file = _create_i18n_file
