"""What a user could run to see gradient norms at each step: gradprobe.watch and its alternatives.

Each monitor is a context manager over a model that yields the function to call right after
``backward()`` (a no-op for the hook-based ones), or raises ``Unavailable``.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import torch
from before import HistoryV010
from torch import nn

import gradprobe
from gradprobe.watch import _Recorder

PEER_SITE = Path(__file__).resolve().parent.parent / ".cache" / "bench-site"
PEER_PACKAGES = ("gradviz==0.1.2", "pandas")  # gradviz imports pandas at import time
Monitor = Callable[[nn.Module, torch.optim.Optimizer], AbstractContextManager[Callable[[], object]]]


class Unavailable(RuntimeError):
    """A monitor that cannot run here; the message says why."""


def nothing() -> None:
    return None


@contextmanager
def plain(model: nn.Module, optimizer: torch.optim.Optimizer) -> Iterator[Callable[[], object]]:
    yield nothing


def watch(every: int = 1, steps: bool = False) -> Monitor:
    """``gradprobe.watch``: per backward pass, or with ``steps=True`` per optimizer step (``optimizer=``)."""

    @contextmanager
    def monitor(model: nn.Module, optimizer: torch.optim.Optimizer) -> Iterator[Callable[[], object]]:
        with gradprobe.watch(model, every=every, optimizer=optimizer if steps else None):
            yield nothing

    return monitor


def watch_timed(spent: list[float]) -> Monitor:
    """``watch`` whose hooks and callbacks add the CPU seconds they take (timer included) to ``spent[0]``."""

    def timed(function: Callable[..., None]) -> Callable[..., None]:
        def wrapper(*args: object) -> None:
            start = time.process_time()
            function(*args)
            spent[0] += time.process_time() - start

        return wrapper

    recorder = type(
        "TimedRecorder",
        (_Recorder,),
        {  # the methods the hooks and callbacks call
            name: timed(getattr(_Recorder, name)) for name in ("_on_grad_ready", "_on_backward_end", "_measure_pass")
        },
    )

    @contextmanager
    def monitor(model: nn.Module, optimizer: torch.optim.Optimizer) -> Iterator[Callable[[], object]]:
        watching = recorder(model, {}, None, None)
        try:
            yield nothing
        finally:
            watching.detach()

    return monitor


@contextmanager
def attached(history: HistoryV010) -> Iterator[None]:
    """A history's parameter hooks, attached for the block and removed after it."""
    handles = history.attach()
    try:
        yield
    finally:
        for handle in handles:
            handle.remove()


@contextmanager
def watch_v010(model: nn.Module, optimizer: torch.optim.Optimizer) -> Iterator[Callable[[], object]]:
    with attached(HistoryV010(model)):
        yield nothing


@contextmanager
def naive_loop(model: nn.Module, optimizer: torch.optim.Optimizer) -> Iterator[Callable[[], object]]:
    def read() -> dict[str, float]:
        return {name: p.grad.norm().item() for name, p in model.named_parameters() if p.grad is not None}

    yield read


@contextmanager
def total_norm(model: nn.Module, optimizer: torch.optim.Optimizer) -> Iterator[Callable[[], object]]:
    params = [p for p in model.parameters() if p.requires_grad]
    yield lambda: torch.nn.utils.get_total_norm([p.grad for p in params if p.grad is not None])


def load_gradviz(install: bool) -> type:
    """gradviz's ``GradViz``, from a benchmark-only folder (installed there without touching .venv)."""
    if install and not (PEER_SITE / "gradviz").is_dir():
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "install",
                "--quiet",
                "--no-deps",
                "--target",
                str(PEER_SITE),
                *PEER_PACKAGES,
            ],
            check=False,
        )
    if str(PEER_SITE) not in sys.path:
        sys.path.append(str(PEER_SITE))  # appended: never shadows what .venv has
    try:
        from gradviz import GradViz
    except ImportError as error:
        raise Unavailable(f"gradviz could not be imported from {PEER_SITE.name}/ ({error})") from None
    return GradViz


def gradviz(install: bool) -> Monitor:
    @contextmanager
    def monitor(model: nn.Module, optimizer: torch.optim.Optimizer) -> Iterator[Callable[[], object]]:
        viz = load_gradviz(install)(model)
        viz.attach()  # a tensor hook per parameter: one norm and one .item() per gradient
        try:
            yield viz.step
        finally:
            viz.detach()

    return monitor
