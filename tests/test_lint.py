"""ruff (lint and format) and mypy, as configured in pyproject.toml, find nothing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sitekit.project import ROOT


@pytest.mark.parametrize(
    "command",
    [["ruff", "check", "--no-cache", "."], ["ruff", "format", "--check", "--no-cache", "."], ["mypy"]],
    ids=lambda command: " ".join(command[:2]),
)
def test_checker_finds_nothing(command: list[str], tmp_path: Path):
    """Run from the repository, writing no cache into it (other tests check that it stays unchanged)."""
    if command[0] == "mypy":
        command = [*command, "--cache-dir", str(tmp_path / "mypy")]
    result = subprocess.run([sys.executable, "-m", *command], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, f"{' '.join(command)}:\n{result.stdout}{result.stderr}"
