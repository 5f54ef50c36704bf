"""A 2-2-1 tanh network: gradients by the chain rule by hand, by autograd and by finite differences."""

from itertools import product

from gradprobe.experiments.backpropagation import (
    forward,
    gradients_by_autograd,
    gradients_by_differences,
    gradients_by_hand,
    max_abs_difference,
    tiny_network,
)

params, x, y = tiny_network()
by_hand = gradients_by_hand(params, x, y)
by_autograd = gradients_by_autograd(params, x, y)
by_differences = gradients_by_differences(params, x, y)

print(f"loss = {forward(params, x, y).item():.6f}")
print(f"{'parameter':<10} {'by hand':>12} {'autograd':>12}")
for name, grad in by_hand.items():
    for index in product(*(range(n) for n in grad.shape)):
        entry = f"{name}[{','.join(map(str, index))}]"
        print(f"{entry:<10} {grad[index].item():>12.8f} {by_autograd[name][index].item():>12.8f}")
print(f"max |by hand - autograd|           = {max_abs_difference(by_hand, by_autograd):.1e}")
print(f"max |by hand - finite differences| = {max_abs_difference(by_hand, by_differences):.1e}")
