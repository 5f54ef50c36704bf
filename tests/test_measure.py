import math

import pytest
import torch
from torch import nn

import gradprobe
from gradprobe.models import mlp, sequence_model


def cnn() -> nn.Module:
    return nn.Sequential(
        nn.Conv2d(3, 8, 3, padding=1),
        nn.BatchNorm2d(8),
        nn.ReLU(),
        nn.Conv2d(8, 16, 3, stride=2),
        nn.ReLU(),
        nn.AdaptiveAvgPool2d(1),
        nn.Flatten(),
        nn.Linear(16, 5),
    )


CASES = {
    "mlp": (lambda: mlp(6, 16, 8, 3, "tanh", norm="layer", residual=True), lambda: torch.randn(4, 8)),
    "cnn": (cnn, lambda: torch.randn(4, 3, 12, 12)),
    "lstm": (lambda: sequence_model("lstm", 5, 12, 2, num_layers=2), lambda: torch.randn(4, 7, 5)),
}


@pytest.mark.parametrize("name", CASES)
def test_per_layer_norms_add_up_to_torch_total_norm(name):
    torch.manual_seed(0)
    build, make_input = CASES[name]
    model = build()
    model(make_input()).square().sum().backward()
    report = gradprobe.grad_norms(model)
    grads = [p.grad for p in model.parameters()]
    assert report.total_norm == pytest.approx(torch.nn.utils.get_total_norm(grads).item(), rel=1e-6)
    assert math.sqrt(sum(v * v for v in report.norms)) == pytest.approx(
        torch.nn.utils.clip_grad_norm_(model.parameters(), math.inf, norm_type=2.0).item(), rel=1e-6
    )


def test_layers_are_named_like_named_modules_in_forward_order():
    model = cnn()
    model(torch.randn(2, 3, 8, 8)).sum().backward()
    assert gradprobe.grad_norms(model).layers == ("0", "1", "3", "7")


def test_each_layer_norm_is_the_norm_of_its_own_parameters():
    model = nn.Sequential(nn.Linear(3, 4), nn.Linear(4, 2))
    model(torch.randn(5, 3)).sum().backward()
    first = torch.cat([model[0].weight.grad.flatten(), model[0].bias.grad])
    assert gradprobe.grad_norms(model).norm("0") == pytest.approx(first.norm().item())


def test_forgetting_backward_is_a_clear_error():
    with pytest.raises(gradprobe.NoGradientError, match=r"call loss\.backward\(\) before measuring"):
        gradprobe.grad_norms(nn.Linear(2, 2))


def test_zero_grad_before_measuring_is_a_clear_error():
    model = nn.Linear(2, 2)
    model(torch.randn(1, 2)).sum().backward()
    model.zero_grad()
    with pytest.raises(gradprobe.NoGradientError, match=r"before optimizer\.zero_grad\(\)"):
        gradprobe.grad_norms(model)


def test_a_frozen_model_is_a_clear_error():
    model = nn.Linear(2, 2).requires_grad_(False)
    with pytest.raises(gradprobe.NoTrainableParametersError, match="Linear has no trainable parameters"):
        gradprobe.grad_norms(model)


def test_not_a_module_is_a_clear_error():
    with pytest.raises(TypeError, match=r"expected a torch\.nn\.Module, got list"):
        gradprobe.grad_norms([nn.Linear(2, 2)])


def test_nan_gradient_is_reported_with_the_first_bad_layer_not_raised():
    model = nn.Sequential(nn.Linear(2, 2), nn.Linear(2, 2), nn.Linear(2, 1))
    model(torch.randn(3, 2)).sum().backward()
    model[0].weight.grad[0, 0] = float("nan")
    model[1].bias.grad[0] = float("inf")
    report = gradprobe.grad_norms(model)
    assert report.verdict == "non-finite"
    assert report.first_non_finite == "1"
    assert math.isfinite(report.norm("2"))


def test_frozen_and_unused_layers():
    model = nn.Sequential(nn.Linear(2, 2), nn.Linear(2, 2))
    model[0].requires_grad_(False)
    model(torch.randn(3, 2)).sum().backward()
    assert gradprobe.grad_norms(model).layers == ("1",)

    class TwoHeads(nn.Module):
        def __init__(self):
            super().__init__()
            self.used, self.unused = nn.Linear(2, 1), nn.Linear(2, 1)

        def forward(self, x):
            return self.used(x)

    heads = TwoHeads()
    heads(torch.randn(3, 2)).sum().backward()
    report = gradprobe.grad_norms(heads)
    assert report.norm("unused") is None
    assert "no grad" in report.table().splitlines()[2]
