"""Watching feeds: the pipeline over the same sources, again and again, beside other readers.

`watch(sources, settings)` runs `pipeline.run_pipeline` on the sources every `interval` seconds
(with `sources` None, on the feeds the store follows that are due, recording how each poll went
and backing off a failing feed: `following`), measured from the start of one cycle to the start
of the next; a cycle that overruns the interval is followed at once by the next, never
overlapped by it. Each cycle opens the store and closes it when done, so between cycles the
watcher holds nothing of the SQLite file, and within one every write is a short transaction of
its own: `newsweave serve` keeps answering from the same store all along.

A cycle that fails, with a `NewsweaveError` (the store stayed locked, say) or with any other
exception (a bug, or an input no check foresaw), is reported in one line and the next one goes
on: what the failed cycle committed stays, and since every stage works on what the store has
not seen yet, the next cycle picks up the rest. A feed that answers with an error is not a
failure but a rejection in the cycle's ingest report, and an event the analysis or the briefs
could not finish is recorded against the event (the cycle's line counts them). Ctrl-C ends the
watch; a cycle cut short loses only its open transaction.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from newsweave.errors import one_line_reason
from newsweave.following import due_feeds, record_polls
from newsweave.model import IngestReport
from newsweave.pipeline import PipelineReport, run_pipeline
from newsweave.settings import Settings, check_setting
from newsweave.store import open_store

WAKE = 0.5  # seconds: the longest the wait between cycles sleeps without looking for Ctrl-C

__all__ = ["Cycle", "WatchReport", "watch"]


@dataclass(frozen=True)
class Cycle:
    """One run of the pipeline by the watcher: its report, or why it failed."""

    number: int  # 1 for the first cycle
    started_at: datetime  # UTC
    report: PipelineReport | None  # None when the cycle failed
    error: str | None = None  # why it failed, in one line
    backing_off: int = 0  # followed feeds left out of the cycle because they keep failing

    def summary(self) -> str:
        """One line: when, what was ingested, what the stories and briefs stages did."""
        heading = f"{self.started_at:%Y-%m-%d %H:%M:%S}Z cycle {self.number}"
        if self.report is None:
            return f"{heading} failed: {self.error}; the next cycle tries again"
        ingested = self.report.ingest or IngestReport()
        stories = self.report.stories
        failed = self.report.failed_events()
        return (
            f"{heading}: {len(ingested.ingested)} ingested, {len(ingested.revised)} revised, "
            f"{len(ingested.unchanged)} unchanged, {len(ingested.rejected)} rejected; "
            f"{stories.new_articles} new articles, {stories.events} events; "
            f"{self.report.briefs.written} briefs written"
            + (f"; {len(failed)} events failed (`newsweave stories` says why)" if failed else "")
            + (
                f"; {self.backing_off} failing feed{'' if self.backing_off == 1 else 's'} "
                "backing off (`newsweave feeds list`)"
                if self.backing_off
                else ""
            )
        )


@dataclass(frozen=True)
class WatchReport:
    """How a watch ended."""

    cycles: int  # cycles run to their end, failed ones included
    failed: int
    interrupted: bool  # ended by Ctrl-C rather than by `cycles` or `stop`


def watch(
    sources: Sequence[str] | None,
    settings: Settings,
    *,
    interval: float | None = None,
    cycles: int | None = None,
    on_cycle: Callable[[Cycle], None] | None = None,
    stop: threading.Event | None = None,
) -> WatchReport:
    """Run the pipeline on `sources` (None: the followed feeds that are due) every `interval`
    seconds (the watch_interval setting unless given) until `cycles` cycles have run, `stop`
    is set or Ctrl-C; `on_cycle` gets each cycle as it ends."""
    given, origin = (
        (settings.watch_interval, "settings") if interval is None else (interval, "--interval")
    )
    interval = check_setting("watch_interval", given, origin)  # shorter hammers the feeds' servers
    stop = stop if stop is not None else threading.Event()
    done = failed = 0
    next_start = time.monotonic()
    try:
        while cycles is None or done < cycles:
            if _stopped_before(stop, next_start):
                break
            next_start = time.monotonic() + interval
            cycle = _run_cycle(done + 1, sources, settings, interval)
            done, failed = done + 1, failed + (cycle.report is None)
            if on_cycle:
                on_cycle(cycle)
    except KeyboardInterrupt:
        return WatchReport(done, failed, interrupted=True)
    return WatchReport(done, failed, interrupted=False)


def _stopped_before(stop: threading.Event, moment: float) -> bool:
    """Wait until the monotonic clock reaches `moment`; whether `stop` was set first. The wait
    is cut into slices of at most WAKE seconds: Ctrl-C's signal may reach another thread of the
    process (a numerical library's), which does not interrupt a blocked wait, and Python only
    raises KeyboardInterrupt once this thread runs again."""
    while (left := moment - time.monotonic()) > 0:
        if stop.wait(min(left, WAKE)):
            return True
    return stop.is_set()


def _run_cycle(
    number: int, sources: Sequence[str] | None, settings: Settings, interval: float
) -> Cycle:
    started_at = datetime.now(UTC)
    backing_off = 0
    try:
        with open_store(settings.db) as store:
            if sources is not None:
                report = run_pipeline(sources, store, settings)
            else:
                followed = store.list_feeds()
                due = due_feeds(followed, started_at, interval)
                backing_off = len(followed) - len(due)
                report = run_pipeline([feed.url for feed in due], store, settings)
                record_polls(store, due, started_at, report.ingest or IngestReport(), interval)
    except Exception as error:  # any: the watch outlives one cycle's bug or unforeseen input
        return Cycle(number, started_at, None, one_line_reason(error))
    return Cycle(number, started_at, report, backing_off=backing_off)
