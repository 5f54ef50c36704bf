"""sitekit, the site's rules: page paths, figure specs, the experiment cache and the new-page scaffold."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sitekit.figures import figure_specs
from sitekit.project import ROOT, Languages, english_source, languages, translation_path

from sitekit import cache

LANGS = Languages("en", ("en", "ru", "tr", "pt"))


def test_languages_come_from_mkdocs_yml_with_the_default_marked():
    assert languages(ROOT) == LANGS


def test_translation_paths_go_both_ways_and_refuse_what_is_no_translation():
    page = Path("docs/notebooks/vanishing-gradient-by-depth.ipynb")
    assert translation_path(page, "tr", LANGS) == Path("docs/notebooks/vanishing-gradient-by-depth.tr.ipynb")
    assert translation_path(Path("docs/index.ru.md"), "en", LANGS) == Path("docs/index.md")
    assert english_source(Path("docs/index.pt.md"), LANGS) == Path("docs/index.md")
    with pytest.raises(ValueError, match=r"docs/index\.md: not a translated page"):
        english_source(Path("docs/index.md"), LANGS)
    with pytest.raises(ValueError, match="not a translated page"):
        english_source(Path("docs/index.de.md"), LANGS)  # de is not a language of mkdocs.yml


def test_figure_args_are_the_experiments_own_defaults_unless_the_figure_picks_others():
    from gradprobe.experiments import activation_functions, weight_initialization

    specs = figure_specs()
    assert specs["activation-functions-values"]["args"]["x"] == list(activation_functions.FIGURE_X)
    assert specs["weight-initialization-relu-gradients"]["args"] == {
        "stat": "preactivation_grad",
        "layers": list(range(1, weight_initialization.RELU_NET["depth"] + 1)),
    }
    assert all("args" in spec or "data" in spec for spec in specs.values())


@pytest.fixture
def package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A package ``toypkg`` on sys.path: ``experiment.run`` uses ``helper``, and counts its calls."""
    folder = tmp_path / "toypkg"
    folder.mkdir()
    (folder / "__init__.py").write_text("", encoding="utf-8")
    (folder / "helper.py").write_text("SCALE = 2\n", encoding="utf-8")
    (folder / "unused.py").write_text("X = 1\n", encoding="utf-8")
    (folder / "experiment.py").write_text(
        "from .helper import SCALE\nCALLS = []\n\n\ndef run(n=3):\n    CALLS.append(n)\n"
        "    return {'a': [SCALE * i for i in range(n)]}\n",
        encoding="utf-8",
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    return folder


def test_cache_recomputes_when_the_code_it_reaches_or_the_arguments_change(package: Path, tmp_path: Path):
    import importlib

    experiment = importlib.import_module("toypkg.experiment")
    store = tmp_path / "cache"

    def get(n: int) -> dict:
        return cache.cached("toy", "toypkg.experiment:run", experiment.run, {"n": n}, store)

    assert get(3) == {"a": [0, 2, 4]} and get(3) == {"a": [0, 2, 4]}
    assert experiment.CALLS == [3], "the second call must come from the cache"
    (package / "unused.py").write_text("X = 2\n", encoding="utf-8")
    get(3)
    assert experiment.CALLS == [3], "a module the experiment does not import changed nothing"
    get(4)
    assert experiment.CALLS == [3, 4]
    (package / "helper.py").write_text("SCALE = 3\n", encoding="utf-8")
    get(4)
    assert experiment.CALLS == [3, 4, 4], "a change in an imported module recomputes"
    assert len(list(store.glob("toy-*.json"))) == 1, "an entry replaces the previous one of its figure"


@pytest.mark.slow
def test_new_page_scaffolds_a_page_that_lints_tests_and_waits_for_its_translations(tmp_path: Path):
    for folder in ("docs", "snippets", "src", "i18n", "tests"):
        shutil.copytree(ROOT / folder, tmp_path / folder, ignore=shutil.ignore_patterns("__pycache__", "*.ipynb"))
    shutil.copy(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path / "src"), str(Path(cache.__file__).parents[1])])}
    env.pop("GLOSSARY_ROOT", None)
    made = subprocess.run(
        [sys.executable, "-m", "sitekit", "new-page", "layer-norm"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert made.returncode == 0, made.stderr
    for rel in (
        "docs/layer-norm.md",
        "src/gradprobe/experiments/layer_norm.py",
        "snippets/layer_norm.py",
        "snippets/layer_norm.out",
        "tests/test_claims_layer_norm.py",
    ):
        assert f"created {rel}" in made.stdout
    assert "first/last = " in (tmp_path / "snippets" / "layer_norm.out").read_text(encoding="utf-8")
    assert (
        "      - residual-connections.md\n      - recurrent-networks.md\n      - gradient-clipping.md\n"
        "      - attention.md\n      - layer-norm.md\n" in (tmp_path / "mkdocs.yml").read_text(encoding="utf-8")
    )

    again = subprocess.run(
        [sys.executable, "-m", "sitekit", "new-page", "layer-norm"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert again.returncode != 0 and "exists already: docs/layer-norm.md" in again.stderr
    wrong = subprocess.run(
        [sys.executable, "-m", "sitekit", "new-page", "Layer_Norm"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert wrong.returncode != 0 and "not a page slug" in wrong.stderr

    tests = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "tests/test_claims_layer_norm.py",
            "tests/test_pages.py",
            "-k",
            "layer_norm or layer-norm",
        ],
        cwd=tmp_path,
        env={**env, "GLOSSARY_ROOT": str(tmp_path)},
        capture_output=True,
        text=True,
    )
    assert tests.returncode == 0, tests.stdout[-3000:]
    assert " passed" in tests.stdout
    status = subprocess.run(
        [sys.executable, "-m", "sitekit", "status"], cwd=tmp_path, env=env, capture_output=True, text=True, check=True
    )
    assert {"missing     ru  docs/layer-norm.ru.md", "missing     pt  docs/layer-norm.pt.md"} <= set(
        status.stdout.splitlines()
    )
