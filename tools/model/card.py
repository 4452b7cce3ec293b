"""Write MODEL_CARD.md from the training metrics, the exported files and
sample continuations generated with the exported weights.

Usage: python3 card.py --run work/kjv --model ../../public/models/kjv-gpt-2m \
           [--compare metrics/compare-kjv.json metrics/compare-fortunes.json]
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

import torch

import bpe
from export import load_model
from gpt import GPT

SAMPLE_PROMPTS = [
    "In the beginning",
    "And God said,",
    "The LORD is my shepherd;",
    "And it came to pass, when",
    "Blessed are the",
]
SAMPLING = {"temperature": 0.8, "top_k": 40, "seed": 7}


@torch.no_grad()
def continue_text(model: GPT, enc: bpe.Encoder, prompt: str, max_new: int, sample: bool) -> str:
    ids = enc.encode(prompt)
    start = len(ids)
    gen = torch.Generator().manual_seed(SAMPLING["seed"])
    for _ in range(max_new):
        logits = model.train_logits(torch.tensor([ids[-model.cfg.n_positions:]]))[0, -1]
        if sample:
            logits = logits / SAMPLING["temperature"]
            kth = torch.topk(logits, SAMPLING["top_k"]).values[-1]
            logits = logits.masked_fill(logits < kth, float("-inf"))
            next_id = int(torch.multinomial(torch.softmax(logits, -1), 1, generator=gen))
        else:
            next_id = int(logits.argmax())
        if next_id == enc.eot_id:
            break
        ids.append(next_id)
    inv = {i: t for t, i in enc.vocab.items()}
    u2b = {u: b for b, u in bpe.bytes_to_unicode().items()}
    data = bytes(u2b[c] for i in ids[start:] for c in inv[i])
    stopped = " ⏎EOS" if len(ids) - start < max_new else " …(max_new)"
    return data.decode("utf-8", errors="replace") + stopped


def mb(path: Path) -> str:
    return f"{path.stat().st_size / 1e6:.2f} MB ({path.stat().st_size:,} bytes)"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--run", required=True)
    ap.add_argument("--model", required=True)
    ap.add_argument("--compare", nargs="*", default=[])
    ap.add_argument("--command", default="npm run model:build")
    args = ap.parse_args()
    run, out = Path(args.run), Path(args.model)
    m = json.loads((run / "metrics.json").read_text())
    model = load_model(run)
    enc = bpe.load_tokenizer_json(str(out / "tokenizer.json"))
    cfg = m["config"]

    rows = []
    for prompt in SAMPLE_PROMPTS:
        rows.append((prompt, "greedy", continue_text(model, enc, prompt, 40, sample=False)))
        rows.append((prompt, "sampled", continue_text(model, enc, prompt, 40, sample=True)))

    hist = "\n".join(f"| {h['step']} | {h['train_loss']:.3f} | {h['val_loss']:.3f} | {math.exp(h['val_loss']):.1f} | {h['seconds'] / 60:.1f} |"
                     for h in m["history"])
    compare_rows = []
    for c in args.compare:
        cm = json.loads(Path(c).read_text())
        compare_rows.append(
            f"| {cm['corpus']} | {cm['parameters']:,} | {cm['steps']} × {cm['batch']} × {cm['ctx']} | "
            f"{cm['val_loss']:.3f} | {cm['val_perplexity']:.1f} | {cm.get('val_bits_per_char', float('nan')):.3f} | "
            f"{cm['train_seconds'] / 60:.1f} |")
    samples = "\n".join(f"| `{p}` | {mode} | {text.replace('|', '¦').replace(chr(10), ' ')} |" for p, mode, text in rows)
    q8 = out / "onnx" / "model_quantized.onnx"
    fp32 = out / "onnx" / "model.onnx"
    compare_section = ""
    if compare_rows:
        compare_section = f"""
## Corpus comparison

Same architecture, tokenizer size, seed and a short equal budget, to choose the
corpus. Loss and perplexity depend on each corpus's own tokenizer, so bits per
character (held-out loss in bits, divided by held-out characters) is the fair
column.

| corpus | parameters | steps × batch × context | val loss | val ppl | bits/char | minutes |
|---|---|---|---|---|---|---|
{chr(10).join(compare_rows)}

KJV was chosen: it reaches fewer bits per character, its text is public
domain without exceptions, and its one-verse documents are short, so the
model reliably ends with `<|endoftext|>` inside a 50-token budget, which the
lesson's loop checks for. The fortune files mix quotations of unclear
provenance and very different registers.
"""

    card = f"""# kjv-gpt-2m

A small GPT-2-style causal language model trained by this repository for the
course's in-browser demos. It is the model the lesson widgets run, on WASM or
WebGPU through onnxruntime-web. It is a teaching instrument: it writes
phrase-level King James English, not reliable or meaningful text.

## Architecture

| | |
|---|---|
| type | decoder-only transformer (GPT-2 layout: pre-LayerNorm, learned positions, GELU-tanh MLP, tied input/output embedding) |
| layers / heads / width | {cfg['n_layer']} / {cfg['n_head']} / {cfg['n_embd']} (head size {cfg['n_embd'] // cfg['n_head']}) |
| context | {cfg['n_positions']} tokens |
| vocabulary | {cfg['vocab_size']} (byte-level BPE; id {enc.eot_id} is `<|endoftext|>`, used as BOS, EOS and padding) |
| parameters | {m['parameters']:,} |

## Data

- **Corpus:** {m['corpus_description']}.
- **Licence:** {m['corpus_licence']}.
- {m['documents']:,} documents; every 50th is held out: {m['train_tokens']:,} training and {m['val_tokens']:,} held-out tokens.
  Each document ends with `<|endoftext|>`, so the model learns to stop.
- **Tokenizer:** byte-level BPE (GPT-2 pre-tokenizer regex and byte map) trained by
  `tools/model/bpe.py` on the training documents; {cfg['vocab_size'] - 257} merges. Any UTF-8 string encodes (unknown
  characters fall back to bytes) and decodes back exactly.

## Training

| | |
|---|---|
| steps × batch × context | {m['steps']} × {m['batch']} × {m['ctx']} = {m['tokens_seen']:,} tokens (≈ {m['tokens_seen'] / m['train_tokens']:.1f} epochs) |
| optimiser | AdamW (β 0.9/0.95, weight decay 0.1 on matrices), peak LR {m['lr']}, 100 warm-up steps, cosine to 5% |
| seed | {m['seed']} |
| hardware | 2 CPU cores, Debian's python3-torch {m['torch']} with OpenBLAS |
| training time | {m['train_seconds'] / 60:.1f} minutes wall clock (tokenizer {m['tokenizer_seconds']:.0f} s), on cores shared with other jobs |
| held-out loss | **{m['val_loss']:.3f}** nats/token, perplexity **{m['val_perplexity']:.1f}**, {m.get('val_bits_per_char', float('nan')):.3f} bits/char |

| step | train loss | held-out loss | held-out ppl | minutes |
|---|---|---|---|---|
{hist}
{compare_section}
## Files

| file | size |
|---|---|
| `onnx/model.onnx` (fp32) | {mb(fp32)} |
| `onnx/model_quantized.onnx` (int8 weights, per-channel scales, `DequantizeLinear`) | {mb(q8)} |
| `tokenizer.json` | {mb(out / 'tokenizer.json')} |

The ONNX graphs use the Optimum "with past" layout (`input_ids`, `attention_mask`,
`position_ids`, `past_key_values.N.key/value` → `logits`, `present.N.key/value`), so
one file serves the naive loop (empty past) and the KV-cached loop. The tied
embedding is stored once. transformers.js loads the folder as a `gpt2` model;
`transformers.js_config.dtype` is `q8`, so a browser gets the quantized file by
default.

## Samples

Greedy and sampled (temperature {SAMPLING['temperature']}, top-k {SAMPLING['top_k']}, torch seed {SAMPLING['seed']})
continuations of at most 40 new tokens from the fp32 weights. ⏎EOS marks where the
model emitted `<|endoftext|>`.

| prompt | decoding | continuation |
|---|---|---|
{samples}

## Known limits

- 2.2M parameters and one small corpus: grammatical fragments and Bible-like
  phrasing, no knowledge, no instruction following. Prompts far from 17th-century
  English (code, modern vocabulary) are split into many short tokens and get
  generic continuations.
- Greedy decoding repeats itself quickly; sampling reads better.
- The context is {cfg['n_positions']} tokens; the runtime truncates longer prompts from the left.
- int8 weights change logits slightly, so greedy output of the quantized model
  can diverge from fp32 after a number of tokens (the tests report how far).

## Rebuild

```sh
{args.command}
```

This installs the Debian packages it needs (python3-torch, python3-onnx,
python3-numpy, python3-regex, libopenblas0-pthread, bible-kjv, fortunes),
trains with the fixed seed and step count above, exports, quantizes, regenerates this card
and runs the model tests. CPU training is not bit-for-bit deterministic across
machines and BLAS builds, so a rebuild gives an equivalent model (same
architecture, loss within a few hundredths), not identical bytes.
"""
    (out / "MODEL_CARD.md").write_text(card, encoding="utf-8")
    print(f"wrote {out / 'MODEL_CARD.md'}")


if __name__ == "__main__":
    main()
