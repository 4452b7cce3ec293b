"""Corpus preparation: turn a Debian text package into a list of documents.

Each document is one unit the model should learn to finish: a KJV verse, or
one fortune. Training packs them with an end-of-text token after each, so the
model learns to stop, which is what the lesson's loop checks for.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

CORPORA = {
    "kjv": {
        "apt": ["bible-kjv"],
        "description": "King James Version of the Bible (1611), verse per document, from Debian's bible-kjv-text",
        "licence": "Public domain (text); Debian packaging GPL-2+",
    },
    "fortunes": {
        "apt": ["fortunes", "fortunes-min"],
        "description": "BSD fortune cookie files (non-offensive set), one fortune per document, from Debian's fortunes",
        "licence": "BSD-4-Clause packaging; individual quotations of mixed provenance",
    },
}

VERSE_REF = re.compile(r"^\S+?\d+:\d+ ")


def kjv_documents() -> list[str]:
    out = subprocess.run(
        ["bible", "-f", "Genesis1:1-Revelation22:21"],
        check=True, capture_output=True, text=True,
    ).stdout
    docs = []
    for line in out.splitlines():
        line = line.strip()
        if not line:
            continue
        text = VERSE_REF.sub("", line, count=1)
        docs.append(text)
    return docs


def fortune_documents() -> list[str]:
    root = Path("/usr/share/games/fortunes")
    docs = []
    for path in sorted(root.iterdir()):
        # The .dat indexes and .u8 links are not text; skip dotted names.
        if "." in path.name or not path.is_file():
            continue
        raw = path.read_text(encoding="utf-8", errors="replace")
        for chunk in raw.split("\n%\n"):
            text = "\n".join(l.rstrip() for l in chunk.strip("%\n").splitlines()).strip()
            if 20 <= len(text) <= 600:
                docs.append(text)
    return docs


def load(name: str) -> list[str]:
    if name == "kjv":
        return kjv_documents()
    if name == "fortunes":
        return fortune_documents()
    raise SystemExit(f"unknown corpus {name!r}; choose one of {sorted(CORPORA)}")


def split(docs: list[str], every: int = 50) -> tuple[list[str], list[str]]:
    """Deterministic held-out split: every 50th document is validation."""
    train = [d for i, d in enumerate(docs) if i % every != every - 1]
    val = [d for i, d in enumerate(docs) if i % every == every - 1]
    return train, val


if __name__ == "__main__":
    import sys

    name = sys.argv[1] if len(sys.argv) > 1 else "kjv"
    docs = load(name)
    train, val = split(docs)
    print(json.dumps({"corpus": name, "documents": len(docs), "train": len(train), "val": len(val),
                      "chars": sum(map(len, docs))}))
