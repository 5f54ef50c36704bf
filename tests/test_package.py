"""The package a reader installs: what the sdist and wheel contain, their metadata, and how the installed
wheel behaves without the optional extras."""

from __future__ import annotations

import ast
import json
import subprocess
import tarfile
import zipfile

import pytest
import yaml
from conftest import ROOT
from installed import Installed, wheel_metadata

SOURCES = sorted(p.relative_to(ROOT / "src").as_posix() for p in (ROOT / "src" / "gradprobe").rglob("*.py"))
EXTRAS = {"plots", "yolo", "lightning", "huggingface", "tensorboard"}


def source_version() -> str:
    """``__version__`` as written in src/gradprobe/__init__.py, the one place the version is written."""
    tree = ast.parse((ROOT / "src" / "gradprobe" / "__init__.py").read_text(encoding="utf-8"))
    return next(
        node.value.value
        for node in tree.body
        if isinstance(node, ast.Assign) and [t.id for t in node.targets if isinstance(t, ast.Name)] == ["__version__"]
    )


def run_installed(installed: Installed, code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(installed.python), "-c", code],
        cwd=installed.python.parent,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin"},
    )


def test_wheel_holds_every_module_the_type_marker_and_the_license(installed: Installed):
    names = set(zipfile.ZipFile(installed.wheel).namelist())
    assert {name for name in names if name.endswith(".py")} == set(SOURCES)
    assert "gradprobe/py.typed" in names
    assert any(name.endswith(".dist-info/licenses/LICENSE") for name in names)


def test_sdist_holds_the_sources_readme_and_license_but_not_the_repository_tests(installed: Installed):
    with tarfile.open(installed.sdist) as sdist:
        names = {name.split("/", 1)[1] for name in sdist.getnames() if "/" in name}
    assert {f"src/{path}" for path in SOURCES} | {
        "pyproject.toml",
        "README.md",
        "LICENSE",
        "src/gradprobe/py.typed",
    } <= names
    assert not any(name.startswith("tests/") for name in names)


def test_metadata_version_extras_and_links(installed: Installed):
    meta = wheel_metadata(installed.wheel).metadata
    assert meta["Version"] == source_version()
    assert set(meta.get_all("Provides-Extra")) >= EXTRAS
    core = [r for r in meta.get_all("Requires-Dist") if "extra ==" not in r]
    assert sorted(r.split(">")[0] for r in core) == ["numpy", "torch"]  # matplotlib is the plots extra
    urls = dict(url.split(", ", 1) for url in meta.get_all("Project-URL"))
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    assert urls["Homepage"] == config["site_url"]
    assert config["edit_uri"].startswith(urls["Repository"] + "/")


def test_changelog_has_a_section_for_the_version(installed: Installed):
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "## [Unreleased]" in changelog
    assert f"## [{source_version()}] - " in changelog


def test_installed_wheel_imports_without_warnings_and_reports_its_version(installed: Installed):
    result = run_installed(
        installed,
        "import warnings; warnings.simplefilter('error'); "
        "import gradprobe, gradprobe.models, gradprobe.experiments, "
        "gradprobe.integrations, importlib.metadata as m; "
        "print(gradprobe.__file__, gradprobe.__version__, m.version('gradprobe'))",
    )
    assert result.returncode == 0 and result.stderr == "", result.stderr  # torch warns at import without numpy
    path, version, installed_version = result.stdout.split()
    assert path.startswith(str(installed.python.parent.parent))  # the wheel's copy, not this tree's
    assert version == installed_version == source_version()


def test_plots_without_matplotlib_name_the_extra_to_install(installed: Installed):
    result = run_installed(installed, "import gradprobe.plots")
    assert result.returncode != 0
    assert "ImportError: gradprobe.plots needs matplotlib" in result.stderr
    assert 'pip install "gradprobe[plots]"' in result.stderr


@pytest.mark.parametrize(
    "integration,module,extra",
    [
        ("lightning", "lightning", "lightning"),
        ("pytorch_lightning", "pytorch_lightning", "lightning"),
        ("huggingface", "transformers", "huggingface"),
    ],
)
def test_integrations_without_their_framework_name_the_extra_to_install(
    installed: Installed, integration, module, extra
):
    result = run_installed(installed, f"import gradprobe.integrations.{integration}")
    assert result.returncode != 0
    assert f"ImportError: gradprobe.integrations.{integration} needs {module}" in result.stderr
    assert f'pip install "gradprobe[{extra}]"' in result.stderr


def test_downloadable_notebook_runs_with_the_core_install(installed: Installed, tmp_path):
    """The notebook that docs/get-started.md offers needs only ``pip install gradprobe``."""
    notebook = json.loads(
        (ROOT / "docs" / "notebooks" / "vanishing-gradient-by-depth.ipynb").read_text(encoding="utf-8")
    )
    script = tmp_path / "notebook.py"
    script.write_text(
        "\n\n".join("".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "code"), encoding="utf-8"
    )
    result = subprocess.run(
        [str(installed.python), str(script)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        env={"PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "verdict: vanishing" in result.stdout
