"""Per-layer gradient norms of 12 Transformer encoder layers at initialization: post-LN against pre-LN."""

from gradprobe.experiments.attention import last_layer_by_depth, post_vs_pre

norms = post_vs_pre(depth=12)  # median of 5 seeds per layer
print(f"{'layer':>5} {'post-LN':>8} {'pre-LN':>7} {'post/pre':>9}")
for i, (post, pre) in enumerate(zip(norms["post"], norms["pre"])):
    print(f"{i:>5} {post:>8.3f} {pre:>7.3f} {post / pre:>9.2f}")

depths = (1, 2, 4, 8, 12, 24)
last = last_layer_by_depth(depths)  # the last layer's gradient norm, stacks of 1 to 24 layers
print(f"\n{'layers':>6} {'post-LN':>8} {'pre-LN':>7} {'post/pre':>9}   (last layer)")
for depth, post, pre in zip(depths, last["post"], last["pre"]):
    print(f"{depth:>6} {post:>8.3f} {pre:>7.3f} {post / pre:>9.2f}")
