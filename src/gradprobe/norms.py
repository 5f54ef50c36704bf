"""L2 norms of many gradient tensors at once, in a precision that cannot overflow a finite gradient."""

from __future__ import annotations

from collections.abc import Sequence

import torch

_ACCUMULATE_IN = {torch.float16: torch.float32, torch.bfloat16: torch.float32}


def tensor_norms(tensors: Sequence[torch.Tensor]) -> torch.Tensor:
    """The L2 norm of each tensor, as one float64 tensor on the tensors' device (CPU if they span several).

    Half-precision tensors are reduced in float32, float32 tensors in float32 and float64 ones in
    float64, one batched ``torch._foreach_norm`` per dtype. A norm that comes out infinite although
    its tensor is finite (float32 overflows past ~1.8e19) is recomputed in float64 for that tensor
    alone, so no finite gradient ever reads ``inf``. That check reads one flag back from the device.
    """
    if not tensors:
        raise ValueError("tensor_norms needs at least one tensor")
    by_dtype: dict[torch.dtype, list[int]] = {}
    for i, t in enumerate(tensors):
        by_dtype.setdefault(t.dtype, []).append(i)
    devices = {t.device for t in tensors}
    device = devices.pop() if len(devices) == 1 and next(iter(devices)).type != "mps" else torch.device("cpu")
    with torch.no_grad():
        parts = []
        for dtype, positions in by_dtype.items():
            norms = torch._foreach_norm([tensors[i] for i in positions], 2, dtype=_ACCUMULATE_IN.get(dtype, dtype))
            parts.append(torch.stack([n.to(device) for n in norms]).double())
        if len(parts) == 1:
            out = parts[0]
        else:  # put each dtype group's norms back in the tensors' order
            order = torch.tensor([i for positions in by_dtype.values() for i in positions], device=device)
            out = torch.empty(len(tensors), dtype=torch.float64, device=device).index_copy_(0, order, torch.cat(parts))
        overflowed = torch.isinf(out)
        if bool(overflowed.any()):
            for i in overflowed.nonzero().flatten().tolist():
                t = tensors[i]
                if bool(torch.isfinite(t).all()):
                    out[i] = torch.linalg.vector_norm(t, dtype=torch.float64).to(device)
    return out
