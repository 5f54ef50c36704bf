import pytest
import torch
from torch import nn

import gradprobe
from gradprobe.models import mlp


def train(model: nn.Module, steps: int, lr: float = 0.01) -> list[gradprobe.GradReport]:
    """A plain training loop that knows nothing of gradprobe; returns grad_norms after each backward."""
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    seen = []
    for _ in range(steps):
        optimizer.zero_grad()
        model(torch.randn(8, 4)).square().mean().backward()
        seen.append(gradprobe.grad_norms(model))
        optimizer.step()
    return seen


def test_records_every_backward_pass_of_an_unmodified_loop():
    torch.manual_seed(0)
    model = mlp(3, 8, 4, 1)
    with gradprobe.watch(model) as history:
        expected = train(model, 5)
    assert history.passes == 5
    assert history.steps == (0, 1, 2, 3, 4)
    assert history.layers == expected[0].layers
    for row, report in enumerate(expected):
        assert history.report(row).norms == pytest.approx(report.norms, rel=1e-12)
    assert history.norms.shape == (5, len(history.layers))


def test_hooks_are_removed_on_exit():
    model = mlp(2, 4, 4, 1)
    with gradprobe.watch(model) as history:
        train(model, 2)
    train(model, 3)
    assert history.passes == 2


def test_hooks_are_removed_when_the_body_raises():
    model = mlp(2, 4, 4, 1)
    with pytest.raises(RuntimeError, match="boom"), gradprobe.watch(model) as history:
        train(model, 1)
        raise RuntimeError("boom")
    train(model, 2)
    assert history.passes == 1
    assert all(not p._post_accumulate_grad_hooks for p in model.parameters())


def test_every_n_records_one_pass_in_n():
    model = mlp(2, 4, 4, 1)
    with gradprobe.watch(model, every=3) as history:
        train(model, 10)
    assert history.passes == 10
    assert history.steps == (0, 3, 6, 9)


def test_history_is_bounded_and_downsampled_evenly():
    model = nn.Linear(4, 1)
    with gradprobe.watch(model, max_records=8) as history:
        for _ in range(100):
            model(torch.randn(2, 4)).sum().backward()
    assert history.passes == 100
    assert len(history.steps) <= 8
    assert history.steps == tuple(range(0, 100, history.stride))
    assert history.stride == 16


def test_gradient_accumulation_reports_the_accumulated_gradient():
    model = nn.Linear(4, 1)
    x = torch.randn(2, 4)
    with gradprobe.watch(model) as history:
        model(x).sum().backward()
        model(x).sum().backward()
    assert history.passes == 2
    assert history.report(1).norms[0] == pytest.approx(2 * history.report(0).norms[0])


def test_non_finite_gradients_are_recorded_not_raised():
    model = nn.Sequential(nn.Linear(2, 2), nn.Linear(2, 1))
    with gradprobe.watch(model) as history:
        model(torch.tensor([[float("inf"), 1.0]])).sum().backward()
    assert history.report().verdict == "non-finite"


def test_bad_arguments_and_empty_history_are_clear_errors():
    with (
        pytest.raises(ValueError, match="every must be a positive whole number of backward passes"),
        gradprobe.watch(nn.Linear(2, 2), every=0),
    ):
        pass
    with (
        pytest.raises(ValueError, match="max_records must be an int of at least 2"),
        gradprobe.watch(nn.Linear(2, 2), max_records=1),
    ):
        pass
    with gradprobe.watch(nn.Linear(2, 2)) as history:
        pass
    with pytest.raises(gradprobe.NoGradientError, match="no backward pass was recorded"):
        history.report()
