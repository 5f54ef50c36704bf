"""YOLO11n trained for one epoch, offline, on generated shapes: per-layer gradient norms and clipping.

The training runs in a fresh Python process (``python -m gradprobe.experiments.yolo``), because
Ultralytics reads its settings when it is first imported: the caller's process (a site build, a
test session) stays untouched. Needs the ``yolo`` extra.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

import torch

from .. import yolo
from ..watch import watch

SETUP = {"train": 64, "val": 16, "imgsz": 64, "batch": 4, "epochs": 1}  # the page's snippet uses the same


def train(workdir: Path, seed: int = 0) -> dict[str, Any]:
    """Train YOLO11n in this process, in ``workdir``; return what was measured, as plain data.

    Ultralytics must not have been imported yet in this process (see ``yolo.offline_environment``).
    """
    facts: dict[str, Any] = {}
    with yolo.offline_environment(workdir):
        from ultralytics import YOLO

        data = yolo.shapes_dataset(
            workdir / "shapes", train=SETUP["train"], val=SETUP["val"], size=SETUP["imgsz"], seed=seed
        )
        model = YOLO("yolo11n.yaml")
        built = model.model
        # Ultralytics types Model.model as its constructor argument (str | None); after YOLO(...) it is the network.
        assert isinstance(built, torch.nn.Module)
        events: list[str] = []
        for event in list(model.callbacks):  # every Ultralytics callback, in the order they run
            model.add_callback(event, lambda trainer, event=event: events.append(event))
        model.add_callback("on_train_start", lambda trainer: _mark_backward_and_step(trainer, built, events, facts))
        with yolo.watch_training(model) as run, watch(built) as on_built_model:
            model.train(
                data=data,
                epochs=SETUP["epochs"],
                imgsz=SETUP["imgsz"],
                batch=SETUP["batch"],
                nbs=SETUP["batch"],
                workers=0,
                device="cpu",
                plots=False,
                seed=seed,
                deterministic=True,
                project=workdir / "runs",
                name="train",
            )
        history = run.history
        layers, norms = yolo.by_layer_index(history)
        reports = [history.report(i) for i in range(len(history.steps))]
        return {
            "modules": list(history.layers),
            "layers": layers,
            "layer_types": [type(run.trainer.model.model[i]).__name__ for i in layers],
            "num_layers": len(run.trainer.model.model),
            "layer_norms": norms.tolist(),  # (passes, layers), before clipping
            "module_norms": history.norms.tolist(),
            "steps": list(history.steps),
            "pre_clip": [r.total_norm for r in reports],
            "post_clip": run.step_norms,
            "verdicts": [r.verdict for r in reports],
            "ratios": [r.ratio for r in reports],
            "architecture": architecture(run.trainer.model),
            "strides": [int(s) for s in run.trainer.model.stride],
            "passes_seen_on_built_model": on_built_model.passes,  # gradprobe.watch(YOLO(...).model)
            "events": events,
            **facts,
        }


def _mark_backward_and_step(trainer: Any, built: Any, events: list[str], facts: dict[str, Any]) -> None:
    """Log the end of each backward pass and each optimizer step among the callback events."""
    facts["trains_built_model"] = trainer.model is built
    first = next(p for p in trainer.model.parameters() if p.requires_grad)
    first.register_post_accumulate_grad_hook(
        lambda _: torch.autograd.Variable._execution_engine.queue_callback(lambda: events.append("backward end"))
    )
    trainer.optimizer.register_step_pre_hook(lambda *_: events.append("optimizer step"))


def architecture(model: Any) -> dict[str, Any]:
    """Counts behind the page's sentences about YOLO11n's building blocks."""
    from torch import nn
    from ultralytics.nn.modules import Bottleneck, C2f, C3k2, Conv

    convs = [m for m in model.modules() if isinstance(m, Conv)]
    in_blocks = {id(m.conv) for m in convs}
    named = list(model.named_modules())
    return {
        "conv_blocks": len(convs),
        "conv_blocks_with_batchnorm": sum(isinstance(m.bn, nn.BatchNorm2d) for m in convs),
        "conv_block_types": dict(Counter(type(m).__name__ for m in convs)),
        "conv_block_activations": dict(Counter(type(m.act).__name__ for m in convs)),
        "linear_conv_blocks": [n for n, m in named if isinstance(m, Conv) and isinstance(m.act, nn.Identity)],
        "plain_conv2d": [n for n, m in named if isinstance(m, nn.Conv2d) and id(m) not in in_blocks],
        "bottlenecks": sum(isinstance(m, Bottleneck) for m in model.modules()),
        "residual_bottlenecks": sum(isinstance(m, Bottleneck) and m.add for m in model.modules()),
        "frozen": [n for n, p in model.named_parameters() if not p.requires_grad],
        "layer_types": [type(m).__name__ for m in model.model],
        "c3k2_layers": [i for i, m in enumerate(model.model) if isinstance(m, C3k2)],
        "c3k2_is_csp": issubclass(C3k2, C2f),  # split channels: one half bypasses the bottlenecks
        "inputs": [[m.f] if isinstance(m.f, int) else list(m.f) for m in model.model],  # -1: previous layer
    }


def run(seed: int = 0, timeout: float = 600) -> dict[str, Any]:
    """``train`` in a fresh Python process, in (and from) a temporary directory; its result."""
    yolo.require_ultralytics()
    command = [sys.executable, "-m", __name__, "--seed", str(seed)]
    with tempfile.TemporaryDirectory(prefix="gradprobe-yolo-") as tmp:
        result = subprocess.run([*command, "--workdir", tmp], cwd=tmp, capture_output=True, text=True, timeout=timeout)
    if result.returncode != 0:
        raise RuntimeError(f"YOLO training failed ({' '.join(command)}):\n{result.stderr[-4000:]}")
    return json.loads(result.stdout.splitlines()[-1])


def layer_series(result: dict[str, Any]) -> dict[str, list[float]]:
    """``{"N Type": norm at each backward pass}`` per YOLO layer, backbone first."""
    columns = list(zip(*result["layer_norms"]))
    return {f"{i} {kind}": list(column) for i, kind, column in zip(result["layers"], result["layer_types"], columns)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workdir", type=Path, required=True, help="an empty, writable directory")
    args = parser.parse_args()
    sys.stdout.write(json.dumps(train(args.workdir.resolve(), args.seed)) + "\n")


if __name__ == "__main__":
    main()
