"""Reading the report of a 200-layer model: the verdict's cause, a short table, one row per block."""

import torch
from torch import nn

import gradprobe


def block(width: int, gain: float) -> nn.Sequential:
    """Ten tanh layers whose weights are orthogonal matrices times ``gain``."""
    layers = []
    for _ in range(10):
        linear = nn.Linear(width, width)
        nn.init.orthogonal_(linear.weight, gain=gain)
        layers += [linear, nn.Tanh()]
    return nn.Sequential(*layers)


torch.manual_seed(0)
blocks = [block(64, gain=0.75 if i < 8 else 1.1) for i in range(20)]  # the first 8 blocks start too small
model = nn.Sequential()
model.add_module("blocks", nn.Sequential(*blocks))
model.add_module("head", nn.Linear(64, 1))

loss = model(torch.randn(32, 64)).square().mean()
loss.backward()
report = gradprobe.grad_norms(model, loss, lang="en")  # with the loss: layers in the order the data flows
print(f"{len(report.layers)} layers")
print(report.table(top=6))
print()
print(gradprobe.group_layers(report, depth=2).table(top=6))  # one row per block
