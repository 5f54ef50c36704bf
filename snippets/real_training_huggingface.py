"""transformers.Trainer: GradProbeCallback logs through Trainer.log, beside the Trainer's own grad_norm."""
# Needs the huggingface extra: pip install "gradprobe[huggingface]"

import torch
from transformers import BertConfig, BertForSequenceClassification, PrinterCallback, Trainer, TrainingArguments

from gradprobe.integrations.huggingface import GradProbeCallback

torch.manual_seed(0)
config = BertConfig(
    vocab_size=100,
    hidden_size=32,
    num_hidden_layers=2,
    num_attention_heads=2,
    intermediate_size=64,
    max_position_embeddings=32,
    num_labels=2,
)
model = BertForSequenceClassification(config)
texts, labels = torch.randint(0, 100, (32, 12)), torch.randint(0, 2, (32,))
data = [{"input_ids": ids, "labels": label} for ids, label in zip(texts, labels)]
args = TrainingArguments(
    output_dir="out",
    per_device_train_batch_size=4,
    gradient_accumulation_steps=2,
    max_grad_norm=1.0,
    max_steps=4,
    logging_steps=1,
    learning_rate=1e-3,
    report_to=[],
    save_strategy="no",
    disable_tqdm=True,
    use_cpu=True,
)
trainer = Trainer(model=model, args=args, train_dataset=data)
trainer.remove_callback(PrinterCallback)  # the logs are printed below instead
probe = GradProbeCallback(trainer, depth=4)  # adds itself; depth=4 merges each bert.encoder.layer.N
trainer.train()

logs = trainer.state.log_history
ours = {entry["step"]: entry for entry in logs if "gradprobe/total" in entry}
print("logged:", ", ".join(key for key in ours[1] if key.startswith("gradprobe/layer/bert.encoder")))
print("step  Trainer grad_norm  gradprobe before clipping  applied  clipped")
for entry in logs:
    if "grad_norm" in entry:
        row = ours[entry["step"]]
        print(
            f"{entry['step']:>4}  {entry['grad_norm']:>17.4f}  {row['gradprobe/pre_clip_total']:>25.4f}  "
            f"{row['gradprobe/total']:>7.4f}  {row['gradprobe/clipped']:>7.0f}"
        )
