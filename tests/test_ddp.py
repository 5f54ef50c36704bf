"""watch under DistributedDataParallel (2 CPU processes, gloo) reports what one process would on the global batch."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import pytest
import torch
import torch.distributed as dist
import torch.multiprocessing as mp
from torch.nn.parallel import DistributedDataParallel

import gradprobe
from gradprobe.models import mlp

WORLD_SIZE = 2
STEPS = 3


def make_model() -> torch.nn.Module:
    torch.manual_seed(0)
    return mlp(depth=3, width=16, in_features=8, out_features=2)


def global_batches(n: int = STEPS) -> list[torch.Tensor]:
    generator = torch.Generator().manual_seed(1)
    return [torch.randn(12, 8, generator=generator) for _ in range(n)]


def loss(model: torch.nn.Module, x: torch.Tensor) -> torch.Tensor:
    return model(x).square().mean()


def train_steps(model: torch.nn.Module, watched: torch.nn.Module, shard) -> torch.Tensor:
    """STEPS SGD steps on shard(global batch); the norms recorded by watch(watched)."""
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    with gradprobe.watch(watched) as history:
        for batch in global_batches():
            optimizer.zero_grad()
            loss(model, shard(batch)).backward()
            optimizer.step()
    return history.norms


def worker(rank: int, port: int, out: str) -> None:
    dist.init_process_group("gloo", init_method=f"tcp://127.0.0.1:{port}", rank=rank, world_size=WORLD_SIZE)
    results: dict[str, object] = {}
    shard = lambda batch: batch.chunk(WORLD_SIZE)[rank]
    for view in (False, True):
        for prefix in ("", "module, "):
            model = DistributedDataParallel(make_model(), gradient_as_bucket_view=view)
            results[f"{prefix}view={view}"] = train_steps(model, model.module if prefix else model, shard)
    model = DistributedDataParallel(make_model())
    first, second = global_batches(2)
    with gradprobe.watch(model) as history:
        with model.no_sync():
            loss(model, shard(first)).backward()
        loss(model, shard(second)).backward()
    results["no_sync"], results["layers"] = history.norms, history.layers
    torch.save(results, Path(out) / f"rank{rank}.pt")
    dist.barrier()  # leave together: tearing gloo down while the other rank still works can abort it
    dist.destroy_process_group()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def ranks(tmp_path_factory: pytest.TempPathFactory) -> list[dict]:
    out = tmp_path_factory.mktemp("ddp")
    context = mp.spawn(worker, args=(free_port(), str(out)), nprocs=WORLD_SIZE, join=False)
    deadline = time.monotonic() + 240
    while not context.join(timeout=5):
        if time.monotonic() > deadline:
            for process in context.processes:
                process.kill()
            pytest.fail("the DDP workers did not finish in 240 s")
    return [torch.load(out / f"rank{r}.pt") for r in range(WORLD_SIZE)]


def test_every_rank_records_the_same_norms_after_the_all_reduce(ranks):
    for key in ranks[0]:
        if key not in ("layers", "no_sync"):
            assert torch.equal(ranks[0][key], ranks[1][key]), key
    assert torch.equal(ranks[0]["no_sync"][1], ranks[1]["no_sync"][1])


@pytest.mark.parametrize("key", ["view=False", "view=True", "module, view=False", "module, view=True"])
def test_ddp_norms_are_those_of_one_process_on_the_global_batch(ranks, key):
    model = make_model()
    reference = train_steps(model, model, lambda batch: batch)
    assert ranks[0][key].shape == (STEPS, len(ranks[0]["layers"]))
    torch.testing.assert_close(ranks[0][key], reference, rtol=1e-5, atol=1e-7)


def test_layers_are_named_as_in_the_unwrapped_model(ranks):
    model = make_model()
    with gradprobe.watch(model) as history:
        pass
    assert ranks[0]["layers"] == ranks[1]["layers"] == history.layers


def test_no_sync_pass_records_the_local_gradient_then_the_averaged_accumulation(ranks):
    first, second = global_batches(2)
    references = []
    for rank in range(WORLD_SIZE):  # inside no_sync(): each rank's own gradient, on its own half
        model = make_model()
        loss(model, first.chunk(WORLD_SIZE)[rank]).backward()
        references.append(gradprobe.grad_norms(model).norms)
    model = make_model()  # the synced pass: the gradient accumulated over both batches, as one process
    loss(model, first).backward()
    loss(model, second).backward()
    accumulated = gradprobe.grad_norms(model).norms
    for rank in range(WORLD_SIZE):
        local, synced = ranks[rank]["no_sync"].tolist()
        assert local == pytest.approx(references[rank], rel=1e-5)
        assert synced == pytest.approx(accumulated, rel=1e-5)
    assert references[0] != pytest.approx(references[1], rel=1e-3)  # the halves differ: the check has teeth
