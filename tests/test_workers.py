"""Several workers, one PostgreSQL store: the same stories, analyses and briefs as one process.

Each worker is a `newsweave` process, as a team runs them. The reference is one `newsweave run`
of the whole sample corpus into a SQLite file, so these tests also hold the two stores to the
same result. What is compared: every event with its articles, the storylines, every analysis,
and every brief (its latest version, without the time it was written), and that nothing was
stored twice: one row per article revision, one brief version per articles key.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from conftest import SAMPLE, new_postgres_store
from newsweave.cli import main
from newsweave.pipeline import run_pipeline
from newsweave.settings import Settings
from newsweave.store import Store, open_store
from newsweave.stories import list_events

OUTLETS = SAMPLE / "articles" / "sources.toml"  # who each outlet is, read with the articles
INPUTS = sorted(path for path in (SAMPLE / "articles").iterdir() if path != OUTLETS)
WORKERS = 3


def worker(db: str, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "newsweave", *args, "--db", db],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def finish(*workers: subprocess.Popen) -> None:
    for process in workers:
        _, stderr = process.communicate(timeout=1800)
        assert process.returncode == 0, stderr.decode()


def overlapping_inputs(folder: Path) -> list[Path]:
    """Three folders, each with two thirds of the sample's inputs: every input in two."""
    folders = []
    for n in range(WORKERS):
        part = folder / f"part{n}"
        part.mkdir()
        (part / OUTLETS.name).symlink_to(OUTLETS)
        for index, path in enumerate(INPUTS):
            if index % WORKERS != n:
                (part / path.name).symlink_to(path)
        folders.append(part)
    return folders


def without_times(document: Any) -> Any:
    if isinstance(document, dict):
        return {k: without_times(v) for k, v in document.items() if k != "written_at"}
    if isinstance(document, list):
        return [without_times(item) for item in document]
    return document


def snapshot(store: Store) -> dict[str, Any]:
    """What a run made, as comparable values."""
    events = list_events(store)
    return {
        "articles": sorted(a.article_id for a in store.iter_articles(all_revisions=True)),
        "events": sorted((e.event_id, tuple(sorted(e.article_ids))) for e in events),
        "storylines": store.get_storylines(),
        "analyses": {e.event_id: store.get_analysis(e.event_id) for e in events},
        "briefs": {e.event_id: without_times(store.get_brief(e.event_id)) for e in events},
    }


def nothing_left(db: str) -> None:
    """Another run finds nothing to do: every article clustered, every event's analysis and
    brief made from its current articles, no failure."""
    with open_store(db) as store:
        report = run_pipeline([], store, Settings())
        assert store.list_failures() == []
    assert report.stories.new_articles == report.analysis.analysed == report.briefs.written == 0


def one_brief_version_each(db: str) -> None:
    with open_store(db) as store:
        assert {len(store.brief_versions(e.event_id)) for e in list_events(store)} == {1}


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> dict[str, Any]:
    """One process's run of the whole sample corpus, on SQLite."""
    db = str(tmp_path_factory.mktemp("reference") / "store.db")
    result = CliRunner().invoke(main, ["run", "--db", db, str(SAMPLE / "articles")])
    assert result.exit_code == 0, result.output
    with open_store(db) as store:
        return snapshot(store)


@pytest.fixture
def postgres_store(postgres_server) -> str:
    return new_postgres_store(postgres_server)


@pytest.mark.slow
def test_postgresql_makes_the_stories_and_briefs_sqlite_makes(reference, postgres_store):
    result = CliRunner().invoke(main, ["run", "--db", postgres_store, str(SAMPLE / "articles")])
    assert result.exit_code == 0, result.output
    with open_store(postgres_store) as store:
        assert snapshot(store) == reference


@pytest.mark.slow
def test_three_workers_ingesting_overlapping_inputs_store_each_article_once_and_share_the_events(
    reference, postgres_store, tmp_path
):
    inputs = overlapping_inputs(tmp_path)
    finish(*(worker(postgres_store, "ingest", str(part)) for part in inputs))
    with open_store(postgres_store) as store:
        assert store.count_articles() == len(reference["articles"])
    finish(*(worker(postgres_store, "run") for _ in range(WORKERS)))
    one_brief_version_each(postgres_store)
    with open_store(postgres_store) as store:
        assert snapshot(store) == reference
    nothing_left(postgres_store)


@pytest.mark.slow
def test_three_workers_running_everything_at_once_leave_nothing_stale_or_doubled(
    reference, postgres_store, tmp_path
):
    """Each worker ingests and runs every stage while the others do: the events they make
    depend on who stored what first, but each is analysed and written from its articles."""
    inputs = overlapping_inputs(tmp_path)
    finish(*(worker(postgres_store, "run", str(part)) for part in inputs))
    with open_store(postgres_store) as store:
        assert len(list(store.iter_articles(all_revisions=True))) == len(reference["articles"])
    nothing_left(postgres_store)


def analyses(db: str) -> int:
    with open_store(db) as store:
        return len(store.get_analysis_keys())


@pytest.mark.slow
def test_a_worker_killed_mid_batch_loses_nothing_the_others_go_on(reference, postgres_store):
    finish(worker(postgres_store, "ingest", str(SAMPLE / "articles")))
    doomed = worker(postgres_store, "run")
    deadline = time.monotonic() + 900
    while analyses(postgres_store) == 0:  # it clustered, and is part way through its events
        assert doomed.poll() is None, "the worker ended before it could be killed"
        assert time.monotonic() < deadline, "the worker analysed nothing in 900 s"
        time.sleep(0.05)
    others = [worker(postgres_store, "run") for _ in range(WORKERS - 1)]
    doomed.send_signal(signal.SIGKILL)
    doomed.wait()
    assert analyses(postgres_store) < len(reference["events"]), "killed after its last event"
    finish(*others)
    one_brief_version_each(postgres_store)
    with open_store(postgres_store) as store:
        assert snapshot(store) == reference
    nothing_left(postgres_store)
