"""A 30-block tanh MLP with its weights scaled up, then a ReLU MLP trained with too large a learning rate."""

from gradprobe.experiments.exploding_gradient import GAINS, growth_per_layer, measure_gain, predicted_growth, train

print(f"{'gain':>4} {'first layer':>12} {'head':>9} {'first/last':>11} {'per layer':>10} {'predicted':>10}  verdict")
for gain in GAINS:
    report = measure_gain(gain)
    print(
        f"{gain:>4g} {report.norms[0]:>12.2e} {report.norms[-1]:>9.2e} {report.ratio:>11.1e} "
        f"{growth_per_layer(report):>10.2f} {predicted_growth(gain):>10.2f}  {report.verdict}"
    )

print("\nSGD, learning rate 0.1, 10-block ReLU MLP with He init:")
run = train(lr=0.1)
for step, (loss, report) in enumerate(zip(run.losses, run.reports), start=1):
    print(f"step {step}  loss {loss:.3g}  total grad norm {report.total_norm:.3g}  {report.summary()}")
