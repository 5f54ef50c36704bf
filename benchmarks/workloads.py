"""The three benchmarked training steps: a deep MLP, ResNet-18 and YOLO11n, on CPU, random data."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import torch
from torch import nn

from gradprobe.models import mlp

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Workload:
    """A model, an optimizer and one batch: ``loss()`` runs the forward pass and returns the loss."""

    name: str
    setup: str
    model: nn.Module
    loss: Callable[[], torch.Tensor]

    def __post_init__(self) -> None:
        self.optimizer = torch.optim.SGD([p for p in self.model.parameters() if p.requires_grad], lr=1e-4)
        self.model.train()

    def step(self, after_backward: Callable[[], object] = lambda: None) -> None:
        """One training step: forward, backward, ``after_backward()``, SGD step."""
        self.optimizer.zero_grad()
        self.loss().backward()
        after_backward()
        self.optimizer.step()


def deep_mlp() -> Workload:
    model = mlp(depth=32, width=256, in_features=256, out_features=10)
    x, y = torch.randn(64, 256), torch.randint(0, 10, (64,))
    return Workload(
        "MLP",
        "`gradprobe.models.mlp`, 32 blocks of 256, batch 64",
        model,
        lambda: nn.functional.cross_entropy(model(x), y),
    )


def resnet18() -> Workload:
    from torchvision.models import resnet18 as build

    model = build(weights=None)
    x, y = torch.randn(8, 3, 64, 64), torch.randint(0, 1000, (8,))
    return Workload(
        "ResNet-18",
        "torchvision, `weights=None`, 8 images of 64×64",
        model,
        lambda: nn.functional.cross_entropy(model(x), y),
    )


def yolo11n() -> Workload:
    """Ultralytics' YOLO11n built from its YAML (no download), trained with its own detection loss."""
    os.environ.setdefault("YOLO_OFFLINE", "1")
    os.environ.setdefault("YOLO_VERBOSE", "False")
    os.environ.setdefault("YOLO_CONFIG_DIR", str(ROOT / ".cache" / "ultralytics"))
    from ultralytics import YOLO
    from ultralytics.cfg import get_cfg

    model = YOLO("yolo11n.yaml").model
    model.args = get_cfg()  # the default training hyperparameters the loss reads
    n = 8
    batch = {
        "img": torch.rand(n, 3, 64, 64),
        "batch_idx": torch.arange(n, dtype=torch.float32),
        "cls": torch.zeros(n, 1),
        "bboxes": torch.tensor([[0.5, 0.5, 0.3, 0.3]]).repeat(n, 1),
    }
    return Workload(
        "YOLO11n",
        "Ultralytics, built from `yolo11n.yaml`, detection loss, 8 images of 64×64",
        model,
        lambda: model.loss(batch)[0].sum(),
    )


WORKLOADS: dict[str, Callable[[], Workload]] = {"mlp": deep_mlp, "resnet18": resnet18, "yolo11n": yolo11n}
