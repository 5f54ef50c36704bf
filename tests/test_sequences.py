"""gradprobe.sequences, gradprobe.plots_recurrent and the single-thread decorator of the experiments."""

import math

import matplotlib.pyplot as plt
import pytest
import torch
from torch import nn

from gradprobe import NoGradientError
from gradprobe.experiments.threads import single_threaded
from gradprobe.models import sequence_model
from gradprobe.plots import step_lines
from gradprobe.sequences import set_keep_gate_bias, step_grad_norms


def test_step_grad_norms_is_one_norm_per_time_step():
    x = torch.zeros(2, 3, 4, requires_grad=True)
    (x * torch.arange(3.0).view(1, 3, 1)).sum().backward()
    assert step_grad_norms(x) == pytest.approx([0.0, math.sqrt(8), 2 * math.sqrt(8)])


def test_step_grad_norms_time_first_and_negative_dims():
    x = torch.zeros(3, 2, requires_grad=True)
    (x * torch.tensor([[1.0], [2.0], [3.0]])).sum().backward()
    assert step_grad_norms(x, time_dim=0) == pytest.approx([math.sqrt(2), math.sqrt(8), math.sqrt(18)])
    assert step_grad_norms(x, time_dim=-2) == step_grad_norms(x, time_dim=0)


def test_step_grad_norms_does_not_underflow_in_float32():
    x = torch.zeros(1, 2, 128, requires_grad=True)
    (x * 1e-25).sum().backward()
    assert step_grad_norms(x)[0] == pytest.approx(1e-25 * math.sqrt(128), rel=1e-5)


def test_step_grad_norms_errors_are_clear():
    with pytest.raises(NoGradientError, match=r"requires_grad=True and call loss\.backward"):
        step_grad_norms(torch.zeros(2, 3, requires_grad=True))
    with pytest.raises(ValueError, match="time_dim 3 is out of range for a tensor of shape \\(2, 3\\)"):
        step_grad_norms(torch.zeros(2, 3), time_dim=3)
    with pytest.raises(ValueError, match="scalar"):
        step_grad_norms(torch.tensor(1.0))
    with pytest.raises(TypeError, match=r"expected a torch\.Tensor, got list"):
        step_grad_norms([1.0, 2.0])


@pytest.mark.parametrize("cls", [nn.LSTM, nn.GRU])
def test_keep_gate_bias_sets_block_one_in_every_layer_and_direction(cls):
    rnn = cls(3, 5, num_layers=2, bidirectional=True)
    before = {n: p.detach().clone() for n, p in rnn.named_parameters()}
    set_keep_gate_bias(rnn, 2.0)
    biases = [n for n, _ in rnn.named_parameters() if n.startswith("bias_ih")]
    assert len(biases) == 4  # 2 layers x 2 directions
    for name, param in rnn.named_parameters():
        if name.startswith("bias"):  # b_ih + b_hh of the gate becomes 2: all of it in b_ih
            assert torch.all(param[5:10] == (2.0 if name.startswith("bias_ih") else 0.0)), name
            assert torch.equal(param[:5], before[name][:5]) and torch.equal(param[10:], before[name][10:])
        else:
            assert torch.equal(param, before[name])


def test_keep_gate_bias_opens_the_lstm_forget_gate():
    torch.manual_seed(0)
    model = sequence_model("lstm", 2, 4, 1)
    set_keep_gate_bias(model.rnn, 3.0)
    with torch.no_grad():  # zero input and state: the forget gate is sigmoid(3)
        gates = model.rnn.bias_ih_l0 + model.rnn.bias_hh_l0
    assert torch.sigmoid(gates[4:8]).allclose(torch.full((4,), 0.9526), atol=1e-4)


def test_keep_gate_bias_errors_are_clear():
    with pytest.raises(TypeError, match=r"expected a torch\.nn\.LSTM or torch\.nn\.GRU, got RNN"):
        set_keep_gate_bias(nn.RNN(2, 3), 1.0)
    with pytest.raises(ValueError, match="bias=False"):
        set_keep_gate_bias(nn.LSTM(2, 3, bias=False), 1.0)


def test_single_threaded_restores_the_thread_count_also_on_error():
    before = torch.get_num_threads()

    @single_threaded
    def inside() -> int:
        return torch.get_num_threads()

    @single_threaded
    def fails() -> None:
        raise RuntimeError("boom")

    assert inside() == 1
    assert torch.get_num_threads() == before
    with pytest.raises(RuntimeError, match="boom"):
        fails()
    assert torch.get_num_threads() == before


def test_step_lines_draws_one_line_per_series_from_step_one():
    fig = step_lines({"a": [1.0, 0.1, 0.01], "b": [2.0, 0.2, 0.02]}, title="t", xlabel="x", ylabel="y")
    ax = fig.axes[0]
    assert [line.get_label() for line in ax.get_lines()] == ["a", "b"]
    assert list(ax.get_lines()[0].get_xdata()) == [1, 2, 3]
    assert ax.get_yscale() == "log"
    plt.close(fig)


def test_step_lines_errors_are_clear():
    with pytest.raises(ValueError, match="at least one series"):
        step_lines({}, title="t", xlabel="x", ylabel="y")
    with pytest.raises(ValueError, match="series 'a' has 2 values for 3 x positions"):
        step_lines({"a": [1.0, 2.0]}, title="t", xlabel="x", ylabel="y", x=[1, 2, 3])
