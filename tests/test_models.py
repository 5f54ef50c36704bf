import math

import pytest
import torch
from torch import nn

from gradprobe.models import ACTIVATIONS, mlp, sequence_model


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("init", ["default", "standard", "xavier", "he"])
@pytest.mark.parametrize("norm", ["none", "batch", "layer"])
def test_mlp_builds_every_combination(activation, init, norm):
    model = mlp(3, 16, 5, 2, activation, init, norm, residual=True)
    assert model(torch.randn(4, 5)).shape == (4, 2)
    assert len(model.blocks) == 3
    assert isinstance(model.blocks[1].activation, ACTIVATIONS[activation])


def test_residual_blocks_add_their_input():
    model = mlp(2, 4, 4, 1, residual=True)
    block = model.blocks[1]
    x = torch.randn(3, 4)
    assert torch.allclose(block(x), x + block.activation(block.linear(x)))
    assert not model.blocks[0].residual or model.blocks[0].linear.in_features == 4


def test_he_and_xavier_scale_the_weights_as_documented():
    torch.manual_seed(0)
    he = mlp(1, 2000, 1000, 1, "relu", "he").blocks[0].linear.weight
    xavier = mlp(1, 2000, 1000, 1, "tanh", "xavier").blocks[0].linear.weight
    assert he.var().item() == pytest.approx(2 / 1000, rel=0.02)
    assert xavier.var().item() == pytest.approx(2 / (1000 + 2000), rel=0.02)


def test_standard_init_is_uniform_in_one_over_sqrt_fan_in_with_zero_bias():
    torch.manual_seed(0)
    layer = mlp(1, 2000, 1000, 1, "tanh", "standard").blocks[0].linear
    bound = 1 / math.sqrt(1000)
    assert layer.weight.abs().max().item() <= bound
    assert layer.weight.abs().max().item() > 0.99 * bound
    assert layer.weight.var().item() == pytest.approx(1 / (3 * 1000), rel=0.02)  # n Var[W] = 1/3
    assert torch.count_nonzero(layer.bias).item() == 0


def test_pytorch_default_draws_weights_like_standard_but_keeps_a_random_bias():
    torch.manual_seed(0)
    layer = mlp(1, 2000, 1000, 1, "tanh", "default").blocks[0].linear
    bound = 1 / math.sqrt(1000)
    assert layer.weight.abs().max().item() <= bound
    assert layer.weight.var().item() == pytest.approx(1 / (3 * 1000), rel=0.02)
    assert torch.count_nonzero(layer.bias).item() == 2000


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_sequence_models(cell):
    model = sequence_model(cell, 3, 8, 2, num_layers=2)
    assert isinstance(model.rnn, {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}[cell])
    assert model(torch.randn(5, 11, 3)).shape == (5, 2)


def test_bad_choices_are_clear_errors():
    with pytest.raises(ValueError, match="unknown activation 'swish'; choose one of: sigmoid, tanh, relu"):
        mlp(2, 4, 4, 1, "swish")
    with pytest.raises(ValueError, match="unknown init 'lecun'"):
        mlp(2, 4, 4, 1, init="lecun")
    with pytest.raises(ValueError, match="unknown norm 'group'"):
        mlp(2, 4, 4, 1, norm="group")
    with pytest.raises(ValueError, match="depth must be a positive integer, got 0"):
        mlp(0, 4, 4, 1)
    with pytest.raises(ValueError, match="unknown cell 'transformer'; choose one of: rnn, lstm, gru"):
        sequence_model("transformer", 3, 8, 2)
