"""Each measurable sentence of docs/real-training.md, asserted on what its snippets printed (the snippet
test keeps those outputs equal to fresh runs), and the addresses verdicts link to exist on the site."""

from __future__ import annotations

import re

from conftest import ROOT
from pages import LANGUAGES

from gradprobe import site

OUT = ROOT / "snippets"


def output(name: str) -> str:
    return (OUT / f"real_training_{name}.out").read_text(encoding="utf-8")


def test_amp_watched_with_the_scaler_is_healthy_and_without_it_looks_exploding():
    lines = output("amp").splitlines()
    assert lines[0] == "loss scale at each pass: [65536.0, 65536.0, 65536.0]"  # "65536 to start with"
    assert lines[1].split()[:3] == ["with", "scaler=:", "verdict:"] and "healthy" in lines[1]
    assert "exploding" in lines[2] and "pass scaler= to watch()" in lines[2]  # "the report says so and says why"


def test_sixteen_passes_four_steps_each_clipped_to_the_threshold():
    lines = output("accumulation").splitlines()
    assert lines[0] == "backward passes: 16, optimizer steps recorded: 4"
    rows = [line.split() for line in lines[2:]]
    assert len(rows) == 4
    assert all(
        float(before) > 1.0 and float(applied) == 1.0 and clipped == "True" for _, before, applied, clipped in rows
    )


def test_grouped_report_names_the_block_where_the_norm_starts_to_fall():
    text = output("deep")
    assert text.startswith("201 layers\n")
    grouped = text.split("\n\n")[1]
    assert "verdict: vanishing" in grouped and "from `blocks.8` down to `blocks.0`" in grouped
    source = (OUT / "real_training_deep.py").read_text(encoding="utf-8")
    assert "gain=0.75 if i < 8 else 1.1" in source  # "the eight blocks below it are the ones initialized too small"
    assert re.search(r"\.\.\. \d+ more layers \.\.\.", text)


def test_history_round_trip_keeps_the_norms():
    assert "same norms after a round trip: True" in output("history")


def test_every_verdict_links_to_a_section_that_exists_in_every_language():
    for verdict, target in site.FIXES.items():
        slug, anchor = target.split("/#")
        for lang in LANGUAGES:
            page = ROOT / "docs" / (f"{slug}.md" if lang == "en" else f"{slug}.{lang}.md")
            assert page.exists(), f"{verdict} links to {page.relative_to(ROOT)}, which does not exist"
            assert "{#" + anchor + "}" in page.read_text(encoding="utf-8"), f"{page.name} has no #{anchor}"


def test_the_site_languages_are_gradprobes():
    assert tuple(LANGUAGES) == site.LANGUAGES


def test_lightning_callback_logs_clipping_exactly_when_it_fired():
    lines = output("lightning").splitlines()
    assert lines[0].startswith("logged: gradprobe/clipped, gradprobe/layer/net.0")
    rows = [line.split() for line in lines[2:6]]
    clip = 3.0  # gradient_clip_val in the snippet
    assert "gradient_clip_val=3.0" in (OUT / "real_training_lightning.py").read_text(encoding="utf-8")
    assert [clipped for *_, clipped in rows] == ["0", "0", "1", "1"]  # "the first two steps stay under it"
    for _, before, applied, clipped in rows:
        assert float(applied) == min(float(before), clip) and (clipped == "1") == (float(before) > clip)


def test_huggingface_callback_agrees_with_the_trainers_grad_norm():
    rows = [line.split() for line in output("huggingface").splitlines()[2:]]
    assert len(rows) == 4
    assert all(trainer == ours for _, trainer, ours, _, _ in rows)  # "the same number, to the fourth decimal"
    assert [clipped for *_, clipped in rows] == ["0", "0", "1", "1"]
    assert all(float(applied) == min(float(before), 1.0) for _, _, before, applied, _ in rows)


def test_tensorboard_gets_a_scalar_per_layer_and_the_verdict_as_text():
    lines = output("tensorboard").splitlines()
    assert "gradprobe/layer/0" in lines[0] and "gradprobe/pre_clip_total" in lines[0]
    assert lines[2].startswith("text: verdict: healthy")
