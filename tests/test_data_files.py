"""The hand-edited data files: no duplicate keys, figures specified, translated and used, without building."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from pages import LANGUAGES, ROOT, all_pages

DATA_FILES = [ROOT / "mkdocs.yml", ROOT / "docs" / "figures.yml", *sorted((ROOT / "i18n").glob("*.yml"))]


class UniqueKeyLoader(yaml.SafeLoader):
    """A YAML loader that refuses a key repeated in one mapping (plain YAML keeps the last one silently)."""

    def construct_mapping(self, node, deep=False):
        seen: dict = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"key {key!r} repeated (first at line {seen[key] + 1})", key_node.start_mark
                )
            seen[key] = key_node.start_mark.line
        return super().construct_mapping(node, deep)


UniqueKeyLoader.add_multi_constructor(  # mkdocs.yml's !!python/... tags: read as plain nodes, not run
    "tag:yaml.org,2002:python/", lambda loader, suffix, node: None
)


def load(path: Path) -> dict:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=UniqueKeyLoader)


@pytest.mark.parametrize("path", DATA_FILES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_data_file_has_no_repeated_keys(path: Path):
    load(path)


def test_unique_key_loader_rejects_a_repeated_key():
    with pytest.raises(yaml.constructor.ConstructorError, match="'a' repeated"):
        yaml.load("a: 1\nb: 2\na: 3\n", Loader=UniqueKeyLoader)


SPECS = load(ROOT / "docs" / "figures.yml")
TEXTS = load(ROOT / "i18n" / "figures.yml")


def test_every_figure_has_texts_in_every_language_and_every_text_a_figure():
    assert set(TEXTS) == set(SPECS), (
        f"only in docs/figures.yml: {sorted(set(SPECS) - set(TEXTS))}; "
        f"only in i18n/figures.yml: {sorted(set(TEXTS) - set(SPECS))}"
    )
    for figure_id, by_language in TEXTS.items():
        assert set(by_language) == set(LANGUAGES), f"i18n/figures.yml: {figure_id} has languages {sorted(by_language)}"
        english = by_language[LANGUAGES[0]]
        for language, text in by_language.items():
            assert set(text) == {"title", "xlabel", "ylabel", "series"}, f"{figure_id}/{language}: {sorted(text)}"
            assert set(text["series"]) == set(english["series"]), f"{figure_id}/{language}: series keys differ"


def test_every_figure_is_shown_on_a_page_and_every_page_figure_exists():
    shown = {
        src.removeprefix("figures/").removesuffix(".svg")
        for page in all_pages()
        for src in page.images()
        if src.startswith("figures/")
    }
    shown |= {
        src.rsplit("/", 1)[-1].removesuffix(".svg")
        for page in all_pages()
        for src in page.images()
        if "/figures/" in src
    }
    assert shown - set(SPECS) == set(), f"pages show figures that docs/figures.yml lacks: {sorted(shown - set(SPECS))}"
    assert set(SPECS) - shown == set(), f"figures no page shows: {sorted(set(SPECS) - shown)}"
