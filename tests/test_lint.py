"""ruff (lint and format) and mypy, as configured in pyproject.toml, find nothing."""

from __future__ import annotations

import subprocess
import sys

import pytest
from sitekit.project import ROOT


@pytest.mark.parametrize(
    "command",
    [["ruff", "check", "."], ["ruff", "format", "--check", "."], ["mypy"]],
    ids=lambda command: " ".join(command),
)
def test_checker_finds_nothing(command: list[str]):
    result = subprocess.run([sys.executable, "-m", *command], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, f"{' '.join(command)}:\n{result.stdout}{result.stderr}"
