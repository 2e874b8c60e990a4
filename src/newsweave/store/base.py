"""The store: the only state the pipeline's stages share.

A stage reads and writes through this small interface and never through SQL, so the SQLite file
of a single machine and a PostgreSQL server of a team are interchangeable.

Several workers may share one store (`newsweave watch` on several machines over one PostgreSQL
server). Each write is atomic and idempotent by itself; what must not run twice at once, a stage
takes a named lock for with `claim` (without waiting: the event ids no other worker is on) or
`holding` (waiting its turn: the stories stage, whose clustering is ordered). A lock is the
worker's until its block ends or its process dies, so a killed worker leaves nothing held.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal, Protocol, Self, TypeVar

import numpy as np

from newsweave.errors import one_line_reason
from newsweave.model import Article, Rejection, Source

PutOutcome = Literal["ingested", "revised", "unchanged"]
SearchKind = Literal["articles", "briefs"]
FailedStage = Literal["analysis", "briefs"]
CLAIM_POLL_SECONDS = 0.2  # how often a worker asks again for a lock another worker holds
# The most locks `claimed_batches` holds at once: PostgreSQL keeps every advisory lock in one
# shared table, of 64 per allowed connection by default.
CLAIM_BATCH = 256
# `claimed_batches` claims about this share of the pending work at a time, so that workers
# starting together, or later, each get some of it; but never fewer than CLAIM_LEAST items: the
# analysis parses a batch's articles in one process per core only when there are enough of them
# (`nlp.PROCESS_MIN_TEXTS`), and a few events are done sooner by one worker than shared out.
CLAIM_SHARE = 1 / 8
CLAIM_LEAST = 32
_Item = TypeVar("_Item")
# Around each matched word in a SearchHit's snippet: control characters that no stored text
# holds, so a caller escapes the snippet first and then marks the matches.
MATCH_START, MATCH_END = "\x02", "\x03"


@dataclass(frozen=True)
class SearchHit:
    kind: SearchKind
    id: str  # an article id, or the event id of a brief
    title: str  # the article's title or the brief's headline
    snippet: str  # the best-matching stretch, matches between MATCH_START and MATCH_END


@dataclass(frozen=True)
class EventFailure:
    """Why a stage could not finish one event; the other events went on, and the next run
    tries this one again."""

    event_id: str
    stage: FailedStage
    reason: str  # one line
    failed_at: datetime  # UTC

    @classmethod
    def now(cls, event_id: str, stage: FailedStage, error: Exception) -> EventFailure:
        """The failure `error` is, as it happens."""
        return cls(event_id, stage, one_line_reason(error), datetime.now(UTC))


@dataclass(frozen=True)
class StoredFeed:
    """A feed a user follows (`newsweave feeds add`), and how polling it went."""

    url: str
    added_at: datetime  # UTC
    last_fetched_at: datetime | None = None  # the last poll that read the feed
    failures: int = 0  # polls that failed in a row since the last one that read it
    last_error: str | None = None  # why the last failed poll failed, in one line
    last_failed_at: datetime | None = None
    next_poll_at: datetime | None = None  # backing off: not polled before then
    last_new_at: datetime | None = None  # the last poll that brought a new article
    items: int = 0  # the new articles its polls brought since it was followed
    outlet: str | None = None  # the outlet its articles are stored under, once one was read

    def backing_off(self, now: datetime) -> bool:
        """Whether polling it failed so often that `watch` leaves it alone until later."""
        return self.next_poll_at is not None and self.next_poll_at > now

    def items_per_day(self, now: datetime) -> float:
        """The new articles it brought per day since it was followed (a first day counting
        as a whole one)."""
        days = max((now - self.added_at).total_seconds() / 86400, 1.0)
        return self.items / days

    def status(self, now: datetime) -> str:
        """How polling it goes, in a few words: ok, not polled yet, or failing (and since
        when it is backing off)."""
        if not self.failures:
            return "ok" if self.last_fetched_at else "not polled yet"
        polls = "poll" if self.failures == 1 else "polls"
        failing = f"failing ({self.failures} {polls} in a row)"
        if self.next_poll_at is not None and self.backing_off(now):
            return f"{failing}, backing off until {self.next_poll_at:%Y-%m-%d %H:%M} UTC"
        return failing


class Store(Protocol):
    def transaction(self) -> AbstractContextManager[None]:
        """Group several writes into one atomic unit (writes outside one commit at once)."""

    def put_source(self, source: Source) -> None:
        """Record an outlet; known fields of a stored outlet are kept, missing ones filled in."""

    def get_source(self, name: str) -> Source | None: ...

    def source_names(self) -> list[str]:
        """The name of every outlet, in order."""

    def put_article(self, article: Article) -> tuple[PutOutcome, Article]:
        """Store an article: a new key is ingested, a changed text at a known key becomes the
        next revision, and the same content again changes nothing (a text the outlet had
        before and went back to becomes the current revision again). Returns the outcome and
        the article as stored (with its revision number)."""

    def get_article(self, article_id: str) -> Article | None:
        """An article by id, or by a prefix of its id that names exactly one article; None
        when no id starts so, `AmbiguousId` when several do."""

    def iter_articles(self, *, all_revisions: bool = False) -> Iterator[Article]:
        """Articles in publication order (latest revision of each unless `all_revisions`)."""

    def list_articles(
        self, *, limit: int | None = None, offset: int = 0, source: str | None = None
    ) -> list[Article]:
        """Latest revisions, newest first (of one outlet's articles, given its name)."""

    def count_articles(self, *, source: str | None = None) -> int: ...

    def revisions(self, key: str) -> list[Article]:
        """Every stored revision of one article, oldest first."""

    def add_rejection(self, rejection: Rejection) -> None:
        """Store a rejection; it replaces one of the same input and reason, so an input that
        fails again (a feed on every `watch` cycle) is stored once, as it failed last."""

    def get_vectors(self, model: str) -> dict[str, np.ndarray]:
        """Every stored embedding made by `model`, by article id."""

    def put_vectors(self, model: str, vectors: Mapping[str, np.ndarray]) -> None: ...

    def get_copy_groups(self, article_ids: Iterable[str] | None = None) -> dict[str, str]:
        """The copy group (wire copies, rewrites) of every grouped article (or of those of
        `article_ids` that are grouped), by article id."""

    def put_copy_groups(self, groups: Mapping[str, str]) -> None: ...

    def get_state(self, name: str) -> tuple[str, bytes] | None:
        """A stage's saved state by name, as (key, data), or None when none is saved. The key
        says what the state was built from; the stage compares it before using the data."""

    def put_state(self, name: str, key: str, data: bytes) -> None: ...

    def claim(self, names: Iterable[str]) -> AbstractContextManager[set[str]]:
        """Take each named lock that no other worker (process, or other store object) holds,
        without waiting, and hold them until the block ends: the names this worker got."""

    def changes(self) -> int:
        """How many write transactions were ever committed to the store, from any process: a
        reader caches what it derives from the store under this number (read it first)."""

    def event_article_ids(self, event_id: str) -> list[str]:
        """The ids of an event's articles (by its exact id)."""

    def get_event_members(self) -> dict[str, tuple[str, float]]:
        """(event id, score) of every clustered article, by article id."""

    def put_event_members(self, members: Mapping[str, tuple[str, float]]) -> None: ...

    def merge_event(self, old_id: str, new_id: str) -> None:
        """Move an event's articles into another; the old id redirects to the new one, and the
        old id's analysis is dropped."""

    def resolve_event(self, event_id: str) -> str | None:
        """The current id of an event, following merges, from its id or a unique prefix;
        None when no event id starts so, `AmbiguousId` when several do."""

    def get_storylines(self) -> dict[str, str]:
        """The storyline id of every event in one, by event id."""

    def replace_storylines(self, storylines: Mapping[str, str]) -> None: ...

    def get_analysis_keys(self) -> dict[str, str]:
        """The articles key each stored event analysis was made from, by event id."""

    def get_analysis(self, event_id: str) -> dict[str, Any] | None:
        """The analysis stored for an event (by its exact id), as the document given to
        `put_analysis`, or None."""

    def put_analysis(self, event_id: str, articles_key: str, analysis: Mapping[str, Any]) -> None:
        """Store an event's analysis (a JSON-serializable document), replacing an older one."""

    def delete_analyses(self, event_ids: Iterable[str]) -> None: ...

    def put_failure(self, failure: EventFailure) -> None:
        """Record why a stage could not finish an event, replacing that stage's earlier
        failure of the event."""

    def delete_failure(self, event_id: str, stage: FailedStage) -> None:
        """Forget a stage's failure of an event (it got through, or the event is gone)."""

    def list_failures(self) -> list[EventFailure]:
        """Every recorded failure, the latest first."""

    def get_brief_keys(self) -> dict[str, str]:
        """The articles key of each event's latest brief, by event id."""

    def get_brief(self, event_id: str, version: int | None = None) -> dict[str, Any] | None:
        """One version of an event's brief (the latest when `version` is None), as the document
        given to `put_brief` with its `version` added, or None."""

    def brief_versions(self, event_id: str) -> list[int]:
        """The version numbers an event's brief has, oldest first."""

    def put_brief(self, event_id: str, articles_key: str, brief: Mapping[str, Any]) -> int:
        """Store a new version of an event's brief (older versions are kept); its number."""

    def brief_history(self, event_id: str) -> list[dict[str, Any]]:
        """Every version of an event's brief, oldest first (as `get_brief` gives each)."""

    def search(
        self, query: str, *, kind: SearchKind, limit: int = 20, offset: int = 0
    ) -> tuple[int, list[SearchHit]]:
        """Full-text search of the current articles or the latest briefs: the number of
        matches and one page of them, best first. `query` is a user's words, all required;
        the last also matches as a prefix."""

    def list_rejections(self, *, limit: int | None = None) -> list[Rejection]: ...

    def add_feed(self, url: str, added_at: datetime) -> bool:
        """Follow a feed; False when it was followed already (nothing changes)."""

    def remove_feed(self, url: str) -> bool:
        """Stop following a feed; False when it was not followed."""

    def list_feeds(self) -> list[StoredFeed]:
        """Every followed feed, in the order they were added."""

    def put_feed(self, feed: StoredFeed) -> None:
        """Record how polling a followed feed went (a feed not followed is left alone)."""

    def close(self) -> None: ...

    def __enter__(self) -> Self: ...

    def __exit__(self, *exc: object) -> None:
        """Close the store."""


def shown_location(location: str) -> str:
    """A store's location for a message: a server URL without its password."""
    location = re.sub(r"(://[^:/@]*):[^@/]*@", r"\1:…@", str(location))
    return re.sub(r"(password=)[^&]*", r"\1…", location)


def claimed_batches(
    store: Store,
    pending: Callable[[], Sequence[_Item]],
    name: Callable[[_Item], str],
    still_pending: Callable[[list[_Item]], list[_Item]],
) -> Iterator[list[_Item]]:
    """The work of `pending()` that this worker is to do, in batches it holds the locks of (by
    `name`) while the caller works through each: an eighth of the work at a time (at least
    CLAIM_LEAST items, at most CLAIM_BATCH), passing over what another worker holds.
    `still_pending` drops what another worker finished between `pending()` and the claim. Items
    other workers held are asked for again, after a pause, until `pending()` has none this
    worker has not had: so when the call ends, everything pending at its start is done, by this
    worker or another. An item this worker had (and, say, failed) is not given again in the
    same call."""
    had: set[str] = set()
    while True:
        todo = {name(item): item for item in pending() if name(item) not in had}
        if not todo:
            return
        names = list(todo)
        size = min(CLAIM_BATCH, max(CLAIM_LEAST, math.ceil(len(names) * CLAIM_SHARE)))
        all_held = True
        for start in range(0, len(names), size):
            batch = names[start : start + size]
            with store.claim(batch) as held:
                had |= held
                all_held &= len(held) == len(batch)
                mine = [todo[key] for key in batch if key in held]
                if mine:
                    yield still_pending(mine)
        if all_held:
            return
        time.sleep(CLAIM_POLL_SECONDS)


class CurrentArticles:
    """A store's current articles by id, read once, and again only when asked for one that
    was not there then (another worker stored it since)."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._by_id: dict[str, Article] | None = None

    def having(self, article_ids: Iterable[str]) -> dict[str, Article]:
        """Every current article by id, `article_ids` among them if they are stored."""
        if self._by_id is None or not self._by_id.keys() >= set(article_ids):
            self._by_id = {article.article_id: article for article in self._store.iter_articles()}
        return self._by_id


def progress_counter(
    progress: Callable[[str, int, int], None] | None, step: str, total: Callable[[], int]
) -> Callable[[], None]:
    """A function to call as each item of a worker's claimed work is done: it reports how many
    it has done to `progress` under `step`, against `total()`, what was pending at the start
    (or more, when more came)."""
    done = 0

    def tick() -> None:
        nonlocal done
        done += 1
        if progress:
            progress(step, done, max(done, total()))

    return tick


@contextmanager
def holding(store: Store, name: str) -> Iterator[None]:
    """Hold the named lock for the block, waiting while another worker holds it."""
    while True:
        with store.claim([name]) as held:
            if held:
                yield
                return
        time.sleep(CLAIM_POLL_SECONDS)
