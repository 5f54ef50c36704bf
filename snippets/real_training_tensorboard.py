"""A recorded history written to TensorBoard: one scalar per layer and per step value, the verdict as text."""
# Needs the tensorboard extra: pip install "gradprobe[tensorboard]"

import torch
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
from torch import nn
from torch.utils.tensorboard import SummaryWriter

import gradprobe

torch.manual_seed(0)
model = nn.Sequential(nn.Linear(16, 64), nn.Tanh(), nn.Linear(64, 64), nn.Tanh(), nn.Linear(64, 1))
optimizer = torch.optim.SGD(model.parameters(), lr=0.05)
with gradprobe.watch(model, optimizer=optimizer) as history:
    for _step in range(3):
        loss = (model(torch.randn(8, 16)) - 1).square().mean()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        optimizer.zero_grad()

with SummaryWriter("runs/gradprobe") as writer:  # then: tensorboard --logdir runs
    history.log_to(writer)

events = EventAccumulator("runs/gradprobe")
events.Reload()
print("scalars:", ", ".join(sorted(events.Tags()["scalars"])))
print("gradprobe/pre_clip_total:", [round(e.value, 3) for e in events.Scalars("gradprobe/pre_clip_total")])
print("text:", events.Tensors("gradprobe/verdict/text_summary")[-1].tensor_proto.string_val[0].decode())
