"""Lightning: GradProbeCallback logs per-layer norms, the total before and after clipping, through the logger."""
# Needs the lightning extra: pip install "gradprobe[lightning]"

import csv

import lightning.pytorch as pl
import torch
from lightning.pytorch.loggers import CSVLogger
from torch import nn

from gradprobe.integrations.lightning import GradProbeCallback


class Regressor(pl.LightningModule):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(16, 64), nn.Tanh(), nn.Linear(64, 64), nn.Tanh(), nn.Linear(64, 1))

    def training_step(self, batch, batch_index):
        x, y = batch
        return (self.net(x) - y).square().mean()

    def configure_optimizers(self):
        return torch.optim.SGD(self.parameters(), lr=0.05)


torch.manual_seed(0)
data = torch.utils.data.TensorDataset(torch.randn(64, 16) * 3, torch.randn(64, 1))
probe = GradProbeCallback(every=1)  # default: every log_every_n_steps optimizer steps
trainer = pl.Trainer(
    max_steps=4,
    precision="bf16-mixed",
    accumulate_grad_batches=2,
    gradient_clip_val=3.0,
    callbacks=[probe],
    logger=CSVLogger("logs"),
    accelerator="cpu",
    enable_progress_bar=False,
    enable_checkpointing=False,
    enable_model_summary=False,
)
trainer.fit(Regressor(), torch.utils.data.DataLoader(data, batch_size=8))

with open(f"{trainer.logger.log_dir}/metrics.csv") as f:
    logged = [row for row in csv.DictReader(f) if row["gradprobe/total"]]
print("logged:", ", ".join(key for key in logged[0] if key.startswith("gradprobe/")))
print("step  before clipping  applied  clipped")
for row in logged:
    print(
        f"{row['step']:>4}  {float(row['gradprobe/pre_clip_total']):>15.3f}  "
        f"{float(row['gradprobe/total']):>7.3f}  {float(row['gradprobe/clipped']):>7.0f}"
    )
print(probe.history.report().summary())
