"""A 20-block tanh MLP without normalization, with batch norm and with layer norm."""

from gradprobe.experiments.normalization import NORMS, loss_by_step, measure, saturated_percent

print(
    f"{'weights':>7}  {'norm':<5}  {'first/last':>10}  {'verdict':<9}  {'spread, block 1':>15}  "
    f"{'spread, block 20':>16}  {'saturated':>9}"
)
for scale in (1.0, 4.0):  # PyTorch's default initialization, then every weight four times larger
    for norm in NORMS:
        m = measure(norm, scale)
        print(
            f"{scale:>6.0f}x  {norm:<5}  {m.report.ratio:>10.1e}  {m.report.verdict:<9}  {m.spread[0]:>15.2f}  "
            f"{m.spread[-1]:>16.1e}  {saturated_percent(m):>8.1f}%"
        )

losses = loss_by_step(steps=60)  # full-batch Adam, learning rate 1e-3, same targets
print(f"\n{'step':>4}  " + "  ".join(f"{norm:>8}" for norm in NORMS))
for step in (1, 10, 20, 40, 60):
    print(f"{step:>4}  " + "  ".join(f"{losses[norm][step - 1]:>8.1e}" for norm in NORMS))
