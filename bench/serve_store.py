"""The store bench/serve_load.py serves: 10,000 articles through the real ingest and stories
stages, and briefs for the events a reader meets first.

`--articles` articles (10,000 by default) are built the way bench/stories_scale.py builds them
(the three dev clustering files mixed, replicated with small edits, each copy of the dev set in
a span of days of its own), ingested into a fresh SQLite store by `ingest` and clustered into
events and storylines by `build_stories` with the static embedder (fast; about as many events
as MiniLM makes: 3,182 at 10k). Then only some events are analysed (`analyse_events`, given
their ids) and get a brief (`write_briefs`, which writes one for exactly the analysed events):
the `--events-with-briefs` largest (10 by default, of 22-28 articles at 10k), the front page's
first page (the 20 most significant), and the 8 latest events of the storyline with the most
events. Why only those: the analysis and briefs stages run at about 1-4 articles/s, so briefs
for all 10k articles would take hours, while what a page costs to serve grows with the
articles, events and storylines stored, which are full size, more than with how many events
elsewhere carry a brief; the pages measured show what they would show with every brief written.

Building is not part of the figures: about 15 minutes at 10k on 2 busy cores. A store is built
under another name and renamed once complete, and reused as it is when one is there.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from newsweave.analysis.stage import analyse_events
from newsweave.briefs.stage import write_briefs
from newsweave.ingest.stage import ingest
from newsweave.model import Event
from newsweave.settings import Settings
from newsweave.store import Store, open_store
from newsweave.stories import list_events
from newsweave.stories.stage import build_stories
from newsweave.web.views import index_stories
from stories_scale import in_child, log, write_articles

FRONT_PAGE_STORIES = 20  # the front page's first page
STORYLINE_EVENTS = 8
STORY_PAGES = 10  # the story targets ask for the largest events with a brief, in turn
STORE_SUFFIXES = ("", "-wal", "-shm")  # an SQLite file in WAL mode and its companions

__all__ = ["copy_store", "describe_store", "prepare_store"]


def build_store(db: Path, articles: int, events_with_briefs: int, eval_dir: str | None) -> dict:
    """Build the store at `db` (see the module doc); the seconds of each step."""
    seconds: dict[str, float] = {}
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="newsweave-serve-load-") as folder:
        jsonl = Path(folder) / "articles.jsonl"
        write_articles(jsonl, articles, eval_dir)
        settings = Settings(db=db, embedder="static", max_file_bytes=jsonl.stat().st_size + 1)
        with open_store(db) as store:
            log(f"ingesting {articles} articles")
            report = ingest([str(jsonl)], store, settings)
            seconds["ingest"] = _lap(start, seconds)
            log(f"ingested {len(report.ingested)}, rejected {len(report.rejected)}; stories")
            build_stories(store, settings)
            seconds["stories"] = _lap(start, seconds)
            analyse_largest(store, settings, events_with_briefs)
            seconds["analysis"] = _lap(start, seconds)
            written = write_briefs(store, settings)
            seconds["briefs"] = _lap(start, seconds)
            log(f"wrote {written.written} briefs")
    seconds["total"] = time.perf_counter() - start
    return seconds


def _lap(start: float, seconds: dict[str, float]) -> float:
    """Seconds since `start` less those already counted."""
    return time.perf_counter() - start - sum(seconds.values())


def analyse_largest(store: Store, settings: Settings, count: int) -> None:
    """Analyse the events a reader meets first and no other: the `count` largest, the front
    page's first page, and the storyline with the most events (its STORYLINE_EVENTS latest)."""
    events = list_events(store)
    largest = sorted(events, key=lambda event: -len(event.article_ids))[:count]
    front = index_stories(events).ranked[:FRONT_PAGE_STORIES]
    wanted = {event.event_id for event in [*largest, *front, *longest_storyline(events)]}

    def progress(step: str, done: int, total: int) -> None:
        log(f"{step} {done}/{total}")

    log(f"analysing {len(wanted)} events")
    analyse_events(store, settings, progress=progress, event_ids=wanted)


def longest_storyline(events: Sequence[Event]) -> list[Event]:
    """The STORYLINE_EVENTS latest events of the storyline with the most events."""
    members: dict[str, list[Event]] = {}
    for event in events:
        if event.storyline_id is not None:
            members.setdefault(event.storyline_id, []).append(event)
    if not members:
        return []
    longest = max(members.values(), key=lambda line: (len(line), line[0].event_id))
    dated = sorted((e for e in longest if e.last_seen is not None), key=lambda e: e.last_seen)
    return dated[-STORYLINE_EVENTS:]


def prepare_store(
    db: Path, articles: int, events_with_briefs: int, eval_dir: str | None
) -> dict | None:
    """Build the store at `db` unless one is there; the seconds its build took (None when
    reused)."""
    if db.exists():
        log(f"reusing the store at {db}")
        return None
    partial = db.with_name(db.name + ".partial")
    for suffix in STORE_SUFFIXES:
        Path(f"{partial}{suffix}").unlink(missing_ok=True)
    build = (partial, articles, events_with_briefs, eval_dir)
    seconds = in_child(build_store, *build)  # the models it loads stay out of this process
    for suffix in STORE_SUFFIXES:
        if Path(f"{partial}{suffix}").exists():
            os.replace(f"{partial}{suffix}", f"{db}{suffix}")
    log(f"built the store at {db} in {seconds['total']:.0f} s")
    return seconds


def describe_store(db: Path) -> dict:
    """What the store holds, and its events with a brief (the largest first)."""
    with open_store(db) as store:
        events = list_events(store)
        briefed = store.get_brief_keys()
        articles = store.count_articles()
    with_briefs = sorted(
        (event for event in events if event.event_id in briefed),
        key=lambda event: -len(event.article_ids),
    )
    if not with_briefs:
        raise SystemExit(
            f"the store at {db} has no briefs, so there is no story page to ask for; "
            "delete it, or pass another --store path to build one there"
        )
    storylines = {e.storyline_id for e in events if e.storyline_id is not None}
    line = max(
        storylines,
        key=lambda s: (sum(e.storyline_id == s for e in with_briefs), s),
        default=None,
    )
    story_pages = with_briefs[:STORY_PAGES]
    return {
        "path": str(db),
        "articles": articles,
        "events": len(events),
        "storylines": len(storylines),
        "events_with_briefs": len(with_briefs),
        "story_pages": [event.event_id for event in story_pages],
        "articles_of_those_events": [len(event.article_ids) for event in story_pages],
        "storyline": line,
        "events_of_that_storyline": sum(e.storyline_id == line for e in events),
    }


def copy_store(db: Path, copy: Path) -> None:
    """A consistent copy of the SQLite store at `db` (SQLite's online backup), for a server of
    other code to open (and migrate, if it must) without touching `db`."""
    source, target = sqlite3.connect(db), sqlite3.connect(copy)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()
