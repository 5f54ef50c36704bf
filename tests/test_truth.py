"""gradprobe tells the truth in the set-ups people train with: one test per case where it used to be wrong."""

from __future__ import annotations

import gc
import io
import math
import weakref

import pytest
import torch
from torch import nn
from torchvision.models import VisionTransformer, resnet18

import gradprobe
from gradprobe.models import mlp


@pytest.fixture(autouse=True)
def english_locale(monkeypatch):
    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(variable, raising=False)


def total_norm(model: nn.Module) -> float:
    return torch.nn.utils.get_total_norm([p.grad for p in model.parameters() if p.grad is not None]).item()


class HeadFirst(nn.Module):
    """A deep sigmoid stack whose __init__ defines the head before the stem."""

    def __init__(self, depth: int = 15) -> None:
        super().__init__()
        self.head = nn.Linear(16, 1)
        self.stem = nn.Linear(8, 16)
        self.blocks = nn.Sequential(*(nn.Sequential(nn.Linear(16, 16), nn.Sigmoid()) for _ in range(depth)))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.blocks(torch.sigmoid(self.stem(x))))


def test_scaled_gradients_are_divided_by_the_grad_scaler_scale():
    torch.manual_seed(0)
    model, x = resnet18(num_classes=10), torch.randn(2, 3, 64, 64)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    scaler = torch.amp.GradScaler("cpu", init_scale=65536.0)
    with gradprobe.watch(model, scaler=scaler) as history, gradprobe.watch(model) as unaware:
        scaler.scale(nn.functional.cross_entropy(model(x), torch.tensor([1, 2]))).backward()
        scaler.unscale_(optimizer)
        truth = gradprobe.grad_norms(model)  # the gradient once unscaled
        scaler.step(optimizer)
        scaler.update()
    report = history.report()
    assert report.loss_scale == 65536.0
    assert max(report.norms) == pytest.approx(max(truth.norms), rel=1e-6)
    assert report.verdict == truth.verdict == "healthy"
    assert max(unaware.report().norms) == pytest.approx(65536 * max(truth.norms), rel=1e-6)
    assert unaware.report().verdict == "exploding"
    assert "pass scaler= to watch()" in unaware.report().summary()


def test_a_pass_whose_scaled_gradients_overflow_is_a_skipped_step():
    model = nn.Sequential(nn.Linear(4, 4), nn.Linear(4, 1))
    scaler = torch.amp.GradScaler("cpu", init_scale=2.0**16)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    with gradprobe.watch(model, scaler=scaler) as history:
        scaler.scale(model(torch.full((1, 4), 1e36)).sum()).backward()  # finite loss, overflowing scaled gradient
        scaler.step(optimizer)
        scaler.update()
    report = history.report()
    assert report.verdict == "skipped"
    assert "GradScaler skips this step" in report.summary() and "real-training/#mixed-precision" in report.summary()


def test_layers_are_in_forward_order_whatever_the_definition_order():
    torch.manual_seed(0)
    model = HeadFirst()
    with gradprobe.watch(model) as history:
        loss = model(torch.randn(32, 8)).square().mean()
        loss.backward()
    report = history.report()
    assert report.layers[0] == "stem" and report.layers[-1] == "head"
    assert report.verdict == "vanishing"
    assert report.ratio == pytest.approx(report.norm("stem") / report.norm("head"))
    assert "down to `stem`" in report.summary()
    assert gradprobe.grad_norms(model, loss).layers == report.layers  # the same order, read from the graph
    assert gradprobe.grad_norms(model).layers[0] == "head"  # without the loss: definition order, as documented


def test_an_unused_head_gets_no_norm_and_no_say_in_the_verdict():
    class WithAux(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.body, self.out, self.aux = mlp(3, 16, 8, 16), nn.Linear(16, 1), nn.Linear(16, 1)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return self.out(self.body(x))

    torch.manual_seed(0)
    model = WithAux()
    with gradprobe.watch(model) as history:
        loss = model(torch.randn(16, 8)).square().mean()
        loss.backward()
    for report in (history.report(), gradprobe.grad_norms(model, loss), gradprobe.grad_norms(model)):
        assert report.norm("aux") is None
        assert report.verdict == "healthy"
        assert math.isfinite(report.ratio)
    assert not history.has_grad[0, history.layers.index("aux")]


def test_parameters_owned_by_a_parent_module_are_layers_of_their_own_where_the_data_meets_them():
    torch.manual_seed(0)
    model = VisionTransformer(
        image_size=32, patch_size=16, num_layers=2, num_heads=2, hidden_dim=16, mlp_dim=32, num_classes=3
    )
    with gradprobe.watch(model) as history:
        model(torch.randn(2, 3, 32, 32)).square().sum().backward()
    layers = history.layers
    assert "VisionTransformer" not in layers
    assert layers[:3] == ("conv_proj", "<root>.class_token", "encoder.pos_embedding")
    assert layers[-1] == "heads.head"
    assert history.report().total_norm == pytest.approx(total_norm(model), rel=1e-6)


def test_with_optimizer_rows_are_the_accumulated_gradient_the_optimizer_applies():
    torch.manual_seed(0)
    model = mlp(3, 16, 8, 1)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    applied = []
    with gradprobe.watch(model, optimizer=optimizer) as history:
        for _step in range(3):
            for _ in range(4):  # four micro-batches per optimizer step
                (model(torch.randn(4, 8)).square().mean() / 4).backward()
            applied.append(gradprobe.grad_norms(model))
            optimizer.step()
            optimizer.zero_grad()
    assert history.unit == "step" and history.passes == 12 and history.steps == (0, 1, 2)
    for row, truth in enumerate(applied):
        assert history.report(row).norms == pytest.approx(truth.norms, rel=1e-9)
        assert history.report(row).clipped is False
        assert history.report(row).pre_clip_total == pytest.approx(truth.total_norm, rel=1e-6)


def test_with_optimizer_the_norm_before_and_after_clipping_and_whether_it_fired():
    torch.manual_seed(0)
    model = mlp(3, 16, 8, 1)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    scaler = torch.amp.GradScaler("cpu", init_scale=1024.0)
    before = []
    with gradprobe.watch(model, optimizer=optimizer, scaler=scaler) as history:
        for max_norm in (1e-3, 1e3):
            scaler.scale(model(torch.randn(4, 8)).square().mean()).backward()
            scaler.unscale_(optimizer)
            before.append(torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm).item())
            after = total_norm(model)
            scaler.step(optimizer)
            scaler.update()
            optimizer.zero_grad()
            assert history.report().total_norm == pytest.approx(after, rel=1e-6)
    clipped, free = history.report(0), history.report(1)
    assert clipped.clipped is True and clipped.pre_clip_total == pytest.approx(before[0], rel=1e-5)
    assert clipped.total_norm == pytest.approx(1e-3, rel=1e-4)
    assert free.clipped is False and free.pre_clip_total == pytest.approx(before[1], rel=1e-5)
    assert "before clipping" in clipped.summary() and "(clipped)" in clipped.summary()


def test_a_step_given_a_closure_is_measured_after_the_backward_pass_the_closure_runs():
    """optimizer.step(closure) (Lightning's way without a GradScaler) computes its gradient inside the step."""
    torch.manual_seed(0)
    model = mlp(3, 16, 8, 1)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    before, after = [], []

    def closure() -> torch.Tensor:
        optimizer.zero_grad()
        loss = model(torch.randn(4, 8)).square().mean() * 100
        loss.backward()
        before.append(torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm).item())
        after.append(gradprobe.grad_norms(model))
        return loss

    with gradprobe.watch(model, optimizer=optimizer) as history:
        for max_norm in (1e-3, 1e6):  # noqa: B007 (the closure reads it)
            optimizer.step(closure)
    assert history.steps == (0, 1)
    for row, (pre_clip, truth) in enumerate(zip(before, after)):
        assert history.report(row).norms == pytest.approx(truth.norms, rel=1e-9)
        assert history.report(row).pre_clip_total == pytest.approx(pre_clip, rel=1e-5)
    assert [history.report(row).clipped for row in (0, 1)] == [True, False]


def test_half_and_float32_gradients_with_finite_norms_never_read_inf():
    half = nn.Linear(100, 1, bias=False).half()
    half.weight.grad = torch.full_like(half.weight, 1e4)  # norm 1e5, beyond float16's 65504
    assert gradprobe.grad_norms(half).norms[0] == pytest.approx(1e5, rel=1e-3)
    big = nn.Linear(100, 1, bias=False)
    big.weight.grad = torch.full_like(big.weight, 1e20)  # squares overflow float32, the norm does not
    report = gradprobe.grad_norms(big)
    assert report.norms[0] == pytest.approx(1e21, rel=1e-6) and report.verdict != "non-finite"


def test_verdicts_under_autocast_match_full_precision():
    torch.manual_seed(0)
    model, x = HeadFirst(depth=8), torch.randn(32, 8)
    model(x).square().mean().backward()
    full = gradprobe.grad_norms(model)
    model.zero_grad()
    with gradprobe.watch(model) as history, torch.autocast("cpu", dtype=torch.bfloat16):
        model(x).float().square().mean().backward()
    assert history.report().verdict == "vanishing"
    assert history.report().ratio == pytest.approx(full.norm("stem") / full.norm("head"), rel=0.2)


class Boom(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x.clone()

    @staticmethod
    def backward(ctx, grad):
        raise RuntimeError("boom in backward")


def test_a_backward_pass_that_raises_leaves_the_watch_ready_for_the_next():
    model = nn.Sequential(nn.Linear(4, 4), nn.Linear(4, 1))
    with gradprobe.watch(model) as history:
        with pytest.raises(RuntimeError, match="boom in backward"):
            model[1](Boom.apply(model[0](torch.randn(2, 4)))).sum().backward()  # model[1]'s hook fires first
        for _ in range(3):
            model.zero_grad()
            model(torch.randn(2, 4)).sum().backward()
    assert history.passes == 3 and len(history.steps) == 3
    assert all(history.has_grad.flatten().tolist())


def test_zero_gradients_before_any_backward_are_no_gradient():
    model = nn.Sequential(nn.Linear(4, 4), nn.Linear(4, 1))
    for p in model.parameters():
        p.grad = torch.zeros_like(p)  # what zero_grad(set_to_none=False) leaves before a first backward
    with pytest.raises(gradprobe.NoGradientError, match="exactly zero"):
        gradprobe.grad_norms(model)


def test_tied_weights_are_measured_once_and_shown_under_every_layer_that_uses_them():
    class Tied(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.embed, self.mix = nn.Embedding(20, 8), nn.Linear(8, 8)
            self.out = nn.Linear(8, 20, bias=False)
            self.out.weight = self.embed.weight

        def forward(self, tokens: torch.Tensor) -> torch.Tensor:
            return self.out(torch.tanh(self.mix(self.embed(tokens))))

    torch.manual_seed(0)
    model = Tied()
    with gradprobe.watch(model) as history:
        loss = nn.functional.cross_entropy(model(torch.randint(0, 20, (6,))), torch.randint(0, 20, (6,)))
        loss.backward()
    report = history.report()
    assert set(report.layers) == {"embed", "mix", "out"}
    assert report.norm("out") == report.norm("embed") == pytest.approx(model.embed.weight.grad.norm().item())
    assert report.shared == {"embed": ("out",), "out": ("embed",)}
    assert report.total_norm == pytest.approx(total_norm(model), rel=1e-6)
    assert "shared with out" in report.table()


def test_a_history_is_plain_data_once_the_block_ends():
    torch.manual_seed(0)
    model = resnet18(num_classes=10)
    with gradprobe.watch(model) as history:
        for _ in range(3):
            model.zero_grad()
            model(torch.randn(2, 3, 32, 32)).sum().backward()
    alive = weakref.ref(model)
    del model
    gc.collect()
    assert alive() is None, "the history kept the model alive"
    buffer = io.BytesIO()
    torch.save(history, buffer)
    assert buffer.tell() < 16_000, f"a 3-row ResNet-18 history pickles in {buffer.tell()} bytes"
    buffer.seek(0)
    again = torch.load(buffer, weights_only=False)
    assert again.layers == history.layers and torch.equal(again.norms, history.norms)


@pytest.mark.parametrize("value", [True, 2.0, "2", 0, -1])
def test_every_must_be_a_positive_int(value):
    with (
        pytest.raises(ValueError, match=f"every must be a positive whole number.*got {value!r}"),
        gradprobe.watch(nn.Linear(2, 2), every=value),
    ):
        pass


def test_parameters_unfrozen_after_the_watch_started_are_picked_up():
    model = nn.Sequential(nn.Linear(4, 4), nn.Linear(4, 1))
    model[0].requires_grad_(False)
    with gradprobe.watch(model) as history:
        model(torch.randn(2, 4)).sum().backward()
        model[0].requires_grad_(True)
        model(torch.randn(2, 4)).sum().backward()
        model(torch.randn(2, 4)).sum().backward()
    assert history.layers == ("0", "1")
    assert history.has_grad.tolist() == [[False, True], [True, True], [True, True]]
    assert history.report(0).norm("0") is None and history.report(2).norm("0") > 0


def test_clipping_by_value_is_reported_as_a_change_of_unknown_size():
    torch.manual_seed(0)
    model = mlp(3, 16, 8, 1)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    with gradprobe.watch(model, optimizer=optimizer) as history:
        (100 * model(torch.randn(4, 8)).square().mean()).backward()
        torch.nn.utils.clip_grad_value_(model.parameters(), 1e-3)  # changes gradients by different factors
        optimizer.step()
    report = history.report()
    assert report.clipped is True and report.pre_clip_total is None
    assert report.total_norm == pytest.approx(total_norm(model), rel=1e-6)
