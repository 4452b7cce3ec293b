"""Export a trained checkpoint to the folder layout transformers.js loads:

  config.json, generation_config.json, tokenizer.json, tokenizer_config.json,
  onnx/model.onnx (fp32, Optimum "with past" layout)

and write reference logits that the Node tests compare the ONNX file against.

Usage: python3 export.py --run work/kjv --out ../../public/models/kjv-gpt-2m
"""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

import numpy as np
import onnx
import torch
from onnx import helper, numpy_helper

import bpe
from gpt import GPT, GPTConfig

OPSET = 17
REFERENCE_PROMPTS = ["In the beginning God created", "And the LORD said unto Moses,", "Blessed are the"]


def load_model(run: Path) -> GPT:
    ckpt = torch.load(run / "model.pt", map_location="cpu")
    model = GPT(GPTConfig(**ckpt["config"]))
    model.load_state_dict(ckpt["state_dict"])
    model.eval()
    return model


def io_names(n_layer: int) -> tuple[list[str], list[str]]:
    past = [f"past_key_values.{i}.{kv}" for i in range(n_layer) for kv in ("key", "value")]
    present = [f"present.{i}.{kv}" for i in range(n_layer) for kv in ("key", "value")]
    return ["input_ids", "attention_mask", "position_ids", *past], ["logits", *present]


def export_onnx(model: GPT, path: Path) -> None:
    cfg = model.cfg
    inputs, outputs = io_names(cfg.n_layer)
    hd = cfg.n_embd // cfg.n_head
    past_len, seq = 2, 3
    dummy = (
        torch.tensor([[1, 2, 3]]),
        torch.ones(1, past_len + seq, dtype=torch.long),
        torch.tensor([[2, 3, 4]]),
        *[torch.zeros(1, cfg.n_head, past_len, hd) for _ in range(2 * cfg.n_layer)],
    )
    dynamic = {"input_ids": {0: "batch_size", 1: "sequence_length"},
               "attention_mask": {0: "batch_size", 1: "total_sequence_length"},
               "position_ids": {0: "batch_size", 1: "sequence_length"},
               "logits": {0: "batch_size", 1: "sequence_length"}}
    for name in inputs[3:]:
        dynamic[name] = {0: "batch_size", 2: "past_sequence_length"}
    for name in outputs[1:]:
        dynamic[name] = {0: "batch_size", 2: "total_sequence_length"}
    torch.onnx.export(model, dummy, str(path), input_names=inputs, output_names=outputs,
                      dynamic_axes=dynamic, opset_version=OPSET, do_constant_folding=True)
    store_tied_embedding_once(path, model.wte.weight.detach().numpy())


def store_tied_embedding_once(path: Path, wte: np.ndarray) -> None:
    """Constant folding turns wte.T into a second initializer; replace it with
    a Transpose of the embedding so the largest matrix is stored once."""
    m = onnx.load(str(path))
    g = m.graph
    emb_name = next(i.name for i in g.initializer
                    if tuple(i.dims) == wte.shape and np.array_equal(numpy_helper.to_array(i), wte))
    dup = [i for i in g.initializer
           if tuple(i.dims) == wte.shape[::-1] and np.array_equal(numpy_helper.to_array(i), wte.T)]
    for init in dup:
        g.initializer.remove(init)
        g.node.insert(0, helper.make_node("Transpose", [emb_name], [init.name], perm=[1, 0],
                                          name=f"tied_{init.name}"))
    onnx.checker.check_model(m)
    onnx.save(m, str(path))


def write_configs(model: GPT, tok: dict, out: Path) -> None:
    cfg = model.cfg
    eot = tok["added_tokens"][0]["id"]
    (out / "config.json").write_text(json.dumps({
        "model_type": "gpt2",
        "architectures": ["GPT2LMHeadModel"],
        "vocab_size": cfg.vocab_size, "n_positions": cfg.n_positions, "n_ctx": cfg.n_positions,
        "n_embd": cfg.n_embd, "n_layer": cfg.n_layer, "n_head": cfg.n_head,
        "activation_function": "gelu_new", "layer_norm_epsilon": 1e-5, "tie_word_embeddings": True,
        "bos_token_id": eot, "eos_token_id": eot,
        "transformers.js_config": {"dtype": "q8"},
    }, indent=2) + "\n")
    (out / "generation_config.json").write_text(json.dumps({
        "bos_token_id": eot, "eos_token_id": eot, "pad_token_id": eot,
        "max_length": cfg.n_positions, "do_sample": False,
    }, indent=2) + "\n")
    (out / "tokenizer_config.json").write_text(json.dumps({
        "tokenizer_class": "GPT2Tokenizer", "model_max_length": cfg.n_positions,
        "bos_token": bpe.EOT, "eos_token": bpe.EOT, "unk_token": bpe.EOT, "pad_token": bpe.EOT,
        "add_bos_token": False, "add_prefix_space": False, "clean_up_tokenization_spaces": False,
    }, indent=2) + "\n")


@torch.no_grad()
def reference(model: GPT, enc: bpe.Encoder) -> dict:
    """Torch logits for fixed prompts: the ONNX files must reproduce these."""
    cases = []
    for prompt in REFERENCE_PROMPTS:
        ids = enc.encode(prompt)
        logits = model.train_logits(torch.tensor([ids]))[0]
        last = logits[-1]
        top = torch.topk(last, 10)
        cases.append({
            "prompt": prompt, "ids": ids,
            "last_logits": [round(float(v), 5) for v in last],
            "top10_ids": top.indices.tolist(),
            "mean_abs_logit": round(float(logits.abs().mean()), 5),
        })
    return {"source": "torch " + torch.__version__, "cases": cases}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--run", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--reference", required=True)
    args = ap.parse_args()
    run, out = Path(args.run), Path(args.out)
    (out / "onnx").mkdir(parents=True, exist_ok=True)

    model = load_model(run)
    shutil.copy(run / "tokenizer.json", out / "tokenizer.json")
    tok = json.loads((out / "tokenizer.json").read_text(encoding="utf-8"))
    write_configs(model, tok, out)
    export_onnx(model, out / "onnx" / "model.onnx")
    enc = bpe.load_tokenizer_json(str(out / "tokenizer.json"))
    Path(args.reference).parent.mkdir(parents=True, exist_ok=True)
    Path(args.reference).write_text(json.dumps(reference(model, enc)) + "\n")
    print(f"exported {out / 'onnx' / 'model.onnx'} ({(out / 'onnx' / 'model.onnx').stat().st_size / 1e6:.2f} MB)")


if __name__ == "__main__":
    main()
