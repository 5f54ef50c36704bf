"""A GradHistory as data: saved and loaded (JSON, CSV), plotted, and a deep model's report kept readable."""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import pytest
import torch
from torch import nn

import gradprobe
from gradprobe import GradHistory, GradReport, group_layers
from gradprobe.models import mlp


@pytest.fixture(scope="module")
def history() -> GradHistory:
    class WithAux(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.body, self.aux = mlp(2, 8, 4, 1), nn.Linear(8, 1)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return self.body(x)

    torch.manual_seed(0)
    model = WithAux()
    with gradprobe.watch(model, every=2) as recorded:
        for _ in range(5):
            model(torch.randn(3, 4)).square().sum().backward()
    return recorded


@pytest.mark.parametrize("suffix", [".json", ".csv"])
def test_save_and_load_keep_every_value(history, tmp_path, suffix):
    loaded = GradHistory.load(history.save(tmp_path / f"run{suffix}"))
    assert loaded.layers == history.layers and loaded.steps == history.steps == (0, 2, 4)
    assert loaded.passes == 5 and loaded.stride == 2 and loaded.unit == "pass"
    assert torch.equal(loaded.has_grad, history.has_grad) and not loaded.has_grad[:, -1].any()
    assert torch.allclose(loaded.norms.nan_to_num(-1), history.norms.nan_to_num(-1), rtol=0, atol=0)
    assert loaded.report(1) == history.report(1)
    assert loaded.report().norm("aux") is None


def test_saved_csv_is_one_row_per_record_with_empty_cells_for_no_gradient(history, tmp_path):
    lines = history.save(tmp_path / "run.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith('"# gradprobe-history/1 {')
    assert lines[1].split(",")[:5] == ["step", "total", "loss_scale", "pre_clip_total", "clipped"]
    assert lines[1].split(",")[5:] == list(history.layers)
    assert len(lines) == 2 + len(history.steps) and lines[2].endswith(",")  # aux: no gradient


def test_loading_something_else_is_a_clear_error(tmp_path):
    (tmp_path / "x.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(ValueError, match="is not a gradprobe history CSV"):
        GradHistory.load(tmp_path / "x.csv")
    with pytest.raises(ValueError, match=r"use a \.json or \.csv file name"):
        GradHistory(["a"]).save(tmp_path / "x.txt")


def test_to_dict_marks_missing_gradients_as_none(history):
    data = history.to_dict()
    assert data["layers"][-1] == "aux" and [row[-1] for row in data["norms"]] == [None] * 3
    assert all(isinstance(v, float) for v in data["norms"][0][:-1])


@pytest.mark.parametrize("lang, xlabel", [("en", "Backward pass"), ("ru", "Обратный проход")])
def test_plot_draws_the_per_layer_heatmap_in_the_chosen_language(history, lang, xlabel):
    fig = history.plot(lang=lang)
    ax = fig.axes[0]
    assert ax.get_xlabel() == xlabel
    assert [t.get_text() for t in ax.get_yticklabels()] == list(history.layers)
    plt.close(fig)
    with pytest.raises(ValueError, match="lang must be one of en, ru, tr, pt"):
        history.plot(lang="de")


def deep_report() -> GradReport:
    """A 200-layer stack whose norms fall by 100 per block from block 14 down to block 0."""
    names, norms = [], []
    for block in range(20):
        for part in range(10):
            names.append(f"blocks.{block}.{part}")
            norms.append(100.0 ** (min(block, 14) - 14) * (1 + part / 10))
    return GradReport(tuple(names), tuple(norms))


def test_a_deep_report_names_where_the_norm_falls_and_stays_readable():
    report = deep_report()
    assert report.verdict == "vanishing"
    assert "from `blocks.14.0` down to `blocks.0.0`" in report.cause
    assert report.cause_layers == ("blocks.14.0", "blocks.0.0")
    short = report.table(top=8).splitlines()
    assert len(short) <= 8 + 1 + 1 + 8  # header, summary, and at most one "more layers" line per gap
    shown = [line.split()[1] for line in short[1:-1] if not line.strip().startswith("...")]
    assert {"blocks.0.0", "blocks.19.9", "blocks.14.0"} <= set(shown)
    assert sum(int(line.split()[1]) for line in short if line.strip().startswith("...")) == 200 - len(shown)
    blocks = group_layers(report, depth=2)
    assert len(blocks.layers) == 20 and blocks.verdict == "vanishing"
    assert "from `blocks.14` down to `blocks.0`" in blocks.summary()


def test_top_must_be_a_positive_int():
    with pytest.raises(ValueError, match="top must be a positive number of rows"):
        deep_report().table(top=0)


@pytest.mark.parametrize(
    "env, lang, address",
    [
        ({}, None, "https://gradient-glossary.github.io/gradient-glossary/vanishing-gradient/#fixes"),
        (
            {"LANG": "ru_RU.UTF-8"},
            None,
            "https://gradient-glossary.github.io/gradient-glossary/ru/vanishing-gradient/#fixes",
        ),
        ({"LANG": "C.UTF-8", "LANGUAGE": "pt_BR:pt"}, None, "/gradient-glossary/pt/vanishing-gradient/#fixes"),
        (
            {"LANG": "ru_RU.UTF-8"},
            "tr",
            "https://gradient-glossary.github.io/gradient-glossary/tr/vanishing-gradient/#fixes",
        ),
    ],
)
def test_a_verdict_links_to_its_fixes_in_the_users_language(monkeypatch, env, lang, address):
    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(variable, raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    summary = deep_report().summary(lang=lang)
    assert summary.endswith(address)
    assert math.isfinite(deep_report().ratio)


def test_healthy_reports_carry_no_link():
    assert "see http" not in GradReport(("a", "b"), (1.0, 1.0)).summary()
