"""Five activation functions: where they saturate, what they do to a deep MLP, and dying ReLU units."""

from gradprobe.experiments.activation_functions import dying_median, gradient_by_activation, saturation

print("activation   f'(0)  max f'  min f'  |f'| < 0.01 for   min f")
for name, row in saturation().items():  # derivatives by autograd on [-6, 6], steps of 0.001
    left, right = round(row["left"], 2), round(row["right"], 2)  # nan: never saturated on that side
    where = "never" if left != left else f"x < {left:g}" if right != right else f"|x| > {right:g}"
    print(
        f"{name:<11} {row['slope_at_0']:>6.3f} {row['max_slope']:>7.3f} {row['min_slope']:>7.3f}"
        f"  {where:<15} {row['min_value']:>7.3f}"
    )

print("\n15-block MLP, He init, one backward pass: first/last layer gradient norm")
for name, report in gradient_by_activation(depth=15).items():
    print(f"{name:<11} {report.ratio:>8.1e}  {report.verdict}")

print("\n4 blocks of 64 units, 100 Adam steps at lr, then 500 at 0.001 (median of 3 seeds)")
print("activation      lr  inactive  zero grad  still inactive")
for name in ("relu", "leaky_relu"):
    for lr in (0.001, 0.03):
        r = dying_median(name, lr)
        print(f"{name:<11} {lr:>6g} {r['inactive']:>9.1%} {r['zero_grad']:>10.1%} {r['still_inactive']:>16.0%}")
