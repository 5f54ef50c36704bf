"""A long watch keeps bounded memory and still covers the whole run evenly."""

from __future__ import annotations

import gc
import tracemalloc

import torch
from torch import nn

import gradprobe

PASSES = 10_000
MAX_RECORDS = 64


def test_ten_thousand_passes_keep_at_most_max_records_rows_covering_the_whole_run():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(2, 2), nn.Linear(2, 1))
    x = torch.randn(1, 2)
    with gradprobe.watch(model, max_records=MAX_RECORDS) as history:
        buffer = history._norms.untyped_storage().data_ptr(), history._norms.untyped_storage().nbytes()
        for i in range(PASSES):
            model(x).sum().backward()
            if i == PASSES // 10:
                gc.collect()
                tracemalloc.start()
                before = tracemalloc.get_traced_memory()[0]
        gc.collect()
        grown = tracemalloc.get_traced_memory()[0] - before
        tracemalloc.stop()
        after = history._norms.untyped_storage().data_ptr(), history._norms.untyped_storage().nbytes()
    steps = history.steps
    assert history.passes == PASSES
    assert MAX_RECORDS // 2 <= len(steps) <= MAX_RECORDS
    assert history.norms.shape == (len(steps), len(history.layers))
    assert steps == tuple(range(0, PASSES, history.stride))  # evenly spaced, from the first pass...
    assert steps[-1] >= PASSES - history.stride  # ...to the last stride of the run
    assert after == buffer  # recording reused one preallocated buffer
    assert grown < 64 * 1024, f"Python memory grew by {grown} bytes over {PASSES - PASSES // 10} passes"
    assert history.report().norms == tuple(history.norms[-1].tolist())
