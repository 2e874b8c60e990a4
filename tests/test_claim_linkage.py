"""Claim alignment's average linkage: keeping each row's best pair gives the groups a search of
the whole score matrix at every merge gives, ties and refused merges included; and merging part
by part (the sentences no chain of pairs at THRESHOLD links kept apart) gives the whole
matrix's groups, in its order."""

from __future__ import annotations

import numpy as np
import pytest

from newsweave.analysis import claims
from newsweave.analysis.claims import THRESHOLD, average_linkage, linkage_in_parts


def whole_matrix_linkage(articles: list[int], scores: np.ndarray) -> list[list[int]]:
    """Average linkage as written plainly: at every merge, the first best pair of the whole
    matrix in row-major order, merged unless below THRESHOLD; never two sentences of one
    article in a group."""
    groups = [[i] for i in range(len(articles))]
    held = [{article} for article in articles]
    linkage = scores.astype(np.float64).copy()
    np.fill_diagonal(linkage, -np.inf)
    alive = np.ones(len(articles), dtype=bool)
    while True:
        masked = np.where(alive[:, None] & alive[None, :], linkage, -np.inf)
        a, b = np.unravel_index(int(masked.argmax()), masked.shape)
        if masked[a, b] < THRESHOLD:
            break
        size_a, size_b = len(groups[a]), len(groups[b])
        merged = (linkage[a] * size_a + linkage[b] * size_b) / (size_a + size_b)
        groups[a] += groups[b]
        held[a] |= held[b]
        alive[b] = False
        for other in np.flatnonzero(alive):
            if other != a and held[a] & held[other]:
                merged[other] = -np.inf
        linkage[a], linkage[:, a] = merged, merged
        linkage[a, a] = -np.inf
    return [groups[i] for i in np.flatnonzero(alive)]


@pytest.mark.parametrize("seed", range(200))
def test_keeping_each_rows_best_pair_merges_as_searching_the_whole_matrix(seed):
    rng = np.random.default_rng(seed)
    count = int(rng.integers(2, 60))
    articles = sorted(int(a) for a in rng.integers(0, max(2, count // 4), count))
    # three scores only, so that ties are common; not symmetric, as a float32 product
    # of vectors need not be
    scores = rng.choice(np.array([0.3, 0.6, 0.8], dtype=np.float32), (count, count))
    same = np.array(articles)[:, None] == np.array(articles)[None, :]
    scores[same] = -1.0
    assert average_linkage(articles, scores) == whole_matrix_linkage(articles, scores)


@pytest.mark.parametrize("seed", range(100))
def test_merging_part_by_part_gives_the_whole_matrixs_groups(seed, monkeypatch):
    rng = np.random.default_rng(seed)
    count = int(rng.integers(2, 80))
    articles = sorted(int(a) for a in rng.integers(0, max(2, count // 3), count))
    # mostly below THRESHOLD, so the sentences fall into several parts; ties common
    values = np.array([0.1, 0.3, 0.45, 0.5, 0.6, 0.8], dtype=np.float32)
    scores = rng.choice(values, (count, count), p=[0.3, 0.3, 0.25, 0.05, 0.05, 0.05])
    scores = np.minimum(scores, scores.T)  # as symmetric as a product of vectors
    same = np.array(articles)[:, None] == np.array(articles)[None, :]
    scores[same] = -1.0
    monkeypatch.setattr(claims, "BLOCK", int(rng.integers(1, 20)))  # rows read in several blocks
    read: list[tuple[int, int]] = []

    def scores_of(rows: np.ndarray, columns: np.ndarray) -> np.ndarray:
        read.append((len(rows), len(columns)))
        return scores[np.ix_(rows, columns)]

    assert linkage_in_parts(articles, scores_of) == average_linkage(articles, scores)
    assert all(rows <= claims.BLOCK or rows == columns for rows, columns in read)
