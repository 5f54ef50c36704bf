"""Every example script under snippets/ runs, and the output shown on the site is what it prints."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, run_python
from installed import extras_needed, wheel_metadata

NOT_RUN_MARK = "# Not run in CI:"
SCRIPTS = sorted((ROOT / "snippets").glob("*.py"))
RUN = [s for s in SCRIPTS if NOT_RUN_MARK not in s.read_text(encoding="utf-8")]


@pytest.mark.parametrize("script", RUN, ids=lambda p: p.name)
def test_snippet_output_matches_the_page(
    script: Path, tmp_path: Path, update_outputs: bool, request: pytest.FixtureRequest
):
    """Run as a reader runs it, from an empty folder: a snippet that needs no extra runs with gradprobe
    installed from its wheel and only its published dependencies; one that names an extra in its install
    line (``pip install "gradprobe[yolo]"``) runs in this environment, which has every extra."""
    fresh = None if extras_needed(script.read_text(encoding="utf-8")) else request.getfixturevalue("installed")
    printed = run_python(script, cwd=tmp_path, python=fresh and fresh.python).stdout
    shown = script.with_suffix(".out")
    if update_outputs:
        shown.write_text(printed, encoding="utf-8")
    assert shown.exists(), f"{shown.relative_to(ROOT)} is missing: run `make outputs`"
    assert printed == shown.read_text(encoding="utf-8"), (
        f"{script.name} now prints something else than {shown.name} shows: run `make outputs` and review the diff"
    )


@pytest.mark.parametrize("script", [s for s in SCRIPTS if s not in RUN], ids=lambda p: p.name)
def test_snippets_not_run_still_compile_and_say_why(script: Path):
    source = script.read_text(encoding="utf-8")
    compile(source, str(script), "exec")
    reason = source.split(NOT_RUN_MARK, 1)[1].splitlines()[0].strip()
    assert reason, f"{script.name}: say after '{NOT_RUN_MARK}' why it is not run"


def test_every_output_file_belongs_to_a_snippet():
    orphans = [p.name for p in (ROOT / "snippets").glob("*.out") if not p.with_suffix(".py").exists()]
    assert not orphans


INSTALLS = sorted((ROOT / "snippets").glob("install*.sh"))


@pytest.mark.parametrize("command", INSTALLS, ids=lambda p: p.name)
def test_install_command_installs_an_importable_gradprobe(command: Path, tmp_path: Path, installed):
    """Runs an install command as written, into a throw-away target, with the built wheel standing in for
    the index (and no dependencies): ``pip install gradprobe`` finds the package this tree builds."""
    target = tmp_path / "target"
    env = {
        **os.environ,
        "PIP_TARGET": str(target),
        "PIP_NO_DEPS": "1",
        "PIP_FIND_LINKS": str(installed.wheel.parent),
        "PIP_NO_INDEX": "1",
        "PIP_QUIET": "1",
        "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
    }
    script = command.read_text(encoding="utf-8")
    subprocess.run(["bash", "-euo", "pipefail", "-c", script], cwd=ROOT, env=env, check=True, timeout=300)
    result = subprocess.run(
        [sys.executable, "-c", "import gradprobe; print(gradprobe.__file__)"],
        env={**os.environ, "PYTHONPATH": str(target)},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.startswith(str(target))


def test_every_extra_a_page_or_snippet_names_exists(installed):
    """``pip install "gradprobe[x]"`` anywhere on the site or in a snippet names an extra the wheel provides."""
    provided = set(wheel_metadata(installed.wheel).metadata.get_all("Provides-Extra") or [])
    named = {
        (path.relative_to(ROOT).as_posix(), extra)
        for path in [*(ROOT / "docs").rglob("*.md"), *(ROOT / "snippets").iterdir()]
        for extra in extras_needed(path.read_text(encoding="utf-8"))
    }
    assert {extra for _, extra in named} >= {"yolo"}, "the YOLO page no longer names its extra"
    assert not {(path, extra) for path, extra in named if extra not in provided}


@pytest.mark.parametrize(
    "script", [s for s in sorted((ROOT / "snippets").glob("*.sh")) if s not in INSTALLS], ids=lambda p: p.name
)
def test_shell_snippet_runs_in_a_copy_of_the_project(script: Path, tmp_path: Path):
    """Shell blocks on the pages (the translation commands) run as written, from a fresh copy of the repo."""
    for folder in ("docs", "snippets", "src", "i18n", "tests", "benchmarks", "hooks"):
        if (ROOT / folder).is_dir():
            shutil.copytree(ROOT / folder, tmp_path / folder, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run(["git", "add", "-A"], cwd=tmp_path, check=True)
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}
    env.pop("GLOSSARY_ROOT", None)
    result = subprocess.run(
        ["bash", "-euo", "pipefail", str(script)], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, f"{script.name} failed:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}"
