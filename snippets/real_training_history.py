"""A history is plain data: save it as CSV or JSON, load it back, plot its heatmap."""
# Needs the plots extra: pip install "gradprobe[plots]"

from pathlib import Path

import torch
from torch import nn

import gradprobe

torch.manual_seed(0)
model = nn.Sequential(nn.Linear(8, 32), nn.Tanh(), nn.Linear(32, 32), nn.Tanh(), nn.Linear(32, 1))
optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)

with gradprobe.watch(model, every=5) as history:
    for _ in range(50):
        loss = (model(torch.randn(16, 8)) - 1).square().mean()
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()

history.save("norms.csv")  # one row per recorded pass, one column per layer
history.save("norms.json")  # everything, for GradHistory.load
again = gradprobe.GradHistory.load("norms.csv")
print(f"recorded passes: {list(again.steps)}")
print(f"layers: {list(again.layers)}")
print("same norms after a round trip:", torch.equal(again.norms, history.norms))

figure = history.plot(lang="en")  # rows: layers, input side at the top; columns: recorded passes
figure.savefig("norms.svg")
print(Path("norms.csv").read_text(encoding="utf-8").splitlines()[1])
