"""Train the tokenizer and the model for a fixed number of steps and seed.

Usage: python3 train.py --corpus kjv --steps 1500 --out work/kjv [--resume]
Writes tokenizer.json, model.pt, metrics.json under --out. After every
evaluation it also writes checkpoint.pt (model, optimizer, both random
generators, step, history), so `--resume` continues an interrupted run exactly
where it stopped, possibly in a later session.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import time
from pathlib import Path

# OpenBLAS (Debian's pthread build) otherwise starts its own thread pool beside
# torch's; it reads this when the library loads, so before numpy and torch.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np
import torch
import torch.nn.functional as F

import bpe
import corpus
from gpt import GPT, GPTConfig


def encode_docs(enc: bpe.Encoder, docs: list[str]) -> np.ndarray:
    ids: list[int] = []
    for d in docs:
        ids.extend(enc.encode(d))
        ids.append(enc.eot_id)
    return np.asarray(ids, dtype=np.int64)


@torch.no_grad()
def evaluate(model: GPT, data: np.ndarray, ctx: int, batch: int) -> float:
    """Mean next-token loss over the whole held-out stream, in fixed windows."""
    model.eval()
    n = (len(data) - 1) // ctx
    losses, counts = [], []
    for s in range(0, n, batch):
        rows = range(s, min(n, s + batch))
        x = torch.from_numpy(np.stack([data[r * ctx:(r + 1) * ctx] for r in rows]))
        y = torch.from_numpy(np.stack([data[r * ctx + 1:(r + 1) * ctx + 1] for r in rows]))
        logits = model.train_logits(x)
        losses.append(F.cross_entropy(logits.reshape(-1, logits.size(-1)), y.reshape(-1), reduction="sum").item())
        counts.append(y.numel())
    model.train()
    return sum(losses) / sum(counts)


def prepare_data(args, out: Path):
    """Tokenizer and token streams, cached in --out so a resumed run skips them."""
    cache = out / "data.npz"
    docs = corpus.load(args.corpus)
    train_docs, val_docs = corpus.split(docs)
    if args.resume and cache.exists() and (out / "tokenizer.json").exists():
        z = np.load(cache)
        enc = bpe.load_tokenizer_json(str(out / "tokenizer.json"))
        if len(enc.vocab) == args.vocab:
            return docs, val_docs, enc.vocab, z["train"], z["val"], float(z["tok_time"])
    t0 = time.time()
    vocab, merges = bpe.train(train_docs, args.vocab)
    (out / "tokenizer.json").write_text(json.dumps(bpe.tokenizer_json(vocab, merges), ensure_ascii=False), encoding="utf-8")
    enc = bpe.Encoder(vocab, merges)
    train_ids = encode_docs(enc, train_docs)
    val_ids = encode_docs(enc, val_docs)
    tok_time = time.time() - t0
    np.savez(cache, train=train_ids, val=val_ids, tok_time=tok_time)
    return docs, val_docs, vocab, train_ids, val_ids, tok_time


def load_weights(path: Path) -> dict:
    """A state dict from a model.pt, or from an ONNX file written by export.py
    (whose MatMul weights are stored transposed, in block order)."""
    if path.suffix == ".pt":
        return torch.load(path, map_location="cpu")["state_dict"]
    import onnx
    from onnx import numpy_helper
    inits = {i.name: numpy_helper.to_array(i) for i in onnx.load(str(path)).graph.initializer}
    state = {k: torch.from_numpy(v.copy()) for k, v in inits.items() if not k.startswith("onnx::")}
    matmuls = sorted((k for k in inits if k.startswith("onnx::MatMul_")), key=lambda k: int(k.rsplit("_", 1)[1]))
    names = [f"blocks.{b}.{n}.weight" for b in range(len(matmuls) // 4) for n in ("c_attn", "c_proj", "mlp_fc", "mlp_proj")]
    for k, name in zip(matmuls, names):
        state[name] = torch.from_numpy(inits[k].T.copy())
    return state


def save_checkpoint(path: Path, state: dict) -> None:
    tmp = path.with_suffix(".tmp")
    torch.save(state, tmp)
    tmp.replace(path)  # atomic: an interrupted save never leaves a torn checkpoint


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", default="kjv", choices=sorted(corpus.CORPORA))
    ap.add_argument("--out", required=True)
    ap.add_argument("--steps", type=int, default=1500)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--warmup", type=int, default=100)
    ap.add_argument("--schedule", default="wsd", choices=["wsd", "cosine"],
                    help="wsd: warm-up, constant, linear decay over --decay-frac; cosine: warm-up, cosine to 5%%")
    ap.add_argument("--init", default=None,
                    help="start from these weights (a model.pt, or an exported model.onnx) instead of random ones")
    ap.add_argument("--decay-frac", type=float, default=0.2,
                    help="share of the steps, at the end, over which the LR decays linearly to 5%% of peak")
    ap.add_argument("--decay-steps", type=int, default=None, help="the decay's length in steps (overrides --decay-frac)")
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--vocab", type=int, default=2048)
    ap.add_argument("--n-layer", type=int, default=4)
    ap.add_argument("--n-embd", type=int, default=192)
    ap.add_argument("--n-head", type=int, default=4)
    ap.add_argument("--ctx", type=int, default=256)
    ap.add_argument("--eval-every", type=int, default=250)
    # One thread: on 2 cores shared with other jobs, a second intra-op thread
    # spends its time waiting at barriers for the first (measured: metrics/speed.md).
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--resume", action="store_true", help="continue from --out/checkpoint.pt if it exists")
    ap.add_argument("--keep-denormals", action="store_true",
                    help="do not flush denormal floats to zero (only to measure their cost)")
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    # Subnormal floats take a slow path on x86 (tens of times slower per
    # operation); flushing them to zero changes no result that matters here.
    torch.set_flush_denormal(not args.keep_denormals)
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    docs, val_docs, vocab, train_ids, val_ids, tok_time = prepare_data(args, out)
    print(f"corpus {args.corpus}: {len(docs)} docs, {len(train_ids)} train / {len(val_ids)} val tokens; "
          f"tokenizer {len(vocab)} ids in {tok_time:.0f}s", flush=True)

    cfg = GPTConfig(vocab_size=len(vocab), n_positions=args.ctx, n_embd=args.n_embd,
                    n_layer=args.n_layer, n_head=args.n_head)
    model = GPT(cfg)
    if args.init:
        model.load_state_dict(load_weights(Path(args.init)))
        print(f"initialised from {args.init}", flush=True)
    decay = [p for n, p in model.named_parameters() if p.dim() >= 2]
    no_decay = [p for n, p in model.named_parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1},
                             {"params": no_decay, "weight_decay": 0.0}], lr=args.lr, betas=(0.9, 0.95))

    # Warm-up, constant, then a linear decay over the last --decay-frac of the
    # steps ("warmup-stable-decay"). Until the decay starts, the LR does not
    # depend on --steps, so a resumed run may change its length.
    decay_start = args.steps - args.decay_steps if args.decay_steps is not None else int(args.steps * (1 - args.decay_frac))

    if args.schedule == "cosine":
        decay_start = args.warmup

    def lr_at(step: int) -> float:
        if step < args.warmup:
            return args.lr * (step + 1) / args.warmup
        if args.schedule == "cosine":
            p = (step - args.warmup) / max(1, args.steps - args.warmup)
            return args.lr * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * p)))
        if step < decay_start:
            return args.lr
        p = (step - decay_start) / max(1, args.steps - decay_start)
        return args.lr * (1 - 0.95 * p)

    history, start, done_seconds = [], 0, 0.0
    ckpt_path = out / "checkpoint.pt"
    if args.resume and ckpt_path.exists():
        ck = torch.load(ckpt_path, map_location="cpu")
        same = ck["config"] == cfg.to_dict() and ck["schedule"][1:] == [args.batch, args.lr, args.warmup, args.seed]
        if not same:
            raise SystemExit(f"{ckpt_path} was written by a different model or schedule; "
                             "use another --out or delete it")
        if ck["schedule"][0] != args.steps and ck["step"] > min(decay_start, ck["decay_start"]):
            raise SystemExit(f"{ckpt_path} is at step {ck['step']}, past the start of the LR decay; "
                             f"resume it with --steps {ck['schedule'][0]}")
        model.load_state_dict(ck["model"])
        opt.load_state_dict(ck["optimizer"])
        torch.set_rng_state(ck["torch_rng"])
        rng.bit_generator.state = ck["numpy_rng"]
        start, history, done_seconds = ck["step"], ck["history"], ck["seconds"]
        print(f"resumed at step {start} ({done_seconds / 60:.1f} min of training done)", flush=True)

    t_train = time.time() - done_seconds
    interval_losses = []
    for step in range(start, args.steps):
        starts = rng.integers(0, len(train_ids) - args.ctx - 1, size=args.batch)
        x = torch.from_numpy(np.stack([train_ids[s:s + args.ctx] for s in starts]))
        y = torch.from_numpy(np.stack([train_ids[s + 1:s + args.ctx + 1] for s in starts]))
        for g in opt.param_groups:
            g["lr"] = lr_at(step)
        logits = model.train_logits(x)
        loss = F.cross_entropy(logits.reshape(-1, logits.size(-1)), y.reshape(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        interval_losses.append(loss.item())
        last = step == args.steps - 1
        if (step + 1) % args.eval_every == 0 or last:
            val = evaluate(model, val_ids, args.ctx, 32)
            elapsed = time.time() - t_train
            tps = (step + 1) * args.batch * args.ctx / elapsed
            # Training loss is the mean over the steps since the last evaluation,
            # not one batch's, so the curve is not dominated by batch noise.
            train_loss = sum(interval_losses) / len(interval_losses)
            interval_losses = []
            history.append({"step": step + 1, "tokens_seen": (step + 1) * args.batch * args.ctx,
                            "train_loss": round(train_loss, 4), "val_loss": round(val, 4),
                            "seconds": round(elapsed, 1)})
            print(f"step {step + 1}/{args.steps} train {train_loss:.3f} val {val:.3f} "
                  f"ppl {math.exp(val):.1f} | {elapsed / 60:.1f} min, {tps:.0f} tok/s", flush=True)
            save_checkpoint(ckpt_path, {
                "config": cfg.to_dict(), "schedule": [args.steps, args.batch, args.lr, args.warmup, args.seed],
                "decay_start": decay_start,
                "model": model.state_dict(), "optimizer": opt.state_dict(),
                "torch_rng": torch.get_rng_state(), "numpy_rng": rng.bit_generator.state,
                "step": step + 1, "history": history, "seconds": elapsed})
            if args.schedule == "wsd" and step + 1 <= decay_start:
                # The last checkpoint before the decay: a longer run can resume
                # from it (copied to checkpoint.pt) with a larger --steps.
                shutil.copyfile(ckpt_path, out / "stable-checkpoint.pt")

    train_seconds = time.time() - t_train
    torch.save({"config": cfg.to_dict(), "state_dict": model.state_dict()}, out / "model.pt")
    metrics = {
        "corpus": args.corpus,
        "corpus_description": corpus.CORPORA[args.corpus]["description"],
        "corpus_licence": corpus.CORPORA[args.corpus]["licence"],
        "documents": len(docs), "train_tokens": int(len(train_ids)), "val_tokens": int(len(val_ids)),
        # Bits per character compare runs whose tokenizers differ.
        "val_chars": sum(len(d) + 1 for d in val_docs),
        "config": cfg.to_dict(), "parameters": model.num_params(),
        "steps": args.steps, "batch": args.batch, "ctx": args.ctx, "lr": args.lr, "warmup": args.warmup,
        "eval_every": args.eval_every, "seed": args.seed, "decay_start": decay_start,
        "schedule": (f"linear warm-up over {args.warmup} steps, cosine decay to 5% of peak at step {args.steps}"
                     if args.schedule == "cosine" else
                     f"linear warm-up over {args.warmup} steps, constant to step {decay_start}, linear decay to 5% of peak at step {args.steps}"),
        "init": args.init,
        "tokens_seen": args.steps * args.batch * args.ctx,
        "train_seconds": round(train_seconds, 1), "tokenizer_seconds": round(tok_time, 1),
        "val_loss": history[-1]["val_loss"], "val_perplexity": round(math.exp(history[-1]["val_loss"]), 2),
        "val_bits_per_char": round(history[-1]["val_loss"] * len(val_ids) / sum(len(d) + 1 for d in val_docs) / math.log(2), 4),
        "threads": args.threads, "history": history, "torch": torch.__version__,
    }
    (out / "metrics.json").write_text(json.dumps(metrics, indent=2), encoding="utf-8")
    print(json.dumps({k: metrics[k] for k in ("parameters", "val_loss", "val_perplexity", "train_seconds")}))


if __name__ == "__main__":
    main()
