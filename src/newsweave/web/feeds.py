"""Atom feeds of stories, for feed readers: the front page's, one storyline's, one outlet's.

An entry is a story. Its id is the event's (`urn:newsweave:story:…`, stable for the event's
life), its title the brief's headline, and its dates are the news': `published` is when the
story's first article appeared and `updated` when its latest did, so a reader files an entry by
when things happened, not by when newsweave wrote about them (a story's undated articles fall
back on the brief's writing time). Its summary is the lead; its content is the brief as a feed
reader can show it without the site's style sheet or script: the sentences with their citation
numbers, the section headings, the pull quote, and the numbered source list as absolute links,
then one link to the story page, where every citation's evidence is. No evidence is inlined
and no link is relative, since a reader resolves a relative link against the feed, not the
site. The sources' links come first and one each, so a text reader that numbers links
(newsboat) numbers them as the brief numbers its sources.

feedgen writes the XML. Every text goes in through `outward.safe_text` (`safe_brief` for the
brief's): XML 1.0 forbids most control characters, and one in a single outlet name made lxml
refuse the whole document, so the feed failed for every reader.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from html import escape
from typing import NamedTuple

from feedgen.feed import FeedGenerator

from newsweave.briefs.model import Brief, BriefSentence, Section
from newsweave.briefs.render import heading_of, safe_brief
from newsweave.model import Event
from newsweave.outward import safe_text

__all__ = ["FEED_ENTRIES", "FeedInfo", "FeedStory", "atom_feed", "latest_events"]

FEED_ENTRIES = 50


class FeedStory(NamedTuple):
    """A story as a feed entry: its event (the dates) and its latest brief."""

    event: Event
    brief: Brief


@dataclass(frozen=True)
class FeedInfo:
    """What a feed says of itself; every URL absolute."""

    feed_id: str  # a URN, stable for the feed's life
    title: str
    subtitle: str
    self_url: str  # the feed's own address
    page_url: str  # the page that shows what the feed carries
    site_url: str  # the front page
    icon_url: str


def latest_events(events: Iterable[Event]) -> list[Event]:
    """The FEED_ENTRIES events most recently updated by the news, the latest first (undated
    ones last, in the order given)."""
    latest = sorted(
        events, key=lambda e: (e.last_seen is not None, e.last_seen or ""), reverse=True
    )
    return latest[:FEED_ENTRIES]


def atom_feed(
    info: FeedInfo, stories: Sequence[FeedStory], story_url: Callable[[str], str]
) -> bytes:
    """The Atom document of `stories`, the latest by the news first; `story_url` gives a story
    page's absolute address from its event id."""
    latest = sorted(stories, key=_updated, reverse=True)
    feed = FeedGenerator()
    feed.id(safe_text(info.feed_id))
    feed.title(safe_text(info.title))
    feed.subtitle(safe_text(info.subtitle))
    feed.link(href=safe_text(info.self_url), rel="self", type="application/atom+xml")
    feed.link(href=safe_text(info.page_url), rel="alternate", type="text/html")
    feed.icon(info.icon_url)
    feed.author({"name": "newsweave", "uri": info.site_url})
    feed.generator("newsweave")
    feed.language("en")
    feed.updated(_updated(latest[0]) if latest else datetime(1970, 1, 1, tzinfo=UTC))
    for story in reversed(latest):  # feedgen puts each new entry first
        brief = safe_brief(story.brief)
        url = story_url(brief.event_id)
        entry = feed.add_entry()
        entry.id(safe_text(f"urn:newsweave:story:{brief.event_id}"))
        entry.title(brief.headline)
        entry.link(href=url, rel="alternate", type="text/html")
        entry.published(_published(story))
        entry.updated(_updated(story))
        lead = brief.section("lead")
        if lead and lead.paragraphs:
            entry.summary(" ".join(s.prose for s in lead.paragraphs[0]))
        entry.content(entry_html(brief, url), type="html")
    return feed.atom_str(pretty=True)


def entry_html(brief: Brief, story_url: str) -> str:
    """A brief already made safe (`safe_brief`) as an entry's HTML content."""
    parts = []
    if brief.independent_sources <= 1:
        parts.append("<p><em>This brief rests on one source.</em></p>")
    story = [s for s in brief.sections if s.kind in ("lead", "why", "body")]
    rest = [s for s in brief.sections if s.kind not in ("lead", "why", "body")]
    parts += [_section_html(section, brief) for section in story]
    if brief.pull_quote is not None:
        quote = brief.pull_quote
        parts.append(
            f"<blockquote><p>“{escape(quote.text)}” — {escape(quote.speaker)}"
            f"{_cites(quote.citations)}</p></blockquote>"
        )
    parts += [_section_html(section, brief) for section in rest]
    parts.append("<h3>Sources</h3><ol>")
    for source in brief.sources:
        title = escape(source.title)
        link = f'<a href="{escape(source.url)}">{title}</a>' if source.url else title
        when = f", {source.published_at[:10]}" if source.published_at else ""
        parts.append(f"<li>{escape(source.outlet)}: {link}{escape(when)}</li>")
    parts.append("</ol>")
    parts.append(
        f'<p><a href="{escape(story_url)}">The brief on newsweave</a>, with the passage of '
        f"each source that supports each sentence (version {brief.version}).</p>"
    )
    return "\n".join(parts)


def _section_html(section: Section, brief: Brief) -> str:
    title = heading_of(section, brief)
    heading = f"<h3>{title}</h3>" if title else ""
    if section.kind == "background":
        items = "".join(f"<li>{_sentence(s)}</li>" for p in section.paragraphs for s in p)
        return f"{heading}<ul>{items}</ul>"
    paragraphs = "".join(
        f"<p>{' '.join(_sentence(s) for s in paragraph)}</p>" for paragraph in section.paragraphs
    )
    return heading + paragraphs


def _sentence(sentence: BriefSentence) -> str:
    return escape(sentence.prose) + _cites(sentence.citations)


def _cites(numbers: tuple[int, ...]) -> str:
    return f" [{', '.join(map(str, numbers))}]" if numbers else ""


def _published(story: FeedStory) -> datetime:
    return story.event.first_seen or _time(story.brief.written_at)


def _updated(story: FeedStory) -> datetime:
    return story.event.last_seen or _time(story.brief.written_at)


def _time(value: str) -> datetime:
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
