"""Each checkable sentence of docs/performance.md, asserted; the timings live in benchmarks/results.md."""

from __future__ import annotations

import ast
import subprocess
import sys

import pytest
from conftest import ROOT

BENCHMARKS = ROOT / "benchmarks"
RESULTS = BENCHMARKS / "results.md"


def constant(path, name: str):
    """A module-level constant of a source file, read without running the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return next(
        ast.literal_eval(node.value)
        for node in tree.body
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == name for t in node.targets)
    )


@pytest.fixture(scope="module")
def overhead():
    """benchmarks/overhead.py as a module (its siblings import each other by plain name)."""
    sys.path.insert(0, str(BENCHMARKS))
    try:
        import overhead

        yield overhead
    finally:
        sys.path.remove(str(BENCHMARKS))


def test_ddp_snippet_trains_on_two_gloo_processes():
    source = (ROOT / "snippets" / "ddp_watch.py").read_text(encoding="utf-8")
    assert constant(ROOT / "snippets" / "ddp_watch.py", "WORLD_SIZE") == 2
    assert 'init_process_group("gloo"' in source
    assert constant(ROOT / "tests" / "test_ddp.py", "WORLD_SIZE") == 2


def test_memory_test_runs_ten_thousand_passes():
    assert constant(ROOT / "tests" / "test_watch_memory.py", "PASSES") == 10_000


def test_benchmark_defaults_three_models_one_thread_cpu_time(overhead):
    args = overhead.arguments([])
    assert list(args.models) == ["mlp", "resnet18", "yolo11n"]
    assert (args.threads, args.clock) == (1, "cpu")
    assert overhead.STEP_TARGET_MODELS == ("ResNet-18", "YOLO11n")


def test_results_are_written_by_the_script_for_the_current_targets(overhead):
    text = RESULTS.read_text(encoding="utf-8")
    assert text.startswith("<!-- Written by benchmarks/overhead.py")
    for name in ("MLP", "ResNet-18", "YOLO11n"):
        assert f"per-layer norms on {name}: median" in text
        assert f"target at most {overhead.NORMS_TARGET}×" in text
    for name in overhead.STEP_TARGET_MODELS:
        assert f"`watch` on {name}: median" in text
    assert f"target at most {overhead.STEP_TARGET * 100:.0f} %" in text


def test_results_show_every_monitor_the_page_describes(overhead):
    text = RESULTS.read_text(encoding="utf-8")
    for label in [*overhead.STEP_ROWS, overhead.CONTROL, overhead.INSIDE, *overhead.NORM_ROWS, "`gradviz`"]:
        assert f"| {label}" in text, label
    assert "1 PyTorch thread," in text and "process's CPU time" in text


@pytest.mark.slow
def test_benchmark_script_runs_every_model_the_page_shows_and_writes_its_tables(tmp_path, overhead):
    """The benchmark the page includes, run as the page says on each of its models, at a tiny size (2 rounds)."""
    out = tmp_path / "results.md"
    result = subprocess.run(
        [sys.executable, str(BENCHMARKS / "overhead.py"), "--rounds", "2", "--offline", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, f"benchmarks/overhead.py failed:\n{result.stderr[-3000:]}"
    text = out.read_text(encoding="utf-8")
    assert "| `gradprobe.watch` (this version) |" in text
    for name in ("MLP", "ResNet-18", "YOLO11n"):
        assert f"per-layer norms on {name}: median" in text, name
    for name in overhead.STEP_TARGET_MODELS:
        assert f"`watch` on {name}: median" in text, name
