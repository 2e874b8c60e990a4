"""The commands that run the pipeline: `ingest`, `run`, `backfill` and `watch`.

Each prints its ingest summary (one line on stderr per rejected input), draws a progress bar
per stage on stderr when that is a terminal, and exits 3 when part of the work was rejected or
failed and the rest went through.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from newsweave.cli.base import (
    EXIT_FAILED,
    EXIT_PARTIAL,
    MAX_COUNT,
    existing_store,
    main,
    with_settings,
)
from newsweave.cli.output import err, out, print_json, shown
from newsweave.errors import NewsweaveError
from newsweave.model import IngestReport
from newsweave.settings import Settings
from newsweave.store import open_store

if TYPE_CHECKING:
    from newsweave.briefs.stage import BriefsReport
    from newsweave.watch import Cycle


# For the commands that run the pipeline; `with_settings` reads it into the settings.
_engine_option = click.option(
    "--engine",
    type=click.Choice(["local", "ray"]),
    help="run the heavy stages here or on Ray workers [default: the engine setting]",
)


@main.command("ingest")
@click.argument("sources", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="print the summary as JSON")
@with_settings
def ingest_command(settings: Settings, sources: tuple[str, ...], as_json: bool) -> None:
    """Store articles from files, folders, URLs, RSS/Atom feeds and OPML lists.

    SOURCES are .txt, .html, .json or .jsonl files, folders of them (with an optional
    sources.toml naming the outlets), feed or OPML files, or http(s) URLs of pages and feeds.
    """
    from newsweave.ingest.stage import ingest

    with open_store(settings.db) as store, _progress_bar() as bar:
        task = bar.add_task("storing", total=None)
        report = ingest(
            list(sources),
            store,
            settings,
            progress=lambda done, total: bar.update(task, completed=done, total=total),
        )
    if as_json:
        print_json(_report_data(report))
    else:
        _print_report(report)
    if code := _exit_code(report):
        sys.exit(code)


@main.command("run")
@click.argument("sources", nargs=-1)
@click.option("--json", "as_json", is_flag=True, help="print the summary as JSON")
@_engine_option
@with_settings
def run_command(settings: Settings, sources: tuple[str, ...], as_json: bool) -> None:
    """Run the pipeline over what is new: ingest SOURCES (if any), build stories, analyse.

    Only what no earlier run has seen is processed: new articles are checked for wire copies,
    embedded and clustered into events; storylines are relinked; events whose articles changed
    are analysed (claims, disagreements, quotes, statements) and get a new, verified version of
    their brief.
    """
    from newsweave.pipeline import run_pipeline

    with open_store(settings.db) as store, _progress_bar() as bar:
        result = run_pipeline(sources, store, settings, progress=_step_bars(bar))
    report = result.ingest
    stories, analysis, briefs = result.stories, result.analysis, result.briefs
    if as_json:
        data = {
            "ingest": _report_data(report) if report else None,
            "stories": asdict(stories),
            "analysis": asdict(analysis),
            "briefs": asdict(briefs),
        }
        print_json(data)
    else:
        if report is not None:
            _print_report(report)
        merged = f", {len(stories.merged)} merged" if stories.merged else ""
        out.print(
            f"{stories.new_articles} new articles in {stories.events} events "
            f"({stories.new_events} new{merged}), {stories.storylines} storylines; "
            f"{stories.embedded} embedded; {analysis.analysed} events analysed, "
            f"{analysis.unchanged} unchanged; {briefs.written} briefs written, "
            f"{briefs.unchanged} unchanged",
            markup=False,
        )
        if briefs.no_news:
            out.print(
                f"{len(briefs.no_news)} events have no brief: their articles hold no sentence "
                "of news, only page furniture (captions, credits, page labels)",
                markup=False,
            )
    _warn_if_llm_failed(briefs)
    failed = result.failed_events()
    for event_id, why in failed.items():
        err.print(shown(f"failed: event {event_id}: {why}; the next run tries it again"))
    if code := _exit_code(report, failed_events=len(failed)):
        sys.exit(code)


def _default_batch() -> int:
    """`backfill`'s batch, read when the command runs (its module loads the stages)."""
    from newsweave.backfill import BATCH

    return BATCH


@main.command("backfill")
@click.argument("sources", nargs=-1, required=True)
@click.option(
    "--batch",
    type=click.IntRange(1, MAX_COUNT),
    default=lambda: _default_batch(),
    help="articles stored, then taken through every stage, at a time  [default: 1000]",
)
@click.option("--json", "as_json", is_flag=True, help="print the summary as JSON")
@_engine_option
@with_settings
def backfill_command(
    settings: Settings, sources: tuple[str, ...], batch: int, as_json: bool
) -> None:
    """Take a large archive through every stage, a batch at a time, resumably.

    SOURCES are what `ingest` reads (JSONL exports, folders, feeds). Every BATCH articles are
    stored, then clustered, analysed and briefed before the next are read, so memory stays
    bounded by the batch and the store, not the archive. Interrupted (Ctrl-C, a kill) and run
    again with the same SOURCES, it goes on after the last batch it finished, and ends as an
    uninterrupted backfill would. Progress bars per stage on stderr, on a terminal.
    """
    from newsweave.backfill import backfill

    with open_store(settings.db) as store, _progress_bar() as bar:
        result = backfill(sources, store, settings, batch=batch, progress=_step_bars(bar))
    report = result.ingest
    if as_json:
        data = {k: v for k, v in asdict(result).items() if k != "ingest"}
        print_json({**data, "ingest": _report_data(report)})
    else:
        _print_report(report)
        resumed = f" (resumed after {result.resumed_after})" if result.resumed_after else ""
        items = f"{result.items} item{'' if result.items == 1 else 's'}"
        batches = f"{result.batches} batch{'' if result.batches == 1 else 'es'}"
        out.print(
            f"{items} read{resumed}; {batches} through every stage: "
            f"{result.analysed} events analysed, {result.briefs} briefs written",
            markup=False,
        )
    for event_id, why in result.failed.items():
        err.print(shown(f"failed: event {event_id}: {why}; the next run tries it again"))
    if code := _exit_code(report, failed_events=len(result.failed)):
        sys.exit(code)


@main.command("watch")
@click.argument("feeds", nargs=-1)
@click.option(
    "--interval",
    type=float,
    help="seconds from the start of one cycle to the start of the next "
    "[default: the watch_interval setting]",
)
@click.option(
    "--cycles", type=click.IntRange(min=1), help="stop after N cycles [default: until Ctrl-C]"
)
@_engine_option
@with_settings
def watch_command(
    settings: Settings, feeds: tuple[str, ...], interval: float | None, cycles: int | None
) -> None:
    """Poll FEEDS on an interval and run the pipeline over what is new, until Ctrl-C.

    FEEDS are feed or OPML URLs or files (or anything `ingest` reads); without FEEDS, the
    feeds followed with `newsweave feeds add` are polled, and how each poll went is recorded
    for `newsweave feeds list` (a feed that fails stays followed and is shown failing; after
    two failures in a row it backs off, polled less and less often, at least once a day). Each
    cycle opens the store, ingests, builds stories, analyses and writes briefs, then closes
    it, so `newsweave serve` keeps answering from the same store. Each cycle prints one line,
    and each rejected input one line on stderr; a failed cycle is reported and the next one
    goes on. Exits 0 after the cycles or Ctrl-C, and 1 when every cycle failed.
    """
    from newsweave.watch import watch

    followed = not feeds
    if followed:
        with existing_store(settings) as store:
            feeds = tuple(feed.url for feed in store.list_feeds())
        if not feeds:
            raise NewsweaveError(
                "no feeds to watch: give FEEDS, or follow some with `newsweave feeds add URL…` "
                "or `newsweave feeds import FILE.opml`"
            )

    def print_cycle(cycle: Cycle) -> None:
        if cycle.report is None:
            err.print(shown(cycle.summary()))
            return
        if cycle.report.ingest is not None:
            _print_rejections(cycle.report.ingest)
        _warn_if_llm_failed(cycle.report.briefs)
        out.print(shown(cycle.summary()))

    sources = None if followed else list(feeds)
    result = watch(sources, settings, interval=interval, cycles=cycles, on_cycle=print_cycle)
    if result.interrupted:
        cycles_run = f"{result.cycles} cycle{'' if result.cycles == 1 else 's'}"
        err.print(f"stopped after {cycles_run}; what was stored stays in the store")
    if result.cycles and result.failed == result.cycles:
        sys.exit(EXIT_FAILED)


def _report_data(report: IngestReport) -> dict[str, Any]:
    return {
        "ingested": len(report.ingested),
        "unchanged": len(report.unchanged),
        "revised": len(report.revised),
        "rejected": len(report.rejected),
        "rejected_by_reason": report.rejected_by_reason(),
        "rejections": [asdict(r) for r in report.rejected],
        "skipped": report.skipped,
    }


def _print_report(report: IngestReport) -> None:
    _print_rejections(report)
    counts = {name: value for name, value in _report_data(report).items() if isinstance(value, int)}
    summary = ", ".join(f"{count} {name}" for name, count in counts.items())
    reasons = ", ".join(f"{n} {reason}" for reason, n in report.rejected_by_reason().items())
    out.print(shown(summary + (f" ({reasons})" if reasons else "")))


def _print_rejections(report: IngestReport) -> None:
    """One line on stderr for each input that was rejected or skipped."""
    for rejection in report.rejected:
        err.print(shown(f"rejected: {rejection.message}"))
    for path in report.skipped:
        err.print(shown(f"skipped: {path} (not an article file)"))


def _warn_if_llm_failed(briefs: BriefsReport) -> None:
    if briefs.llm_error:
        err.print(
            shown(f"warning: {briefs.llm_error}; the embedded writer wrote the briefs instead")
        )


def _exit_code(report: IngestReport | None, *, failed_events: int = 0) -> int:
    """0 when every input was stored, 1 when none could be used, 3 when some were rejected or
    some events failed and the rest went through (the README's exit codes)."""
    if report is not None and report.is_partial:
        stored = report.ingested or report.revised or report.unchanged
        return EXIT_PARTIAL if stored else EXIT_FAILED
    return EXIT_PARTIAL if failed_events else 0


def _progress_bar() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    )


def _step_bars(bar: Progress) -> Callable[[str, int, int], None]:
    """A pipeline's progress call: one bar per step, each added when its step first reports."""
    tasks: dict[str, Any] = {}

    def progress(step: str, done: int, total: int) -> None:
        if step not in tasks:
            tasks[step] = bar.add_task(step, total=total)
        bar.update(tasks[step], completed=done, total=total)

    return progress
