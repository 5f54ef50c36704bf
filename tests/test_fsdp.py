"""watch and grad_norms under FSDP (2 CPU processes, gloo): every rank reports the whole gradient's norms, as one
process on the global batch would, with one all-reduce per recorded row; what cannot be measured is refused."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from functools import partial
from pathlib import Path

import pytest
import torch
import torch.distributed as dist
import torch.multiprocessing as mp
from torch import nn

import gradprobe
from gradprobe.models import mlp

WORLD_SIZE = 2
STEPS = 3
MAX_NORM = 0.2  # clips the first steps, not the last


def make_model() -> nn.Module:
    torch.manual_seed(0)
    return mlp(depth=3, width=6, in_features=5, out_features=3)  # odd sizes: uneven shards, padded flat parameters


def global_batches() -> list[torch.Tensor]:
    generator = torch.Generator().manual_seed(1)
    return [torch.randn(12, 5, generator=generator) for _ in range(STEPS)]


def train(
    model: nn.Module,
    clip: Callable[[], object],
    shard: Callable[[torch.Tensor], torch.Tensor],
    watched: bool,
    optimizer_mode: bool,
) -> dict | None:
    """STEPS SGD steps on shard(global batch), clipped when optimizer_mode; what watch recorded, if watched."""
    optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
    steps = global_batches()

    def run() -> None:
        for batch in steps:
            optimizer.zero_grad()
            model(shard(batch)).square().mean().backward()
            if optimizer_mode:
                clip()
            optimizer.step()

    if not watched:
        run()
        return None
    with gradprobe.watch(model, optimizer=optimizer if optimizer_mode else None) as history:
        run()
    return history.to_dict()


def fsdp1(use_orig_params: bool) -> tuple[nn.Module, Callable[[], object]]:
    from torch.distributed.fsdp import FullyShardedDataParallel
    from torch.distributed.fsdp.wrap import lambda_auto_wrap_policy

    model = make_model()
    inner = model.blocks[1]  # its own flat parameter; the root's holds every other layer's parameters
    policy = partial(lambda_auto_wrap_policy, lambda_fn=lambda module: module is inner)
    wrapped = FullyShardedDataParallel(
        model, auto_wrap_policy=policy, use_orig_params=use_orig_params, device_id=torch.device("cpu")
    )
    return wrapped, lambda: wrapped.clip_grad_norm_(MAX_NORM)


def fsdp2(hybrid: bool) -> tuple[nn.Module, Callable[[], object]]:
    from torch.distributed.device_mesh import init_device_mesh
    from torch.distributed.fsdp import fully_shard

    # hybrid: each rank a replica of its own, holding whole gradients; a sum over the whole mesh would double them
    mesh = (
        init_device_mesh("cpu", (WORLD_SIZE, 1), mesh_dim_names=("replicate", "shard"))
        if hybrid
        else init_device_mesh("cpu", (WORLD_SIZE,))
    )
    model = make_model()
    for block in model.blocks:
        fully_shard(block, mesh=mesh)
    fully_shard(model, mesh=mesh)
    return model, lambda: torch.nn.utils.clip_grad_norm_(model.parameters(), MAX_NORM)


VARIANTS = {
    "fsdp1": lambda: fsdp1(False),
    "fsdp1 orig_params": lambda: fsdp1(True),
    "fsdp2": lambda: fsdp2(False),
    "hsdp2": lambda: fsdp2(True),
}


def worker(rank: int, rendezvous: str, out: str) -> None:
    dist.init_process_group("gloo", init_method=f"file://{rendezvous}", rank=rank, world_size=WORLD_SIZE)
    calls = [0]
    all_reduce = dist.all_reduce

    def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls[0] += 1
        return all_reduce(*args, **kwargs)

    dist.all_reduce = counted  # gradprobe (and FSDP's clipping) call it through the module
    shard = lambda batch: batch.chunk(WORLD_SIZE)[rank]
    results: dict[str, object] = {}
    try:
        for name, build in VARIANTS.items():
            for optimizer_mode in (False, True):
                key = f"{name}, optimizer={optimizer_mode}"
                calls[0] = 0
                train(*build(), shard=shard, watched=False, optimizer_mode=optimizer_mode)
                unwatched = calls[0]
                calls[0] = 0
                results[key] = train(*build(), shard=shard, watched=True, optimizer_mode=optimizer_mode)
                results[f"{key}, all-reduces per row"] = (calls[0] - unwatched) / len(results[key]["steps"])
            calls[0] = 0
            accumulate_without_sync_then_with(build()[0], shard, watched=False)
            unwatched = calls[0]
            calls[0] = 0
            results[f"{name}, no_sync"] = accumulate_without_sync_then_with(build()[0], shard, watched=True)
            results[f"{name}, no_sync all-reduces"] = calls[0] - unwatched
            model, _ = build()
            with gradprobe.watch(model) as history:
                output = model(shard(global_batches()[0]))
            output.square().mean().backward()  # after the block: not recorded
            results[f"{name}, passes after the block"] = history.passes
            model, _ = build()
            model(shard(global_batches()[0])).square().mean().backward()
            calls[0] = 0
            report = gradprobe.grad_norms(model)
            results[f"{name}, grad_norms"] = {"layers": report.layers, "norms": report.norms, "total": report.total}
            results[f"{name}, grad_norms all-reduces"] = calls[0]
        results["refusals"] = {name: refusal(build) for name, build in REFUSED.items()}
    finally:
        dist.all_reduce = all_reduce
    torch.save(results, Path(out) / f"rank{rank}.pt")
    dist.barrier()  # leave together: tearing gloo down while the other rank still works can abort it
    dist.destroy_process_group()


@contextmanager
def no_sync(model: nn.Module) -> Iterator[None]:
    """A pass whose gradients FSDP keeps unreduced, to accumulate into the next one."""
    if hasattr(model, "no_sync"):  # FullyShardedDataParallel
        with model.no_sync():
            yield
        return
    model.set_requires_gradient_sync(False)  # type: ignore[operator]
    yield
    model.set_requires_gradient_sync(True)  # type: ignore[operator]


def accumulate_without_sync_then_with(
    model: nn.Module, shard: Callable[[torch.Tensor], torch.Tensor], watched: bool
) -> dict | None:
    """Two passes, the first without sync; what watch recorded, if watched."""
    first, second = global_batches()[:2]
    with gradprobe.watch(model) if watched else nullcontext() as history:  # type: ignore[attr-defined]
        with no_sync(model):
            model(shard(first)).square().mean().backward()
        model(shard(second)).square().mean().backward()
    return history.to_dict() if history is not None else None


def tensor_parallel() -> nn.Module:
    from torch.distributed.device_mesh import init_device_mesh
    from torch.distributed.tensor.parallel import ColwiseParallel, parallelize_module

    return parallelize_module(make_model(), init_device_mesh("cpu", (WORLD_SIZE,)), {"head": ColwiseParallel()})


def fsdp1_ignoring_the_head() -> nn.Module:
    from torch.distributed.fsdp import FullyShardedDataParallel

    model = make_model()
    return FullyShardedDataParallel(model, ignored_states=[model.head], device_id=torch.device("cpu"))


def fsdp2_on_the_blocks_only() -> nn.Module:
    from torch.distributed.fsdp import fully_shard

    model = make_model()
    for block in model.blocks:
        fully_shard(block)
    return model


REFUSED = {
    "tensor parallel": (tensor_parallel, "DTensor parameters without fully_shard", "head.weight"),
    "fsdp1 ignored": (fsdp1_ignoring_the_head, "not sharded by FSDP", "head.weight"),
    "fsdp2 partial": (fsdp2_on_the_blocks_only, "apply fully_shard to the root", "head.weight"),
}


def refusal(build: tuple) -> str:
    """The message of the ShardedModelError that watch raises as it starts on the model."""
    try:
        with gradprobe.watch(build[0]()):
            pass
    except gradprobe.ShardedModelError as error:
        return str(error)
    return "not refused"


@pytest.fixture(scope="module")
def ranks(tmp_path_factory: pytest.TempPathFactory) -> list[dict]:
    out = tmp_path_factory.mktemp("fsdp")
    context = mp.spawn(worker, args=(str(out / "rendezvous"), str(out)), nprocs=WORLD_SIZE, join=False)
    deadline = time.monotonic() + 240
    while not context.join(timeout=1):
        if time.monotonic() > deadline:
            for process in context.processes:
                process.kill()
            pytest.fail("the FSDP workers did not finish in 240 s")
    return [torch.load(out / f"rank{r}.pt") for r in range(WORLD_SIZE)]


def one_process(optimizer_mode: bool) -> dict:
    model = make_model()
    clip = lambda: torch.nn.utils.clip_grad_norm_(model.parameters(), MAX_NORM)
    return train(model, clip, lambda batch: batch, watched=True, optimizer_mode=optimizer_mode)  # type: ignore[return-value]


CASES = [(name, mode) for name in VARIANTS for mode in (False, True)]


@pytest.mark.parametrize(("name", "optimizer_mode"), CASES)
def test_every_rank_records_the_norms_of_one_process_on_the_global_batch(ranks, name, optimizer_mode):
    reference = one_process(optimizer_mode)
    for rank in ranks:
        recorded = rank[f"{name}, optimizer={optimizer_mode}"]
        assert recorded["layers"] == reference["layers"]  # named as in the unwrapped model
        assert recorded["steps"] == reference["steps"] == list(range(STEPS))
        torch.testing.assert_close(torch.tensor(recorded["norms"]), torch.tensor(reference["norms"]), rtol=1e-6, atol=0)
        for column in ("total", "pre_clip_total", "clipped"):  # None (not an optimizer step) as NaN
            values = [[math.nan if v is None else v for v in row[column]] for row in (recorded, reference)]
            torch.testing.assert_close(
                *[torch.tensor(v, dtype=torch.float64) for v in values], rtol=1e-6, atol=0, equal_nan=True, msg=column
            )
    if optimizer_mode:  # the check has teeth: clipping changed some steps and not others
        assert 0 < sum(reference["clipped"]) < STEPS


@pytest.mark.parametrize(("name", "optimizer_mode"), CASES)
def test_one_all_reduce_per_recorded_row(ranks, name, optimizer_mode):
    assert [rank[f"{name}, optimizer={optimizer_mode}, all-reduces per row"] for rank in ranks] == [1, 1]


@pytest.mark.parametrize("name", VARIANTS)
def test_grad_norms_measures_the_whole_gradient_with_one_all_reduce(ranks, name):
    model = make_model()
    model(global_batches()[0]).square().mean().backward()
    reference = gradprobe.grad_norms(model)
    for rank in ranks:
        measured = rank[f"{name}, grad_norms"]
        assert measured["layers"] == reference.layers
        assert measured["norms"] == pytest.approx(reference.norms, rel=1e-6)
        assert measured["total"] == pytest.approx(reference.total, rel=1e-6)
        assert rank[f"{name}, grad_norms all-reduces"] == 1


@pytest.mark.parametrize("name", VARIANTS)
def test_a_pass_without_sync_adds_no_row_and_the_synced_one_the_accumulated_gradient(ranks, name):
    model = make_model()
    for batch in global_batches()[:2]:
        model(batch).square().mean().backward()
    accumulated = gradprobe.grad_norms(model).norms
    for rank in ranks:
        assert rank[f"{name}, no_sync"]["passes"] == 2 and rank[f"{name}, no_sync"]["steps"] == [1]
        assert rank[f"{name}, no_sync"]["norms"][0] == pytest.approx(accumulated, rel=1e-6)
        assert rank[f"{name}, no_sync all-reduces"] == 1


@pytest.mark.parametrize("name", VARIANTS)
def test_a_backward_pass_after_the_block_is_not_recorded(ranks, name):
    assert [rank[f"{name}, passes after the block"] for rank in ranks] == [0, 0]


@pytest.mark.parametrize("name", REFUSED)
def test_what_cannot_be_measured_is_refused_naming_the_parameter(ranks, name):
    _, reason, parameter = REFUSED[name]
    for rank in ranks:
        assert reason in rank["refusals"][name] and repr(parameter) in rank["refusals"][name]


def test_deepspeed_partitioned_parameters_are_refused_by_name():
    model = nn.Sequential(nn.Linear(4, 4), nn.Linear(4, 1))
    model[1].weight.ds_id = 0  # what DeepSpeed ZeRO-3 puts on the parameters it partitions
    with (
        pytest.raises(gradprobe.ShardedModelError, match=r"DeepSpeed ZeRO.*'1\.weight'.*DistributedDataParallel"),
        gradprobe.watch(model),
    ):
        pass
    with pytest.raises(gradprobe.ShardedModelError, match=r"DeepSpeed ZeRO.*'1\.weight'"):
        gradprobe.grad_norms(model)
