"""gradprobe.grouping.group_layers and gradprobe.plots.linear_lines."""

import math

import matplotlib.pyplot as plt
import pytest
import torch
from torch import nn

from gradprobe import GradReport, Thresholds, grad_norms
from gradprobe.grouping import group_layers
from gradprobe.plots import linear_lines


def test_group_layers_merges_by_dotted_prefix_in_first_appearance_order():
    report = GradReport(("layers.0.attn", "layers.0.ff", "layers.1.attn", "head"), (3.0, 4.0, 1.0, 2.0))
    grouped = group_layers(report, depth=2)
    assert grouped.layers == ("layers.0", "layers.1", "head")
    assert grouped.norms == pytest.approx((5.0, 1.0, 2.0))
    assert group_layers(report, depth=1).layers == ("layers", "head")
    assert group_layers(report, depth=5) == report


def test_group_layers_keeps_thresholds_and_non_finite_values():
    thresholds = Thresholds(vanishing_ratio=0.5)
    report = GradReport(("a.x", "a.y", "b"), (math.inf, 1.0, 1.0), thresholds)
    grouped = group_layers(report, depth=1)
    assert grouped.thresholds == thresholds
    assert grouped.norms[0] == math.inf and grouped.verdict == "non-finite"


def test_group_layers_matches_the_norm_of_all_gradients_of_a_block():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Sequential(nn.Linear(3, 4), nn.Linear(4, 4)), nn.Linear(4, 1))
    model(torch.randn(5, 3)).sum().backward()
    grouped = group_layers(grad_norms(model), depth=1)
    block = torch.cat([p.grad.flatten() for p in model[0].parameters()])
    assert grouped.layers == ("0", "1")
    assert grouped.norms[0] == pytest.approx(block.norm().item(), rel=1e-6)


def test_group_layers_errors_are_clear():
    report = GradReport(("a",), (1.0,))
    with pytest.raises(ValueError, match="depth must be a positive integer"):
        group_layers(report, depth=0)
    with pytest.raises(ValueError, match="depth must be a positive integer"):
        group_layers(report, depth=True)
    with pytest.raises(TypeError, match="expected a GradReport, got dict"):
        group_layers({"a": 1.0})


def test_linear_lines_starts_the_y_axis_at_zero():
    fig = linear_lines({"post": [0.3, 0.35], "pre": [0.2, 0.18]}, title="t", xlabel="x", ylabel="y", x=[1, 24])
    ax = fig.axes[0]
    assert ax.get_yscale() == "linear" and ax.get_ylim()[0] == 0
    assert [line.get_label() for line in ax.get_lines()] == ["post", "pre"]
    assert list(ax.get_lines()[0].get_xdata()) == [1, 24]
    plt.close(fig)


def test_linear_lines_errors_are_clear():
    with pytest.raises(ValueError, match="at least one series"):
        linear_lines({}, title="t", xlabel="x", ylabel="y")
    with pytest.raises(ValueError, match="series 'a' has 1 values for 2 x positions"):
        linear_lines({"a": [1.0]}, title="t", xlabel="x", ylabel="y", x=[1, 2])
