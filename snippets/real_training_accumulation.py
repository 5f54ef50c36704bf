"""Gradient accumulation and clipping: watch(optimizer=...) records what each optimizer step applies."""

import torch
from torch import nn

import gradprobe

torch.manual_seed(0)
model = nn.Sequential(nn.Linear(16, 64), nn.Tanh(), nn.Linear(64, 64), nn.Tanh(), nn.Linear(64, 1))
optimizer = torch.optim.SGD(model.parameters(), lr=0.05)
micro_batches, max_norm = 4, 1.0

with gradprobe.watch(model, optimizer=optimizer) as history:
    for step in range(4):
        for _ in range(micro_batches):  # four backward passes add up into .grad
            x = torch.randn(8, 16) * (1 + 2 * step)  # larger inputs at later steps: larger gradients
            loss = (model(x) - 1).square().mean() / micro_batches
            loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)
        optimizer.step()  # gradprobe measures here, just before the update
        optimizer.zero_grad()

print(f"backward passes: {history.passes}, optimizer steps recorded: {len(history.steps)}")
print("step  before clipping  applied  clipped")
for row, step in enumerate(history.steps):
    report = history.report(row)
    print(f"{step:>4}  {report.pre_clip_total:>15.3f}  {report.total_norm:>7.3f}  {report.clipped}")
