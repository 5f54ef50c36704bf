"""Recorded per-layer gradient norms as data: bounded in memory, readable as reports, saved, loaded, plotted."""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import torch

from .errors import NoGradientError
from .grouping import group_layers
from .report import DEFAULT_THRESHOLDS, VERDICTS, GradReport, Thresholds

if TYPE_CHECKING:
    from matplotlib.figure import Figure

Unit = Literal["pass", "step"]
_EXTRA = ("total", "loss_scale", "pre_clip_total", "clipped")  # per-row values beside the layer norms
_FORMAT = "gradprobe-history/1"
_PLOT_TEXTS = {
    "en": (
        "Gradient norm per layer (colour, log scale)",
        {"pass": "Backward pass", "step": "Optimizer step"},
        "Layer (input side at the top)",
    ),
    "ru": (
        "Норма градиента по слоям (цвет, логарифмическая шкала)",
        {"pass": "Обратный проход", "step": "Шаг оптимизатора"},
        "Слой (сверху — со стороны входа)",
    ),
    "tr": (
        "Katman başına gradyan normu (renk, logaritmik ölçek)",
        {"pass": "Geri geçiş", "step": "Optimizer adımı"},
        "Katman (giriş tarafı üstte)",
    ),
    "pt": (
        "Norma do gradiente por camada (cor, escala logarítmica)",
        {"pass": "Retropropagação", "step": "Passo do otimizador"},
        "Camada (lado da entrada no topo)",
    ),
}


class GradHistory:
    """Per-layer gradient norms recorded by ``watch``, kept in bounded memory.

    One row per backward pass (``unit == "pass"``) or, with ``watch(optimizer=...)``, per optimizer
    step (``unit == "step"``). At most ``max_records`` rows are kept: when the buffer is full every
    other row is dropped and the sampling stride doubles, so a run of any length stays evenly
    covered. Rows stay on the gradients' device while recording, so recording never waits for a GPU;
    when the ``watch`` block ends they move to the CPU and the history holds plain data only (no
    reference to the model), so it pickles in kilobytes and the model can be freed.

    Layers are in forward order (input-most first) as ``watch`` learned it; a layer that got no
    gradient in a row reads ``NaN`` in ``norms`` and ``False`` in ``has_grad``, ``None`` in a report.
    """

    def __init__(
        self,
        layers: Sequence[str],
        *,
        every: int = 1,
        max_records: int = 2048,
        thresholds: Thresholds = DEFAULT_THRESHOLDS,
        unit: Unit = "pass",
        shared: Mapping[str, tuple[str, ...]] | None = None,
        lang: str | None = None,
    ) -> None:
        if isinstance(every, bool) or not isinstance(every, int) or every < 1:
            what = "optimizer steps" if unit == "step" else "backward passes"
            raise ValueError(f"every must be a positive whole number of {what} (an int >= 1), got {every!r}")
        if isinstance(max_records, bool) or not isinstance(max_records, int) or max_records < 2:
            raise ValueError(f"max_records must be an int of at least 2, got {max_records!r}")
        self._layers = tuple(layers)
        self._order = list(range(len(self._layers)))  # column order: forward order once learned
        self._listed = [True] * len(self._layers)  # frozen layers that never got a gradient are left out
        self._norms = torch.empty(max_records, len(self._layers), dtype=torch.float64)
        self._has_grad = torch.zeros(max_records, len(self._layers), dtype=torch.bool)
        self._extra = torch.full((max_records, len(_EXTRA)), math.nan, dtype=torch.float64)
        self._steps: list[int] = []
        self._stride = every
        self.thresholds = thresholds
        self.unit: Unit = unit
        """``"pass"``: one row per backward pass; ``"step"``: one row per optimizer step."""
        self.shared = dict(shared or {})
        self.lang = lang
        self.passes = 0
        """Backward passes seen so far, recorded or not."""
        self.optimizer_steps = 0
        """Optimizer steps seen so far (``watch(optimizer=...)`` only)."""

    # --- reading ---------------------------------------------------------------------------------

    @property
    def _columns(self) -> list[int]:
        got = self._has_grad[: len(self._steps)].any(0).tolist()
        return [c for c in self._order if self._listed[c] or got[c]]

    @property
    def layers(self) -> tuple[str, ...]:
        """Layer names, input-most first."""
        return tuple(self._layers[c] for c in self._columns)

    @property
    def steps(self) -> tuple[int, ...]:
        """Index (0-based) of the backward pass, or optimizer step, behind each recorded row."""
        return tuple(self._steps)

    @property
    def stride(self) -> int:
        """Current sampling stride: one pass (or step) in ``stride`` is recorded."""
        return self._stride

    @property
    def norms(self) -> torch.Tensor:
        """Recorded norms, shape ``(len(steps), len(layers))``; ``NaN`` where a layer got no gradient."""
        columns = self._columns
        rows = len(self._steps)
        values = self._norms[:rows][:, columns].to("cpu", copy=True)
        return values.masked_fill_(~self._has_grad[:rows][:, columns].cpu(), math.nan)

    @property
    def has_grad(self) -> torch.Tensor:
        """Bool tensor like ``norms``: whether each layer got a gradient in each row."""
        return self._has_grad[: len(self._steps)][:, self._columns].cpu()

    def column(self, name: str) -> torch.Tensor:
        """Recorded values of one per-row quantity: ``total``, ``loss_scale``, ``pre_clip_total``, ``clipped``."""
        if name not in _EXTRA:
            raise KeyError(f"no column {name!r}; columns are: {', '.join(_EXTRA)}")
        return self._extra[: len(self._steps), _EXTRA.index(name)].to("cpu", copy=True)

    def report(self, row: int = -1) -> GradReport:
        """The recorded row ``row`` (default: the latest) as a ``GradReport``."""
        if not self._steps:
            what = "optimizer step" if self.unit == "step" else "backward pass"
            raise NoGradientError(f"no {what} was recorded: run loss.backward() (and the step) inside the watch block")
        columns = self._columns
        values = self._norms[: len(self._steps)][row, columns].tolist()
        present = self._has_grad[: len(self._steps)][row, columns].tolist()
        total, scale, pre_clip, clipped = self._extra[: len(self._steps)][row].tolist()
        norms = tuple(v if p else None for v, p in zip(values, present))
        skipped = (
            not math.isnan(scale)
            and scale > 1
            and self.unit == "pass"
            and any(v is not None and not math.isfinite(v) for v in norms)
        )
        return GradReport(
            self.layers,
            norms,
            self.thresholds,
            self.shared,
            total,
            None if math.isnan(scale) else scale,
            skipped,
            None if math.isnan(pre_clip) else pre_clip,
            None if math.isnan(clipped) else bool(clipped),
            self.lang,
        )

    def scalars(self, row: int = -1, depth: int | None = None, prefix: str = "gradprobe") -> dict[str, float]:
        """The recorded row ``row`` as named numbers for a metrics logger.

        ``{prefix}/layer/{name}`` per layer with a gradient (layers merged by ``group_layers`` to
        ``depth`` dotted parts when given), ``{prefix}/total``, and where recorded
        ``{prefix}/pre_clip_total``, ``{prefix}/clipped`` (1 or 0) and ``{prefix}/loss_scale``;
        ``{prefix}/verdict`` is the verdict's index in ``gradprobe.report.VERDICTS`` (0 is healthy).
        """
        report = self.report(row)
        grouped = report if depth is None else group_layers(report, depth)
        values = {f"{prefix}/layer/{name}": norm for name, norm in grouped.measured}
        values[f"{prefix}/total"] = report.total_norm
        for name, value in (
            ("pre_clip_total", report.pre_clip_total),
            ("clipped", report.clipped),
            ("loss_scale", report.loss_scale),
        ):
            if value is not None:
                values[f"{prefix}/{name}"] = float(value)
        values[f"{prefix}/verdict"] = float(VERDICTS.index(report.verdict))
        return values

    def log_to(self, writer: Any, depth: int | None = None, prefix: str = "gradprobe") -> None:
        """Write every recorded row to ``writer``, a ``torch.utils.tensorboard.SummaryWriter`` or anything
        with ``add_scalar(tag, value, step)`` and ``add_text(tag, text, step)``: the numbers of ``scalars``
        at the row's step, and the report's summary line (verdict and cause) as text ``{prefix}/verdict``."""
        if not (callable(getattr(writer, "add_scalar", None)) and callable(getattr(writer, "add_text", None))):
            raise TypeError(
                f"log_to needs a writer with add_scalar and add_text (a SummaryWriter), got {type(writer).__name__}"
            )
        for row, step in enumerate(self._steps):
            for tag, value in self.scalars(row, depth, prefix).items():
                writer.add_scalar(tag, value, step)
            writer.add_text(f"{prefix}/verdict", self.report(row).summary(), step)

    # --- writing (called by watch) ------------------------------------------------------------------

    def _set_order(self, order: Sequence[int]) -> None:
        self._order = list(order)

    def _set_listed(self, column: int, listed: bool) -> None:
        self._listed[column] = listed

    def _record(self, step: int, norms: torch.Tensor, has_grad: Sequence[bool], extra: torch.Tensor) -> None:
        if len(self._steps) == len(self._norms):
            keep = [i for i, s in enumerate(self._steps) if s % (2 * self._stride) == 0]
            for buffer in (self._norms, self._has_grad, self._extra):
                buffer[: len(keep)] = buffer[keep]
            self._steps = [self._steps[i] for i in keep]
            self._stride *= 2
            if step % self._stride:
                return
        if self._norms.device != norms.device:
            self._norms, self._extra = self._norms.to(norms.device), self._extra.to(norms.device)
        row = len(self._steps)
        self._norms[row] = norms
        self._extra[row] = extra
        self._has_grad[row] = torch.tensor(has_grad)
        self._steps.append(step)

    def _finish(self) -> None:
        """Called when the watch block ends: keep plain CPU data, trimmed to the recorded rows."""
        rows = len(self._steps)
        self._norms = self._norms[:rows].to("cpu", copy=True)
        self._has_grad = self._has_grad[:rows].clone()
        self._extra = self._extra[:rows].to("cpu", copy=True)

    # --- as data ------------------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """Plain data (JSON-ready): layers in forward order, steps, norms (``None``: no gradient) and per-row values."""
        columns, rows = self._columns, len(self._steps)
        values = self._norms[:rows][:, columns].tolist()
        present = self._has_grad[:rows][:, columns].tolist()
        return {
            "format": _FORMAT,
            "unit": self.unit,
            "layers": list(self.layers),
            "steps": list(self._steps),
            "stride": self._stride,
            "passes": self.passes,
            "optimizer_steps": self.optimizer_steps,
            "thresholds": asdict(self.thresholds),
            "shared": {k: list(v) for k, v in self.shared.items()},
            "lang": self.lang,
            "norms": [[v if p else None for v, p in zip(vs, ps)] for vs, ps in zip(values, present)],
            **{name: [_plain(v) for v in self.column(name).tolist()] for name in _EXTRA},
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> GradHistory:
        """The inverse of ``to_dict``."""
        if data.get("format") != _FORMAT:
            raise ValueError(f"not a gradprobe history (format {data.get('format')!r}, expected {_FORMAT!r})")
        steps, layers = list(data["steps"]), list(data["layers"])
        history = cls(
            layers,
            max_records=max(2, len(steps)),
            thresholds=Thresholds(**data["thresholds"]),
            unit=data["unit"],
            shared={k: tuple(v) for k, v in data["shared"].items()},
            lang=data.get("lang"),
        )
        history._stride, history.passes, history.optimizer_steps = (
            data["stride"],
            data["passes"],
            data["optimizer_steps"],
        )
        for row, step in enumerate(steps):
            values = [math.nan if v is None else float(v) for v in data["norms"][row]]
            extra = [math.nan if data[name][row] is None else float(data[name][row]) for name in _EXTRA]
            history._steps.append(step)
            history._norms[row] = torch.tensor(values, dtype=torch.float64)
            history._has_grad[row] = torch.tensor([v is not None for v in data["norms"][row]])
            history._extra[row] = torch.tensor(extra, dtype=torch.float64)
        history._finish()
        return history

    def save(self, path: str | Path) -> Path:
        """Write the history to ``path``: JSON (``.json``, everything) or CSV (``.csv``: one row per
        recorded row, columns ``step``, the per-row values, then one per layer; empty = no gradient)."""
        path = Path(path)
        if path.suffix == ".json":
            path.write_text(json.dumps(self.to_dict()), encoding="utf-8")
        elif path.suffix == ".csv":
            data = self.to_dict()
            with path.open("w", newline="", encoding="utf-8") as f:
                writer = csv.writer(f)
                meta = {
                    k: data[k] for k in ("unit", "stride", "passes", "optimizer_steps", "thresholds", "shared", "lang")
                }
                writer.writerow([f"# {_FORMAT} {json.dumps(meta, separators=(',', ':'))}"])
                writer.writerow(["step", *_EXTRA, *data["layers"]])
                for row, step in enumerate(data["steps"]):
                    cells = [data[name][row] for name in _EXTRA] + data["norms"][row]
                    writer.writerow([step, *("" if v is None else repr(v) for v in cells)])
        else:
            raise ValueError(f"save {path}: use a .json or .csv file name")
        return path

    @classmethod
    def load(cls, path: str | Path) -> GradHistory:
        """Read a history written by ``save`` (JSON or CSV)."""
        path = Path(path)
        if path.suffix == ".json":
            return cls.from_dict(json.loads(path.read_text(encoding="utf-8")))
        if path.suffix != ".csv":
            raise ValueError(f"load {path}: expected a .json or .csv file written by GradHistory.save")
        with path.open(newline="", encoding="utf-8") as f:
            rows = list(csv.reader(f))
        if not rows or not rows[0] or not rows[0][0].startswith(f"# {_FORMAT} "):
            raise ValueError(f"{path} is not a gradprobe history CSV (its first line should start with '# {_FORMAT}')")
        meta = json.loads(rows[0][0][len(f"# {_FORMAT} ") :])
        layers = rows[1][1 + len(_EXTRA) :]
        body = [[None if cell == "" else float(cell) for cell in row[1:]] for row in rows[2:]]
        return cls.from_dict(
            {
                "format": _FORMAT,
                **meta,
                "layers": layers,
                "steps": [int(r[0]) for r in rows[2:]],
                "norms": [r[len(_EXTRA) :] for r in body],
                **{name: [r[i] for r in body] for i, name in enumerate(_EXTRA)},
            }
        )

    def plot(self, lang: str = "en") -> Figure:
        """Per-layer heatmap of the recorded norms (rows: layers, input side at the top; columns:
        recorded passes or steps), drawn with ``gradprobe.plots``, texts in ``lang`` (en, ru, tr, pt)."""
        from .plots import log_heatmap

        if lang not in _PLOT_TEXTS:
            raise ValueError(f"lang must be one of {', '.join(_PLOT_TEXTS)}, got {lang!r}")
        if not self._steps:
            raise NoGradientError("nothing to plot: the history has no recorded row")
        title, xlabels, ylabel = _PLOT_TEXTS[lang]
        columns = self.norms.T.tolist()
        return log_heatmap(
            dict(zip(self.layers, columns)), title=title, xlabel=xlabels[self.unit], ylabel=ylabel, x=list(self._steps)
        )

    def __getstate__(self) -> dict[str, Any]:
        return self.to_dict()

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(GradHistory.from_dict(state).__dict__)


def _plain(value: float) -> float | None:
    return None if math.isnan(value) else value
