"""Experiment results on disk, keyed by a hash of the code and the arguments that produced them.

A figure's data is kept in ``.cache/experiments/`` (git-ignored) as JSON. Its key hashes the experiment
module's source and that of every gradprobe module it imports, directly or not, with the function's
name and arguments and PyTorch's version: editing the experiment (or anything it uses) or its arguments
recomputes it, editing a page does not. The claims tests never read this cache; they run the experiments themselves.
"""

from __future__ import annotations

import ast
import functools
import hashlib
import importlib.util
import json
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path
from typing import Any

from .project import ROOT

CACHE = ROOT / ".cache" / "experiments"


def _module_file(name: str, package_dir: Path) -> Path | None:
    """The source of module ``name`` of the package in ``package_dir``; None for a name that is no module."""
    base = package_dir.joinpath(*name.split(".")[1:])
    return next((f for f in (base.with_suffix(".py"), base / "__init__.py") if f.is_file()), None)


def _package_dir(package: str) -> Path:
    """The folder of the installed or importable package ``package``."""
    spec = importlib.util.find_spec(package)
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError(f"no importable package named {package!r}")
    return Path(spec.origin).parent


def _imports(name: str, file: Path, package: str) -> frozenset[str]:
    """The modules of ``package`` that module ``name`` imports."""
    stat = file.stat()
    return _imports_of(name, file, package, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=1024)
def _imports_of(name: str, file: Path, package: str, mtime_ns: int, size: int) -> frozenset[str]:
    found = set()
    is_package = file.name == "__init__.py"
    for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = name.split(".")[: len(name.split(".")) - node.level + is_package]
                base = ".".join(parent + ([base] if base else []))
            found.add(base)
            found |= {f"{base}.{alias.name}" for alias in node.names}
    return frozenset(m for m in found if m == package or m.startswith(package + "."))


def code_hash(module: str) -> str:
    """sha256 over the sources of ``module`` and of every module of its top-level package it reaches."""
    package = module.split(".")[0]
    package_dir = _package_dir(package)
    seen: dict[str, Path] = {}
    todo = [module]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        file = _module_file(name, package_dir)
        if file is None:
            continue  # a name imported from a module, not a module
        seen[name] = file
        todo += _imports(name, file, package)
    digest = hashlib.sha256()
    for name in sorted(seen):
        digest.update(name.encode() + b"\0" + seen[name].read_bytes() + b"\0")
    return digest.hexdigest()


def cached(label: str, dotted: str, function: Callable[..., Any], args: dict[str, Any], folder: Path = CACHE) -> Any:
    """``function(**args)`` (``dotted`` names it, as ``module:function``), from ``folder`` when the same
    code and arguments computed it before; the result must be JSON data."""
    module = dotted.partition(":")[0]
    inputs = [dotted, args, code_hash(module), version("torch")]
    key = hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()[:16]
    path = folder / f"{label}-{key}.json"
    if path.exists():
        return json.loads(path.read_text(encoding="utf-8"))
    result = function(**args)
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob(f"{label}-*.json"):
        stale.unlink()
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(result), encoding="utf-8")
    tmp.replace(path)
    return result


def package_hash(package: str) -> str:
    """sha256 over every Python source of ``package`` (for code, such as a notebook's, that may use any of it)."""
    package_dir = _package_dir(package)
    digest = hashlib.sha256()
    for file in sorted(package_dir.rglob("*.py")):
        digest.update(file.relative_to(package_dir).as_posix().encode() + b"\0" + file.read_bytes() + b"\0")
    return digest.hexdigest()
