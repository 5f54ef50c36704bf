"""Train YOLO11n for one epoch on CPU, offline, and record per-layer gradient norms at every step."""
# Needs the yolo extra: pip install "gradprobe[yolo]"

import tempfile
from pathlib import Path

import gradprobe.yolo as gy

with tempfile.TemporaryDirectory() as tmp, gy.offline_environment(tmp):
    from ultralytics import YOLO  # import inside: Ultralytics reads its settings at import

    data = gy.shapes_dataset(Path(tmp) / "shapes", train=64, val=16, size=64, seed=0)
    model = YOLO("yolo11n.yaml")  # built from its YAML: random weights, nothing to download
    with gy.watch_training(model) as run:
        model.train(
            data=data,
            epochs=1,
            imgsz=64,
            batch=4,
            nbs=4,
            workers=0,
            device="cpu",
            plots=False,
            seed=0,
            deterministic=True,
            project=Path(tmp) / "runs",
            name="train",
        )
    yolo_layers = len(run.trainer.model.model)

history = run.history
layers, norms = gy.by_layer_index(history)  # one norm per YOLO layer model.N, shape (passes, layers)
reports = [history.report(i) for i in range(len(history.steps))]
print(f"YOLO11n: {len(history.layers)} modules with trainable parameters, in {len(layers)} of {yolo_layers} layers")
print(f"backward passes recorded: {len(history.steps)}, optimizer steps: {len(run.step_norms)}")
print(f"layers with a non-zero gradient at every pass: {int((norms > 0).all(dim=0).sum())} of {len(layers)}")
print(f"first pass {reports[0].summary()}")
clipped = sum(r.total_norm > 10 for r in reports)
print(
    f"total norm above 10 before clipping: {clipped} of {len(reports)} passes; "
    f"after clipping: {max(run.step_norms):.3g} at most"
)
print("first optimizer steps: total norm before clipping, applied, clipped")
for i in range(4):
    step = run.steps.report(i)  # one row per optimizer step, after the trainer's clip_grad_norm_(max_norm=10)
    print(f"  step {i}  {step.pre_clip_total:7.2f}  {step.total_norm:6.2f}  {step.clipped}")
print("first pass, gradient norm per YOLO layer:")
for index, norm in zip(layers, norms[0].tolist()):
    print(f"  model.{index:<3} {type(run.trainer.model.model[index]).__name__:<6} {norm:8.2f}")
