"""Coarser reports: merge the layers of a block (a Transformer layer, a ResNet stage) into one entry."""

from __future__ import annotations

import math

from .report import GradReport


# --8<-- [start:group_layers]
def group_layers(report: GradReport, depth: int = 2) -> GradReport:
    """Merge the layers whose names share their first ``depth`` dotted parts into one layer.

    With ``depth=2``, ``layers.3.self_attn``, ``layers.3.linear1`` and ``layers.3.norm2`` become
    one entry ``layers.3``, whose norm is the L2 norm of all their gradients together (a block none
    of whose layers got a gradient has none); names with fewer parts (``head``) stay as they are.
    Groups keep the order of their first layer; the total norm and the step's values are kept.
    """
    if not isinstance(report, GradReport):
        raise TypeError(f"expected a GradReport, got {type(report).__name__}")
    if isinstance(depth, bool) or not isinstance(depth, int) or depth < 1:
        raise ValueError(f"depth must be a positive integer (dotted name parts to keep), got {depth!r}")
    groups: dict[str, list[float | None]] = {}
    group_of = {name: ".".join(name.split(".")[:depth]) for name in report.layers}
    for name, norm in zip(report.layers, report.norms):
        groups.setdefault(group_of[name], []).append(norm)
    norms = tuple(
        math.sqrt(math.fsum(v * v for v in measured)) if (measured := [v for v in values if v is not None]) else None
        for values in groups.values()
    )
    shared: dict[str, set[str]] = {}
    for name, others in report.shared.items():
        outside = {group_of[o] for o in others} - {group_of[name]}
        if outside:
            shared.setdefault(group_of[name], set()).update(outside)
    return GradReport(
        tuple(groups),
        norms,
        report.thresholds,
        {k: tuple(sorted(v)) for k, v in shared.items()},
        report.total,
        report.loss_scale,
        report.skipped,
        report.pre_clip_total,
        report.clipped,
        report.lang,
    )


# --8<-- [end:group_layers]
