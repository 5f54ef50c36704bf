"""The same measurement on COCO8, Ultralytics' 8-image sample of COCO (or on COCO128)."""
# Needs the yolo extra: pip install "gradprobe[yolo]"
# Not run in CI: needs network (Ultralytics downloads the dataset, and yolo11n.pt if you ask for it).

from ultralytics import YOLO

import gradprobe.yolo as gy

model = YOLO("yolo11n.yaml")  # random weights; YOLO("yolo11n.pt") downloads pretrained ones
with gy.watch_training(model) as run:
    model.train(data="coco8.yaml", epochs=3, imgsz=640, batch=4, nbs=4, device="cpu", plots=False)
    # data="coco128.yaml": 128 images instead of 8, same code

layers, norms = gy.by_layer_index(run.history)  # shape (backward passes, YOLO layers)
print(run.history.report(-1).summary())
for index, first, last in zip(layers, norms[0].tolist(), norms[-1].tolist()):
    print(f"model.{index:<3} first pass {first:9.3g}   last pass {last:9.3g}")
