"""Copy groups: exact and near-duplicate articles (wire copies, lightly edited rewrites).

An outlet that runs a wire story, or lightly rewrites another outlet's report, adds no evidence
of its own: when sources are counted, a copy group counts once, while every outlet that ran it
stays credited. This module finds the groups; it reads no store.

How two texts are compared:

- Normalisation: NFKC, case-folded, split into word tokens (letters and digits), so punctuation,
  quote styles, spacing and case don't matter.
- Exact copies: a hash of the normalised token string joins them at once.
- Near copies: two texts are copies when the Jaccard similarity of their sets of 5-word shingles
  is at least 0.5. Candidates come from banded LSH over datasketch's 128-permutation MinHashes;
  each candidate is then checked on the exact shingle sets, so the decision carries no
  estimation noise (a 128-permutation estimate has a standard error of 0.044 at J = 0.5, enough
  to drop a pair at 0.6 now and then).

Why these numbers. Five-word shingles are the usual choice for news-length text: on the sample
corpus, wire copies that were trimmed, retitled or lightly reworded score 0.67-0.81 while the
closest pair of different reports on one event scores 0.075 (3-word shingles: 0.12, as common
phrases such as "said on Thursday" start to match). Jaccard 0.5 sits in that wide gap: a
160-word report with one sentence rewritten and a new headline and byline stays at 0.64, and
different 35-word ledes on one fire (same plant, city, toll) score 0.05 at most. The LSH index
uses 42 bands of 3 rows, so a pair becomes a candidate with probability 0.996 at J = 0.5 and
0.99999 at 0.6, while a pair of different reports on one event (J below 0.1) is fetched under 5%
of the time and then rejected by the exact check, which costs microseconds.

Texts of fewer than five words have no shingle and never join a group: a stub ("More details to
follow") says nothing about its origin.

Groups are closed under union-find, so transitive copies join (A edits B, C trims A), and a group
is named after its earliest-added member. `CopyIndex.restore` rebuilds the index from stored
(article id, text, group id) rows without re-deciding stored memberships, so ids stay stable
across incremental runs. The one thing that renames a group is a later article that copies two
groups at once: they merge under the older name, and `groups()` shows every member's new name.
`save` and `load` keep the whole index between runs instead (see `saved_state`), so a run with a
few new articles hashes only those.

Shingles are hashed in numpy (a 32-bit word hash per token, combined over each window with odd
multipliers) rather than by datasketch's default SHA-1 per shingle, which was the bottleneck; the
permutations are datasketch's own. The bands are indexed here rather than by datasketch's
MinHashLSH, which keys each band by byte-swapping a numpy slice into a storage layer built for
Redis and Cassandra as well: for 5,000 articles that was 2.4 s of a 4.7 s copy check. Here each
band's three values fold into one 64-bit key in numpy, and each band is a plain dict from key to
articles; the bands, rows and so the candidates are the ones MinHashLSH would give (a fold that
collides only adds a candidate, which the exact check rejects). The index keeps each article's
shingle hashes (about 1 KB for a 250-word text) for the exact check, not its MinHash.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import zlib
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from newsweave.saved_state import pack, ragged, unpack, unragged

__all__ = [
    "CopyIndex",
    "IndependentSource",
    "copy_groups",
    "independent_source_groups",
    "independent_sources",
]

SHINGLE_WORDS = 5
NUM_PERM = 128
JACCARD_THRESHOLD = 0.5
LSH_BANDS, LSH_ROWS = 42, 3
SEED = 1
STATE_FORMAT = 1  # of `CopyIndex.save`; a state of another format is not loaded

_WORD_RE = re.compile(r"[^\W_]+")
# One odd 64-bit multiplier per word of a shingle, SHINGLE_WORDS of them (fixed, so a text hashes
# the same in every run).
_POSITION_MULTIPLIERS = np.array(
    [
        0x9E3779B97F4A7C15,
        0xC2B2AE3D27D4EB4F,
        0x165667B19E3779F9,
        0xD6E8FEB86659FD93,
        0xFF51AFD7ED558CCD,
    ],
    dtype=np.uint64,
)
# Folds a band's LSH_ROWS MinHash values (each below 2**32) into one key.
_BAND_MULTIPLIERS = _POSITION_MULTIPLIERS[:LSH_ROWS]


def _normalise_words(text: str) -> list[str]:
    """The text's word tokens, NFKC-normalised and case-folded, punctuation dropped."""
    return _WORD_RE.findall(unicodedata.normalize("NFKC", text).casefold())


def _shingle_hashes(words: list[str]) -> np.ndarray:
    """32-bit hashes of the distinct word windows of `words` (none when it is too short)."""
    if len(words) < SHINGLE_WORDS:
        return np.empty(0, dtype=np.uint32)
    word_hashes = np.array(list(map(zlib.crc32, map(str.encode, words))), dtype=np.uint64)
    windows = len(words) - SHINGLE_WORDS + 1
    combined = np.zeros(windows, dtype=np.uint64)
    for position, multiplier in enumerate(_POSITION_MULTIPLIERS):
        combined += word_hashes[position : position + windows] * multiplier  # wraps mod 2**64
    return np.unique(combined >> np.uint64(32)).astype(np.uint32)


def _fingerprint(text: str) -> tuple[bytes, np.ndarray]:
    """A digest of the normalised text (for exact copies) and its shingle hashes."""
    words = _normalise_words(text)
    digest = hashlib.blake2b(" ".join(words).encode("utf-8"), digest_size=16).digest()
    return digest, _shingle_hashes(words)


def _jaccard(a: np.ndarray, b: np.ndarray) -> float:
    shared = len(np.intersect1d(a, b, assume_unique=True))
    return shared / (len(a) + len(b) - shared)


class CopyIndex:
    """Finds each added article's copy group: exact copies first, then near copies via LSH."""

    def __init__(self) -> None:
        from datasketch import MinHash  # pulls in scipy (2 s): only when copies are looked for

        self._template = MinHash(num_perm=NUM_PERM, seed=SEED, hashfunc=int)
        self._bands: list[dict[int, list[str]]] = [{} for _ in range(LSH_BANDS)]
        self._shingles: dict[str, np.ndarray] = {}  # sorted shingle hashes, for the exact check
        self._exact: dict[bytes, str] = {}  # digest of normalised text -> first article with it
        self._articles: dict[str, None] = {}  # every article added or restored, in order
        self._parent: dict[str, str] = {}  # union-find over article ids and stored group ids
        self._rank: dict[str, int] = {}  # order of first appearance; the lowest rank names a group

    @classmethod
    def restore(cls, rows: Iterable[tuple[str, str, str]]) -> CopyIndex:
        """An index holding stored (article id, text, group id) rows, in their stored groups.

        Memberships are taken as stored, not recomputed, so group ids never change on reload;
        rows should come in the order the articles were first added (publication order).
        """
        index = cls()
        for article_id, text, group_id in rows:
            if article_id in index._articles:
                continue
            index._register(group_id, is_article=False)
            index._register(article_id)
            index._union(article_id, group_id)
            digest, shingles = _fingerprint(text)
            if len(shingles) and digest not in index._exact:
                index._exact[digest] = article_id
                index._insert(article_id, shingles, index._band_keys(shingles))
        return index

    def save(self) -> bytes:
        """The whole index, for `load` in a later run (see `saved_state`): groups, digests,
        shingles and band keys, so nothing is hashed again."""
        nodes = list(self._rank)  # in rank order
        number = {node: n for n, node in enumerate(nodes)}
        shingled = list(self._shingles)
        row_of = {article_id: row for row, article_id in enumerate(shingled)}
        keys = np.zeros((len(shingled), LSH_BANDS), dtype=np.uint64)
        for band_number, band in enumerate(self._bands):
            for key, article_ids in band.items():
                for article_id in article_ids:
                    keys[row_of[article_id], band_number] = key
        meta = {
            "nodes": nodes,
            "parents": [number[self._parent[node]] for node in nodes],
            "articles": [number[article_id] for article_id in self._articles],
            "exact": [[digest.hex(), number[a]] for digest, a in self._exact.items()],
            "shingled": [number[article_id] for article_id in shingled],
        }
        rows = [(self._shingles[article_id], ()) for article_id in shingled]
        arrays = {**ragged("shingles", rows, (np.uint32, np.float64)), "bands": keys}
        return pack(meta, arrays, STATE_FORMAT)

    @classmethod
    def load(cls, data: bytes) -> CopyIndex:
        """The index `save` gave; ValueError when `data` is not such a state."""
        index = cls()
        with unpack(data, "copy index", STATE_FORMAT) as (meta, arrays):
            nodes = meta["nodes"]
            index._rank = {node: n for n, node in enumerate(nodes)}
            index._parent = dict(zip(nodes, (nodes[n] for n in meta["parents"]), strict=True))
            index._articles = dict.fromkeys(nodes[n] for n in meta["articles"])
            index._exact = {bytes.fromhex(digest): nodes[n] for digest, n in meta["exact"]}
            shingles = unragged(arrays, "shingles")
            keys = arrays["bands"].tolist()
            for n, (hashes, _), band_keys in zip(meta["shingled"], shingles, keys, strict=True):
                index._insert(nodes[n], hashes, band_keys)
        return index

    def add(self, article_id: str, text: str) -> str:
        """Add one article and return its copy group id (adding a known id changes nothing)."""
        if article_id in self._articles:
            return self.group_of(article_id)
        self._register(article_id)
        digest, shingles = _fingerprint(text)
        if not len(shingles):
            return self.group_of(article_id)
        if digest in self._exact:
            self._union(article_id, self._exact[digest])
            return self.group_of(article_id)
        self._exact[digest] = article_id
        keys = self._band_keys(shingles)
        for candidate in self._candidates(keys):
            if _jaccard(shingles, self._shingles[candidate]) >= JACCARD_THRESHOLD:
                self._union(article_id, candidate)
        self._insert(article_id, shingles, keys)
        return self.group_of(article_id)

    def group_of(self, article_id: str) -> str:
        """The copy group id of an added article (its own id when it has no copies)."""
        node = article_id
        while self._parent[node] != node:
            self._parent[node] = self._parent[self._parent[node]]  # path halving
            node = self._parent[node]
        return node

    def groups(self) -> dict[str, str]:
        """The current group id of every article added or restored, in the order added."""
        return {article_id: self.group_of(article_id) for article_id in self._articles}

    def _register(self, node: str, *, is_article: bool = True) -> None:
        if is_article:
            self._articles[node] = None
        if node not in self._parent:
            self._parent[node] = node
            self._rank[node] = len(self._rank)

    def _union(self, a: str, b: str) -> None:
        root_a, root_b = self.group_of(a), self.group_of(b)
        if root_a != root_b:
            older, younger = sorted((root_a, root_b), key=self._rank.__getitem__)
            self._parent[younger] = older

    def _band_keys(self, shingles: np.ndarray) -> list[int]:
        """The LSH key of each band of the shingles' MinHash."""
        sketch = self._template.copy()
        sketch.update_batch(shingles.tolist())
        rows = sketch.hashvalues[: LSH_BANDS * LSH_ROWS].reshape(LSH_BANDS, LSH_ROWS)
        return (rows.astype(np.uint64) * _BAND_MULTIPLIERS).sum(axis=1).tolist()

    def _candidates(self, keys: list[int]) -> set[str]:
        """Every indexed article that shares at least one band key."""
        bands = zip(self._bands, keys, strict=True)
        return {article_id for band, key in bands for article_id in band.get(key, ())}

    def _insert(self, article_id: str, shingles: np.ndarray, keys: list[int]) -> None:
        self._shingles[article_id] = shingles
        for band, key in zip(self._bands, keys, strict=True):
            band.setdefault(key, []).append(article_id)


def copy_groups(rows: Iterable[tuple[str, str]]) -> dict[str, str]:
    """The copy group of each (article id, text) row, found among these rows alone, added in
    order. (The stories stage keeps its index between runs instead: `CopyIndex.restore`,
    `save` and `load`.)"""
    index = CopyIndex()
    for article_id, text in rows:
        index.add(article_id, text)
    return index.groups()


@dataclass(frozen=True)
class IndependentSource:
    """One independent source within a set of articles, with everyone it speaks through."""

    key: str  # the publisher family or outlet, or "copies:<group id>" for a syndicated story
    outlets: tuple[str, ...]  # every outlet credited under it, in first-seen order
    article_ids: tuple[str, ...]


def independent_source_groups(
    articles: Iterable[tuple[str, str, str | None, str | None]],
) -> list[IndependentSource]:
    """Group (article id, outlet, family, copy group) rows into independent sources.

    An article speaks for its publisher family (or its outlet, when it has no family), unless
    its copy group spans more than one such publisher: then the copy group is the source (a wire
    story that three outlets ran is one source, however many families carry it), while an
    outlet's own reporting on the same event still counts for the outlet. A copy group None
    means the article has no copies.
    """
    rows = [
        (article_id, outlet, family or outlet, group or article_id)
        for article_id, outlet, family, group in articles
    ]
    publishers_of: dict[str, set[str]] = {}
    for _, _, publisher, group in rows:
        publishers_of.setdefault(group, set()).add(publisher)
    outlets: dict[str, dict[str, None]] = {}
    members: dict[str, list[str]] = {}
    for article_id, outlet, publisher, group in rows:
        key = f"copies:{group}" if len(publishers_of[group]) > 1 else publisher
        outlets.setdefault(key, {})[outlet] = None
        members.setdefault(key, []).append(article_id)
    return [IndependentSource(key, tuple(outlets[key]), tuple(members[key])) for key in outlets]


def independent_sources(articles: Iterable[tuple[str, str, str | None, str | None]]) -> int:
    """How many independent sources (article id, outlet, family, copy group) rows come from."""
    return len(independent_source_groups(articles))
