"""Models whose parameters are sharded across ranks (FSDP, FSDP2): which part of each gradient this rank holds.

A rank holds a piece of each gradient, so the norm of a layer's full gradient is the square root of
the sum, over the ranks that hold the pieces, of each piece's squared norm. gradprobe sums the
per-layer squares (and the total's) in one all-reduce per measurement. What cannot be measured
that way (DeepSpeed ZeRO, tensor parallelism, FSDP's NO_SHARD or ignored parameters) is refused.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Any

import torch
import torch.distributed as dist
from torch import nn

from .errors import ShardedModelError

_FSDP_WRAPPED = "_fsdp_wrapped_module"  # the attribute FullyShardedDataParallel keeps the wrapped module in
_UNSHARDED_ADVICE = (
    "measure the model in one process or under DistributedDataParallel, or shard it with FSDP "
    "(FullyShardedDataParallel or fully_shard) alone"
)


@dataclass(frozen=True, eq=False)
class ShardedParameter:
    """One original parameter of a sharded model, read through the piece of its gradient this rank holds.

    It offers what gradprobe reads of a parameter: ``grad`` (this rank's piece, a plain tensor;
    ``None`` also while FSDP keeps the gradient unsharded, inside ``no_sync()``), ``requires_grad``
    and ``numel()`` (of the whole parameter).
    """

    holder: nn.Parameter  # what FSDP writes the sharded gradient to: a FlatParameter or a DTensor parameter
    span: tuple[int, int] | None  # (offset, numel) of this parameter in the holder's local gradient; None: all of it
    size: int
    shard_size: int | None = None  # numel of the holder's local gradient once sharded, where it can be otherwise

    @property
    def grad(self) -> torch.Tensor | None:
        grad = self.holder.grad
        if grad is None:
            return None
        local = grad.to_local() if hasattr(grad, "to_local") else grad
        if self.span is None:
            return local
        if local.numel() != self.shard_size:
            return None
        offset, numel = self.span
        return local.reshape(-1)[offset : offset + numel]

    @property
    def requires_grad(self) -> bool:
        return self.holder.requires_grad

    def numel(self) -> int:
        return self.size


@dataclass(frozen=True)
class Sharding:
    """What shards a model, and the process group whose ranks together hold each whole gradient."""

    wrapper: str
    group: Any  # torch.distributed.ProcessGroup

    def sum_over_shards(self, squares: torch.Tensor) -> torch.Tensor:
        """Sum ``squares`` (squared norms of this rank's pieces) over the ranks that hold the other pieces."""
        dist.all_reduce(squares, group=self.group)
        return squares


Owned = list[tuple[str, Any]]  # a module's own parameters, by name: nn.Parameter or ShardedParameter


def module_parameters(model: nn.Module) -> tuple[list[tuple[str, nn.Module, Owned]], Sharding | None]:
    """Each module of ``model`` (name as in the unwrapped model), with the parameters it owns; and its sharding.

    Under FSDP the parameters are ``ShardedParameter`` s; otherwise the model's own. Raises
    ``ShardedModelError`` for parameters sharded in a way gradprobe cannot measure.
    """
    fsdp = sys.modules.get("torch.distributed.fsdp")  # FSDP is in use only if imported
    if fsdp is not None and any(isinstance(m, fsdp.FullyShardedDataParallel) for m in model.modules()):
        return _fsdp1(model)
    _refuse_unknown(model)
    if any(_is_dtensor(p) for p in model.parameters()):
        return _fsdp2(model)
    return [
        (name, module, list(module.named_parameters(recurse=False))) for name, module in model.named_modules()
    ], None


def _is_dtensor(p: torch.Tensor) -> bool:
    return type(p).__name__ == "DTensor" or type(p.data).__name__ == "DTensor"


def _refuse(model: nn.Module, wrapper: str, name: str, why: str) -> ShardedModelError:
    return ShardedModelError(
        f"{type(model).__name__} is sharded by {wrapper}, which gradprobe cannot measure ({name!r}: {why}): it would "
        f"report the norms of shards, not of the model's gradients. To measure it, {_UNSHARDED_ADVICE}."
    )


def _refuse_unknown(model: nn.Module) -> None:
    for name, p in model.named_parameters():
        if hasattr(p, "ds_id"):
            raise _refuse(model, "DeepSpeed ZeRO", name, "partitioned by DeepSpeed")
        if getattr(p, "_is_flat_param", False):  # FSDP's own flat parameters, seen without their FSDP module
            raise _refuse(
                model,
                "an FSDP FlatParameter",
                name,
                "outside a FullyShardedDataParallel module; pass the FullyShardedDataParallel root itself",
            )


def _fsdp1(model: nn.Module) -> tuple[list[tuple[str, nn.Module, Owned]], Sharding]:
    """FullyShardedDataParallel: each original parameter is a span of a FlatParameter's local shard."""
    from torch.distributed.fsdp import FullyShardedDataParallel

    wrapper = "FSDP (FullyShardedDataParallel)"
    owned: dict[int, Owned] = {}
    covered: set[int] = set()  # the flat parameters, and the original parameters they hold (use_orig_params=True)
    groups = []
    for fsdp in FullyShardedDataParallel.fsdp_modules(model):
        handle = fsdp._handle
        if handle is None:
            continue
        flat = handle.flat_param
        if not handle.uses_sharded_strategy:
            raise _refuse(
                model,
                wrapper,
                flat._fqns[0],
                "ShardingStrategy.NO_SHARD keeps whole gradients; "
                "use DistributedDataParallel, which gradprobe measures",
            )
        groups.append(handle.process_group)
        covered.add(id(flat))
        covered.update(id(p) for p in (flat._params or ()))
        pieces = []
        for info, shard, numel in zip(flat._param_infos, flat._shard_param_infos, flat._numels, strict=True):
            span = (shard.offset_in_shard or 0, shard.numel_in_shard or 0)  # (0, 0): none of it in this shard
            pieces.append(ShardedParameter(flat, span, numel, flat._sharded_size.numel()))
            owned.setdefault(id(info.module), []).append((info.param_name, pieces[-1]))
        primary = {(id(info.module), info.param_name): piece for info, piece in zip(flat._param_infos, pieces)}
        for shared in flat._shared_param_infos:
            owned.setdefault(id(shared.module), []).append(
                (shared.param_name, primary[(id(shared.prim_module), shared.prim_param_name)])
            )
    modules = []
    for name, module in model.named_modules():
        for param_name, p in module.named_parameters(recurse=False):
            if id(p) not in covered:
                raise _refuse(
                    model,
                    wrapper,
                    _clean(f"{name}.{param_name}"),
                    "not sharded by FSDP (ignored_modules or ignored_states), so it differs between ranks",
                )
        modules.append((_clean(name), module, owned.get(id(module), [])))
    return modules, Sharding(wrapper, _one_group(model, wrapper, groups))


def _clean(name: str) -> str:
    return ".".join(part for part in name.split(".") if part != _FSDP_WRAPPED)


def _fsdp2(model: nn.Module) -> tuple[list[tuple[str, nn.Module, Owned]], Sharding]:
    """fully_shard (FSDP2): each parameter is a DTensor sharded along one dimension of its device mesh."""
    from torch.distributed.fsdp import FSDPModule
    from torch.distributed.tensor import Shard

    wrapper = "FSDP2 (fully_shard)"
    if not any(isinstance(m, FSDPModule) for m in model.modules()):
        name, p = next((name, p) for name, p in model.named_parameters() if _is_dtensor(p))
        raise _refuse(
            model,
            "DTensor parameters without fully_shard",
            name,
            f"placements {tuple(getattr(p, 'placements', ()))}: tensor parallelism",
        )
    groups = []
    wrapped: dict[int, ShardedParameter] = {}
    modules = []
    for name, module in model.named_modules():
        own: Owned = []
        for param_name, p in module.named_parameters(recurse=False):
            full_name = f"{name}.{param_name}" if name else param_name
            if not _is_dtensor(p):
                raise _refuse(
                    model,
                    wrapper,
                    full_name,
                    "a plain tensor beside DTensor parameters, so it differs "
                    "between ranks; apply fully_shard to the root module too",
                )
            placements = tuple(p.placements)
            shard_dims = [d for d, placement in enumerate(placements) if isinstance(placement, Shard)]
            if len(shard_dims) != 1 or not all(
                isinstance(placement, Shard) or placement.is_replicate() for placement in placements
            ):
                raise _refuse(
                    model,
                    "DTensor placements",
                    full_name,
                    f"placements {placements}: tensor parallelism "
                    "or a sharding other than fully_shard's one sharded mesh dimension",
                )
            groups.append(p.device_mesh.get_group(shard_dims[0]))
            if id(p) not in wrapped:
                wrapped[id(p)] = ShardedParameter(p, None, p.numel())
            own.append((param_name, wrapped[id(p)]))
        modules.append((name, module, own))
    return modules, Sharding(wrapper, _one_group(model, wrapper, groups))


def _one_group(model: nn.Module, wrapper: str, groups: list[Any]) -> Any:
    if any(g is not groups[0] for g in groups):
        raise ShardedModelError(
            f"{type(model).__name__} is sharded by {wrapper} over several process groups: gradprobe sums the "
            f"pieces of every gradient in one all-reduce over one group. To measure it, {_UNSHARDED_ADVICE}."
        )
    return groups[0]
