"""Mixed precision with GradScaler: watch(scaler=...) divides the loss scale out of the norms."""

import torch
from torch import nn

import gradprobe

torch.manual_seed(0)
model = nn.Sequential(nn.Linear(32, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU(), nn.Linear(256, 10))
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
scaler = torch.amp.GradScaler("cpu")  # "cuda" on a GPU: the same API
x, y = torch.randn(64, 32), torch.randint(0, 10, (64,))

with gradprobe.watch(model, scaler=scaler) as history, gradprobe.watch(model) as unaware:
    for _ in range(3):
        with torch.autocast("cpu", dtype=torch.float16):
            loss = nn.functional.cross_entropy(model(x), y)
        scaler.scale(loss).backward()  # gradients are now multiplied by the loss scale
        scaler.step(optimizer)  # unscales, skips the step if they overflowed, then steps
        scaler.update()
        optimizer.zero_grad()

print("loss scale at each pass:", history.column("loss_scale").tolist())
print("with scaler=:   ", history.report().summary())
print("without scaler=:", unaware.report().summary())
