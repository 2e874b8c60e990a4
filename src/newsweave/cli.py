"""The `newsweave` command: each command is one library call plus its output.

Errors are turned into one line on stderr and an exit code here, in one place: 0 when all went
well, 1 when the command failed (for `ingest` and `run`: when no input could be used), 2 when
the settings file cannot be read (as for a bad option), 3 when a batch was partly rejected (the
rest was stored) or an event could not be analysed or written (the rest were), and 70 for an
internal error, which is a bug in newsweave.

Whatever the store holds reaches the terminal through `_shown` (or `_print_json`): literally,
never read as Rich markup or emoji codes, and without control characters or credentials
(`outward.safe_text`), so a scraped title can neither crash a command nor send the terminal an
escape sequence, a hyperlink or a bell. A URL is printed only when it is an http(s) link
(`outward.safe_link`), as the web pages and the API show it.
"""

from __future__ import annotations

import functools
import socket
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict, replace
from datetime import UTC, datetime
from pathlib import Path
from textwrap import shorten
from typing import TYPE_CHECKING, Any
from xml.etree import ElementTree

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table
from rich.text import Text

from newsweave.briefs.model import Brief, to_document
from newsweave.briefs.render import FORMATS, render, safe_brief
from newsweave.errors import NewsweaveError, SettingsFileError
from newsweave.model import Article, Event, IngestReport
from newsweave.outward import safe_data, safe_link, safe_text
from newsweave.settings import Settings, load_settings
from newsweave.store import (
    EventFailure,
    Store,
    StoredFeed,
    open_store,
    shown_location,
    store_exists,
)
from newsweave.stories import list_events, list_storylines

# The stages, the evaluations and the models are imported by the commands that run them: a
# command starts in the time its own imports take (`newsweave settings` needs no spaCy).
if TYPE_CHECKING:
    from newsweave.analysis.disagreements import Disagreement
    from newsweave.analysis.model import EventAnalysis
    from newsweave.briefs.stage import BriefsReport
    from newsweave.watch import Cycle

EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_PARTIAL = 3
EXIT_INTERNAL = 70
# The largest count or offset an option takes; far past any store, well inside SQLite's integers.
MAX_COUNT = 1_000_000_000
Count = click.IntRange(0, MAX_COUNT)

out = Console(highlight=False, soft_wrap=True, emoji=False)
err = Console(stderr=True, highlight=False, soft_wrap=True, emoji=False)


class _Group(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except SettingsFileError as error:
            err.print(_shown(f"error: {error}"))
            sys.exit(EXIT_USAGE)
        except NewsweaveError as error:
            err.print(_shown(f"error: {error}"))
            sys.exit(EXIT_FAILED)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except KeyboardInterrupt:
            err.print("interrupted; what was committed before stays in the store")
            sys.exit(130)
        except Exception as error:
            err.print(
                _shown(
                    f"internal error: {type(error).__name__}: {error}. This is a bug in "
                    "newsweave; please report it with the command you ran."
                )
            )
            sys.exit(EXIT_INTERNAL)


def _with_settings(command: Callable[..., Any]) -> Callable[..., Any]:
    """Give a command --db and --config, and hand it the effective Settings."""

    @click.option("--db", help="the store: a SQLite file or a postgresql:// URL [NEWSWEAVE_DB]")
    @click.option(
        "--config", type=click.Path(path_type=Path), help="TOML settings file [NEWSWEAVE_CONFIG]"
    )
    @functools.wraps(command)
    def wrapper(db: str | None, config: Path | None, **kwargs: Any) -> Any:
        overrides = {"db": db, "engine": kwargs.pop("engine", None)}
        return command(load_settings(config, overrides), **kwargs)

    return wrapper


# For the commands that run the pipeline; `_with_settings` reads it into the settings.
_engine_option = click.option(
    "--engine",
    type=click.Choice(["local", "ray"]),
    help="run the heavy stages here or on Ray workers [default: the engine setting]",
)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="newsweave")
def main() -> None:
    """newsweave: one neutral, cited brief per news event, from many outlets."""


@main.command("ingest")
@click.argument("sources", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="print the summary as JSON")
@_with_settings
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
        _print_json(_report_data(report))
    else:
        _print_report(report)
    if code := _exit_code(report):
        sys.exit(code)


@main.command("run")
@click.argument("sources", nargs=-1)
@click.option("--json", "as_json", is_flag=True, help="print the summary as JSON")
@_engine_option
@_with_settings
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
        _print_json(data)
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
        err.print(_shown(f"failed: event {event_id}: {why}; the next run tries it again"))
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
@_with_settings
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
        _print_json({**data, "ingest": _report_data(report)})
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
        err.print(_shown(f"failed: event {event_id}: {why}; the next run tries it again"))
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
@_with_settings
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
        with _existing_store(settings) as store:
            feeds = tuple(feed.url for feed in store.list_feeds())
        if not feeds:
            raise NewsweaveError(
                "no feeds to watch: give FEEDS, or follow some with `newsweave feeds add URL…` "
                "or `newsweave feeds import FILE.opml`"
            )

    def print_cycle(cycle: Cycle) -> None:
        if cycle.report is None:
            err.print(_shown(cycle.summary()))
            return
        if cycle.report.ingest is not None:
            _print_rejections(cycle.report.ingest)
        _warn_if_llm_failed(cycle.report.briefs)
        out.print(_shown(cycle.summary()))

    sources = None if followed else list(feeds)
    result = watch(sources, settings, interval=interval, cycles=cycles, on_cycle=print_cycle)
    if result.interrupted:
        cycles_run = f"{result.cycles} cycle{'' if result.cycles == 1 else 's'}"
        err.print(f"stopped after {cycles_run}; what was stored stays in the store")
    if result.cycles and result.failed == result.cycles:
        sys.exit(EXIT_FAILED)


@main.group("feeds")
def feeds_group() -> None:
    """The feeds newsweave follows, which `newsweave watch` polls when given none."""


@feeds_group.command("add")
@click.argument("urls", nargs=-1, required=True)
@_with_settings
def feeds_add_command(settings: Settings, urls: tuple[str, ...]) -> None:
    """Follow the feeds at URLS (RSS or Atom, http or https)."""
    _follow(settings, urls)


@feeds_group.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@_with_settings
def feeds_import_command(settings: Settings, file: Path) -> None:
    """Follow every feed of an OPML list (a feed reader's export)."""
    from newsweave.ingest.feeds import read_opml

    try:
        body = file.read_bytes()
    except OSError as error:
        raise NewsweaveError(f"cannot read {file}: {error.strerror}; check the path") from None
    _follow(settings, tuple(read_opml(body, str(file))))


@feeds_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="print JSON")
@_with_settings
def feeds_list_command(settings: Settings, as_json: bool) -> None:
    """List the followed feeds: when each was last read and last brought something new, its
    new articles per day, and whether polling it fails (a failing feed backs off: `watch`
    polls it less often, at least once a day, and never drops it)."""
    with _existing_store(settings) as store:
        feeds = store.list_feeds()
    now = datetime.now(UTC)
    if as_json:
        _print_json([_feed_data(feed, now) for feed in feeds])
        return
    out.print(_shown(f"{len(feeds)} feeds followed in {settings.db}"))
    for feed in feeds:
        out.print(_shown(f"{feed.url}", "bold"))
        read = f"last read {_day(feed.last_fetched_at)}" if feed.last_fetched_at else "not read yet"
        new = f"last new item {_day(feed.last_new_at)}" if feed.last_new_at else "no new item yet"
        out.print(_shown(f"  {feed.status(now)} · {read} · {new}"))
        outlet = f" · outlet {feed.outlet}" if feed.outlet else ""
        per_day = feed.items_per_day(now)
        out.print(
            _shown(f"  {per_day:.1f} items a day · followed since {_day(feed.added_at)}{outlet}")
        )
        if feed.failures:
            out.print(
                _shown(f"  last error ({_day(feed.last_failed_at)}): {feed.last_error}", "red")
            )


def _feed_data(feed: StoredFeed, now: datetime) -> dict[str, Any]:
    return {
        **asdict(feed),
        "status": feed.status(now),
        "backing_off": feed.backing_off(now),
        "items_per_day": round(feed.items_per_day(now), 2),
    }


@feeds_group.command("remove")
@click.argument("urls", nargs=-1, required=True)
@_with_settings
def feeds_remove_command(settings: Settings, urls: tuple[str, ...]) -> None:
    """Stop following the feeds at URLS; what they brought stays in the store."""
    with _existing_store(settings) as store:
        unknown = [url for url in urls if not store.remove_feed(url)]
    for url in urls:
        if url not in unknown:
            out.print(_shown(f"no longer following {url}"))
    if unknown:
        raise NewsweaveError(
            f"not followed: {', '.join(unknown)}; `newsweave feeds list` shows the feeds followed"
        )


@feeds_group.command("export")
@_with_settings
def feeds_export_command(settings: Settings) -> None:
    """Print the followed feeds as an OPML list, for a feed reader or `feeds import`."""
    with _existing_store(settings) as store:
        feeds = store.list_feeds()
    root = ElementTree.Element("opml", version="2.0")
    head = ElementTree.SubElement(root, "head")
    ElementTree.SubElement(head, "title").text = "newsweave: followed feeds"
    body = ElementTree.SubElement(root, "body")
    for feed in feeds:
        ElementTree.SubElement(body, "outline", type="rss", text=feed.url, xmlUrl=feed.url)
    ElementTree.indent(root)
    sys.stdout.write(ElementTree.tostring(root, encoding="unicode", xml_declaration=True) + "\n")


def _follow(settings: Settings, urls: Sequence[str]) -> None:
    """Follow each of `urls`; one that is not an http(s) address is refused, naming it."""
    refused = [url for url in urls if safe_link(url) != url]
    if refused:
        raise NewsweaveError(
            f"not an http(s) feed address: {', '.join(refused)}; give the feed's full URL "
            "(https://…), without credentials"
        )
    now = datetime.now(UTC)
    with open_store(settings.db) as store:
        added = [url for url in urls if store.add_feed(url, now)]
    for url in urls:
        out.print(_shown(f"following {url}" if url in added else f"already following {url}"))


@main.command("stories")
@click.option("--limit", default=50, type=Count, show_default=True, help="how many events to list")
@click.option("--json", "as_json", is_flag=True, help="print JSON")
@_with_settings
def stories_command(settings: Settings, limit: int, as_json: bool) -> None:
    """List events, the most recently updated first, with their sources and storyline."""
    with _existing_store(settings) as store:
        events = list_events(store)
        failures = store.list_failures()
    if as_json:
        _print_json([_event_summary(e, failures) for e in events[:limit]])
        return
    where = shown_location(settings.db)
    out.print(_shown(f"{len(events)} events in {where}, the most recently updated first"))
    for event in events[:limit]:
        articles = "article" if len(event.article_ids) == 1 else "articles"
        when = _day(event.first_seen)
        if event.first_seen and event.last_seen and event.last_seen != event.first_seen:
            same_day = event.last_seen.date() == event.first_seen.date()
            when += f" → {event.last_seen:%H:%M}" if same_day else f" → {_day(event.last_seen)}"
        storyline = f" · storyline {event.storyline_id}" if event.storyline_id else ""
        out.print()
        out.print(Text.assemble(_shown(event.event_id, "bold"), "  ", _shown(event.title)))
        out.print(
            _shown(
                f"  {len(event.article_ids)} {articles}, {_sources(event.independent_sources)} "
                f"· {when}{storyline}"
            )
        )
        out.print(_shown(f"  outlets: {', '.join(event.outlets)}"))
        for failure in (f for f in failures if f.event_id == event.event_id):
            out.print(_shown(f"  failed: {_failure_line(failure)}", "red"))


@main.command("storylines")
@click.option("--json", "as_json", is_flag=True, help="print JSON")
@_with_settings
def storylines_command(settings: Settings, as_json: bool) -> None:
    """List storylines: events that continue one another, with a dated timeline."""
    with _existing_store(settings) as store:
        storylines = list_storylines(store)
    if as_json:
        _print_json([asdict(s) for s in storylines])
        return
    if not storylines:
        out.print("no storylines yet: no two events continue one another")
    for storyline in storylines:
        heading = _shown(storyline.title, "bold")
        out.print(Text.assemble(heading, _shown(f" ({storyline.storyline_id[:10]})")))
        for entry in storyline.timeline:
            out.print(_shown(f"  {_day(entry.date)}  {entry.title}  [{entry.event_id[:10]}]"))


@main.command("claims")
@click.argument("event_id")
@click.option("--json", "as_json", is_flag=True, help="print JSON")
@_with_settings
def claims_command(settings: Settings, event_id: str, as_json: bool) -> None:
    """List an event's claims, the most widely backed first, with their sources.

    EVENT_ID is an event id or a prefix of one that names one event (`newsweave stories`
    lists them). A claim stated by one independent source alone is marked single source.
    """
    with _existing_store(settings) as store:
        analysis = _analysis_of(store, event_id)
    if as_json:
        claims = [{"text": c.sentences[0].text, **asdict(c)} for c in analysis.claims]
        _print_json(_event_heading(analysis) | {"claims": claims})
        return
    out.print(_event_line(analysis.event_id, analysis.title))
    out.print(f"{len(analysis.claims)} claims, the most widely backed first", markup=False)
    for claim in analysis.claims:
        single = " · single source" if claim.single_source else ""
        out.print()
        out.print(_shown(f"  {claim.sentences[0].text}"))
        out.print(
            _shown(
                f"    {_sources(claim.independent_sources)}{single} · {', '.join(claim.outlets)}"
            )
        )


@main.command("disagreements")
@click.argument("event_id", required=False)
@click.option("--json", "as_json", is_flag=True, help="print JSON")
@_with_settings
def disagreements_command(settings: Settings, event_id: str | None, as_json: bool) -> None:
    """List where sources disagree (a count, a date, a place, a person, a yes/no fact), in one
    event or in all.

    EVENT_ID, when given, is an event id or a prefix of one that names one event. Each side
    shows its value, the outlets that state it, how many independent sources they are, and the
    sentence of one of them.
    """
    from newsweave.analysis.stage import list_analyses

    with _existing_store(settings) as store:
        analyses = [_analysis_of(store, event_id)] if event_id else list_analyses(store)
    found = [(analysis, d) for analysis in analyses for d in analysis.disagreements]
    if as_json:
        _print_json([_disagreement_data(a, d) for a, d in found])
        return
    events = len({analysis.event_id for analysis, _ in found})
    out.print(f"{len(found)} disagreements in {events} of {len(analyses)} analysed events")
    for analysis, disagreement in found:
        out.print()
        out.print(_event_line(analysis.event_id[:10], analysis.title))
        out.print(_shown(f"  {disagreement.kind}: {disagreement.about}"))
        for side in disagreement.sides:
            outlets = ", ".join(analysis.outlets_of(side.article_ids))
            out.print(_shown(f"    {side.value}  {outlets} ({_sources(side.independent_sources)})"))
            if side.sentences:  # what one of them says, so a reader can judge the conflict
                sentence = shorten(side.sentences[0].text, 110, placeholder="…")
                out.print(_shown(f"        “{sentence}”"))


@main.command("brief")
@click.argument("event_id", required=False)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="md",
    show_default=True,
    help="Markdown, JSON or a standalone HTML page",
)
@click.option(
    "--version",
    "version",
    type=click.IntRange(1, MAX_COUNT),
    help="an earlier version (default: the latest)",
)
@_with_settings
def brief_command(settings: Settings, event_id: str | None, fmt: str, version: int | None) -> None:
    """Print the brief of an event (by id or id prefix), or the latest brief of every event.

    Every sentence cites the numbered sources that support it; what is new since the previous
    version is marked. `newsweave run` writes the briefs.
    """
    from newsweave.briefs.stage import load_brief

    with _existing_store(settings) as store:
        if event_id is None:
            if version is not None:
                raise NewsweaveError("--version needs an EVENT_ID: versions are per event")
            loaded = [load_brief(store, e.event_id) for e in list_events(store)]
            briefs = [b for b in loaded if b is not None]
            if not briefs and store.get_analysis_keys() and not store.list_failures():
                raise NewsweaveError(
                    "no briefs: the events analysed hold no sentence of news, only page "
                    "furniture (captions, credits, page labels); add articles with a report"
                )
            if not briefs:
                raise NewsweaveError("no briefs yet; `newsweave run SOURCE…` writes them")
        else:
            briefs = [_brief_of(store, event_id, version)]
    if fmt == "json" and event_id is None:
        _print_json([to_document(safe_brief(b)) for b in briefs])
        return
    for n, brief in enumerate(briefs):
        if n:
            out.print("\n" + "─" * 80 + "\n")
        out.print(render(brief, fmt), markup=False)  # render makes the brief safe


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="address to listen on")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@_with_settings
def serve_command(settings: Settings, host: str, port: int) -> None:
    """Serve the store's stories as web pages, a JSON API and Atom feeds.

    Listens on localhost only unless --host says otherwise. `newsweave run` or `watch` can
    write to the same store meanwhile; pages show what they have committed.
    """
    import uvicorn

    from newsweave.web.app import create_app

    app = create_app(settings)
    _check_port_free(host, port)
    url = f"http://{'[' + host + ']' if ':' in host else host}:{port}/"
    out.print(
        f"serving {shown_location(settings.db)} at {url} (API docs at {url}docs); Ctrl-C stops",
        markup=False,
    )
    uvicorn.run(app, host=host, port=port, log_level="warning")


def _check_port_free(host: str, port: int) -> None:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            raise NewsweaveError(
                f"cannot listen on {host}:{port} ({error.strerror}); give another --port or --host"
            ) from None


@main.group("eval")
def eval_group() -> None:
    """Score newsweave against gold data (the schemas of the evaluation README)."""


@eval_group.command("cluster")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="print one JSON object")
@_with_settings
def eval_cluster_command(settings: Settings, file: Path, as_json: bool) -> None:
    """Cluster a gold clustering file through the real pipeline; print B-cubed, ARI and speed.

    FILE has one article a line with its gold event ("gold"); the pipeline runs in a temporary
    store and never sees the gold labels.
    """
    from newsweave.evaluate.clustering import evaluate_clustering

    scores = evaluate_clustering(file, settings)
    if as_json:
        _print_json(asdict(scores))
        return
    out.print(
        f"{file}: B-cubed P {scores.b3_precision:.3f} R {scores.b3_recall:.3f} "
        f"F1 {scores.b3_f1:.3f}, ARI {scores.ari:.3f}; {scores.articles} articles, "
        f"{scores.gold_clusters} gold events, {scores.found_clusters} found; "
        f"{scores.articles_per_second:.1f} articles/s",
        markup=False,
    )


@eval_group.command("support")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="print one JSON object")
@_with_settings
def eval_support_command(settings: Settings, file: Path, as_json: bool) -> None:
    """Check every pair of a support file; print balanced accuracy and the two recalls.

    FILE has one pair a line: "source" (an article's text), "claim" and a gold "label"
    (supported or unsupported). A pair counts as predicted supported only when the checker
    says supported; the support_nli setting, when set, names the NLI model that decides.
    """
    from newsweave.analysis.nli import load_nli
    from newsweave.evaluate.support import evaluate_support

    scores = evaluate_support(file, nli=load_nli(settings.support_nli))
    if as_json:
        keys = ("balanced_accuracy", "pairs", "supported_recall", "unsupported_recall")
        _print_json({key: getattr(scores, key) for key in keys})
        return
    recalls = [
        f"{name} recall {value:.3f}" if value is not None else f"no {name} pairs"
        for name, value in (
            ("supported", scores.supported_recall),
            ("unsupported", scores.unsupported_recall),
        )
    ]
    out.print(
        f"{file}: balanced accuracy {scores.balanced_accuracy:.3f} on {scores.pairs} pairs "
        f"({', '.join(recalls)}); {scores.pairs_per_second:.1f} pairs/s",
        markup=False,
    )


@eval_group.command("summarize")
@click.argument("file", type=click.Path(path_type=Path))
@click.option(
    "--writer",
    "writer_name",
    type=click.Choice(("embedded", "llm")),
    help="the writer that drafts the briefs [default: the writer setting]",
)
@click.option("--limit", type=click.IntRange(min=1), help="score only the first LIMIT events")
@click.option(
    "--through-stories",
    is_flag=True,
    help="run each event's articles through ingest, stories and analysis in a fresh store "
    "and score the brief of the event holding most of them (not the file's grouping)",
)
@click.option("--json", "as_json", is_flag=True, help="print one JSON object")
@_with_settings
def eval_summarize_command(
    settings: Settings,
    file: Path,
    writer_name: str | None,
    limit: int | None,
    through_stories: bool,
    as_json: bool,
) -> None:
    """Write a brief for every event of a summarization file; print ROUGE, the lead's F1,
    defects per 100 briefs, citation precision and recall, the quote verbatim rate and speed.

    FILE has one event a line: its "articles" and a human-written "reference"; each brief is
    cut to the reference's length. Citations are judged by the support checker (with the
    support_nli setting's model, when set), the same checker that verified the brief: read
    those two figures with the checker's accuracy (`newsweave eval support`), not as proof.
    """
    from newsweave.analysis.nli import load_nli
    from newsweave.briefs.stage import writer_for
    from newsweave.evaluate.defects import DEFECT_KINDS
    from newsweave.evaluate.summaries import evaluate_summaries

    writer = writer_for(replace(settings, writer=writer_name or settings.writer))
    scores = evaluate_summaries(
        file,
        settings,
        writer=writer,
        nli=load_nli(settings.support_nli),
        limit=limit,
        through_stories=through_stories,
    )
    if as_json:
        _print_json(scores.to_dict())
        return
    path = (
        "through ingest and stories, a fresh store per event" if through_stories else "as grouped"
    )
    defects = ", ".join(
        f"{kind.replace('_', ' ')} {scores.defects.per_100(kind):.1f}" for kind in DEFECT_KINDS
    )
    out.print(
        f"{file} ({scores.clusters} events, {path}): ROUGE-1/2/L {100 * scores.rouge1:.1f} / "
        f"{100 * scores.rouge2:.1f} / {100 * scores.rougeL:.1f}; lead F1 "
        f"{100 * scores.lead_f1:.1f} (first article's first sentence "
        f"{100 * scores.first_sentence_f1:.1f})\n"
        f"defects per 100 briefs: {defects}\n"
        f"quotes verbatim {scores.quote_verbatim_rate:.3f}; citation precision "
        f"{scores.citation_precision:.3f}, recall {scores.citation_recall:.3f} (judged by the "
        "support checker that verified the briefs: they prove nothing alone)\n"
        + (
            f"events whose articles all ended in one event: {100 * scores.whole_events:.0f}%; "
            if through_stories
            else ""
        )
        + (f"events with no brief: {scores.no_brief}; " if scores.no_brief else "")
        + f"{scores.briefs_per_second:.2f} briefs/s",
        markup=False,
    )


@eval_group.command("attribution")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="print one JSON object")
def eval_attribution_command(file: Path, as_json: bool) -> None:
    """Extract the quotes of a gold attribution file; print source, cue, content and
    attribution F1 and speed.

    FILE has one article a line with its gold attributions (source, cue and content offsets);
    the extractor sees only the text.
    """
    from newsweave.evaluate.attribution import evaluate_attribution

    scores = evaluate_attribution(file)
    if as_json:
        keys = ("source_f1", "cue_f1", "content_f1", "attribution_f1", "articles")
        _print_json({key: getattr(scores, key) for key in keys})
        return
    out.print(
        f"{file}: F1 source {scores.source_f1:.3f}, cue {scores.cue_f1:.3f}, content "
        f"{scores.content_f1:.3f}, attribution {scores.attribution_f1:.3f}; {scores.articles} "
        f"articles, {scores.gold_attributions} gold attributions, {scores.found_attributions} "
        f"found; {scores.articles_per_second:.1f} articles/s",
        markup=False,
    )


@main.command("articles")
@click.option(
    "--limit", default=50, type=Count, show_default=True, help="how many articles to list"
)
@click.option("--offset", default=0, type=Count, help="skip this many first")
@click.option("--json", "as_json", is_flag=True, help="print JSON")
@_with_settings
def articles_command(settings: Settings, limit: int, offset: int, as_json: bool) -> None:
    """List stored articles, newest first."""
    with _existing_store(settings) as store:
        articles = store.list_articles(limit=limit, offset=offset)
        total = store.count_articles()
    if as_json:
        _print_json([_article_summary(a) for a in articles])
        return
    table = Table(
        title=_shown(f"{total} articles in {shown_location(settings.db)}"), title_justify="left"
    )
    for column in ("id", "published", "outlet", "title", "words", "flags"):
        table.add_column(column, overflow="fold")
    for article in articles:
        table.add_row(
            _shown(article.article_id[:10]),
            _day(article.published_at),
            _shown(article.source.name),
            _shown(article.title),
            str(len(article.text.split())),
            _shown(", ".join(sorted({flag.kind for flag in article.flags}))),
        )
    out.print(table)


@main.command("show")
@click.argument("article_id")
@click.option("--json", "as_json", is_flag=True, help="print JSON")
@_with_settings
def show_command(settings: Settings, article_id: str, as_json: bool) -> None:
    """Show one article: metadata, quality flags, revisions and text."""
    with _existing_store(settings) as store:
        article = store.get_article(article_id)  # AmbiguousId names the candidates
        if article is None:
            raise NewsweaveError(
                f"no article has an id starting with {article_id!r}; "
                "`newsweave articles` lists the ids"
            )
        revisions = store.revisions(article.key)
    if as_json:
        data = _article_summary(article) | {
            "text": article.text,
            "raw_text": article.raw_text,
            "flags": [asdict(flag) for flag in article.flags],
            "revisions": [{"revision": r.revision, "article_id": r.article_id} for r in revisions],
        }
        _print_json(data)
        return
    out.print(_shown(article.title, "bold"))
    for name, value in _article_summary(article).items():
        if value not in (None, "", []) and name != "title":
            out.print(_shown(f"  {name}: {value}"))
    listed = ", ".join(f"{r.revision} ({r.article_id})" for r in revisions)
    out.print(_shown(f"  revisions: {listed}"))
    for flag in article.flags:
        repair = f" → {flag.repair}" if flag.repair else ""
        detail = _shown(f": {flag.detail}{repair}")
        out.print(Text.assemble("  ", _shown(f"flag {flag.kind}", "yellow"), detail))
    out.print()
    out.print(_shown(article.text, lines=True))


@main.command("settings")
@click.option("--json", "as_json", is_flag=True, help="print JSON")
@_with_settings
def settings_command(settings: Settings, as_json: bool) -> None:
    """Print the effective settings and what each one does."""
    rows = settings.describe()
    if as_json:
        _print_json({name: value for name, value, _ in rows})
        return
    table = Table(title="settings (defaults < TOML file < NEWSWEAVE_* < options)")
    for column in ("name", "value", "what it does"):
        table.add_column(column, overflow="fold")
    for name, value, help in rows:
        table.add_row(_shown(name), _shown(str(value)), _shown(help))
    out.print(table)


def _existing_store(settings: Settings) -> Store:
    if not store_exists(settings.db):
        raise NewsweaveError(
            f"no store at {shown_location(settings.db)}; run `newsweave ingest SOURCE…` first "
            "or give --db"
        )
    return open_store(settings.db)


def _analysis_of(store: Store, event_id: str) -> EventAnalysis:
    """The stored analysis of the event an id or id prefix names; an error saying what to do
    when there is no such event or it is not analysed yet."""
    from newsweave.analysis.stage import load_analysis

    resolved = store.resolve_event(event_id)
    if resolved is None:
        raise NewsweaveError(
            f"no event has an id starting with {event_id!r}; `newsweave stories` lists the ids"
        )
    analysis = load_analysis(store, resolved)
    if analysis is None:
        raise NewsweaveError(f"event {resolved} is not analysed yet; `newsweave run` analyses it")
    return analysis


def _brief_of(store: Store, event_id: str, version: int | None) -> Brief:
    """A brief by event id or prefix; an error saying what to do when there is none."""
    from newsweave.briefs.stage import load_brief

    resolved = store.resolve_event(event_id)
    if resolved is None:
        raise NewsweaveError(
            f"no event has an id starting with {event_id!r}; `newsweave stories` lists the ids"
        )
    brief = load_brief(store, resolved, version)
    if brief is not None:
        return brief
    versions = store.brief_versions(resolved)
    if not versions:
        raise NewsweaveError(f"event {resolved} has no brief yet; `newsweave run` writes it")
    raise NewsweaveError(
        f"event {resolved} has no version {version}; its versions are "
        f"{', '.join(map(str, versions))}"
    )


def _step_bars(bar: Progress) -> Callable[[str, int, int], None]:
    """A pipeline's progress call: one bar per step, each added when its step first reports."""
    tasks: dict[str, Any] = {}

    def progress(step: str, done: int, total: int) -> None:
        if step not in tasks:
            tasks[step] = bar.add_task(step, total=total)
        bar.update(tasks[step], completed=done, total=total)

    return progress


def _progress_bar() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    )


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
    out.print(_shown(summary + (f" ({reasons})" if reasons else "")))


def _print_rejections(report: IngestReport) -> None:
    """One line on stderr for each input that was rejected or skipped."""
    for rejection in report.rejected:
        err.print(_shown(f"rejected: {rejection.message}"))
    for path in report.skipped:
        err.print(_shown(f"skipped: {path} (not an article file)"))


def _warn_if_llm_failed(briefs: BriefsReport) -> None:
    if briefs.llm_error:
        err.print(
            _shown(f"warning: {briefs.llm_error}; the embedded writer wrote the briefs instead")
        )


def _article_summary(article: Article) -> dict[str, Any]:
    return {
        "article_id": article.article_id,
        "title": article.title,
        "outlet": article.source.name,
        "family": article.source.family,
        "url": safe_link(article.url),
        "canonical_url": safe_link(article.canonical_url),
        "author": article.author,
        "published_at": article.published_at.isoformat() if article.published_at else None,
        "language": article.language,
        "words": len(article.text.split()),
        "flags": sorted({flag.kind for flag in article.flags}),
        "revision": article.revision,
    }


def _exit_code(report: IngestReport | None, *, failed_events: int = 0) -> int:
    """0 when every input was stored, 1 when none could be used, 3 when some were rejected or
    some events failed and the rest went through (the README's exit codes)."""
    if report is not None and report.is_partial:
        stored = report.ingested or report.revised or report.unchanged
        return EXIT_PARTIAL if stored else EXIT_FAILED
    return EXIT_PARTIAL if failed_events else 0


def _failure_line(failure: EventFailure) -> str:
    return (
        f"{failure.stage} on {failure.failed_at:%Y-%m-%d %H:%M}Z: {failure.reason}; "
        "the next `newsweave run` tries again"
    )


def _event_summary(event: Event, failures: Sequence[EventFailure]) -> dict[str, Any]:
    return {
        "event_id": event.event_id,
        "title": event.title,
        "articles": len(event.article_ids),
        "independent_sources": event.independent_sources,
        "outlets": list(event.outlets),
        "first_seen": event.first_seen.isoformat() if event.first_seen else None,
        "last_seen": event.last_seen.isoformat() if event.last_seen else None,
        "storyline_id": event.storyline_id,
        "article_ids": list(event.article_ids),
        "failures": [
            {"stage": f.stage, "reason": f.reason, "failed_at": f.failed_at.isoformat()}
            for f in failures
            if f.event_id == event.event_id
        ],
    }


def _event_heading(analysis: EventAnalysis) -> dict[str, Any]:
    return {"event_id": analysis.event_id, "title": analysis.title}


def _disagreement_data(analysis: EventAnalysis, disagreement: Disagreement) -> dict[str, Any]:
    sides = [
        {
            "value": side.value,
            "outlets": list(analysis.outlets_of(side.article_ids)),
            "independent_sources": side.independent_sources,
            "article_ids": list(side.article_ids),
            "sentences": [asdict(sentence) for sentence in side.sentences],
        }
        for side in disagreement.sides
    ]
    return _event_heading(analysis) | {
        "kind": disagreement.kind,
        "about": disagreement.about,
        "sides": sides,
    }


def _shown(text: str, style: str = "", *, lines: bool = False) -> Text:
    """Text from the store (or anything outside newsweave) as the terminal gets it: as it is,
    never read as markup or emoji codes, without control characters or credentials, and on
    one line unless `lines`."""
    safe = safe_text(text)
    return Text(safe if lines else safe.replace("\n", " ").replace("\t", " "), style=style)


def _event_line(event_id: str, title: str) -> Text:
    return Text.assemble(_shown(event_id, "bold"), "  ", _shown(title))


def _print_json(data: Any) -> None:
    """`data` as JSON on stdout, every string in it through `outward.safe_text`."""
    out.print_json(data=safe_data(data), default=str)


def _sources(count: int) -> str:
    return f"{count} independent source{'' if count == 1 else 's'}"


def _day(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else "—"
