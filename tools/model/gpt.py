"""A GPT-2-style causal language model, written so that it exports to ONNX in
the Optimum "with past" layout that transformers.js and our runtime load:

  inputs:  input_ids, attention_mask, position_ids,
           past_key_values.{i}.key / .value   [batch, heads, past_len, head_dim]
  outputs: logits, present.{i}.key / .value   [batch, heads, past_len + seq, head_dim]

One graph serves both the naive loop (past_len = 0, the whole sequence every
step) and the cached loop (one new token, the rest from the cache).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F


@dataclass
class GPTConfig:
    vocab_size: int = 2048
    n_positions: int = 256
    n_embd: int = 192
    n_layer: int = 4
    n_head: int = 4

    def to_dict(self) -> dict:
        return asdict(self)


class Block(nn.Module):
    def __init__(self, cfg: GPTConfig):
        super().__init__()
        self.n_head = cfg.n_head
        self.head_dim = cfg.n_embd // cfg.n_head
        self.ln_1 = nn.LayerNorm(cfg.n_embd)
        self.c_attn = nn.Linear(cfg.n_embd, 3 * cfg.n_embd)
        self.c_proj = nn.Linear(cfg.n_embd, cfg.n_embd)
        self.ln_2 = nn.LayerNorm(cfg.n_embd)
        self.mlp_fc = nn.Linear(cfg.n_embd, 4 * cfg.n_embd)
        self.mlp_proj = nn.Linear(4 * cfg.n_embd, cfg.n_embd)

    def forward(self, x, mask, past_k, past_v):
        b, t, c = x.shape
        q, k, v = self.c_attn(self.ln_1(x)).split(c, dim=2)
        q = q.view(b, t, self.n_head, self.head_dim).transpose(1, 2)
        k = k.view(b, t, self.n_head, self.head_dim).transpose(1, 2)
        v = v.view(b, t, self.n_head, self.head_dim).transpose(1, 2)
        k = torch.cat([past_k, k], dim=2)
        v = torch.cat([past_v, v], dim=2)
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(self.head_dim))
        # A large finite negative rather than -inf keeps fully masked rows
        # (left padding) free of NaN.
        att = att.masked_fill(~mask, -1e9)
        att = F.softmax(att, dim=-1)
        y = (att @ v).transpose(1, 2).reshape(b, t, c)
        x = x + self.c_proj(y)
        x = x + self.mlp_proj(F.gelu(self.mlp_fc(self.ln_2(x)), approximate="tanh"))
        return x, k, v


class GPT(nn.Module):
    def __init__(self, cfg: GPTConfig):
        super().__init__()
        self.cfg = cfg
        self.wte = nn.Embedding(cfg.vocab_size, cfg.n_embd)
        self.wpe = nn.Embedding(cfg.n_positions, cfg.n_embd)
        self.blocks = nn.ModuleList(Block(cfg) for _ in range(cfg.n_layer))
        self.ln_f = nn.LayerNorm(cfg.n_embd)
        self.apply(self._init)
        for name, p in self.named_parameters():
            if name.endswith("c_proj.weight") or name.endswith("mlp_proj.weight"):
                nn.init.normal_(p, mean=0.0, std=0.02 / math.sqrt(2 * cfg.n_layer))

    @staticmethod
    def _init(m):
        if isinstance(m, nn.Linear):
            nn.init.normal_(m.weight, mean=0.0, std=0.02)
            nn.init.zeros_(m.bias)
        elif isinstance(m, nn.Embedding):
            nn.init.normal_(m.weight, mean=0.0, std=0.02)

    def num_params(self) -> int:
        return sum(p.numel() for p in self.parameters())

    def forward(self, input_ids, attention_mask, position_ids, *past):
        """past is (k0, v0, k1, v1, ...); returns (logits, k0', v0', ...)."""
        b, t = input_ids.shape
        total = attention_mask.shape[1]
        key_idx = torch.arange(total, device=input_ids.device)
        query_idx = key_idx[total - t:]
        causal = key_idx.unsqueeze(0) <= query_idx.unsqueeze(1)          # [t, total]
        keep = attention_mask.bool().unsqueeze(1).unsqueeze(2)            # [b, 1, 1, total]
        mask = causal.unsqueeze(0).unsqueeze(0) & keep                    # [b, 1, t, total]

        x = self.wte(input_ids) + self.wpe(position_ids)
        presents = []
        for i, block in enumerate(self.blocks):
            x, k, v = block(x, mask, past[2 * i], past[2 * i + 1])
            presents += [k, v]
        x = self.ln_f(x)
        # Tied output projection: the embedding matrix is stored once.
        logits = torch.matmul(x, self.wte.weight.t())
        return (logits, *presents)

    def empty_past(self, batch: int = 1):
        hd = self.cfg.n_embd // self.cfg.n_head
        z = torch.zeros(batch, self.cfg.n_head, 0, hd)
        return [z] * (2 * self.cfg.n_layer)

    def train_logits(self, idx):
        b, t = idx.shape
        mask = torch.ones(b, t, dtype=torch.long)
        pos = torch.arange(t).unsqueeze(0).expand(b, t)
        return self.forward(idx, mask, pos, *self.empty_past(b))[0]
