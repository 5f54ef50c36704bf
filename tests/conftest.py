"""Shared fixtures: repository paths, the --update-outputs option and one strict site build per run."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

# Portable floating point: the same numbers on every x86-64 CPU, so the numbers the pages print are the
# numbers CI measures wherever it runs. Without these, MKL and ATen pick kernels by CPU (AVX2, AVX-512)
# and chaotic runs (a divergence step, a dying-ReLU count) change from one machine to the next.
# The Makefile exports the same settings for the site build; they must be set before torch loads.
NUMERICS = {"ATEN_CPU_CAPABILITY": "default", "MKL_CBWR": "COMPATIBLE", "ONEDNN_MAX_CPU_ISA": "SSE41"}
assert "torch" not in sys.modules, "conftest.py must set the numerics environment before torch is imported"
for _name, _value in NUMERICS.items():
    os.environ.setdefault(_name, _value)

from installed import Installed, install, outside_environment  # noqa: E402 (after the numerics environment)
from sitekit.project import ROOT  # noqa: E402


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-outputs", action="store_true", help="rewrite snippets/*.out from fresh runs instead of comparing"
    )
    parser.addoption(
        "--built-site", type=Path, default=None, help="test this already built site folder instead of building one"
    )


# `make test` runs the suite on two pytest-xdist workers. The expensive session fixtures are built once:
# the test files that use one run on a single worker, as one unit of work; every other test is a unit
# of its own. Both workers keep torch's default thread count, so the numbers are those of a serial run.
SHARED_FIXTURES = {"built_site": "site", "installed": "package"}
SHARED_FILES = {
    "tests/test_site.py": "site",
    "tests/test_browser.py": "site",
    "tests/test_snippets.py": "package",
    "tests/test_package.py": "package",
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        for fixture, group in SHARED_FIXTURES.items():
            file = item.nodeid.split("::")[0]
            if fixture in getattr(item, "fixturenames", ()) and SHARED_FILES.get(file) != group:
                raise pytest.UsageError(
                    f"{item.nodeid} uses the {fixture} fixture: add {file!r} to SHARED_FILES "
                    f"in tests/conftest.py as {group!r}, or every worker builds its own"
                )


def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object:
    from xdist.scheduler import LoadScopeScheduling

    class SharedFixtureScheduling(LoadScopeScheduling):
        """A unit of work per test, except one per group of SHARED_FILES."""

        def _split_scope(self, nodeid: str) -> str:
            return SHARED_FILES.get(nodeid.split("::")[0], nodeid)

    return SharedFixtureScheduling(config, log)


@pytest.fixture(scope="session")
def update_outputs(request: pytest.FixtureRequest) -> bool:
    return request.config.getoption("--update-outputs")


def run_python(
    script: Path, cwd: Path, timeout: float = 300, python: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """Run a script in a fresh interpreter, from ``cwd``, failing with its stderr if it fails.

    ``python``: another environment's interpreter, which then sees only its own packages (no PYTHONPATH).
    """
    env = {
        **(os.environ if python is None else outside_environment()),
        "PYTHONHASHSEED": "0",
        "MPLBACKEND": "Agg",
        "LANG": "C.UTF-8",
    }
    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):  # gradprobe links its verdicts in the locale's language
        env.pop(variable, None)
    result = subprocess.run(
        [str(python or sys.executable), str(script)], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
    )
    assert result.returncode == 0, f"{script.relative_to(ROOT)} failed:\n{result.stderr}"
    return result


@pytest.fixture(scope="session")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    """gradprobe's sdist and wheel built from this tree, the wheel installed in a fresh environment."""
    return install(tmp_path_factory.mktemp("package"))


@pytest.fixture(scope="session")
def built_site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The whole site, all languages, built once with ``mkdocs build --strict``."""
    if request.config.getoption("--built-site"):
        return request.config.getoption("--built-site")
    site = tmp_path_factory.mktemp("site")
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(site)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert result.returncode == 0, f"strict build failed:\n{result.stderr[-5000:]}"
    return site
