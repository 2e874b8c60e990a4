"""The commands that read what the stages stored about events: `stories`, `storylines`,
`claims`, `disagreements` and `brief`, as text or JSON.

An event is named by its id or a prefix of one; one that names no event, or an event not
analysed or briefed yet, is an error saying which command lists or makes it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from textwrap import shorten
from typing import TYPE_CHECKING, Any

import click
from rich.text import Text

from newsweave.briefs.model import Brief, to_document
from newsweave.briefs.render import FORMATS, render, safe_brief
from newsweave.cli.base import MAX_COUNT, Count, existing_store, main, with_settings
from newsweave.cli.output import day, out, print_json, shown
from newsweave.errors import NewsweaveError
from newsweave.model import Event
from newsweave.settings import Settings
from newsweave.store import EventFailure, Store, shown_location
from newsweave.stories import list_events, list_storylines

if TYPE_CHECKING:
    from newsweave.analysis.disagreements import Disagreement
    from newsweave.analysis.model import EventAnalysis


@main.command("stories")
@click.option("--limit", default=50, type=Count, show_default=True, help="how many events to list")
@click.option("--json", "as_json", is_flag=True, help="print JSON")
@with_settings
def stories_command(settings: Settings, limit: int, as_json: bool) -> None:
    """List events, the most recently updated first, with their sources and storyline."""
    with existing_store(settings) as store:
        events = list_events(store)
        failures = store.list_failures()
    if as_json:
        print_json([_event_summary(e, failures) for e in events[:limit]])
        return
    where = shown_location(settings.db)
    out.print(shown(f"{len(events)} events in {where}, the most recently updated first"))
    for event in events[:limit]:
        articles = "article" if len(event.article_ids) == 1 else "articles"
        when = day(event.first_seen)
        if event.first_seen and event.last_seen and event.last_seen != event.first_seen:
            same_day = event.last_seen.date() == event.first_seen.date()
            when += f" → {event.last_seen:%H:%M}" if same_day else f" → {day(event.last_seen)}"
        storyline = f" · storyline {event.storyline_id}" if event.storyline_id else ""
        out.print()
        out.print(Text.assemble(shown(event.event_id, "bold"), "  ", shown(event.title)))
        backing = _sources(event.independent_sources)
        out.print(shown(f"  {len(event.article_ids)} {articles}, {backing} · {when}{storyline}"))
        out.print(shown(f"  outlets: {', '.join(event.outlets)}"))
        for failure in (f for f in failures if f.event_id == event.event_id):
            out.print(shown(f"  failed: {_failure_line(failure)}", "red"))


@main.command("storylines")
@click.option("--json", "as_json", is_flag=True, help="print JSON")
@with_settings
def storylines_command(settings: Settings, as_json: bool) -> None:
    """List storylines: events that continue one another, with a dated timeline."""
    with existing_store(settings) as store:
        storylines = list_storylines(store)
    if as_json:
        print_json([asdict(s) for s in storylines])
        return
    if not storylines:
        out.print("no storylines yet: no two events continue one another")
    for storyline in storylines:
        heading = shown(storyline.title, "bold")
        out.print(Text.assemble(heading, shown(f" ({storyline.storyline_id[:10]})")))
        for entry in storyline.timeline:
            out.print(shown(f"  {day(entry.date)}  {entry.title}  [{entry.event_id[:10]}]"))


@main.command("claims")
@click.argument("event_id")
@click.option("--json", "as_json", is_flag=True, help="print JSON")
@with_settings
def claims_command(settings: Settings, event_id: str, as_json: bool) -> None:
    """List an event's claims, the most widely backed first, with their sources.

    EVENT_ID is an event id or a prefix of one that names one event (`newsweave stories`
    lists them). A claim stated by one independent source alone is marked single source.
    """
    with existing_store(settings) as store:
        analysis = _analysis_of(store, event_id)
    if as_json:
        claims = [{"text": c.sentences[0].text, **asdict(c)} for c in analysis.claims]
        print_json(_event_heading(analysis) | {"claims": claims})
        return
    out.print(_event_line(analysis.event_id, analysis.title))
    out.print(f"{len(analysis.claims)} claims, the most widely backed first", markup=False)
    for claim in analysis.claims:
        single = " · single source" if claim.single_source else ""
        out.print()
        out.print(shown(f"  {claim.sentences[0].text}"))
        backing = _sources(claim.independent_sources)
        out.print(shown(f"    {backing}{single} · {', '.join(claim.outlets)}"))


@main.command("disagreements")
@click.argument("event_id", required=False)
@click.option("--json", "as_json", is_flag=True, help="print JSON")
@with_settings
def disagreements_command(settings: Settings, event_id: str | None, as_json: bool) -> None:
    """List where sources disagree (a count, a date, a place, a person, a yes/no fact), in one
    event or in all.

    EVENT_ID, when given, is an event id or a prefix of one that names one event. Each side
    shows its value, the outlets that state it, how many independent sources they are, and the
    sentence of one of them.
    """
    from newsweave.analysis.stage import list_analyses

    with existing_store(settings) as store:
        analyses = [_analysis_of(store, event_id)] if event_id else list_analyses(store)
    found = [(analysis, d) for analysis in analyses for d in analysis.disagreements]
    if as_json:
        print_json([_disagreement_data(a, d) for a, d in found])
        return
    events = len({analysis.event_id for analysis, _ in found})
    out.print(f"{len(found)} disagreements in {events} of {len(analyses)} analysed events")
    for analysis, disagreement in found:
        out.print()
        out.print(_event_line(analysis.event_id[:10], analysis.title))
        out.print(shown(f"  {disagreement.kind}: {disagreement.about}"))
        for side in disagreement.sides:
            outlets = ", ".join(analysis.outlets_of(side.article_ids))
            out.print(shown(f"    {side.value}  {outlets} ({_sources(side.independent_sources)})"))
            if side.sentences:  # what one of them says, so a reader can judge the conflict
                sentence = shorten(side.sentences[0].text, 110, placeholder="…")
                out.print(shown(f"        “{sentence}”"))


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
@with_settings
def brief_command(settings: Settings, event_id: str | None, fmt: str, version: int | None) -> None:
    """Print the brief of an event (by id or id prefix), or the latest brief of every event.

    Every sentence cites the numbered sources that support it; what is new since the previous
    version is marked. `newsweave run` writes the briefs.
    """
    from newsweave.briefs.stage import load_brief

    with existing_store(settings) as store:
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
        print_json([to_document(safe_brief(b)) for b in briefs])
        return
    for n, brief in enumerate(briefs):
        if n:
            out.print("\n" + "─" * 80 + "\n")
        out.print(render(brief, fmt), markup=False)  # render makes the brief safe


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


def _event_line(event_id: str, title: str) -> Text:
    return Text.assemble(shown(event_id, "bold"), "  ", shown(title))


def _sources(count: int) -> str:
    return f"{count} independent source{'' if count == 1 else 's'}"
