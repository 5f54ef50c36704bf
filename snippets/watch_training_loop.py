"""Any PyTorch training loop, watched: gradprobe records per-layer gradient norms at every backward pass."""

import torch
from torch import nn

import gradprobe

torch.manual_seed(0)
model = nn.Sequential(*[layer for _ in range(8) for layer in (nn.Linear(32, 32), nn.Sigmoid())], nn.Linear(32, 1))
x, y = torch.randn(128, 32), torch.randn(128, 1)
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)

with gradprobe.watch(model) as history:  # records the norms at every backward pass inside the block
    for _step in range(50):
        optimizer.zero_grad()
        loss = nn.functional.mse_loss(model(x), y)
        loss.backward()
        optimizer.step()

print(f"{len(history.steps)} backward passes recorded for {len(history.layers)} layers")
print(history.report())  # the latest pass: per-layer norms, first/last ratio and a verdict
