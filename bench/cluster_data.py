"""Shared loading for the clustering bench scripts: dev files, and their vectors cached on disk.

Vectors come from `newsweave.stories.embed.load_embedder` ("minilm" or "static"), the embedders the
pipeline uses, and are cached in /tmp/nw_cache as .npy (keyed by the embedder's name and the
texts), so each dev file is embedded once per embedder.

The eval folder is `--eval-dir` where a script takes one, else $NEWSWEAVE_EVAL_DIR, else
../shared/eval beside the repository; the dev files are in its dev/ folder (or in the folder
itself).

    .venv/bin/python bench/cluster_data.py [minilm] [static]    # fill the cache
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path

import numpy as np

from newsweave.stories.embed import load_embedder

DEFAULT_EVAL_DIR = Path(__file__).resolve().parents[2] / "shared" / "eval"
CACHE_DIR = Path("/tmp/nw_cache")
NAMES = ("ecbplus", "multinews", "allsides")
EMBEDDERS = ("minilm", "static")


def dev_dir(eval_dir: Path | str | None = None) -> Path:
    """The folder holding cluster-<name>.jsonl: eval_dir/dev, or eval_dir itself."""
    base = Path(eval_dir or os.environ.get("NEWSWEAVE_EVAL_DIR") or DEFAULT_EVAL_DIR)
    return base / "dev" if (base / "dev").is_dir() else base


def load_dev(name: str, eval_dir: Path | str | None = None) -> list[dict]:
    path = dev_dir(eval_dir) / f"cluster-{name}.jsonl"
    if not path.is_file():
        raise SystemExit(f"{path} not found; pass --eval-dir (the folder holding dev/)")
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def doc_text(row: dict) -> str:
    title = (row.get("title") or "").strip()
    text = (row.get("text") or "").strip()
    return f"{title}\n{text}" if title else text


def vectors(name: str, rows: list[dict], kind: str = "minilm") -> np.ndarray:
    """The vectors of the rows' texts from embedder `kind`, embedded once and then cached."""
    texts = [doc_text(r) for r in rows]
    # The library module is in the key, so vectors from the old bench-only loaders are not reused.
    key = hashlib.sha1("\x00".join(["newsweave.embed", *texts]).encode()).hexdigest()[:12]
    path = CACHE_DIR / f"{name}-{kind}-{key}.npy"
    if path.exists():
        return np.load(path)
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    vec = load_embedder(kind).embed(texts)
    np.save(path, vec)
    return vec


if __name__ == "__main__":
    for kind in sys.argv[1:] or EMBEDDERS:
        for name in NAMES:
            print(kind, name, vectors(name, load_dev(name), kind).shape, flush=True)
