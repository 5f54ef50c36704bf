"""gradprobe.yolo, snippets/yolo_train.py and every measurable sentence of docs/yolo.md, asserted.

Ultralytics is never imported in the pytest process (it reads its settings at import, and changes
logging and thread settings): everything that needs it runs in a fresh interpreter.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import json
import math
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path
from statistics import geometric_mean

import numpy as np
import pytest
import torch
import yaml
from conftest import ROOT
from PIL import Image
from torch import nn

import gradprobe
import gradprobe.yolo as gy
from gradprobe.errors import GradProbeError

needs_ultralytics = pytest.mark.skipif(
    importlib.util.find_spec("ultralytics") is None, reason='the yolo extra is not installed: pip install -e ".[yolo]"'
)
SNIPPET = ROOT / "snippets" / "yolo_train.py"
FIGURE_DATA = ROOT / "snippets" / "yolo_layer_norms.json"  # the figure's data, from the run below
PAGE = (ROOT / "docs" / "yolo.md").read_text(encoding="utf-8")


# --- dataset -----------------------------------------------------------------------------------------------------


def test_dataset_has_images_labels_and_data_yaml(tmp_path: Path):
    data = gy.shapes_dataset(tmp_path / "shapes", train=6, val=3, size=64, seed=1)
    spec = yaml.safe_load(data.read_text(encoding="utf-8"))
    assert spec["names"] == dict(enumerate(gy.CLASSES))
    assert Path(spec["path"]) == (tmp_path / "shapes").resolve()
    for split, count in (("train", 6), ("val", 3)):
        images = sorted((Path(spec["path"]) / spec[split]).glob("*.png"))
        labels = sorted((tmp_path / "shapes" / "labels" / split).glob("*.txt"))
        assert [p.stem for p in images] == [p.stem for p in labels] and len(images) == count
        for image_file, label_file in zip(images, labels):
            pixels = np.asarray(Image.open(image_file))
            assert pixels.shape == (64, 64, 3)
            rows = [line.split() for line in label_file.read_text(encoding="utf-8").splitlines()]
            assert 1 <= len(rows) <= 3
            for cls, *box in rows:
                cx, cy, w, h = map(float, box)
                assert int(cls) in range(len(gy.CLASSES))
                assert 0 < w <= 1 and 0 < h <= 1
                eps = 1e-6  # labels are written with 6 decimals
                assert -eps <= cx - w / 2 and cx + w / 2 <= 1 + eps and -eps <= cy - h / 2 and cy + h / 2 <= 1 + eps
                # the box's centre lies on a drawn shape (channels 0 or 255), never on the grey noise (60..195)
                centre = pixels[int(cy * 64), int(cx * 64)]
                assert set(centre.tolist()) <= {0, 255}, f"{label_file.name}: no shape at the centre of {box}"


def test_dataset_is_the_same_files_for_the_same_seed(tmp_path: Path):
    def files(root: Path) -> dict[str, bytes]:
        return {
            p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*"))
            if p.is_file() and p.name != "data.yaml"
        }

    a, b, c = (
        gy.shapes_dataset(tmp_path / name, train=4, val=2, seed=seed).parent
        for name, seed in (("a", 0), ("b", 0), ("c", 1))
    )
    assert files(a) == files(b)
    assert files(a) != files(c)


def test_dataset_errors_are_clear(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    a_file = tmp_path / "file"
    a_file.write_text("x")
    with pytest.raises(NotADirectoryError, match="is a file"):
        gy.shapes_dataset(a_file)
    with pytest.raises(PermissionError, match="cannot create the dataset directory"):
        gy.shapes_dataset(a_file / "below")
    with pytest.raises(ValueError, match="train must be an integer >= 1"):
        gy.shapes_dataset(tmp_path / "d", train=0)
    with pytest.raises(ValueError, match="size must be an integer >= 32"):
        gy.shapes_dataset(tmp_path / "d", size=16)
    monkeypatch.setattr(os, "access", lambda *_: False)  # tests may run as root, who can write anywhere
    with pytest.raises(PermissionError, match="not writable"):
        gy.shapes_dataset(tmp_path / "read-only")


# --- install hint, offline environment ---------------------------------------------------------------------------


def test_missing_ultralytics_tells_how_to_install(monkeypatch: pytest.MonkeyPatch):
    find_spec = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "ultralytics" else find_spec(name, *a)
    )
    with pytest.raises(ModuleNotFoundError, match=re.escape('pip install "gradprobe[yolo]"')):
        gy.require_ultralytics()
    with pytest.raises(ModuleNotFoundError, match=r"AGPL-3\.0"), gy.offline_environment("/nonexistent"):
        pass


def run_fresh(code: str, cwd: Path, env: dict[str, str] | None = None) -> str:
    """Run ``code`` in a fresh interpreter (Ultralytics not yet imported) and return its stdout."""
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **(env or {})},
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


@needs_ultralytics
def test_offline_environment_is_what_ultralytics_reads_at_import(tmp_path: Path):
    out = run_fresh(
        f"""
        import json, os
        import gradprobe.yolo as gy
        names = list(gy.offline_variables({str(tmp_path)!r}))
        before = {{name: os.environ.get(name) for name in names}}
        with gy.offline_environment({str(tmp_path)!r}) as config:
            import ultralytics.utils as u
            from ultralytics.utils.checks import check_font
            seen = {{"online": u.ONLINE, "is_online": u.is_online(), "autoinstall": u.AUTOINSTALL,
                     "config": str(u.USER_CONFIG_DIR), "yielded": str(config), "font": str(check_font("Arial.ttf")),
                     "settings": str(u.SETTINGS.file), "verbose": u.VERBOSE}}
        seen["restored"] = {{name: os.environ.get(name) for name in names}} == before
        try:
            with gy.offline_environment({str(tmp_path / "other")!r}):
                pass
        except gy.GradProbeError as error:
            seen["second"] = str(error)
        print(json.dumps(seen))
        """,
        cwd=tmp_path,
    )
    seen = json.loads(out)
    config = tmp_path.resolve() / "config" / "Ultralytics"
    assert seen["online"] is False and seen["is_online"] is False and seen["autoinstall"] is False
    assert seen["verbose"] is False
    assert Path(seen["config"]) == Path(seen["yielded"]) == config
    assert Path(seen["settings"]).parent == config
    assert Path(seen["font"]) == config / "Arial.ttf"  # found locally: no download attempt
    assert (config / "Arial.ttf").read_bytes()[:4] == b"\x00\x01\x00\x00"  # a TrueType font
    assert seen["restored"], "offline_environment did not restore the environment"
    assert "imported before offline_environment" in seen["second"]


def test_offline_variables_cover_settings_fonts_and_caches(tmp_path: Path):
    variables = gy.offline_variables(tmp_path)
    assert variables["YOLO_OFFLINE"] == "1" and variables["YOLO_AUTOINSTALL"] == "0"
    for name in ("YOLO_CONFIG_DIR", "MPLCONFIGDIR", "TORCHINDUCTOR_CACHE_DIR"):
        assert Path(variables[name]).is_relative_to(tmp_path.resolve())


# --- watch_training and by_layer_index, without Ultralytics ------------------------------------------------------


class FakeYOLO:
    """What watch_training uses of ultralytics.YOLO: add_callback and the callbacks dict."""

    def __init__(self) -> None:
        self.callbacks: dict[str, list] = {"on_train_start": []}

    def add_callback(self, event: str, func) -> None:
        self.callbacks[event].append(func)


class Detector(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.model = nn.Sequential(nn.Sequential(nn.Linear(4, 8), nn.BatchNorm1d(8)), nn.ReLU(), nn.Linear(8, 1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.model(x)


def test_watch_training_records_the_trainers_model_before_clipping():
    torch.manual_seed(0)
    yolo, trained = FakeYOLO(), Detector()
    optimizer = torch.optim.SGD(trained.parameters(), lr=0.1)
    trainer = type("Trainer", (), {"model": trained, "optimizer": optimizer})()
    with gy.watch_training(yolo) as run:
        with pytest.raises(GradProbeError, match="no training has started"):
            _ = run.history
        for callback in yolo.callbacks["on_train_start"]:
            callback(trainer)
        for _ in range(3):  # what BaseTrainer does: backward, clip to 10, step, zero_grad
            (1000 * trained(torch.randn(16, 4)).square().mean()).backward()
            torch.nn.utils.clip_grad_norm_(trained.parameters(), max_norm=10.0)
            optimizer.step()
            optimizer.zero_grad()
    assert yolo.callbacks["on_train_start"] == []  # the callback is removed on exit
    assert run.history.layers == ("model.0.0", "model.0.1", "model.2")
    assert len(run.history.steps) == 3 and run.trainer is trainer
    assert all(run.history.report(i).total_norm > 10 for i in range(3))
    assert run.step_norms == pytest.approx([10.0] * 3, rel=1e-5)
    steps = [run.steps.report(i) for i in range(3)]
    assert all(r.clipped for r in steps)
    assert [r.pre_clip_total for r in steps] == pytest.approx(
        [run.history.report(i).total_norm for i in range(3)], rel=1e-6
    )
    (trained(torch.randn(16, 4)).sum()).backward()
    assert run.history.passes == 3, "hooks must be removed when the block ends"


def test_watch_training_rejects_what_is_not_a_yolo_model():
    with pytest.raises(TypeError, match="ultralytics YOLO model"), gy.watch_training(nn.Linear(2, 2)):
        pass


def test_by_layer_index_combines_modules_into_yolo_layers():
    model = Detector()
    with gradprobe.watch(model) as history:
        model(torch.randn(8, 4)).sum().backward()
    layers, norms = gy.by_layer_index(history)
    per_module = history.norms[0].tolist()
    assert layers == [0, 2]
    assert norms[0].tolist() == pytest.approx([math.hypot(per_module[0], per_module[1]), per_module[2]])
    with pytest.raises(ValueError, match="not inside a YOLO layer"):
        gy.by_layer_index(history, prefix="backbone.")


# --- the snippet, run offline in a sandbox -----------------------------------------------------------------------


def unshare_works() -> bool:
    try:
        return subprocess.run(["unshare", "-rn", "true"], capture_output=True, timeout=30).returncode == 0
    except (FileNotFoundError, subprocess.TimeoutExpired):
        return False


def repo_state() -> dict[str, tuple[int, int | str]]:
    """Every file of the repository, its virtual environment included: size and content hash
    (size and modification time in .venv, which is large and which nobody edits by hand).

    Left out: what Python and the test runner write themselves (bytecode, pytest's cache, git,
    the browser tests' screenshots). Content, not time, so a file rewritten unchanged does not count.
    """
    skip = {".git", "__pycache__", ".pytest_cache", "test-artifacts"}
    state: dict[str, tuple[int, int | str]] = {}
    for folder, dirs, files in os.walk(ROOT):
        dirs[:] = [d for d in dirs if d not in skip]
        for name in files:
            path = Path(folder, name)
            rel = path.relative_to(ROOT).as_posix()
            try:
                info = path.lstat()
                fast = rel.startswith(".venv/") or info.st_size > 2_000_000 or path.is_symlink()
                state[rel] = (info.st_size, info.st_mtime_ns if fast else hashlib.sha1(path.read_bytes()).hexdigest())
            except FileNotFoundError:  # removed while walking
                continue
    return state


@pytest.fixture(scope="module")
def sandboxed_run(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """snippets/yolo_train.py run once with no network (if unshare works), HOME, TMPDIR and cwd in a temp dir."""
    if importlib.util.find_spec("ultralytics") is None:
        pytest.skip('the yolo extra is not installed: pip install -e ".[yolo]"')
    base = tmp_path_factory.mktemp("yolo-sandbox")
    home, tmp, cwd = base / "home", base / "tmp", base / "cwd"
    for folder in (home, tmp, cwd):
        folder.mkdir()
    isolated = unshare_works()
    env = {**os.environ, "HOME": str(home), "TMPDIR": str(tmp), "PYTHONHASHSEED": "0", "MPLBACKEND": "Agg"}
    for name in ("YOLO_CONFIG_DIR", "MPLCONFIGDIR", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "TORCHINDUCTOR_CACHE_DIR"):
        env.pop(name, None)  # whatever the caller set, the snippet must set up its own
    command = (["unshare", "-rn"] if isolated else []) + [sys.executable, str(SNIPPET)]
    before = repo_state()
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    after = repo_state()
    assert result.returncode == 0, f"{SNIPPET.name} failed:\n{result.stderr[-3000:]}"
    return {
        "stdout": result.stdout,
        "isolated": isolated,
        "before": before,
        "after": after,
        "left": sorted(p.relative_to(base).as_posix() for p in base.rglob("*") if p.is_file()),
    }


@pytest.mark.slow
def test_snippet_prints_what_the_page_shows(sandboxed_run: dict):
    assert sandboxed_run["stdout"] == (ROOT / "snippets" / "yolo_train.out").read_text(encoding="utf-8")


@pytest.mark.slow
def test_snippet_writes_no_file_outside_its_temporary_directory(sandboxed_run: dict):
    assert sandboxed_run["left"] == [], "left in HOME, TMPDIR or the working directory"
    before, after = sandboxed_run["before"], sandboxed_run["after"]
    changed = sorted(p for p in before.keys() | after.keys() if before.get(p) != after.get(p))
    assert not changed, f"the snippet changed files of the repository: {changed[:20]}"


@pytest.mark.slow
def test_snippet_runs_with_no_network(sandboxed_run: dict):
    if not sandboxed_run["isolated"]:
        pytest.skip(
            "`unshare -rn` (a user namespace without network) is not permitted here, so the snippet ran "
            "with the network available; its output and files were still checked"
        )
    # it ran inside `unshare -rn`, where no interface but loopback exists, and succeeded
    assert sandboxed_run["stdout"]


def test_coco8_snippet_is_marked_not_run_and_compiles():
    source = (ROOT / "snippets" / "yolo_coco8.py").read_text(encoding="utf-8")
    compile(source, "yolo_coco8.py", "exec")
    assert "# Not run in CI: needs network" in source  # tests/test_snippets.py skips running it for that mark
    assert 'data="coco8.yaml"' in source and "coco128.yaml" in source
    assert not (ROOT / "snippets" / "yolo_coco8.out").exists()


# --- the page's claims -------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def run() -> dict:
    """One training of YOLO11n exactly as the snippet does it, with everything the page says measured."""
    if importlib.util.find_spec("ultralytics") is None:
        pytest.skip('the yolo extra is not installed: pip install -e ".[yolo]"')
    from gradprobe.experiments import yolo as experiment

    return experiment.run()


def claim(sentence: str) -> None:
    """The sentence is on the page (whitespace-insensitive), so the assertion next to it stays tied to it."""
    assert " ".join(sentence.split()) in " ".join(PAGE.split()), f"docs/yolo.md no longer says: {sentence!r}"


def snippet_setup() -> dict:
    source = SNIPPET.read_text(encoding="utf-8")
    values = dict(re.findall(r"\b(train|val|size|epochs|imgsz|batch|nbs)=(\d+)", source))
    return {k: int(v) for k, v in values.items()}


def test_the_experiment_trains_exactly_as_the_snippet():
    from gradprobe.experiments.yolo import SETUP

    setup = snippet_setup()
    assert {k: setup[k] for k in SETUP} == SETUP and setup["size"] == setup["imgsz"] and setup["nbs"] == setup["batch"]


@pytest.mark.slow
def test_snippet_output_matches_the_experiments_first_pass(run: dict):
    shown = (ROOT / "snippets" / "yolo_train.out").read_text(encoding="utf-8")
    rows = re.findall(r"^  model\.(\d+)\s+(\w+)\s+([\d.]+)$", shown, re.M)
    assert [(int(i), t) for i, t, _ in rows] == list(zip(run["layers"], run["layer_types"]))
    assert [float(v) for _, _, v in rows] == pytest.approx(run["layer_norms"][0], abs=0.006)


@pytest.mark.slow
def test_yolo11n_layers_strides_and_what_got_gradients(run: dict):
    claim("with 24 layers")
    claim("at strides 8, 16 and 32")
    claim(
        "for all 168 modules that have trainable parameters, which make up 18 of the 24 layers: the other six, "
        "two `Upsample` and four `Concat`, have no weights"
    )
    claim("All 18 layers got a non-zero gradient at every one of the 16 steps")
    arch = run["architecture"]
    assert run["num_layers"] == 24 and run["strides"] == [8, 16, 32]
    assert len(run["modules"]) == 168 and len(run["layers"]) == 18
    weightless = [t for i, t in enumerate(arch["layer_types"]) if i not in run["layers"]]
    assert sorted(weightless) == ["Concat"] * 4 + ["Upsample"] * 2
    assert len(run["steps"]) == len(run["post_clip"]) == 16 == snippet_setup()["train"] // snippet_setup()["batch"]
    assert all(0 < v < math.inf for row in run["layer_norms"] for v in row)


@pytest.mark.slow
def test_nbs_equal_to_batch_means_one_step_per_backward_pass(run: dict):
    claim("by default it accumulates gradients up to a nominal batch of 64 images")
    claim("Each recorded backward pass is then one training step")
    from importlib.resources import files

    defaults = yaml.safe_load(files("ultralytics").joinpath("cfg/default.yaml").read_text(encoding="utf-8"))
    assert defaults["nbs"] == 64
    events = [e for e in run["events"] if e in ("backward end", "optimizer step")]
    assert events == ["backward end", "optimizer step"] * 16


@pytest.mark.slow
def test_trainer_trains_a_new_module_and_no_callback_runs_between_backward_and_step(run: dict):
    claim("for a model built from its YAML file it creates a new one, `trainer.model`, when training starts")
    claim("Hooks placed on `model.model` before `train()` see no backward pass at all")
    claim("No Ultralytics callback runs between `backward()` and the optimizer step")
    assert run["trains_built_model"] is False
    assert run["passes_seen_on_built_model"] == 0
    events = run["events"]
    ends = [i for i, e in enumerate(events) if e == "backward end"]
    assert ends and all(events[i + 1] == "optimizer step" for i in ends)


@pytest.mark.slow
def test_first_layer_keeps_up_with_the_head(run: dict):
    claim(
        "The first layer, `0 Conv`, gets a gradient within two orders of magnitude of the `Detect` head's at "
        "every step, and at the first step it is about five times larger than the head's"
    )
    claim("The verdict of the first step's report is `healthy`")
    norms = np.array(run["layer_norms"])
    first_over_head = norms[:, 0] / norms[:, run["layers"].index(23)]
    assert run["layers"][0] == 0 and run["layer_types"][-1] == "Detect"
    assert np.all((first_over_head > 1e-2) & (first_over_head < 1e2))
    assert 4 < first_over_head[0] < 6
    assert run["verdicts"][0] == "healthy"


@pytest.mark.slow
def test_the_reports_ratio_compares_single_modules(run: dict):
    claim(
        "The first/last ratio of the report, 9.2, compares something else: gradprobe reports single modules, so it "
        "divides the first convolution, `model.0.conv`, by the last module with parameters, the stride-32 class "
        "output `model.23.cv3.2.2`, rather than whole layers"
    )
    modules, norms = run["modules"], run["module_norms"][0]
    assert modules[0] == "model.0.conv" and modules[-1] == "model.23.cv3.2.2"
    assert round(run["ratios"][0], 1) == 9.2 == round(norms[0] / norms[-1], 1)
    layers = run["layer_norms"][0]
    assert round(layers[0] / layers[run["layers"].index(23)]) == 5  # "about five times", per YOLO layer"


@pytest.mark.slow
def test_neck_layers_feeding_strides_16_and_32_get_the_smallest_gradients(run: dict):
    claim(
        "The four neck layers 17, 19, 20 and 22 are the exception: from the fourth step on, each of them gets a "
        "smaller gradient than every other layer, on average about a hundred times smaller"
    )
    claim(
        "They only feed the `Detect` outputs at strides 16 and 32, which on 64-pixel images are grids of 4 × 4 "
        "and 2 × 2 cells"
    )
    norms = np.array(run["layer_norms"])
    neck = [run["layers"].index(i) for i in (17, 19, 20, 22)]
    rest = [j for j in range(len(run["layers"])) if j not in neck]
    assert np.all(norms[3:, neck].max(axis=1) < norms[3:, rest].min(axis=1))
    ratio = geometric_mean(norms[3:, rest].ravel()) / geometric_mean(norms[3:, neck].ravel())
    assert 30 < ratio < 300, ratio
    # the layer graph: Detect reads layers 16, 19 and 22 (strides 8, 16, 32); 17-22 are not upstream of 16
    inputs = [[j if j >= 0 else i + j for j in f] for i, f in enumerate(run["architecture"]["inputs"])]
    assert inputs[23] == [16, 19, 22]

    def upstream(layer: int) -> set[int]:
        return {layer}.union(*(upstream(j) for j in inputs[layer])) if layer > 0 else {0}

    assert not upstream(16) & {17, 18, 19, 20, 21, 22}
    assert {17, 19} <= upstream(19) and {17, 19, 20, 22} <= upstream(22)
    imgsz = snippet_setup()["imgsz"]
    assert [imgsz // s for s in run["strides"][1:]] == [4, 2]


@pytest.mark.slow
def test_box_branch_of_the_coarsest_output_gets_no_gradient_at_some_steps(run: dict):
    claim(
        "the box branch of the stride-32 output, `model.23.cv2.2`, got exactly zero gradient at several steps, "
        "the first two among them"
    )
    modules, norms = run["modules"], np.array(run["module_norms"])
    branch = [j for j, name in enumerate(modules) if name.startswith("model.23.cv2.2.")]
    assert len(branch) == 5  # two Conv blocks (conv + bn each) and the output convolution
    zero_steps = [i for i in range(len(norms)) if np.all(norms[i, branch] == 0)]
    assert zero_steps[:2] == [0, 1] and len(zero_steps) >= 3
    zeros = {modules[j] for i, j in zip(*np.nonzero(norms == 0))}
    assert all(name.startswith(("model.23.cv2.1.", "model.23.cv2.2.")) for name in zeros)  # box branches only
    assert all(np.all(norms[i, branch] == 0) for i, j in zip(*np.nonzero(norms == 0)))  # whole branch at once
    claim("the box loss only counts grid cells that were assigned an object")
    loss = Path(importlib.util.find_spec("ultralytics.utils.loss").origin).read_text(encoding="utf-8")
    box_loss = loss.split("class BboxLoss", 1)[1].split("\nclass ", 1)[0]
    assert "pred_bboxes[fg_mask]" in box_loss and "pred_dist[fg_mask]" in box_loss  # fg_mask: assigned cells


@pytest.mark.slow
def test_batchnorm_silu_and_residual_bottlenecks(run: dict):
    claim(
        "All 81 `Conv` blocks of YOLO11n (75 `Conv` and 6 depthwise `DWConv`) are a convolution followed by "
        "`BatchNorm2d` and an activation"
    )
    claim(
        "The only convolutions without one are the six output convolutions of the `Detect` head and its fixed "
        "DFL convolution, which is frozen and gets no gradient"
    )
    claim("77 of the 81 blocks use SiLU")
    claim("the other four are linear projections inside the `C2PSA` attention block")
    claim("All 11 `Bottleneck` blocks inside them add their input back")
    claim("The `C3k2` blocks are CSP blocks")
    arch = run["architecture"]
    assert arch["conv_blocks"] == arch["conv_blocks_with_batchnorm"] == 81
    assert arch["conv_block_types"] == {"Conv": 75, "DWConv": 6}
    plain = arch["plain_conv2d"]
    assert len(plain) == 7 and all(p.startswith("model.23.") for p in plain)
    assert sorted(p for p in plain if "dfl" not in p) == [f"model.23.cv{c}.{s}.2" for c in (2, 3) for s in range(3)]
    assert arch["frozen"] == ["model.23.dfl.conv.weight"]
    assert not any(name.startswith("model.23.dfl") for name in run["modules"])  # so gradprobe skips it
    assert arch["conv_block_activations"] == {"SiLU": 77, "Identity": 4}
    assert run["layer_types"][run["layers"].index(10)] == "C2PSA"
    assert len(arch["linear_conv_blocks"]) == 4 and all(n.startswith("model.10.") for n in arch["linear_conv_blocks"])
    assert arch["bottlenecks"] == arch["residual_bottlenecks"] == 11
    assert arch["c3k2_is_csp"] and arch["c3k2_layers"] == [2, 4, 6, 8, 13, 16, 19, 22]


def test_silu_derivative_approaches_one_unlike_the_sigmoids():
    claim(
        "SiLU, \\(x\\,\\sigma(x)\\), whose derivative approaches 1 for large inputs instead of shrinking like "
        "the sigmoid's"
    )
    z = torch.linspace(5, 30, 1000, requires_grad=True)
    nn.functional.silu(z).sum().backward()
    assert torch.all((z.grad - 1).abs() < 0.03) and (z.grad[-1] - 1).abs() < 1e-6
    s = torch.linspace(5, 30, 1000, requires_grad=True)
    torch.sigmoid(s).sum().backward()
    assert s.grad.max() < 7e-3


@pytest.mark.slow
def test_trainer_clips_every_step_to_total_norm_ten(run: dict):
    claim("Before every optimizer step the trainer scales the gradients down so that their total norm is at most 10")
    claim(
        "the total norm before clipping was above 10 at every step, from about 20 to several hundred, so every "
        "step was clipped to a norm of exactly 10"
    )
    pre, post = run["pre_clip"], run["post_clip"]
    assert len(pre) == len(post) == 16
    assert post == pytest.approx([min(p, 10.0) for p in pre], rel=1e-5)  # clip_grad_norm_(max_norm=10)
    assert 15 < min(pre) < 30 and 200 < max(pre) < 1000


def shown_steps() -> list[tuple[float, float, bool]]:
    """The snippet's table of the first optimizer steps: norm before clipping, applied, clipped."""
    shown = (ROOT / "snippets" / "yolo_train.out").read_text(encoding="utf-8")
    rows = re.findall(r"^  step \d+\s+([\d.]+)\s+([\d.]+)\s+(True|False)$", shown, re.M)
    return [(float(before), float(after), clipped == "True") for before, after, clipped in rows]


def test_the_page_shows_each_first_steps_norm_before_and_after_clipping_in_every_language():
    steps = shown_steps()
    assert len(steps) == 4 and all(clipped and after == 10.0 < before for before, after, clipped in steps)
    befores = [f"{before:.2f}" for before, _, _ in steps]
    claim(
        f"The output above lists the first four steps: {', '.join(befores[:3])} and {befores[3]} before "
        "clipping, 10.00 after."
    )
    local = [before.replace(".", ",") for before in befores]  # decimal commas, listed with semicolons
    for lang in ("ru", "tr", "pt"):
        page = " ".join((ROOT / "docs" / f"yolo.{lang}.md").read_text(encoding="utf-8").split())
        assert "; ".join(local[:3]) in page and local[3] in page and "10,00" in page, f"yolo.{lang}.md"


@pytest.mark.slow
def test_the_shown_steps_are_the_experiments(run: dict):
    steps = shown_steps()
    assert [before for before, _, _ in steps] == pytest.approx(run["pre_clip"][:4], abs=0.006)
    assert [after for _, after, _ in steps] == pytest.approx(run["post_clip"][:4], abs=0.006)


def test_trainer_source_clips_at_total_norm_ten():
    if importlib.util.find_spec("ultralytics") is None:
        pytest.skip('the yolo extra is not installed: pip install -e ".[yolo]"')
    source = Path(importlib.util.find_spec("ultralytics.engine").submodule_search_locations[0], "trainer.py")
    step = source.read_text(encoding="utf-8").split("def optimizer_step", 1)[1].split("\n    def ", 1)[0]
    assert "clip_grad_norm_(self.model.parameters(), max_norm=10.0)" in step
    assert step.index("clip_grad_norm_") < step.index("scaler.step(self.optimizer)") < step.index("zero_grad()")


@needs_ultralytics
def test_ultralytics_is_agpl():
    claim("Ultralytics is licensed under the AGPL-3.0")
    meta = importlib.metadata.metadata("ultralytics")
    licence = " ".join(
        [meta.get("License", "") or "", meta.get("License-Expression", "") or "", *meta.get_all("Classifier", [])]
    )
    assert "AGPL" in licence


@needs_ultralytics
def test_coco8_and_coco128_are_ultralytics_datasets_of_8_and_128_images():
    claim(
        "Ultralytics downloads COCO8, eight images from COCO, the first time `coco8.yaml` is used; `coco128.yaml` "
        "gives 128 images"
    )
    from importlib.resources import files

    datasets = files("ultralytics").joinpath("cfg/datasets")
    assert "first 8 images" in datasets.joinpath("coco8.yaml").read_text(encoding="utf-8")
    assert "first 128 images" in datasets.joinpath("coco128.yaml").read_text(encoding="utf-8")
    assert "download:" in datasets.joinpath("coco8.yaml").read_text(encoding="utf-8")


# --- the figure -------------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_figure_data_is_a_fresh_runs_with_one_row_per_yolo_layer_in_every_language(run: dict, update_outputs: bool):
    """The figure is drawn from the checked-in FIGURE_DATA (the site build trains nothing); it matches
    this run, to the four digits it keeps. ``make outputs`` rewrites it."""
    from sitekit.figures import figure_data, figure_specs, figure_texts, render_svg

    from gradprobe.experiments.yolo import layer_series

    series = {key: [float(f"{v:.4g}") for v in values] for key, values in layer_series(run).items()}
    if update_outputs:
        FIGURE_DATA.write_text(json.dumps(series, indent=1) + "\n", encoding="utf-8")
    spec = figure_specs()["yolo-gradient-norms"]
    assert spec == {"data": FIGURE_DATA.relative_to(ROOT).as_posix(), "plot": "gradprobe.plots:log_heatmap"}
    shown = figure_data("yolo-gradient-norms", spec)
    assert list(shown) == [f"{i} {t}" for i, t in zip(run["layers"], run["layer_types"])]
    for key, values in series.items():
        assert shown[key] == pytest.approx(values, rel=1e-3, abs=1e-12), f"{FIGURE_DATA.name}: row {key}; make outputs"
    texts = figure_texts()
    for language, text in texts["yolo-gradient-norms"].items():
        assert set(text["series"]) == set(shown), f"i18n/figures.yml: row labels of {language}"
        svg = render_svg("yolo-gradient-norms", language, spec, shown, texts)
        assert len(svg.encode()) < 150_000
        assert text["title"].split(",")[0] in svg


def test_log_heatmap_rejects_ragged_or_empty_data():
    from gradprobe.plots import log_heatmap

    with pytest.raises(ValueError, match="at least one series"):
        log_heatmap({}, title="t", xlabel="x", ylabel="y")
    with pytest.raises(ValueError, match="same number of values"):
        log_heatmap({"a": [1.0, 2.0], "b": [1.0]}, title="t", xlabel="x", ylabel="y")
    fig = log_heatmap({"a": [1.0, 0.0], "b": [10.0, float("nan")]}, title="t", xlabel="x", ylabel="y")
    assert fig.axes[0].get_yticklabels()[0].get_text() == "a"
