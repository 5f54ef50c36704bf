"""Which parameters make up which layer, and how their gradients become per-layer norms."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

import torch
from torch import nn

from .errors import NoGradientError, NoTrainableParametersError
from .norms import tensor_norms
from .sharding import ShardedParameter, Sharding, module_parameters

ROOT = "<root>"
"""How a parameter owned directly by the model itself is named: ``<root>.class_token``."""


@dataclass(frozen=True)
class LayerNorms:
    """Per-layer gradient norms of one measurement, still on the gradients' device."""

    norms: torch.Tensor  # float64, one per layer of the index (definition order); 0 where no gradient
    total: torch.Tensor  # float64 scalar: norm of every distinct gradient together
    has_grad: tuple[bool, ...]  # per layer: did any of its parameters get a gradient
    also: torch.Tensor | None = None  # the ``also`` norms passed to ``measure``, of whole gradients when sharded


@dataclass(frozen=True)
class LayerIndex:
    """The layers of a model and the parameters of each, in definition order.

    A layer is a module without children that owns parameters (a ``Linear``, a ``Conv2d``,
    an ``LSTM``), named as ``named_modules`` names it. A parameter owned directly by a module
    that also has children (a ViT's ``class_token``) is a layer of its own, named by the
    parameter's full name (``encoder.pos_embedding``; ``<root>.class_token`` on the model itself).
    A parameter used by several modules (tied embeddings) belongs to each of them: its gradient
    counts in every such layer's norm, once in the total, and the layers are listed in ``shared``.
    Under FSDP the layers are those of the unwrapped model, each parameter is a ``ShardedParameter``
    (this rank's piece of its gradient) and ``measure`` sums the pieces over the ranks (``sharding``).
    """

    names: tuple[str, ...]
    params: tuple[nn.Parameter | ShardedParameter, ...]  # each distinct parameter once
    layer_params: tuple[tuple[int, ...], ...]  # per layer, indices into params
    shared: dict[str, tuple[str, ...]]  # layer -> the other layers that share a parameter with it
    _pairs: tuple[torch.Tensor, torch.Tensor] = field(compare=False, repr=False)  # (param, layer) of each use
    _pairs_on: dict[torch.device, tuple[torch.Tensor, torch.Tensor]] = field(
        default_factory=dict, compare=False, repr=False
    )
    sharding: Sharding | None = field(default=None, compare=False)

    @classmethod
    def of(cls, model: nn.Module, *, trainable_only: bool = True) -> LayerIndex:
        """Index ``model``'s parameters (only those with ``requires_grad`` unless ``trainable_only=False``).

        Raises ``ShardedModelError`` if they are sharded in a way gradprobe cannot measure (see ``sharding``).
        """
        if not isinstance(model, nn.Module):
            raise TypeError(f"expected a torch.nn.Module, got {type(model).__name__}")
        modules, sharding = module_parameters(model)
        names: list[str] = []
        members: list[list[int]] = []
        params: list[nn.Parameter | ShardedParameter] = []
        position: dict[int, int] = {}

        def add(name: str, owned: list[nn.Parameter | ShardedParameter]) -> None:
            indices = []
            for p in owned:
                if id(p) not in position:
                    position[id(p)] = len(params)
                    params.append(p)
                indices.append(position[id(p)])
            names.append(name)
            members.append(indices)

        for name, module, parameters in modules:
            owned = [(n, p) for n, p in parameters if p.requires_grad or not trainable_only]
            if not owned:
                continue
            if next(module.children(), None) is None:
                add(name or type(module).__name__, [p for _, p in owned])
            else:
                for param_name, p in owned:
                    add(f"{name or ROOT}.{param_name}", [p])
        if not params:
            raise NoTrainableParametersError(
                f"{type(model).__name__} has no trainable parameters (none with requires_grad=True): "
                "unfreeze at least one layer before measuring its gradients"
            )
        users: dict[int, list[int]] = {}
        for layer, indices in enumerate(members):
            for i in indices:
                users.setdefault(i, []).append(layer)
        shared: dict[str, set[str]] = {}
        for layers in users.values():
            for layer in layers if len(layers) > 1 else ():
                shared.setdefault(names[layer], set()).update(names[o] for o in layers if o != layer)
        pairs = [(i, layer) for layer, indices in enumerate(members) for i in indices]
        return cls(
            tuple(names),
            tuple(params),
            tuple(tuple(m) for m in members),
            {k: tuple(sorted(v, key=names.index)) for k, v in shared.items()},
            (torch.tensor([p for p, _ in pairs]), torch.tensor([layer for _, layer in pairs])),
            sharding=sharding,
        )

    def measure(
        self, with_grad: Collection[int] | None = None, model_name: str = "model", also: torch.Tensor | None = None
    ) -> LayerNorms:
        """Per-layer norms of the current ``.grad`` of the parameters in ``with_grad``.

        ``with_grad`` lists the indices (into ``params``) of the parameters that got a gradient;
        by default, every parameter whose ``.grad`` is not ``None``. Layers none of whose parameters
        is listed have ``has_grad`` False and norm 0. Raises ``NoGradientError`` if none is listed.
        Under FSDP, the squared norms of this rank's pieces are summed over the ranks in one
        all-reduce, together with the squares of ``also`` (more norms of pieces, returned whole).
        """
        if with_grad is None:
            with_grad = [i for i, p in enumerate(self.params) if p.grad is not None]
        chosen = sorted(i for i in with_grad if self.params[i].grad is not None)
        if not chosen:
            raise NoGradientError(
                f"no parameter of {model_name} has a gradient: call loss.backward() before measuring, "
                "and measure before optimizer.zero_grad()"
            )
        norms = tensor_norms([self.params[i].grad for i in chosen])  # type: ignore[misc]
        squares = norms.square()
        device = squares.device
        pair_param, pair_layer = self._on(device)
        if len(chosen) == len(self.params):
            has_grad = (True,) * len(self.names)
        else:
            slot = torch.full((len(self.params),), -1, dtype=torch.long)
            slot[chosen] = torch.arange(len(chosen))
            keep = slot[self._pairs[0]] >= 0
            pair_param, pair_layer = slot[self._pairs[0]][keep].to(device), self._pairs[1][keep].to(device)
            present = set(chosen)
            has_grad = tuple(any(i in present for i in members) for members in self.layer_params)
        per_layer = torch.zeros(len(self.names), dtype=torch.float64, device=device)
        per_layer.index_add_(0, pair_layer, squares[pair_param])
        if self.sharding is None:
            return LayerNorms(per_layer.sqrt_(), squares.sum().sqrt(), has_grad, also)
        extra = also.to(device).square() if also is not None else per_layer[:0]
        summed = self.sharding.sum_over_shards(torch.cat([per_layer, squares.sum().reshape(1), extra])).sqrt_()
        layers = len(self.names)
        return LayerNorms(summed[:layers], summed[layers], has_grad, summed[layers + 1 :] if also is not None else None)

    def _on(self, device: torch.device) -> tuple[torch.Tensor, torch.Tensor]:
        if device not in self._pairs_on:
            self._pairs_on[device] = (self._pairs[0].to(device), self._pairs[1].to(device))
        return self._pairs_on[device]

    def forward_order(self, param_position: dict[int, float]) -> list[int]:
        """Layer indices sorted input-most first.

        ``param_position`` maps parameter indices to where the data meets them (smaller is nearer
        the input). A layer sits where the data first meets one of its parameters; a layer with no
        known position keeps its place in definition order, right after the layer defined before it.
        """
        keys = []
        last = float("-inf")
        for layer, members in enumerate(self.layer_params):
            known = [param_position[i] for i in members if i in param_position]
            if known:
                last = min(known)
                keys.append((last, 0, layer))
            else:
                keys.append((last, 1, layer))
        return [layer for *_, layer in sorted(keys)]


def graph_positions(loss: torch.Tensor, params: Sequence[nn.Parameter | ShardedParameter]) -> dict[int, float]:
    """Where the data meets each parameter, read from ``loss``'s autograd graph.

    The position of a parameter is the sequence number of the first operation of the forward
    pass that used it (autograd numbers operations in the order they ran). The graph's nodes
    outlive ``backward()``, so this works before or after it.
    """
    if not isinstance(loss, torch.Tensor) or loss.grad_fn is None:
        raise ValueError(
            "loss must be the tensor backward() was (or will be) called on, with a grad_fn: "
            "pass the loss itself, not loss.item() or a detached copy"
        )
    index = {id(p): i for i, p in enumerate(params)}
    found: dict[int, float] = {}
    stack, seen = [loss.grad_fn], {id(loss.grad_fn)}
    while stack:
        node = stack.pop()
        order = node._sequence_nr()
        for child, _ in node.next_functions:
            if child is None:
                continue
            variable = getattr(child, "variable", None)
            if variable is not None:
                i = index.get(id(variable))
                if i is not None:
                    found[i] = min(found.get(i, order), order)
            elif id(child) not in seen:
                seen.add(id(child))
                stack.append(child)
    return found
