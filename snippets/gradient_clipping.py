"""Pascanu et al. (2013) on a tanh RNN: gradient through time by the scale of W_hh, then clipping by norm."""

from gradprobe.experiments.gradient_clipping import (
    THRESHOLD,
    factor_per_step,
    gradient_by_radius,
    norm_vs_value,
    summary,
    train,
)

print("W_hh = radius x orthogonal matrix, loss at step 100; median of 5 seeds")
print(f"{'radius':>6} {'step 1':>9} {'step 100':>9} {'per step':>9}")
factors = factor_per_step()
for radius, norms in gradient_by_radius().items():
    print(f"{radius:>6} {norms[0]:>9.1e} {norms[-1]:>9.1e} {factors[radius]:>9.2f}")

print("\nOne gradient of the radius-2 RNN, clipped to 1:")
c = norm_vs_value(threshold=1.0)
print(f"original  norm {c['norm']:.4g}")
print(f"by norm   norm {c['by_norm_norm']:.4f}  cosine to original {c['by_norm_cosine']:.6f}")
print(
    f"by value  norm {c['by_value_norm']:.4g}  cosine to original {c['by_value_cosine']:.4f}  "
    f"entries changed {c['by_value_changed']:.1%}"
)

print(f"\nSGD, learning rate 0.12, running-sum task, seed 0; the clipped run uses max_norm={THRESHOLD:g}")
runs = {"unclipped": train(None), "clipped": train(THRESHOLD)}
print(
    f"{'step':>4} | {'unclipped: loss':>15} {'grad norm':>9} {'radius':>6} | {'clipped: loss':>13} "
    f"{'grad norm':>9} {'radius':>6}"
)
for step in range(14):
    u, c = runs["unclipped"], runs["clipped"]
    print(
        f"{step + 1:>4} | {u.losses[step]:>15.3g} {u.grad_norms[step]:>9.3g} {u.radii[step]:>6.2f} | "
        f"{c.losses[step]:>13.3g} {c.grad_norms[step]:>9.3g} {c.radii[step]:>6.2f}"
    )
for name, run in runs.items():
    s = summary(run)
    end = (
        f"loss not finite at step {s['non_finite_at']}"
        if s["non_finite_at"]
        else f"mean loss of the last 50 steps {s['final_loss']:.2f}"
    )
    print(f"{name}: {s['steps']} steps, {end}, {s['above_threshold']} steps with a grad norm above {THRESHOLD:g}")
