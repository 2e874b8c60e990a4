"""A stage's in-memory index as bytes for the store, and back.

The stories stage keeps its clusterer and its copy index between runs (`Store.put_state`), so a
run that brings a few articles need not count, hash and link every stored one again. A saved
state is one zip of numpy arrays (`np.savez`) holding a JSON document for what is not numbers
(ids, words, settings); loading reads arrays and JSON only, never a pickle, so a store file
from elsewhere cannot run code. Rows of different lengths (an article's links, its shingles)
are saved flat with their lengths (`ragged`).
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

__all__ = ["pack", "ragged", "unpack", "unragged"]

_META = "meta"


def pack(meta: Mapping[str, Any], arrays: Mapping[str, np.ndarray], state_format: int) -> bytes:
    """The JSON-able `meta` and the arrays as one saved state of the given format number."""
    buffer = io.BytesIO()
    document = json.dumps({**meta, "format": state_format}).encode("utf-8")
    named: dict[str, Any] = {_META: np.frombuffer(document, dtype=np.uint8), **arrays}
    np.savez(buffer, **named)
    return buffer.getvalue()


@contextmanager
def unpack(
    data: bytes, what: str, state_format: int
) -> Iterator[tuple[dict[str, Any], Mapping[str, np.ndarray]]]:
    """(meta, arrays) of a saved state, for a block that rebuilds `what` from them. Anything
    wrong with the data, there or in the block (a missing array, a wrong shape, an index that
    will not load), and a state of another format than `state_format`, is raised as one
    ValueError, "not a saved <what>": the caller rebuilds what it needs another way."""
    try:
        if not data.startswith(b"PK"):  # np.savez writes a zip file
            raise ValueError("not a zip file")
        with np.load(io.BytesIO(data), allow_pickle=False) as arrays:
            meta = json.loads(arrays[_META].tobytes())
            if meta["format"] != state_format:
                raise ValueError(f"format {meta['format']!r}, not {state_format}")
            yield meta, arrays
    except Exception as error:  # whatever a damaged or foreign state makes the block raise
        raise ValueError(f"not a saved {what} ({type(error).__name__}: {error})") from None


def ragged(
    name: str, rows: Sequence[tuple[ArrayLike, ArrayLike]], dtypes: tuple[Any, Any]
) -> dict[str, np.ndarray]:
    """Rows of two sequences each, of any lengths, as three flat arrays: `<name>_counts` and
    the two sequences joined, in `dtypes`."""
    keys = [np.asarray(k, dtype=dtypes[0]) for k, _ in rows]
    values = [np.asarray(v, dtype=dtypes[1]) for _, v in rows]
    return {
        f"{name}_counts": np.array([len(k) for k in keys], dtype=np.int64),
        f"{name}_keys": np.concatenate(keys) if keys else np.empty(0, dtype=dtypes[0]),
        f"{name}_values": np.concatenate(values) if values else np.empty(0, dtype=dtypes[1]),
    }


def unragged(arrays: Mapping[str, np.ndarray], name: str) -> list[tuple[np.ndarray, np.ndarray]]:
    """The rows `ragged` saved under `name`, as pairs of arrays (a row saved with an empty
    second sequence gets an empty array)."""
    counts = arrays[f"{name}_counts"]
    if not len(counts):
        return []
    ends = np.cumsum(counts)[:-1]
    keys, values = arrays[f"{name}_keys"], arrays[f"{name}_values"]
    return list(zip(np.split(keys, ends), np.split(values, ends), strict=True))
