"""Which modules count as layers, and how their gradients are turned into per-layer norms."""

from __future__ import annotations

from dataclasses import dataclass, field

import torch
from torch import nn

from .errors import NoGradientError, NoTrainableParametersError


@dataclass(frozen=True)
class LayerIndex:
    """The trainable layers of a model: every module that owns trainable parameters itself.

    Layers are named as ``model.named_modules()`` names them and kept in module definition
    order, which is the forward order of sequential models (MLPs, CNN stages, YOLO's layer list).
    The parameter-to-layer grouping is computed once here, so each measurement is one batched
    norm over the gradients plus a handful of tensor operations, whatever the number of layers.
    """

    names: tuple[str, ...]
    params: tuple[nn.Parameter, ...]
    layer_of_param: torch.Tensor  # int64, params[i] belongs to layer layer_of_param[i]
    _owners_on: dict[torch.device, torch.Tensor] = field(default_factory=dict, compare=False, repr=False)

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

    def norm_tensor(self, model_name: str = "model") -> torch.Tensor:
        """Per-layer L2 norms of the current ``.grad`` of every parameter, as a float64 tensor.

        The tensor stays on the gradients' device (CPU if they span several), so reading it
        later does not block a GPU now. Parameters without a gradient count as zero.
        """
        grads = [p.grad for p in self.params]
        owners = self.layer_of_param
        missing = [i for i, g in enumerate(grads) if g is None]
        if missing:
            if len(missing) == len(grads):
                raise NoGradientError(
                    f"no parameter of {model_name} has a gradient: call loss.backward() before measuring, "
                    "and measure before optimizer.zero_grad()"
                )
            present = [i for i, g in enumerate(grads) if g is not None]
            grads, owners = [grads[i] for i in present], owners[present]
        with torch.no_grad():
            per_param = torch._foreach_norm(grads)
            device = per_param[0].device
            if device.type == "mps" or any(n.device != device for n in per_param[1:]):
                per_param, device = [n.cpu() for n in per_param], torch.device("cpu")  # few scalars
            squares = torch.stack(per_param).double().square_()
            per_layer = torch.zeros(len(self.names), dtype=squares.dtype, device=device)
            if device.type != "cpu":  # copy the grouping to that device once, not at every pass
                owners = self._on(device) if owners is self.layer_of_param else owners.to(device)
            return per_layer.index_add_(0, owners, squares).sqrt_()

    def _on(self, device: torch.device) -> torch.Tensor:
        if device not in self._owners_on:
            self._owners_on[device] = self.layer_of_param.to(device)
        return self._owners_on[device]

    def norms(self, model_name: str = "model") -> list[float]:
        """Per-layer L2 norms of the current ``.grad`` of every parameter, computed in one batch.

        Parameters without a gradient (unused in this pass) count as zero.
        """
        return self.norm_tensor(model_name).tolist()
