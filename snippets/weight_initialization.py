"""Glorot & Bengio (2010) and He et al. (2015), measured: how the initialization sets the variance of
activations and of back-propagated gradients, layer by layer."""

from gradprobe.experiments.weight_initialization import (
    RELU_NET,
    TANH_NET,
    first_layer_gradient_share,
    layer_statistics,
    per_layer_factor,
    sigmoid_training,
    weight_gradient_report,
)

ROWS = {"activation": "Var[h]", "preactivation_grad": "Var[dL/dz]", "weight_grad": "Var[dL/dW]"}

print("tanh, 5 hidden layers of 1000 units, at initialization (layer 1 = input side)")
print(f"{'init':<9} {'':<11}" + "".join(f"{f'layer {k}':>9}" for k in range(1, 6)) + "  per layer")
for init in ("standard", "default", "xavier"):
    stats = layer_statistics(init=init, **TANH_NET)
    for i, (key, label) in enumerate(ROWS.items()):
        values = stats[key]
        print(
            f"{init if i == 0 else '':<9} {label:<11}"
            + "".join(f"{v:>9.1e}" for v in values)
            + f"  x{per_layer_factor(values):.2f}"
        )
    print(f"{'':<9} grad_norms verdict: {weight_gradient_report(init=init, **TANH_NET).verdict}")

VARIANCES = [0.25, 0.5, 1.0, 2.0]  # the clusters above have variance 2 per input feature
print("\ntanh, layer 1's gradient variance over layer 5's, by the variance of the inputs")
print(f"{'init':<9} {'':<11}" + "".join(f"{f'Var[x] {v}':>12}" for v in VARIANCES))
for init in ("standard", "xavier"):
    shares = first_layer_gradient_share(init, VARIANCES)
    print(f"{init:<9} {'':<11}" + "".join(f"{f'1/{1 / s:.1f}':>12}" for s in shares))

print("\nReLU, 30 hidden layers of 256 units, at initialization")
print(f"{'init':<9} {'':<11} {'layer 1':>9} {'layer 30':>9}  per layer")
for init in ("default", "xavier", "he"):
    stats = layer_statistics(init=init, **RELU_NET)
    for i, key in enumerate(("activation", "preactivation_grad")):
        values = stats[key]
        print(
            f"{init if i == 0 else '':<9} {ROWS[key]:<11} {values[0]:>9.1e} {values[-1]:>9.1e}"
            f"  x{per_layer_factor(values):.2f}"
        )

print("\nsigmoid, 4 hidden layers of 128 units, standard init, SGD: mean activation per layer")
run = sigmoid_training(steps=6000)  # recorded every 100 steps on 500 held-out points
print(f"{'step':>5}" + "".join(f"{f'layer {k}':>9}" for k in range(1, 5)) + f"{'accuracy':>10}")
for step in (0, 500, 1000, 2000, 3000, 4000, 5000, 6000):
    means = "".join(f"{run[f'layer{k}'][step // 100]:>9.3f}" for k in range(1, 5))
    print(f"{step:>5}{means}{run['accuracy'][step // 100]:>10.1%}")
