"""Gradient descent on a two-feature least-squares problem with three learning rates, and the limit 2/lambda_max."""

from gradprobe.experiments.gradient_descent import RATES, curvature, descend, factor_per_step, steps_to_reach

c = curvature()
print(
    f"Hessian eigenvalues: lambda_max = {c['lambda_max']:.2f}, lambda_min = {c['lambda_min']:.3f}, "
    f"kappa = {c['kappa']:.1f}"
)
print(f"stable for lr < 2/lambda_max = {c['limit']:.3f}; best fixed rate = {c['best']:.3f}")
print()
print(
    f"{'rate':<6} {'lr':>5} {'loss@0':>9} {'loss@1':>9} {'loss@10':>9} {'loss@100':>9} "
    f"{'per step':>9} {'predicted':>10}"
)
for name, lr in RATES.items():
    losses = descend(lr, steps=100)
    factor = factor_per_step(lr)
    print(
        f"{name:<6} {lr:>5} {losses[0]:>9.2e} {losses[1]:>9.2e} {losses[10]:>9.2e} {losses[100]:>9.2e} "
        f"{factor['measured']:>9.4f} {factor['predicted']:>10.4f}"
    )
print()
for fraction in (0.98, 1.02):  # just below and just above the limit
    losses = descend(fraction * c["limit"], steps=100)
    print(f"lr = {fraction:.2f} x limit: loss@100 / loss@0 = {losses[100] / losses[0]:.1e}")
print()
s = curvature(standardize=True)
print(f"standardized features: kappa = {s['kappa']:.2f}")
for label, standardize, best in (("raw", False, c["best"]), ("standardized", True, s["best"])):
    steps = steps_to_reach(1e-10, best, standardize)
    print(f"steps to reach 1e-10 x loss@0 at the best fixed rate, {label} features: {steps}")
