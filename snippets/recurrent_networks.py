"""Gradient of the last step's loss at input step 1 and step 100: tanh RNN, LSTM and GRU, hidden size 32."""

from gradprobe.experiments.recurrent_networks import SETUPS, summary

print(f"{'cell':<6} {'keep-gate bias':<15} {'step 1':>8} {'step 100':>9} {'ratio':>8} {'per step':>9}")
for label, row in summary(length=100).items():  # median of 5 seeds at every step
    cell, bias = SETUPS[label]
    gate = "(no gate)" if cell == "rnn" else "default" if bias is None else f"{bias:g}"
    print(f"{cell:<6} {gate:<15} {row['first']:>8.1e} {row['last']:>9.1e} {row['ratio']:>8.1e} {row['per_step']:>9.2f}")
