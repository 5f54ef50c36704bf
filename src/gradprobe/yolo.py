"""Ultralytics YOLO with gradprobe: a generated dataset, an offline environment and a training watch.

Needs the ``yolo`` extra: ``pip install "gradprobe[yolo]"``. Ultralytics is licensed AGPL-3.0;
this module only imports it when a function needs it.
"""

from __future__ import annotations

import importlib.util
import math
import os
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import torch
from PIL import Image, ImageDraw

from .errors import GradProbeError
from .history import GradHistory
from .report import DEFAULT_THRESHOLDS, Thresholds
from .watch import _Recorder

CLASSES = ("rectangle", "ellipse", "triangle")
INSTALL_HINT = 'pip install "gradprobe[yolo]"'


def require_ultralytics() -> None:
    """Raise ``ModuleNotFoundError`` with the install command if Ultralytics is not installed."""
    if importlib.util.find_spec("ultralytics") is None:
        raise ModuleNotFoundError(
            f"gradprobe.yolo needs Ultralytics, which is not installed: {INSTALL_HINT} "
            "(Ultralytics is licensed AGPL-3.0)",
            name="ultralytics",
        )


# --- dataset ---------------------------------------------------------------------------------------------------


def _writable_dir(root: str | os.PathLike[str]) -> Path:
    path = Path(root).expanduser().resolve()
    if path.exists() and not path.is_dir():
        raise NotADirectoryError(f"dataset directory {path} is a file: pass a directory path")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise PermissionError(f"cannot create the dataset directory {path}: {error.strerror or error}") from None
    if not os.access(path, os.W_OK | os.X_OK):
        raise PermissionError(
            f"dataset directory {path} is not writable: pass a writable directory, e.g. one from tempfile.mkdtemp()"
        )
    return path


def _draw_image(rng: np.random.Generator, size: int, max_shapes: int) -> tuple[Image.Image, list[str]]:
    """Grey noise with 1..max_shapes filled shapes; returns the image and its YOLO label lines."""
    pixels = rng.integers(60, 196, size=(size, size, 3), dtype=np.uint8)
    image = Image.fromarray(pixels, "RGB")
    draw = ImageDraw.Draw(image)
    labels = []
    for _ in range(int(rng.integers(1, max_shapes + 1))):
        cls = int(rng.integers(len(CLASSES)))
        w, h = (int(v) for v in rng.integers(size // 5, size // 2, size=2))
        x0, y0 = int(rng.integers(0, size - w)), int(rng.integers(0, size - h))
        box = (x0, y0, x0 + w - 1, y0 + h - 1)
        colour = tuple(int(c) for c in rng.choice([0, 255], size=3))
        if CLASSES[cls] == "rectangle":
            draw.rectangle(box, fill=colour)
        elif CLASSES[cls] == "ellipse":
            draw.ellipse(box, fill=colour)
        else:
            draw.polygon([(x0 + w / 2, y0), (x0, y0 + h - 1), (x0 + w - 1, y0 + h - 1)], fill=colour)
        cx, cy = (x0 + w / 2) / size, (y0 + h / 2) / size
        labels.append(f"{cls} {cx:.6f} {cy:.6f} {w / size:.6f} {h / size:.6f}")
    return image, labels


def shapes_dataset(
    root: str | os.PathLike[str], train: int = 32, val: int = 8, size: int = 64, max_shapes: int = 3, seed: int = 0
) -> Path:
    """Write a small YOLO-format detection dataset under ``root``; return its data YAML path.

    Each image is ``size`` x ``size`` pixels of grey noise with 1 to ``max_shapes`` filled
    shapes of the classes in ``CLASSES``, in black, white or a primary colour. Layout:
    ``images/{train,val}/*.png``, ``labels/{train,val}/*.txt`` (``class cx cy w h``, normalized)
    and ``data.yaml``. The same arguments always give byte-identical files.
    """
    for name, value, low in (("train", train, 1), ("val", val, 1), ("size", size, 32), ("max_shapes", max_shapes, 1)):
        if not isinstance(value, int) or value < low:
            raise ValueError(f"{name} must be an integer >= {low}, got {value!r}")
    root = _writable_dir(root)
    rng = np.random.default_rng(seed)
    for split, count in (("train", train), ("val", val)):
        images, labels = root / "images" / split, root / "labels" / split
        images.mkdir(parents=True, exist_ok=True)
        labels.mkdir(parents=True, exist_ok=True)
        for i in range(count):
            image, lines = _draw_image(rng, size, max_shapes)
            image.save(images / f"{i:04d}.png", optimize=False)
            (labels / f"{i:04d}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    names = "".join(f"  {i}: {name}\n" for i, name in enumerate(CLASSES))
    data = root / "data.yaml"
    data.write_text(f"path: {root.as_posix()}\ntrain: images/train\nval: images/val\nnames:\n{names}", encoding="utf-8")
    return data


# --- offline environment ---------------------------------------------------------------------------------------


def offline_variables(directory: str | os.PathLike[str], verbose: bool = False) -> dict[str, str]:
    """The environment variables ``offline_environment`` sets, for ``directory``."""
    directory = Path(directory).resolve()
    return {
        "YOLO_OFFLINE": "1",  # no online checks, no downloads of assets it can do without
        "YOLO_AUTOINSTALL": "0",  # never pip-install a missing requirement
        "YOLO_CONFIG_DIR": str(directory / "config"),  # settings.json and fonts, not ~/.config/Ultralytics
        "MPLCONFIGDIR": str(directory / "matplotlib"),  # matplotlib's font cache
        "TORCHINDUCTOR_CACHE_DIR": str(directory / "torchinductor"),  # made during training, even if empty
        "YOLO_VERBOSE": "1" if verbose else "0",  # logs and progress bars on stdout
    }


@contextmanager
def offline_environment(directory: str | os.PathLike[str], verbose: bool = False) -> Iterator[Path]:
    """Let Ultralytics run with no network and write its settings only under ``directory``.

    Sets the variables of ``offline_variables`` and puts ``Arial.ttf`` (a copy of matplotlib's
    DejaVu Sans) where Ultralytics looks for it, since its dataset check would otherwise try to
    download that font even offline. Ultralytics reads these variables when it is imported, so
    import it inside the block; the previous environment is restored on exit. Yields the
    Ultralytics config directory.
    """
    require_ultralytics()
    directory = _writable_dir(directory)
    variables = offline_variables(directory, verbose)
    config = Path(variables["YOLO_CONFIG_DIR"]) / "Ultralytics"
    if "ultralytics" in sys.modules:
        from ultralytics.utils import USER_CONFIG_DIR

        if Path(USER_CONFIG_DIR).resolve() != config.resolve():
            raise GradProbeError(
                "Ultralytics was imported before offline_environment() was entered: it reads YOLO_OFFLINE, "
                "YOLO_AUTOINSTALL and YOLO_CONFIG_DIR at import. Enter offline_environment() first, then "
                "import ultralytics (or run the training in a fresh process)"
            )
    config.mkdir(parents=True, exist_ok=True)
    Path(variables["MPLCONFIGDIR"]).mkdir(parents=True, exist_ok=True)
    font = config / "Arial.ttf"
    if not font.exists():
        shutil.copyfile(_dejavu_sans(), font)
    saved = {name: os.environ.get(name) for name in variables}
    os.environ.update(variables)
    try:
        yield config
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _dejavu_sans() -> Path:
    """Matplotlib's DejaVu Sans, found without importing matplotlib (which would create its config dir)."""
    spec = importlib.util.find_spec("matplotlib")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        font = Path(folder) / "mpl-data" / "fonts" / "ttf" / "DejaVuSans.ttf"
        if font.is_file():
            return font
    raise FileNotFoundError("matplotlib's DejaVuSans.ttf was not found: reinstall matplotlib")


# --- watching the trainer --------------------------------------------------------------------------------------


class TrainingWatch:
    """What ``watch_training`` records: gradient norms of the model the trainer really trains.

    ``history`` holds per-layer norms at every ``every``-th backward pass, measured when the pass
    ends, before the trainer clips them. ``steps`` holds one row per optimizer step: the gradient
    the optimizer applies (unscaled, after the trainer's clip at total norm 10), with the total
    norm before the clip and whether the clip fired (``report(i).pre_clip_total``, ``.clipped``).
    """

    def __init__(self, every: int, max_records: int, thresholds: Thresholds) -> None:
        self._settings = {"every": every, "max_records": max_records, "thresholds": thresholds}
        self._recorders: list[_Recorder] = []
        self.trainer: Any = None
        """The Ultralytics trainer, once training has started."""

    def _recorded(self, which: int) -> GradHistory:
        if not self._recorders:
            raise GradProbeError("no training has started inside watch_training(): call model.train(...) in the block")
        return self._recorders[which].history

    @property
    def history(self) -> GradHistory:
        """Per-layer gradient norms of ``trainer.model`` at backward passes, before clipping."""
        return self._recorded(0)

    @property
    def steps(self) -> GradHistory:
        """Per-layer gradient norms at optimizer steps, after clipping, with the norm before it."""
        return self._recorded(1)

    @property
    def step_norms(self) -> list[float]:
        """Total gradient norm the optimizer stepped with, one per optimizer step (after clipping)."""
        return self.steps.column("total").tolist()

    def on_train_start(self, trainer: Any) -> None:
        """Ultralytics callback: attach to ``trainer.model``, ``trainer.optimizer`` and ``trainer.scaler``."""
        self.detach()
        self.trainer = trainer
        model = trainer.model.module if hasattr(trainer.model, "module") else trainer.model  # DDP wraps it
        self._recorders = [
            _Recorder(model, self._settings, None, None),
            _Recorder(model, {**self._settings, "every": 1}, trainer.optimizer, getattr(trainer, "scaler", None)),
        ]

    def detach(self) -> None:
        """Remove every hook this watch registered."""
        for recorder in self._recorders:
            recorder.detach()


# --8<-- [start:watch_training]
@contextmanager
def watch_training(
    model: Any, every: int = 1, max_records: int = 2048, thresholds: Thresholds = DEFAULT_THRESHOLDS
) -> Iterator[TrainingWatch]:
    """Record per-layer gradient norms of what ``model.train(...)`` trains, inside the block.

    ``model`` is an ``ultralytics.YOLO``. Its trainer builds the module it trains when training
    starts (for a YAML-built model a different object than ``model.model``), so the watch
    attaches from an ``on_train_start`` callback, with ``gradprobe.watch``'s hooks: the parameter
    hooks fire after ``backward()``, before the trainer clips and zeroes the gradients, and an
    optimizer step pre-hook sees what the trainer's ``optimizer_step()`` applies after its clip.
    """
    if not callable(getattr(model, "add_callback", None)):
        raise TypeError(f"expected an ultralytics YOLO model (with add_callback), got {type(model).__name__}")
    watch = TrainingWatch(every, max_records, thresholds)
    model.add_callback("on_train_start", watch.on_train_start)
    try:
        yield watch
    finally:
        watch.detach()
        callbacks = model.callbacks.get("on_train_start", [])
        if watch.on_train_start in callbacks:
            callbacks.remove(watch.on_train_start)


# --8<-- [end:watch_training]


def by_layer_index(history: GradHistory, prefix: str = "model.") -> tuple[list[int], torch.Tensor]:
    """Combine a YOLO history's per-module norms into one norm per YOLO layer (``model.N``).

    Returns the layer indices N in order and a ``(steps, layers)`` tensor: for each layer the L2
    norm of the gradient norms of its modules that got one (``NaN`` where none of them did).
    """
    indices = []
    for name in history.layers:
        head, _, rest = name.partition(prefix)
        if head or not rest.split(".")[0].isdigit():
            raise ValueError(f"layer {name!r} is not inside a YOLO layer {prefix}N")
        indices.append(int(rest.split(".")[0]))
    order = sorted(set(indices))
    column = torch.tensor([order.index(i) for i in indices])
    squares = history.norms.nan_to_num(0.0).square()  # a module without a gradient adds nothing
    combined = torch.zeros(squares.shape[0], len(order), dtype=squares.dtype).index_add_(1, column, squares)
    got = torch.zeros(squares.shape[0], len(order)).index_add_(1, column, history.has_grad.float()) > 0
    return order, combined.sqrt_().masked_fill_(~got, math.nan)
