"""The bundled sample corpus ingests cleanly, with every planted noise case flagged."""

from __future__ import annotations

from collections import Counter

import pytest

from conftest import GOLD, SAMPLE
from newsweave.ingest.stage import ingest
from newsweave.settings import Settings
from newsweave.store import open_store


@pytest.fixture(scope="module")
def stored(sample_store):
    return sample_store.report, sample_store.by_url(), sample_store


def test_every_gold_article_is_stored_and_nothing_rejected(stored):
    report, articles, _ = stored
    assert report.rejected == []
    assert set(GOLD["articles"]) <= set(articles)
    assert len(report.ingested) == len(GOLD["articles"])


def test_outlets_come_from_sources_toml(stored):
    _, articles, _ = stored
    for url, gold in GOLD["articles"].items():
        assert articles[url].source.name == gold["source"], url
    families = Counter(a.source.family for a in articles.values() if a.source.family)
    assert families, "the sample corpus has at least one publisher family"


def test_every_planted_noise_case_is_flagged(stored):
    _, articles, _ = stored
    for case in GOLD["noise"]:
        article = articles[case["article"]]
        kinds = {flag.kind for flag in article.flags}
        assert case["flag"] in kinds, (case, sorted(kinds))
        if case["flag"] == "garbled":
            repairs = {flag.repair for flag in article.flags if flag.kind == "garbled"}
            assert case["repair"] in repairs, (case, repairs)
        if case["flag"] == "boilerplate":
            assert case["detail"] not in article.text
            assert case["detail"] in article.raw_text


def test_clean_articles_carry_no_noise_flags(stored):
    _, articles, _ = stored
    noisy = {case["article"] for case in GOLD["noise"]}
    for url, article in articles.items():
        if url not in noisy:
            assert article.flags == (), (url, article.flags)


def test_every_article_has_its_publication_time(stored):
    _, articles, _ = stored
    for url, article in articles.items():
        assert article.published_at is not None, url
        assert article.published_at.utcoffset().total_seconds() == 0


def test_reingesting_changes_nothing(stored, tmp_path):
    _, articles, sample_store = stored
    with open_store(sample_store.copy_to(tmp_path)) as store:
        report = ingest([str(SAMPLE / "articles")], store, Settings(db=tmp_path / "unused.db"))
    assert report.ingested == [] and report.revised == []
    assert len(report.unchanged) == len(articles)
