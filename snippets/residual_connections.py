"""Plain and residual MLPs with batch norm, 4 and 32 blocks, trained the same way on the same task."""

from gradprobe.experiments.residual_connections import DEEP, SHALLOW, STEPS, train

print(f"{'network':<19}  {'loss, step 1':>12}  {f'step {STEPS}':>8}  {'first/last gradient':>19}  {'verdict'}")
runs = {(residual, depth): train(depth, residual) for residual in (False, True) for depth in (SHALLOW, DEEP)}
for (residual, depth), run in runs.items():
    name = f"{'residual' if residual else 'plain'}, {depth} blocks"
    print(
        f"{name:<19}  {run.losses[0]:>12.3f}  {run.losses[-1]:>8.4f}  {run.first_step.ratio:>19.2f}  "
        f"{run.first_step.verdict}"
    )

plain = runs[False, DEEP]
print(
    f"\nplain, {DEEP} blocks, gradient norms at the first step: "
    f"smallest block {min(plain.first_step.norms[:-1]):.2f}, head {plain.first_step.norms[-1]:.3f}"
)
print(f"  at step {STEPS}: first/last = {plain.last_step.ratio:.0f}, verdict {plain.last_step.verdict}")
print(f"  spread of the features the head receives at step 1: {plain.feature_spread:.2f}")
