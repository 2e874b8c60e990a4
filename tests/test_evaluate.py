"""Scoring: B-cubed and ARI by hand-checked examples and against scikit-learn; the eval path."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import SAMPLE
from newsweave.errors import UnreadableInput
from newsweave.evaluate.clustering import adjusted_rand_index, bcubed, evaluate_clustering
from newsweave.settings import Settings

SCORE_KEYS = {
    "b3_precision",
    "b3_recall",
    "b3_f1",
    "ari",
    "articles",
    "gold_clusters",
    "found_clusters",
    "articles_per_second",
}


def test_bcubed_on_a_worked_example():
    # Gold {a,b,c} {d}; found {a,b} {c,d}.
    precision, recall, f1 = bcubed(["x", "x", "y", "y"], ["g", "g", "g", "h"])
    assert precision == pytest.approx((1 + 1 + 0.5 + 0.5) / 4)
    assert recall == pytest.approx((2 / 3 + 2 / 3 + 1 / 3 + 1) / 4)
    assert f1 == pytest.approx(2 * precision * recall / (precision + recall))


def test_bcubed_is_perfect_only_for_the_gold_partition():
    assert bcubed(["1", "1", "2"], ["a", "a", "b"]) == (1.0, 1.0, 1.0)
    assert bcubed(["1", "2", "3"], ["a", "a", "b"])[1] < 1.0


labels = st.lists(st.sampled_from("abcde"), min_size=2, max_size=40)


@pytest.fixture(scope="module")
def adjusted_rand_score():
    from sklearn.metrics import adjusted_rand_score  # a second to import: only for this test

    return adjusted_rand_score


@given(labels.flatmap(lambda gold: st.tuples(st.just(gold), st.permutations(gold))))
def test_ari_matches_scikit_learn(adjusted_rand_score, pair):
    gold, found = pair
    assert adjusted_rand_index(found, gold) == pytest.approx(adjusted_rand_score(gold, found))


@pytest.fixture(scope="module")
def sample_gold_file(tmp_path_factory) -> Path:
    """The sample corpus' .txt articles in the clustering schema, with their gold events."""
    gold = json.loads((SAMPLE / "gold.json").read_text(encoding="utf-8"))
    path = tmp_path_factory.mktemp("eval") / "sample-cluster.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for url, entry in gold["articles"].items():
            if entry["format"] != "txt":
                continue
            body = (SAMPLE / entry["file"]).read_text(encoding="utf-8")
            text = body.split("\n\n", 1)[1]
            row = {
                "id": url,
                "title": entry["title"],
                "text": text,
                "published_at": entry["published"],
                "source": entry["source"],
                "url": url,
                "gold": entry["event"],
            }
            out.write(json.dumps(row) + "\n")
    return path


@pytest.mark.slow
def test_eval_cluster_scores_the_sample_corpus(sample_gold_file, tmp_path):
    scores = evaluate_clustering(sample_gold_file, Settings(db=tmp_path / "unused.db"))
    assert scores.articles == len(sample_gold_file.read_text().splitlines())
    assert scores.gold_clusters >= 8
    assert scores.b3_f1 > 0.8, scores
    assert scores.articles_per_second > 0


@pytest.mark.slow  # the static word embedder embeds the corpus
def test_eval_cluster_json_has_exactly_the_documented_keys(sample_gold_file, tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "newsweave", "eval", "cluster", str(sample_gold_file), "--json"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "NEWSWEAVE_EMBEDDER": "static"},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    scores = json.loads(done.stdout)
    assert set(scores) == SCORE_KEYS
    assert not (tmp_path / "newsweave.db").exists(), "eval runs in a temporary store"


def test_a_file_without_gold_labels_is_refused_with_its_line(tmp_path):
    path = tmp_path / "no-gold.jsonl"
    path.write_text(json.dumps({"id": "1", "text": "Some text."}) + "\n")
    with pytest.raises(UnreadableInput, match=r"no-gold\.jsonl:1.*'gold'"):
        evaluate_clustering(path, Settings(db=tmp_path / "x.db"))
