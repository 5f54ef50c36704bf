"""How much gradprobe.watch adds to a training step, against what a user would run instead.

Run by hand, on an otherwise quiet machine if you can: ``.venv/bin/python benchmarks/overhead.py``.
Everything runs in this one process, on CPU; the tables go to benchmarks/results.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib.metadata import version
from pathlib import Path

import monitors
import torch
from before import IndexV010, norms_v010
from timing import Spread, Variant, interleaved, ratios
from workloads import WORKLOADS, Workload

from gradprobe.layers import LayerIndex

# --8<-- [start:targets]
STEP_TARGET = 0.05  # watch adds at most 5 % to a training step...
STEP_TARGET_MODELS = ("ResNet-18", "YOLO11n")  # ...of these models
NORMS_TARGET = 1.5  # LayerIndex.measure takes at most 1.5x the time of get_total_norm
# --8<-- [end:targets]
BLOCK_SECONDS = {"step": 0.1, "norms": 0.01}  # how long one timed block of a variant lasts, roughly
RESULTS = Path(__file__).resolve().parent / "results.md"

STEP_ROWS = {  # row label -> monitor factory (gradviz is added in main, it may need installing)
    "`gradprobe.watch` (this version)": lambda: monitors.watch(),
    "`gradprobe.watch(every=10)`": lambda: monitors.watch(every=10),
    "`gradprobe.watch(optimizer=...)`": lambda: monitors.watch(steps=True),
    "`gradprobe.watch` (0.1.0 design)": lambda: monitors.watch_v010,
    "naive `p.grad.norm().item()` loop": lambda: monitors.naive_loop,
    "`torch.nn.utils.get_total_norm`": lambda: monitors.total_norm,
}
WATCH = "`gradprobe.watch` (this version)"
CONTROL = "plain step again (noise control)"
INSIDE = "time spent inside `watch`'s hooks and callbacks"
NORM_ROWS = ("`LayerIndex.measure` (this version)", "`LayerIndex.norms` (0.1.0 design)")


def calls_per_block(call: Callable[[], object], kind: str) -> int:
    """How many calls fill one timed block, from a few untimed warm-up calls."""
    call()
    start = time.perf_counter()
    call()
    return max(1, min(200, round(BLOCK_SECONDS[kind] / max(time.perf_counter() - start, 1e-6))))


def step_variants(workload: Workload, rows: dict[str, monitors.Monitor]) -> dict[str, Variant]:
    def variant(monitor: monitors.Monitor) -> Variant:
        @contextmanager
        def block() -> Iterator[Callable[[], object]]:
            with monitor(workload.model, workload.optimizer) as after_backward:
                yield lambda: workload.step(after_backward)

        return block

    return {"plain step": variant(monitors.plain), CONTROL: variant(monitors.plain)} | {
        label: variant(m) for label, m in rows.items()
    }


def norm_variants(workload: Workload) -> dict[str, Variant]:
    """Only the norm computation, on the gradients one backward pass left."""
    workload.optimizer.zero_grad()
    workload.loss().backward()
    index, old = LayerIndex.of(workload.model), IndexV010.of(workload.model)
    params = index.params

    def fixed(call: Callable[[], object]) -> Variant:
        @contextmanager
        def block() -> Iterator[Callable[[], object]]:
            yield call

        return block

    return {
        "`torch.nn.utils.get_total_norm`": fixed(
            lambda: torch.nn.utils.get_total_norm([p.grad for p in params if p.grad is not None])
        ),
        NORM_ROWS[0]: fixed(index.measure),
        NORM_ROWS[1]: fixed(lambda: norms_v010(old)),
    }


def run_workload(workload: Workload, rows: dict[str, monitors.Monitor], rounds: int, clock: str) -> dict[str, dict]:
    steps = step_variants(workload, rows)
    with steps["plain step"]() as call:
        calls = calls_per_block(call, "step")
    for block in steps.values():  # warm every variant up once, untimed
        with block() as call:
            call()
    step_times = interleaved(steps, rounds, calls, clock)
    spent = [0.0]
    with monitors.watch_timed(spent)(workload.model, workload.optimizer) as after_backward:
        for _ in range(rounds):
            workload.step(after_backward)
    norms = norm_variants(workload)
    with norms["`torch.nn.utils.get_total_norm`"]() as call:
        norm_calls = calls_per_block(call, "norms")
    norm_times = interleaved(norms, rounds, norm_calls, clock)
    index = LayerIndex.of(workload.model)
    return {
        "workload": workload,
        "layers": len(index.names),
        "params": len(index.params),
        "step": ratios(step_times, "plain step"),
        "step_s": Spread.of(step_times["plain step"]),
        "inside": spent[0] / rounds,
        "norms": ratios(norm_times, "`torch.nn.utils.get_total_norm`"),
        "norms_s": Spread.of(norm_times["`torch.nn.utils.get_total_norm`"]),
        "rounds": rounds,
        "calls": calls,
        "clock": clock,
    }


def percent(s: Spread) -> str:
    return f"{(s.median - 1) * 100:+.1f} % ({(s.q1 - 1) * 100:+.1f} to {(s.q3 - 1) * 100:+.1f})"


def times(s: Spread) -> str:
    return f"{s.median:.2f}× ({s.q1:.2f} to {s.q3:.2f})"


def table(results: list[dict], header: str, rows: list[tuple[str, Callable[[dict], str]]]) -> list[str]:
    lines = [
        f"| {header} | " + " | ".join(r["workload"].name for r in results) + " |",
        "| --- |" + " ---: |" * len(results),
    ]
    lines += [f"| {label} | " + " | ".join(cell(r) for r in results) + " |" for label, cell in rows]
    return lines


def verdicts(results: list[dict]) -> list[str]:
    lines = []
    for r in results:
        name = r["workload"].name
        if name in STEP_TARGET_MODELS:
            s = r["step"][WATCH]
            mark = "met" if s.median - 1 <= STEP_TARGET else "missed"
            lines.append(
                f"- `watch` on {name}: median {(s.median - 1) * 100:+.1f} % per step (95 % confidence "
                f"interval of the median {(s.low - 1) * 100:+.1f} to {(s.high - 1) * 100:+.1f} %; "
                f"{r['inside'] / r['step_s'].median * 100:.1f} % inside its own code), "
                f"target at most {STEP_TARGET * 100:.0f} %: **{mark}**"
            )
        s = r["norms"][NORM_ROWS[0]]
        mark = "met" if s.median <= NORMS_TARGET else "missed"
        lines.append(
            f"- per-layer norms on {name}: median {s.median:.2f}× `get_total_norm` (95 % confidence "
            f"interval {s.low:.2f} to {s.high:.2f}), target at most {NORMS_TARGET}×: **{mark}**"
        )
    return lines


def report(results: list[dict], rows: list[str], notes: list[str]) -> str:
    threads = torch.get_num_threads()
    step_rows = [("plain step, median time", lambda r: f"{r['step_s'].median * 1e3:.1f} ms")]
    step_rows += [
        (CONTROL, lambda r: percent(r["step"][CONTROL])),
        (INSIDE, lambda r: f"{r['inside'] / r['step_s'].median * 100:.1f} %"),
    ]
    step_rows += [
        (label, lambda r, label=label: percent(r["step"][label]) if label in r["step"] else "n/a") for label in rows
    ]
    norm_rows = [("`torch.nn.utils.get_total_norm`, median time", lambda r: f"{r['norms_s'].median * 1e6:.0f} µs")]
    norm_rows += [(label, lambda r, label=label: times(r["norms"][label])) for label in NORM_ROWS]
    setups = [
        f"- **{r['workload'].name}**: {r['workload'].setup}; {r['layers']} layers, {r['params']} "
        f"parameter tensors; {r['rounds']} rounds of {r['calls']} steps"
        for r in results
    ]
    lines = [
        "<!-- Written by benchmarks/overhead.py: do not edit by hand, run it again. -->",
        "",
        "**Time added to one training step** (forward, backward, SGD step), relative to the plain step "
        "timed in the same round: median over rounds, interquartile range in brackets.",
        "",
        *table(results, "monitor", step_rows),
        "",
        "**Per-layer norms of existing gradients**, relative to `torch.nn.utils.get_total_norm` "
        "(one norm over all gradients) timed in the same round: median, interquartile range in brackets.",
        "",
        *table(results, "computation", norm_rows),
        "",
        "**Targets**",
        "",
        *verdicts(results),
        "",
        "**Setup**",
        "",
        *setups,
        f"- PyTorch {torch.__version__}, {threads} PyTorch thread{'s' * (threads != 1)}, {os.cpu_count()} CPUs "
        f"({platform.machine()}), Python {platform.python_version()}; timed with the "
        + ("process's CPU time" if results[0]["clock"] == "cpu" else "wall clock"),
        *notes,
        "",
    ]
    return "\n".join(lines)


def arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", nargs="+", choices=list(WORKLOADS), default=list(WORKLOADS))
    parser.add_argument("--rounds", type=int, default=100, help="interleaved rounds per model (default 100)")
    parser.add_argument("--out", type=Path, default=RESULTS, help="where to write the Markdown tables")
    parser.add_argument(
        "--threads",
        type=int,
        default=1,
        help="torch intra-op threads (default 1: steadier timings on a shared machine)",
    )
    parser.add_argument(
        "--clock",
        choices=["cpu", "wall"],
        default="cpu",
        help="cpu: this process's CPU time (default; ignores time given to other processes)",
    )
    parser.add_argument("--offline", action="store_true", help="do not pip-install gradviz if it is missing")
    return parser.parse_args(argv)


def main() -> None:
    args = arguments()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    rows = {label: factory() for label, factory in STEP_ROWS.items()}
    notes = []
    try:
        monitors.load_gradviz(install=not args.offline)
        rows[f"`gradviz` {version('gradviz')} (PyPI)"] = monitors.gradviz(install=False)
        notes.append(
            "- gradviz: installed with `--no-deps` into `.cache/bench-site`, outside the project's "
            "environment; it logs one norm and one `.item()` per parameter gradient"
        )
    except monitors.Unavailable as error:
        notes.append(f"- gradviz: not measured: {error}")
    results = []
    for key in args.models:
        workload = WORKLOADS[key]()
        print(f"{workload.name} ...", flush=True)
        results.append(run_workload(workload, rows, args.rounds, args.clock))
    text = report(results, list(rows), notes)
    args.out.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
