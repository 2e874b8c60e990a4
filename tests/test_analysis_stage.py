"""The analysis stage over a real store: what it stores, what it skips, and the two commands.

The sample corpus is ingested, built into stories and analysed once for the module (analysis of
its 48 articles takes tens of seconds); tests that change the store work on a copy of it. The
planted death-toll disagreement of E04 (nine dead in five reports, eleven in the Harbour
Herald's) is the known answer the stored analysis is checked against.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from conftest import GOLD, SAMPLE, copy_sqlite
from newsweave.analysis.stage import (
    AnalysisReport,
    analyse_event,
    analyse_events,
    load_analysis,
)
from newsweave.ingest.stage import ingest
from newsweave.model import Event
from newsweave.settings import Settings
from newsweave.store import SQLiteStore, open_store
from newsweave.stories import list_events
from newsweave.stories.embed import Embedder, load_embedder
from newsweave.stories.stage import build_stories

(TOLL,) = [d for d in GOLD["disagreements"] if d["event"] == "E04" and d["kind"] == "count"]
HERALD = "The Harbour Herald"


@dataclass(frozen=True)
class Analysed:
    store: SQLiteStore
    settings: Settings
    report: AnalysisReport
    embedder: Embedder
    fire: Event  # the event of the E04 fire
    url_of: dict[str, str]  # article id -> URL


@pytest.fixture(scope="module")
def analysed(tmp_path_factory, sample_stories) -> Iterator[Analysed]:
    settings = Settings(db=sample_stories.copy_to(tmp_path_factory.mktemp("analysis")))
    embedder = load_embedder("minilm")  # the one the stories were built with
    with open_store(settings.db) as store:
        report = analyse_events(store, settings, embedder=embedder)
        url_of = {a.article_id: a.url or a.canonical_url for a in store.iter_articles()}
        herald = next(i for i, url in url_of.items() if url == TOLL["sides"][1]["articles"][0])
        fire = next(e for e in list_events(store) if herald in e.article_ids)
        yield Analysed(store, settings, report, embedder, fire, url_of)


@contextmanager
def copy_of(analysed: Analysed, folder: Path) -> Iterator[tuple[SQLiteStore, Settings]]:
    """A copy of the module's analysed store, to change without touching the module's."""
    settings = Settings(db=folder / "copy.db")
    copy_sqlite(analysed.settings.db, settings.db)
    with open_store(settings.db) as store:
        yield store, settings


def newsweave(*args: object) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "newsweave", *map(str, args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(process: subprocess.Popen) -> subprocess.CompletedProcess:
    stdout, stderr = process.communicate(timeout=120)
    assert "Traceback" not in stdout + stderr, stdout + stderr
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


# -- what is stored -----------------------------------------------------------------------------


def test_every_event_is_analysed_once(analysed):
    report = analysed.report
    events = list_events(analysed.store)
    assert (report.events, report.analysed, report.unchanged) == (len(events), len(events), 0)
    assert report.articles == sum(len(event.article_ids) for event in events)
    assert set(analysed.store.get_analysis_keys()) == {event.event_id for event in events}
    assert set(report.seconds) == {"parse", "claims", "disagreements", "quotes", "statements"}


def test_the_planted_death_toll_is_stored_with_its_sides(analysed):
    analysis = load_analysis(analysed.store, analysed.fire.event_id)
    assert analysis is not None
    counts = [d for d in analysis.disagreements if d.kind == "count" and d.about == "dead"]
    assert len(counts) == 1
    sides = {
        side.value: ({analysed.url_of[i] for i in side.article_ids}, side.independent_sources)
        for side in counts[0].sides
    }
    # the stored copy groups count the three wire copies of the nine-dead story once
    assert sides == {
        "9": (set(TOLL["sides"][0]["articles"]), 3),
        "11": (set(TOLL["sides"][1]["articles"]), 1),
    }
    assert analysis.outlets_of(counts[0].sides[1].article_ids) == (HERALD,)


def test_a_stored_analysis_loads_back_as_it_was_made(analysed):
    store = analysed.store
    event = min(
        (e for e in list_events(store) if len(e.article_ids) > 1), key=lambda e: len(e.article_ids)
    )
    articles = [store.get_article(article_id) for article_id in event.article_ids]
    made = analyse_event(event, articles, store.get_copy_groups(), embedder=analysed.embedder)
    assert made.claims and made.quotes
    assert load_analysis(store, event.event_id) == made


def test_a_remark_quoted_in_page_furniture_is_no_quote_of_the_event(analysed):
    store = analysed.store
    event = min(
        (e for e in list_events(store) if len(e.article_ids) > 1), key=lambda e: len(e.article_ids)
    )
    first, *rest = [store.get_article(article_id) for article_id in event.article_ids]
    remark = "“We will rebuild the harbour wall by spring,” the mayor said."

    def quoted(paragraph: str) -> bool:
        article = replace(first, text=f"{first.text}\n\n{paragraph}")
        made = analyse_event(event, [article, *rest], {}, embedder=analysed.embedder)
        return any("rebuild the harbour wall" in q.content for q in made.quotes[first.article_id])

    assert quoted(remark)
    assert not quoted(f"The mayor at the harbour on Monday. {remark} (ANA VILK/CPA)")


def test_a_second_run_analyses_nothing(analysed):
    before = analysed.store.get_analysis_keys()
    again = analyse_events(analysed.store, analysed.settings, embedder=analysed.embedder)
    assert (again.analysed, again.unchanged, again.removed) == (0, analysed.report.events, 0)
    assert again.seconds == {}
    assert analysed.store.get_analysis_keys() == before


def test_a_new_report_reanalyses_only_its_event(analysed, tmp_path):
    nine_dead = SAMPLE / "articles" / "2026-03-03-northerndispatch-nine-dead-blaze.txt"
    lines = nine_dead.read_text(encoding="utf-8").splitlines()
    lines[1:3] = ["source: Port Casimir Gazette", "url: https://pcgazette.example/fire-nine-dead"]
    late = tmp_path / "late.txt"
    late.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with copy_of(analysed, tmp_path) as (store, settings):
        before = store.get_analysis_keys()
        (new_id,) = ingest([str(late)], store, settings).ingested
        build_stories(store, settings, embedder=analysed.embedder)
        report = analyse_events(store, settings, embedder=analysed.embedder)
        after = store.get_analysis_keys()
        analysis = load_analysis(store, analysed.fire.event_id)
    assert (report.analysed, report.unchanged) == (1, analysed.report.events - 1)
    assert report.articles == len(analysed.fire.article_ids) + 1
    assert {e for e in after if after[e] != before.get(e)} == {analysed.fire.event_id}
    assert analysis is not None and analysis.outlets[new_id] == "Port Casimir Gazette"


def test_a_merged_event_leaves_no_analysis_behind(analysed, tmp_path):
    with copy_of(analysed, tmp_path) as (store, settings):
        smallest, other = sorted(list_events(store), key=lambda e: len(e.article_ids))[:2]
        store.merge_event(smallest.event_id, other.event_id)
        assert smallest.event_id not in store.get_analysis_keys()
        assert load_analysis(store, smallest.event_id) is None
        report = analyse_events(store, settings, embedder=analysed.embedder)
        merged = load_analysis(store, other.event_id)
    assert (report.analysed, report.removed) == (1, 0)
    assert merged is not None
    assert set(merged.outlets) == {*smallest.article_ids, *other.article_ids}


def test_an_analysis_of_an_event_that_is_gone_is_removed(analysed, tmp_path):
    with copy_of(analysed, tmp_path) as (store, settings):
        store.put_analysis("ev_gone", "0" * 16, {"format": 1})
        report = analyse_events(store, settings, embedder=analysed.embedder)
        assert "ev_gone" not in store.get_analysis_keys()
    assert (report.analysed, report.removed) == (0, 1)


# -- the commands -------------------------------------------------------------------------------


def test_claims_and_disagreements_commands(analysed):
    db, fire = analysed.settings.db, analysed.fire.event_id
    prefix = fire[:9]
    every, one, claims, run = map(
        finish,
        [
            newsweave("disagreements", "--json", "--db", db),
            newsweave("disagreements", prefix, "--db", db),
            newsweave("claims", prefix, "--json", "--db", db),
            newsweave("run", "--db", db),
        ],
    )
    for result in (every, one, claims, run):
        assert result.returncode == 0, result.stderr

    listed = json.loads(every.stdout)
    (toll,) = [d for d in listed if d["event_id"] == fire and d["about"] == "dead"]
    assert toll["kind"] == "count" and toll["title"] == analysed.fire.title
    assert [(s["value"], s["independent_sources"]) for s in toll["sides"]] == [("9", 3), ("11", 1)]
    assert toll["sides"][1]["outlets"] == [HERALD]
    assert {d["event_id"] for d in listed} <= {e.event_id for e in list_events(analysed.store)}

    assert f"    11  {HERALD} (1 independent source)" in one.stdout.splitlines()

    shown = json.loads(claims.stdout)
    assert shown["event_id"] == fire  # found by its prefix
    assert shown["claims"]
    for claim in shown["claims"]:
        assert claim["single_source"] == (claim["independent_sources"] == 1)
        assert claim["text"] == claim["sentences"][0]["text"]
    lead = next(
        c
        for c in shown["claims"]
        if any("At least nine people" in s["text"] for s in c["sentences"])
    )
    assert lead["independent_sources"] == 2 and len(lead["outlets"]) == 4

    events = analysed.report.events
    assert f"; 0 events analysed, {events} unchanged;" in run.stdout, run.stdout


def test_an_unknown_event_is_one_line_and_exit_1(analysed):
    db = analysed.settings.db
    processes = [
        newsweave("claims", "ev_nosuch", "--db", db),
        newsweave("disagreements", "ev_nosuch", "--json", "--db", db),
    ]
    for result in map(finish, processes):
        assert result.returncode == 1
        assert result.stdout == ""
        assert result.stderr.splitlines() == [
            "error: no event has an id starting with 'ev_nosuch'; `newsweave stories` lists the ids"
        ]
