"""Interleaved, repeated timing: every round times each variant once, in a shuffled order."""

from __future__ import annotations

import gc
import math
import random
import statistics
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass

# A variant: entering it prepares one timed block and yields the callable to time.
Variant = Callable[[], AbstractContextManager[Callable[[], object]]]


@dataclass(frozen=True)
class Spread:
    """Median, interquartile range and a distribution-free 95 % confidence interval of the median."""

    median: float
    q1: float
    q3: float
    low: float
    high: float

    @classmethod
    def of(cls, values: list[float]) -> Spread:
        ordered = sorted(values)
        n = len(ordered)
        if n < 2:
            return cls(*ordered * 5)
        q1, median, q3 = statistics.quantiles(ordered, n=4, method="inclusive")
        half = 0.98 * math.sqrt(n)  # ranks n/2 -+ 1.96 sqrt(n)/2 (1-based, rounded outward) bracket it
        low, high = max(0, math.floor(n / 2 - half) - 1), min(n - 1, math.ceil(n / 2 + half))
        return cls(median, q1, q3, ordered[low], ordered[high])


CLOCKS: dict[str, Callable[[], float]] = {"cpu": time.process_time, "wall": time.perf_counter}


def interleaved(
    variants: dict[str, Variant], rounds: int, calls: int, clock: str = "cpu", seed: int = 0
) -> dict[str, list[float]]:
    """Seconds per call of each variant, one value per round (mean over ``calls`` calls).

    Variants run in a new random order every round, so slow drifts of a shared machine hit all
    of them alike; compare them round by round with :func:`ratios`. The ``cpu`` clock counts only
    this process's CPU time, not the time the machine gave to other processes meanwhile. The
    garbage collector runs between timed blocks, never inside one.
    """
    now = CLOCKS[clock]
    order = list(variants)
    rng = random.Random(seed)
    times: dict[str, list[float]] = {name: [] for name in order}
    for _ in range(rounds):
        rng.shuffle(order)
        gc.collect()
        for name in order:
            with variants[name]() as call:
                gc.disable()
                start = now()
                for _ in range(calls):
                    call()
                times[name].append((now() - start) / calls)
                gc.enable()
    return times


def ratios(times: dict[str, list[float]], baseline: str) -> dict[str, Spread]:
    """Each variant's time over the baseline's time in the same round: median and IQR over rounds."""
    return {name: Spread.of([t / b for t, b in zip(values, times[baseline])]) for name, values in times.items()}
