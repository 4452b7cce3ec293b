"""Write MODEL_CARD.md from the training metrics, the exported files and
sample continuations generated with the exported weights.

Usage: python3 card.py --run work/kjv --model ../../public/models/kjv-gpt-2m \
           [--compare metrics/compare-kjv.json metrics/compare-fortunes.json] \
           [--greedy metrics/greedy.json]

Also writes loss-curve.svg next to the card (plain SVG, no plotting package).
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


def loss_curve_svg(history: list[dict], batch: int, ctx: int) -> str:
    """Held-out and training loss against tokens seen, as a standalone SVG."""
    w, h, left, right, top, bottom = 640, 360, 64, 150, 20, 48
    pw, ph = w - left - right, h - top - bottom
    xs = [r.get("tokens_seen", r["step"] * batch * ctx) for r in history]
    ys = [v for r in history for v in (r["train_loss"], r["val_loss"])]
    x_max = max(xs)
    y_lo, y_hi = math.floor(min(ys) * 2) / 2, math.ceil(max(ys) * 2) / 2
    px = lambda x: left + pw * x / x_max
    py = lambda y: top + ph * (y_hi - y) / (y_hi - y_lo)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" '
           'font-family="sans-serif" font-size="12" role="img">',
           '<title>Training and held-out loss (nats per token) against tokens seen</title>',
           f'<rect width="{w}" height="{h}" fill="#fff"/>']
    y = y_lo
    while y <= y_hi + 1e-9:
        out.append(f'<line x1="{left}" x2="{left + pw}" y1="{py(y):.1f}" y2="{py(y):.1f}" stroke="#ddd"/>')
        out.append(f'<text x="{left - 6}" y="{py(y) + 4:.1f}" text-anchor="end">{y:.1f}</text>')
        y += 0.5
    tick = 1_000_000
    for t in range(0, x_max + 1, tick):
        out.append(f'<line x1="{px(t):.1f}" x2="{px(t):.1f}" y1="{top + ph}" y2="{top + ph + 4}" stroke="#000"/>')
        out.append(f'<text x="{px(t):.1f}" y="{top + ph + 18}" text-anchor="middle">{f"{t // tick}M" if t else "0"}</text>')
    out.append(f'<rect x="{left}" y="{top}" width="{pw}" height="{ph}" fill="none" stroke="#000"/>')
    for prev, r in zip(history, history[1:]):
        if r.get("stage") != prev.get("stage"):
            bx = px(prev["tokens_seen"])
            out.append(f'<line x1="{bx:.1f}" x2="{bx:.1f}" y1="{top}" y2="{top + ph}" stroke="#666" stroke-dasharray="2 3"/>')
            out.append(f'<text x="{bx + 4:.1f}" y="{top + 14}">stage {r["stage"]}</text>')
    out.append(f'<text x="{left + pw / 2}" y="{h - 8}" text-anchor="middle">tokens seen</text>')
    out.append(f'<text transform="translate(16 {top + ph / 2}) rotate(-90)" text-anchor="middle">loss (nats/token)</text>')
    # Colour plus a dash pattern and marker shape, so the lines differ without colour too.
    series = [("held-out", "val_loss", "#1f5fbf", "", "circle"), ("training", "train_loss", "#c0504d", "6 4", "square")]
    for i, (label, key, colour, dash, marker) in enumerate(series):
        pts = " ".join(f"{px(x):.1f},{py(r[key]):.1f}" for x, r in zip(xs, history))
        out.append(f'<polyline points="{pts}" fill="none" stroke="{colour}" stroke-width="2"'
                   + (f' stroke-dasharray="{dash}"' if dash else "") + "/>")
        for x, r in zip(xs, history):
            if marker == "circle":
                out.append(f'<circle cx="{px(x):.1f}" cy="{py(r[key]):.1f}" r="3" fill="{colour}"/>')
            else:
                out.append(f'<rect x="{px(x) - 3:.1f}" y="{py(r[key]) - 3:.1f}" width="6" height="6" fill="{colour}"/>')
        ly = top + 14 + 20 * i
        out.append(f'<line x1="{left + pw + 12}" x2="{left + pw + 40}" y1="{ly}" y2="{ly}" stroke="{colour}" stroke-width="2"'
                   + (f' stroke-dasharray="{dash}"' if dash else "") + "/>")
        out.append(f'<text x="{left + pw + 46}" y="{ly + 4}">{label}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def greedy_section(path: Path | None) -> str:
    if path is None or not path.exists():
        return ""
    g = json.loads(path.read_text())

    def row(r: dict) -> str:
        verdict = "yes" if r["passes"] else ("no: repeats “" + r["repeated"].strip() + "”" if r["repeated"]
                                             else "no: no EOS" if not r["endsAtEos"] else "no: empty")
        text = r["continuation"].replace("|", "¦").replace("\n", " ")
        return f"| `{r['prompt']}` | {text}{' ⏎EOS' if r['endsAtEos'] else ' …'} | {r['newTokens']} | {verdict} |"

    seen, rows = set(), []
    for r in g["pages"] + g.get("demo", []) + g["candidates"]:
        if r["prompt"] not in seen:
            seen.add(r["prompt"])
            rows.append(row(r))
    h = g["heldout"]
    passing = [r["prompt"] for r in g["pages"] + g.get("demo", []) + g["candidates"] if r["passes"]]
    pages = ", ".join(f"`{r['prompt']}`" for r in g["pages"])
    demo = ", ".join(f"`{r['prompt']}`" for r in g.get("demo", []) if r["passes"])
    return f"""
## Greedy continuations that end

The course's demos decode greedily, so the test that matters for them is: from a
prompt, does greedy decoding with the shipped **quantized** model end at
`<|endoftext|>` within {g['maxNewTokens']} new tokens, without repeating any {g['ngram']}-gram of
tokens? `tests/model/greedy.test.ts` checks it, through the site's own loader and
loop ({g['model']}), for the demo prompts, and for each default prompt on the course's
pages.

- Held-out verse openings (the first four words of 100 held-out verses, evenly spaced):
  **{h['passed']}/{h['total']}** pass; {h['endedAtEos']}/{h['total']} end at EOS.
- Page, demo and candidate prompts: {len(set(passing))}/{len(seen)} pass. The pages' current
  default prompts ({pages}) {'all pass' if all(r['passes'] for r in g['pages']) else 'do not all pass'}.
- Demo prompts that pass (for the pages' defaults; `metrics/prompts.json`): {demo}.

| prompt | greedy continuation (int8) | new tokens | passes |
|---|---|---|---|
{chr(10).join(rows)}
"""


def mb(path: Path) -> str:
    return f"{path.stat().st_size / 1e6:.2f} MB ({path.stat().st_size:,} bytes)"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--run", required=True)
    ap.add_argument("--model", required=True)
    ap.add_argument("--compare", nargs="*", default=[])
    ap.add_argument("--stage1", default=None, help="run folder of the first stage, when --run was initialised from it")
    ap.add_argument("--greedy", default=None, help="metrics/greedy.json from tests/model/greedy.test.ts")
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

    # One history over both stages: steps, tokens and minutes continue from stage 1.
    stages = [m]
    if args.stage1:
        stages.insert(0, json.loads((Path(args.stage1) / "metrics.json").read_text()))
    history, step0, tokens0, sec0 = [], 0, 0, 0.0
    for k, sm in enumerate(stages):
        for h in sm["history"]:
            history.append({**h, "stage": k + 1, "step": step0 + h["step"],
                            "tokens_seen": tokens0 + h["step"] * sm["batch"] * sm["ctx"], "seconds": sec0 + h["seconds"]})
        step0 += sm["steps"]
        tokens0 += sm["steps"] * sm["batch"] * sm["ctx"]
        sec0 += sm["train_seconds"]
    total_steps, total_tokens, total_seconds = step0, tokens0, sec0
    (out / "loss-curve.svg").write_text(loss_curve_svg(history, m["batch"], m["ctx"]), encoding="utf-8")
    bpc = m["val_tokens"] / m["val_chars"] / math.log(2)
    hist = "\n".join(f"| {h['stage']} | {h['step']} | {h['tokens_seen']:,} | {h['train_loss']:.3f} | "
                     f"{h['val_loss']:.3f} | {math.exp(h['val_loss']):.1f} | {h['val_loss'] * bpc:.3f} | {h['seconds'] / 60:.1f} |"
                     for h in history)
    stage_rows = "\n".join(
        f"| stage {k + 1} | {sm['steps']} × {sm['batch']} × {sm['ctx']}, seed {sm['seed']}, "
        f"{'from ' + ('stage 1' if k else 'random') + ' weights' if k or not sm.get('init') else 'from ' + sm['init']}; "
        f"{sm.get('schedule', 'linear warm-up over 100 steps, cosine decay to 5% of peak')}, peak LR {sm['lr']}; "
        f"{sm.get('threads', 2)} thread(s), {sm['train_seconds'] / 60:.1f} min |"
        for k, sm in enumerate(stages))
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
model learns to end with `<|endoftext|>` after a short text, which the
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
| steps × batch × context | {total_steps} × {m['batch']} × {m['ctx']} = {total_tokens:,} tokens (≈ {total_tokens / m['train_tokens']:.1f} epochs) |
{stage_rows}
| optimiser | AdamW (β 0.9/0.95, weight decay 0.1 on matrices), fresh in each stage |
| evaluation | held-out loss every {m.get('eval_every', 250)} steps; a checkpoint after each (`train.py --resume` continues from it) |
| hardware | 2 CPU cores, Debian's python3-torch {m['torch']} with OpenBLAS |
| training time | {total_seconds / 60:.1f} minutes wall clock in all (tokenizer {m['tokenizer_seconds']:.0f} s), on cores shared with other jobs |
| held-out loss | **{m['val_loss']:.3f}** nats/token, perplexity **{m['val_perplexity']:.1f}**, {m.get('val_bits_per_char', float('nan')):.3f} bits/char |

![Training and held-out loss against tokens seen](loss-curve.svg)

Training loss is the mean over the steps since the previous evaluation{' (in stage 1, the loss of the last batch)' if args.stage1 else ''}.

| stage | step | tokens seen | train loss | held-out loss | held-out ppl | held-out bits/char | minutes |
|---|---|---|---|---|---|---|---|
{hist}
{compare_section}
## Files

| file | size |
|---|---|
| `onnx/model.onnx` (fp32) | {mb(fp32)} |
| `onnx/model_quantized.onnx` (int8 weights, per-channel scales, `DequantizeLinear`) | {mb(q8)} |
| `tokenizer.json` | {mb(out / 'tokenizer.json')} |
| `loss-curve.svg` | the loss curve above |

The ONNX graphs use the Optimum "with past" layout (`input_ids`, `attention_mask`,
`position_ids`, `past_key_values.N.key/value` → `logits`, `present.N.key/value`), so
one file serves the naive loop (empty past) and the KV-cached loop. Each also has
`step.N.key/value`, the keys and values of the positions a pass was fed, for a runtime
that keeps the cache itself (`step_outputs.py`). The tied
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
{greedy_section(Path(args.greedy) if args.greedy else None)}
## Known limits

- 2.2M parameters and one small corpus: grammatical fragments and Bible-like
  phrasing, no knowledge, no instruction following. Prompts far from 17th-century
  English (code, modern vocabulary) are split into many short tokens and get
  generic continuations.
- Greedy decoding still loops on some prompts (see the held-out share above);
  sampling varies more and reads better.
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
