"""Write metrics/prompts.json: the prompts the greedy-ending test runs besides
the course's own defaults (which tests/model reads from the pages).

  candidates        short prompts in the corpus's register, from which lessons
                    can pick default prompts that end well under greedy decoding
  demo              prompts whose greedy continuation, with the shipped quantized
                    model, ends well (chosen from the two lists below by the
                    report); tests/model asserts that they still do
  heldout_openings  the first four words of 100 held-out verses, evenly spaced
                    through the held-out split: an unbiased sample for the
                    share of prompts whose greedy continuation ends well

Usage: python3 prompts.py --out metrics/prompts.json
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import corpus

# From metrics/greedy.json of the shipped model: candidates and held-out
# openings that pass, preferring ones that read as a phrase.
DEMO = [
    "In the beginning God created",
    "The LORD is my shepherd;",
    "Blessed are the",
    "For God so loved",
    "Jesus said unto them,",
    "The fool hath said",
    "And Jesus answered and said unto them,",
    "Then said he unto them,",
    "The heavens declare",
    "Hear, O Israel:",
    "And the LORD came",
    "For thus saith the",
    "O Lord GOD, thou",
    "And they called Rebekah,",
]

CANDIDATES = [
    "And God said,",
    "In the beginning",
    "And the LORD",
    "In the beginning God created",
    "And the LORD said unto Moses,",
    "And the LORD spake unto Moses, saying,",
    "The LORD is my shepherd;",
    "Blessed are the",
    "And it came to pass, when",
    "For God so loved",
    "Jesus said unto them,",
    "The fool hath said",
    "Thou shalt not",
    "Thus saith the LORD,",
    "And Jesus answered and said unto them,",
    "O give thanks unto the LORD;",
    "Praise ye the LORD.",
    "And the king said",
    "My son,",
    "Behold, I",
    "Then said he unto them,",
    "And he said unto them,",
    "The heavens declare",
    "Hear, O Israel:",
    "And the word of the LORD came unto me, saying,",
    "A wise son",
    "And Moses said unto the people,",
    "Verily, verily, I say unto you,",
    "And when he had",
    "Let us",
    "I am the",
    "And David said",
]


def openings(n: int = 100, words: int = 4) -> list[str]:
    _, val = corpus.split(corpus.load("kjv"))
    step = len(val) / n
    return [" ".join(val[int(i * step)].split()[:words]) for i in range(n)]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    data = {"demo": DEMO, "candidates": CANDIDATES, "heldout_openings": openings()}
    Path(args.out).write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}: {len(data['candidates'])} candidates, {len(data['heldout_openings'])} held-out openings")


if __name__ == "__main__":
    main()
