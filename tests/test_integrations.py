"""gradprobe inside Lightning and transformers.Trainer, and GradHistory written to TensorBoard: the logged numbers
are checked against norms the test measures itself, at the points where each framework clips."""

from __future__ import annotations

import csv
import importlib
import math
import warnings
from pathlib import Path

import pytest
import torch
from torch import nn

import gradprobe
from gradprobe import Thresholds
from gradprobe.integrations import GradientWarning
from gradprobe.report import VERDICTS

CLIP = 0.5


def total_norm(params) -> float:
    return torch.nn.utils.get_total_norm([p.grad for p in params if p.grad is not None]).item()


def dataset(rows: int = 16) -> torch.utils.data.TensorDataset:
    g = torch.Generator().manual_seed(1)
    return torch.utils.data.TensorDataset(torch.randn(rows, 4, generator=g), torch.randn(rows, 1, generator=g))


# --- Lightning ----------------------------------------------------------------------------------------------


def lightning_run(
    package: str, precision: str, clip: float | None, thresholds: Thresholds, depth: int | None, tmp_path: Path
):
    """Four optimizer steps of two micro-batches; the module records its own norms where Lightning clips."""
    pl = importlib.import_module(package)
    loggers, plugins = (importlib.import_module(f"{package}.{part}") for part in ("loggers", "plugins"))
    integration = importlib.import_module(
        "gradprobe.integrations." + ("lightning" if package == "lightning.pytorch" else "pytorch_lightning")
    )

    class Tiny(pl.LightningModule):
        def __init__(self) -> None:
            super().__init__()
            torch.manual_seed(0)
            self.net = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 1))
            self.measured: dict[int, dict[str, float]] = {}  # global step -> norms the test measures

        def training_step(self, batch, _index):
            x, y = batch
            return ((self.net(x) - y) ** 2).mean() * 10

        def configure_optimizers(self):
            return torch.optim.SGD(self.parameters(), lr=0.01)

        def on_before_optimizer_step(self, _optimizer) -> None:  # unscaled, not yet clipped
            self.measured[self.trainer.global_step] = {"pre_clip_total": total_norm(self.parameters())}

        def configure_gradient_clipping(self, optimizer, gradient_clip_val=None, gradient_clip_algorithm=None):
            super().configure_gradient_clipping(optimizer, gradient_clip_val, gradient_clip_algorithm)
            norms = self.measured[self.trainer.global_step]
            norms["total"] = total_norm(self.parameters())
            for name in ("net.0", "net.2"):
                norms[name] = total_norm(self.get_submodule(name).parameters())

    extra = []
    if precision == "16-mixed":  # on CPU Lightning turns "16-mixed" into bf16: ask for float16 with its GradScaler
        extra, precision = [plugins.MixedPrecision("16-mixed", "cpu")], None
    callback = integration.GradProbeCallback(every=1, depth=depth, thresholds=thresholds)
    module = Tiny()
    trainer = pl.Trainer(
        max_steps=4,
        accelerator="cpu",
        precision=precision,
        plugins=extra,
        gradient_clip_val=clip,
        accumulate_grad_batches=2,
        log_every_n_steps=1,
        logger=loggers.CSVLogger(tmp_path),
        callbacks=[callback],
        enable_progress_bar=False,
        enable_checkpointing=False,
        enable_model_summary=False,
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", GradientWarning)
        trainer.fit(module, torch.utils.data.DataLoader(dataset(), batch_size=2))
    with open(Path(trainer.logger.log_dir) / "metrics.csv", newline="") as f:
        rows = [
            {k: float(v) for k, v in row.items() if v and (k.startswith("gradprobe/") or k == "step")}
            for row in csv.DictReader(f)
        ]
    logged = {int(row.pop("step")): row for row in rows if len(row) > 1}  # the rows gradprobe wrote
    warned = [str(w.message) for w in caught if issubclass(w.category, GradientWarning)]
    return callback, module, logged, warned


@pytest.mark.parametrize(
    "package,precision,clip,exploding",
    [
        ("lightning.pytorch", "bf16-mixed", CLIP, False),
        ("lightning.pytorch", "32-true", None, True),
        ("lightning.pytorch", "16-mixed", CLIP, False),
        ("pytorch_lightning", "32-true", CLIP, False),
    ],
)
def test_lightning_logs_what_the_optimizer_applies(package, precision, clip, exploding, tmp_path):
    # exploding: a threshold under the norms these steps reach, so every step is "exploding" and warns once
    thresholds = Thresholds(exploding_norm=1.0) if exploding else Thresholds()
    depth = None if exploding else 1
    callback, module, logged, warned = lightning_run(package, precision, clip, thresholds, depth, tmp_path)

    finite = {step: norms for step, norms in module.measured.items() if math.isfinite(norms["pre_clip_total"])}
    assert sorted(logged) == sorted(finite)  # a step GradScaler skipped (inf/NaN) has no row
    if precision == "16-mixed":
        assert len(finite) < len(module.measured), "expected GradScaler to skip a step at its first loss scale"
    for step, row in logged.items():
        norms = finite[step]
        assert row["gradprobe/pre_clip_total"] == pytest.approx(norms["pre_clip_total"], rel=1e-5)
        assert row["gradprobe/total"] == pytest.approx(norms["total"], rel=1e-5)
        assert row["gradprobe/clipped"] == float(clip is not None and norms["pre_clip_total"] > clip)
        if depth is None:
            assert row["gradprobe/layer/net.0"] == pytest.approx(norms["net.0"], rel=1e-5)
            assert row["gradprobe/layer/net.2"] == pytest.approx(norms["net.2"], rel=1e-5)
        else:  # both layers merged into one block: its norm is the step's total
            assert set(row) & {"gradprobe/layer/net", "gradprobe/layer/net.0"} == {"gradprobe/layer/net"}
            assert row["gradprobe/layer/net"] == pytest.approx(norms["total"], rel=1e-5)
        assert row["gradprobe/verdict"] == VERDICTS.index("exploding" if exploding else "healthy")
    assert ("gradprobe/loss_scale" in next(iter(logged.values()))) == (precision == "16-mixed")
    assert any(row["gradprobe/clipped"] for row in logged.values()) == (clip is not None)
    assert len(callback.history.steps) == len(logged)
    if exploding:
        assert len(warned) == 1 and "verdict: exploding" in warned[0]
        assert f"`{callback.history.report(0).cause_layers[0]}`" in warned[0]
    else:
        assert warned == []


def test_lightning_callback_rejects_bad_options_and_reads_nothing_before_training():
    from gradprobe.integrations.lightning import GradProbeCallback

    with pytest.raises(ValueError, match="every must be a positive number"):
        GradProbeCallback(every=0)
    with pytest.raises(ValueError, match="depth must be a positive integer"):
        GradProbeCallback(depth=0)
    with pytest.raises(RuntimeError, match="recorded nothing yet"):
        _ = GradProbeCallback().history


# --- transformers.Trainer -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hf_run(tmp_path_factory):
    """Three optimizer steps of a tiny BERT, two micro-batches each, clipped at max_grad_norm."""
    import transformers

    from gradprobe.integrations.huggingface import GradProbeCallback

    class Capture(transformers.TrainerCallback):  # stands in for a report_to backend
        def __init__(self) -> None:
            self.received: list[dict[str, float]] = []

        def on_log(self, args, state, control, logs=None, **kwargs):
            self.received.append({**logs, "step": state.global_step})

    torch.manual_seed(0)
    config = transformers.BertConfig(
        vocab_size=50,
        hidden_size=8,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=16,
        max_position_embeddings=16,
        num_labels=2,
    )
    model = transformers.BertForSequenceClassification(config)
    g = torch.Generator().manual_seed(1)
    data = [
        {"input_ids": ids, "labels": label}
        for ids, label in zip(torch.randint(0, 50, (12, 6), generator=g), torch.randint(0, 2, (12,), generator=g))
    ]
    args = transformers.TrainingArguments(
        output_dir=str(tmp_path_factory.mktemp("hf")),
        per_device_train_batch_size=2,
        gradient_accumulation_steps=2,
        max_steps=3,
        max_grad_norm=CLIP,
        logging_steps=1,
        learning_rate=1e-3,
        report_to=[],
        save_strategy="no",
        disable_tqdm=True,
        use_cpu=True,
    )
    capture = Capture()
    trainer = transformers.Trainer(model=model, args=args, train_dataset=data, callbacks=[capture])
    probe = GradProbeCallback(trainer, depth=4)
    trainer.train()
    return probe, capture.received


def test_huggingface_logs_the_norm_the_trainer_clipped(hf_run):
    probe, received = hf_run
    own = {entry["step"]: entry for entry in received if "grad_norm" in entry}
    ours = {entry["step"]: entry for entry in received if "gradprobe/total" in entry}
    assert sorted(own) == sorted(ours) == [1, 2, 3]  # the Trainer still logs its own loss at every step
    for step, entry in ours.items():
        grad_norm = own[step]["grad_norm"]
        assert entry["gradprobe/pre_clip_total"] == pytest.approx(grad_norm, rel=1e-5)
        assert entry["gradprobe/clipped"] == float(grad_norm > CLIP)
        assert entry["gradprobe/total"] == pytest.approx(min(grad_norm, CLIP), rel=1e-5)
        assert entry["gradprobe/verdict"] == VERDICTS.index("healthy")
    assert {entry["gradprobe/clipped"] for entry in ours.values()} == {0.0, 1.0}
    assert {"gradprobe/layer/bert.encoder.layer.0", "gradprobe/layer/classifier"} <= set(ours[1])
    assert probe.history.steps == (0, 1, 2)


def test_huggingface_callback_needs_the_trainer():
    from gradprobe.integrations.huggingface import GradProbeCallback

    with pytest.raises(TypeError, match=r"expected a transformers\.Trainer"):
        GradProbeCallback(None)


# --- TensorBoard --------------------------------------------------------------------------------------------


def test_history_written_to_tensorboard_reads_back(tmp_path):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
    from torch.utils.tensorboard import SummaryWriter

    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 1))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    x, y = dataset(8).tensors
    with gradprobe.watch(model, optimizer=optimizer) as history:
        for _ in range(3):
            optimizer.zero_grad()
            ((model(x) - y) ** 2).mean().backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), CLIP)
            optimizer.step()
    with SummaryWriter(tmp_path) as writer:
        history.log_to(writer, depth=1)
    events = EventAccumulator(str(tmp_path), size_guidance={"scalars": 0, "tensors": 0})
    events.Reload()
    expected = [history.scalars(row, depth=1) for row in range(len(history.steps))]
    assert set(events.Tags()["scalars"]) == set(expected[0]) >= {"gradprobe/layer/0", "gradprobe/clipped"}
    for tag in expected[0]:
        read = events.Scalars(tag)
        assert [e.step for e in read] == list(history.steps)
        assert [e.value for e in read] == pytest.approx([row[tag] for row in expected], rel=1e-6)
    texts = [e.tensor_proto.string_val[0].decode() for e in events.Tensors("gradprobe/verdict/text_summary")]
    assert texts == [history.report(row).summary() for row in range(len(history.steps))]


def test_log_to_needs_a_writer():
    history = gradprobe.GradHistory(["a"])
    with pytest.raises(TypeError, match="add_scalar and add_text"):
        history.log_to(object())
