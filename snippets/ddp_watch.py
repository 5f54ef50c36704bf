"""gradprobe.watch under DistributedDataParallel: 2 CPU processes, gloo backend, one global batch."""

import tempfile
from pathlib import Path

import torch
import torch.distributed as dist
import torch.multiprocessing as mp
from torch.nn.parallel import DistributedDataParallel

import gradprobe
from gradprobe.models import mlp

WORLD_SIZE = 2
STEPS = 3


def batches() -> list[torch.Tensor]:
    """The global batches, the same on every process: each rank trains on its own half."""
    torch.manual_seed(1)
    return [torch.randn(16, 8) for _ in range(STEPS)]


def train(rank: int, rendezvous: str) -> None:
    dist.init_process_group("gloo", init_method=f"file://{rendezvous}", rank=rank, world_size=WORLD_SIZE)
    torch.manual_seed(0)  # the same initial weights on every rank
    model = DistributedDataParallel(mlp(depth=4, width=16, in_features=8, out_features=1))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    with gradprobe.watch(model) as history:  # watch the DDP wrapper (or model.module): same layers
        for batch in batches():
            optimizer.zero_grad()
            model(batch.chunk(WORLD_SIZE)[rank]).square().mean().backward()
            optimizer.step()
    everyone = [torch.empty_like(history.norms) for _ in range(WORLD_SIZE)]
    dist.all_gather(everyone, history.norms)
    if rank == 0:
        print(history.report())
        print("every rank recorded the same norms:", all(torch.equal(n, everyone[0]) for n in everyone))
        print("same as one process on the global batch:", torch.allclose(history.norms, single_process(), rtol=1e-4))
    dist.barrier()  # both ranks leave together: tearing gloo down while the other rank still works can abort it
    dist.destroy_process_group()


def single_process() -> torch.Tensor:
    """The reference: the same model and steps, in one process, on the whole global batch."""
    torch.manual_seed(0)
    model = mlp(depth=4, width=16, in_features=8, out_features=1)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    with gradprobe.watch(model) as history:
        for batch in batches():
            optimizer.zero_grad()
            model(batch).square().mean().backward()
            optimizer.step()
    return history.norms


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as folder:  # the ranks meet through a file: no port to pick
        mp.spawn(train, args=(str(Path(folder) / "rendezvous"),), nprocs=WORLD_SIZE)
