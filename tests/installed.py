"""gradprobe as a reader gets it: the sdist and wheel built from this tree, the wheel installed in a fresh
virtual environment that sees nothing but the wheel's published dependencies.

Copying torch into a new environment costs minutes and gigabytes (torch and its CUDA libraries are over
4 GB), so the fresh environment links the already installed distributions instead: the closure of the
wheel's ``Requires-Dist`` (no extras), resolved in this interpreter's environment, is symlinked into one
folder that a ``.pth`` file puts on the fresh environment's path. Anything else installed here (matplotlib,
Ultralytics, the editable gradprobe) stays invisible, so an undeclared import fails as it would for a reader.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from importlib.metadata import Distribution, PathDistribution, distribution
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from sitekit.project import ROOT

NEEDS_EXTRA = re.compile(r'pip install "gradprobe\[([\w,-]+)\]"')


@dataclass(frozen=True)
class Installed:
    """The built distributions and the python of the fresh environment the wheel is installed in."""

    sdist: Path
    wheel: Path
    python: Path


def outside_environment() -> dict[str, str]:
    """This process's environment variables less those that would show the fresh environment this tree
    (PYTHONPATH, which the worktree runs use) or change what pip installs (PIP_*)."""
    return {k: v for k, v in os.environ.items() if k != "PYTHONPATH" and not k.startswith("PIP_")}


def extras_needed(source: str) -> set[str]:
    """The extras a snippet says it needs, by its install line (``pip install "gradprobe[yolo]"``)."""
    return {extra for match in NEEDS_EXTRA.findall(source) for extra in match.split(",")}


def wheel_metadata(wheel: Path) -> Distribution:
    """The metadata inside a wheel, read without installing it."""
    name_version = "-".join(wheel.name.split("-")[:2])
    return PathDistribution(zipfile.Path(wheel, f"{name_version}.dist-info/"))  # type: ignore[arg-type]


def build_distributions(out: Path) -> tuple[Path, Path]:
    """``python -m build`` (the sdist, then the wheel built from it) with this environment's setuptools:
    no build isolation, so nothing is downloaded."""
    subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(ROOT)],
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )
    (sdist,), (wheel,) = out.glob("*.tar.gz"), out.glob("*.whl")
    return sdist, wheel


def requirement_closure(requirements: list[str]) -> list[Distribution]:
    """The installed distributions that ``requirements`` (Requires-Dist lines, no extras requested) pull in."""
    found: dict[tuple[str, str], Distribution] = {}
    todo = [(Requirement(line), "") for line in requirements]
    while todo:
        requirement, extra = todo.pop()
        if requirement.marker and not requirement.marker.evaluate({"extra": extra}):
            continue
        key = canonicalize_name(requirement.name)
        dist = distribution(requirement.name)  # PackageNotFoundError: a dependency is not installed here
        assert requirement.specifier.contains(dist.version, prereleases=True), (
            f"{requirement} is required but {dist.version} is installed"
        )
        for wanted in ["", *sorted(requirement.extras)]:
            if (key, wanted) not in found:
                found[(key, wanted)] = dist
                todo += [(Requirement(line), wanted) for line in dist.requires or []]
    return list({id(d): d for d in found.values()}.values())


def link_distributions(dists: list[Distribution], folder: Path) -> None:
    """Symlink every top-level file and folder of each distribution (its RECORD) into ``folder``."""
    folder.mkdir()
    for dist in dists:
        site = Path(dist.locate_file(""))
        for top in {f.parts[0] for f in dist.files or []} - {"..", "__pycache__"}:
            link = folder / top
            if not link.exists():  # namespace folders shared by several distributions (nvidia/) link once
                link.symlink_to(site / top)


def fresh_environment(root: Path, wheel: Path) -> Path:
    """A new virtual environment with ``wheel`` installed and only its dependencies visible; its python."""
    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    site = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    link_distributions(requirement_closure(wheel_metadata(wheel).requires or []), root / "dependencies")
    (site / "published_dependencies.pth").write_text(f"{root / 'dependencies'}\n", encoding="utf-8")
    # pip resolves the wheel's dependencies against the linked ones only: no index, no cache
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "--quiet",
            "--no-index",
            "--no-cache-dir",
            "--disable-pip-version-check",
            str(wheel),
        ],
        check=True,
        timeout=300,
        env=outside_environment(),
    )
    return python


def install(root: Path) -> Installed:
    """Build the sdist and wheel under ``root``/dist and install the wheel in ``root``/venv."""
    sdist, wheel = build_distributions(root / "dist")
    return Installed(sdist, wheel, fresh_environment(root, wheel))
