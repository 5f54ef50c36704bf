"""A deep sigmoid MLP next to the same net with ReLU and He initialization."""

from gradprobe.experiments.vanishing_gradient import measure_mlp

for activation, init in [("sigmoid", "default"), ("relu", "he")]:
    report = measure_mlp(activation, init, depth=15)
    print(f"--- {activation}, {init} init")
    print(report.table())
