"""Each measurable sentence of docs/get-started.md, asserted. The script's output is snippets/
watch_training_loop.out, which tests/test_snippets.py checks against a run of the installed wheel."""

from __future__ import annotations

import re

import pytest
import tomllib
from conftest import ROOT

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
SCRIPT = (ROOT / "snippets" / "watch_training_loop.py").read_text(encoding="utf-8")
OUTPUT = (ROOT / "snippets" / "watch_training_loop.out").read_text(encoding="utf-8").splitlines()
ROWS = [line.split() for line in OUTPUT if re.match(r"\s+\d+\s", line)]


def test_python_and_pytorch_versions_are_those_the_package_requires():
    assert PYPROJECT["requires-python"] == ">=3.10"
    assert "torch>=2.4" in [d.split(";")[0].strip() for d in PYPROJECT["dependencies"]]


def test_the_extras_table_lists_every_extra_but_the_projects_own():
    page = (ROOT / "docs" / "get-started.md").read_text(encoding="utf-8")
    listed = re.findall(r"^\| `(\w+)` \|", page, re.M)
    assert sorted(listed) == sorted(set(PYPROJECT["optional-dependencies"]) - {"docs", "test"})


def test_gradprobe_adds_three_lines_to_the_loop():
    code = [line.split("  #")[0].strip() for line in SCRIPT.split('"""', 2)[2].splitlines()]  # after the docstring
    assert [line for line in code if "gradprobe" in line] == [
        "import gradprobe",
        "with gradprobe.watch(model) as history:",
    ]
    assert "print(history.report())" in code


def test_a_small_sigmoid_network_trains_for_50_steps_with_eight_sigmoid_layers():
    assert "range(50)" in SCRIPT and "for _ in range(8) for layer in (nn.Linear(32, 32), nn.Sigmoid())" in SCRIPT
    assert OUTPUT[0] == "50 backward passes recorded for 9 layers"


def test_rows_are_the_layers_from_input_to_output_by_their_module_names():
    assert [int(row[1]) for row in ROWS] == list(range(0, 17, 2))  # Linear modules 0, 2, ..., 16


def test_first_layer_gradient_is_over_a_thousand_times_smaller_and_the_verdict_is_vanishing():
    first, last = float(ROWS[0][2]), float(ROWS[-1][2])
    assert last / first > 1000
    summary = re.match(r"verdict: (\w+)  \(first/last = (\S+)\)(?::|$)", OUTPUT[-1])  # then the cause and a link
    assert summary and summary[1] == "vanishing" and float(summary[2]) < 1e-3


@pytest.mark.parametrize("lang", ["", ".ru", ".tr", ".pt"])
def test_download_link_points_at_the_readers_notebook(lang: str):
    page = (ROOT / "docs" / f"get-started{lang}.md").read_text(encoding="utf-8")
    name = f"vanishing-gradient-by-depth{lang}.ipynb"
    assert (ROOT / "docs" / "notebooks" / name).is_file()
    assert f'<a href="../notebooks/vanishing-gradient-by-depth/{name}" download>{name}</a>' in page


@pytest.mark.parametrize("lang", ["", ".ru", ".tr", ".pt"])
def test_repository_links_are_the_package_repository(lang: str):
    page = (ROOT / "docs" / f"get-started{lang}.md").read_text(encoding="utf-8")
    repository = PYPROJECT["urls"]["Repository"]
    assert f'`pip install "gradprobe @ git+{repository}"`' in page
    assert f"]({repository})" in page
