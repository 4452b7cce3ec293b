"""A small byte-level BPE trainer and encoder that writes a Hugging Face
`tokenizer.json` (GPT-2 style: ByteLevel pre-tokenizer and decoder).

No Python `tokenizers` package is available on the build machine, so this
mirrors what it would do: split text with GPT-2's regex, map bytes to
printable unicode, and merge the most frequent adjacent pair until the
vocabulary is full. The encoder here must agree with transformers.js on every
string; tests/model checks that on the shipped tokenizer.
"""

from __future__ import annotations

import collections
import json
from functools import lru_cache

import regex

EOT = "<|endoftext|>"
# GPT-2's pre-tokenizer pattern, as used by the ByteLevel pre-tokenizer.
GPT2_PATTERN = regex.compile(
    r"""'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"""
)


@lru_cache(maxsize=1)
def bytes_to_unicode() -> dict[int, str]:
    """GPT-2's reversible map from bytes to printable unicode characters."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, map(chr, cs)))


def pretokenize(text: str) -> list[str]:
    b2u = bytes_to_unicode()
    return ["".join(b2u[b] for b in piece.encode("utf-8")) for piece in GPT2_PATTERN.findall(text)]


def train(docs: list[str], vocab_size: int) -> tuple[dict[str, int], list[tuple[str, str]]]:
    """Returns (vocab, merges). The last id is the end-of-text token."""
    words = collections.Counter()
    for doc in docs:
        words.update(pretokenize(doc))
    b2u = bytes_to_unicode()
    vocab = {ch: i for i, ch in enumerate(b2u[b] for b in range(256))}
    seqs = {w: list(w) for w in words}
    merges: list[tuple[str, str]] = []

    pair_counts: collections.Counter = collections.Counter()
    where: dict[tuple[str, str], set[str]] = collections.defaultdict(set)
    for w, f in words.items():
        s = seqs[w]
        for a, b in zip(s, s[1:]):
            pair_counts[(a, b)] += f
            where[(a, b)].add(w)

    n_merges = vocab_size - 256 - 1
    while len(merges) < n_merges and pair_counts:
        # Ties broken lexicographically so the result is deterministic.
        best = max(pair_counts.items(), key=lambda kv: (kv[1], kv[0]))[0]
        if pair_counts[best] < 2:
            break
        merged = best[0] + best[1]
        merges.append(best)
        vocab[merged] = len(vocab)
        for w in list(where.pop(best, ())):
            s, f = seqs[w], words[w]
            for a, b in zip(s, s[1:]):
                pair_counts[(a, b)] -= f
                if pair_counts[(a, b)] <= 0:
                    del pair_counts[(a, b)]
            out, i = [], 0
            while i < len(s):
                if i + 1 < len(s) and (s[i], s[i + 1]) == best:
                    out.append(merged)
                    i += 2
                else:
                    out.append(s[i])
                    i += 1
            seqs[w] = out
            for a, b in zip(out, out[1:]):
                pair_counts[(a, b)] += f
                where[(a, b)].add(w)
        pair_counts.pop(best, None)
    vocab[EOT] = len(vocab)
    return vocab, merges


class Encoder:
    def __init__(self, vocab: dict[str, int], merges: list[tuple[str, str]]):
        self.vocab = vocab
        self.ranks = {pair: i for i, pair in enumerate(merges)}
        self.eot_id = vocab[EOT]
        self._cache: dict[str, list[int]] = {}

    def _bpe(self, piece: str) -> list[int]:
        cached = self._cache.get(piece)
        if cached is not None:
            return cached
        parts = list(piece)
        while len(parts) > 1:
            ranked = [(self.ranks.get(p, 1 << 30), i) for i, p in enumerate(zip(parts, parts[1:]))]
            rank, i = min(ranked)
            if rank == 1 << 30:
                break
            parts[i:i + 2] = [parts[i] + parts[i + 1]]
        ids = [self.vocab[p] for p in parts]
        self._cache[piece] = ids
        return ids

    def encode(self, text: str) -> list[int]:
        ids: list[int] = []
        chunks = text.split(EOT)
        for k, chunk in enumerate(chunks):
            for piece in pretokenize(chunk):
                ids.extend(self._bpe(piece))
            if k < len(chunks) - 1:
                ids.append(self.eot_id)
        return ids


def tokenizer_json(vocab: dict[str, int], merges: list[tuple[str, str]]) -> dict:
    byte_level = {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True}
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [{
            "id": vocab[EOT], "content": EOT, "single_word": False, "lstrip": False,
            "rstrip": False, "normalized": False, "special": True,
        }],
        "normalizer": None,
        "pre_tokenizer": byte_level,
        "post_processor": {**byte_level, "trim_offsets": False},
        "decoder": byte_level,
        "model": {
            "type": "BPE", "dropout": None, "unk_token": None,
            "continuing_subword_prefix": "", "end_of_word_suffix": "",
            "fuse_unk": False, "byte_fallback": False, "ignore_merges": False,
            "vocab": vocab,
            "merges": [f"{a} {b}" for a, b in merges],
        },
    }


def load_tokenizer_json(path: str) -> Encoder:
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    merges = [tuple(m.split(" ")) if isinstance(m, str) else tuple(m) for m in data["model"]["merges"]]
    return Encoder(data["model"]["vocab"], merges)
