"""Which modules count as layers, and how their gradients are turned into per-layer norms."""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from .errors import NoGradientError, NoTrainableParametersError


@dataclass(frozen=True)
class LayerIndex:
    """The trainable layers of a model: every module that owns trainable parameters itself.

    Layers are named as ``model.named_modules()`` names them and kept in module definition
    order, which is the forward order of sequential models (MLPs, CNN stages, YOLO's layer list).
    """

    names: tuple[str, ...]
    params: tuple[nn.Parameter, ...]
    layer_of_param: torch.Tensor  # int64, params[i] belongs to layer layer_of_param[i]

    @classmethod
    def of(cls, model: nn.Module) -> LayerIndex:
        if not isinstance(model, nn.Module):
            raise TypeError(f"expected a torch.nn.Module, got {type(model).__name__}")
        names: list[str] = []
        params: list[nn.Parameter] = []
        owners: list[int] = []
        seen: set[int] = set()
        for name, module in model.named_modules():
            own = [p for p in module.parameters(recurse=False) if p.requires_grad and id(p) not in seen]
            if not own:
                continue
            seen.update(id(p) for p in own)
            owners += [len(names)] * len(own)
            names.append(name or type(module).__name__)
            params += own
        if not params:
            raise NoTrainableParametersError(
                f"{type(model).__name__} has no trainable parameters (none with requires_grad=True): "
                "unfreeze at least one layer before measuring its gradients"
            )
        return cls(tuple(names), tuple(params), torch.tensor(owners, dtype=torch.long))

    def norms(self, model_name: str = "model") -> list[float]:
        """Per-layer L2 norms of the current ``.grad`` of every parameter, computed in one batch.

        Parameters without a gradient (unused in this pass) count as zero.
        """
        with_grad = [i for i, p in enumerate(self.params) if p.grad is not None]
        if not with_grad:
            raise NoGradientError(
                f"no parameter of {model_name} has a gradient: call loss.backward() before measuring, "
                "and measure before optimizer.zero_grad()"
            )
        grads = [self.params[i].grad for i in with_grad]
        per_param = torch._foreach_norm([g.detach() for g in grads])
        devices = {n.device for n in per_param}
        if len(devices) > 1:  # a model split over devices: gather the few scalars first
            per_param = [n.cpu() for n in per_param]
        squares = torch.stack(per_param).double().cpu() ** 2
        per_layer = torch.zeros(len(self.names), dtype=squares.dtype)
        per_layer.index_add_(0, self.layer_of_param[with_grad], squares)
        return per_layer.sqrt().tolist()
