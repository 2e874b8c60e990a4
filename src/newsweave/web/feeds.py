"""Atom feeds of briefs: every story, or one storyline's stories.

An entry is a story: its id is the event's (a `urn:newsweave:story:` URN, stable for the
event's life), its `updated` time is when its latest brief version was written, and its title
carries the version, so a reader's feed client shows a story again when its brief gets a new
version. The content is the brief's HTML as the story page shows it. feedgen writes the XML.

Every text goes in through `outward.safe_text` (the content: `html_article`, which renders the
brief made safe): XML 1.0 forbids most control characters, and one in a single outlet name or
title made lxml refuse the whole document, so the feed failed for every reader.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from feedgen.feed import FeedGenerator

from newsweave.briefs.model import Brief
from newsweave.briefs.render import html_article
from newsweave.outward import safe_text

__all__ = ["atom_feed"]

FEED_ENTRIES = 50


def atom_feed(
    *,
    feed_id: str,
    title: str,
    self_url: str,
    site_url: str,
    briefs: Sequence[Brief],
    story_url: Callable[[str], str],
) -> bytes:
    """The Atom document of `briefs` (the most recently written first, at most
    FEED_ENTRIES)."""
    latest = sorted(briefs, key=lambda b: b.written_at, reverse=True)[:FEED_ENTRIES]
    feed = FeedGenerator()
    feed.id(safe_text(feed_id))
    feed.title(safe_text(title))
    feed.link(href=safe_text(self_url), rel="self")
    feed.link(href=safe_text(site_url), rel="alternate")
    feed.author({"name": "newsweave"})
    feed.generator("newsweave")
    feed.updated(_time(latest[0].written_at) if latest else datetime.now(UTC))
    for brief in reversed(latest):  # feedgen puts each new entry first
        entry = feed.add_entry()
        entry.id(safe_text(f"urn:newsweave:story:{brief.event_id}"))
        entry.title(safe_text(f"{brief.headline} (version {brief.version})"))
        entry.link(href=story_url(brief.event_id), rel="alternate")
        entry.updated(_time(brief.written_at))
        lead = brief.section("lead")
        if lead and lead.paragraphs:
            entry.summary(safe_text(lead.paragraphs[0][0].prose))
        entry.content(html_article(brief), type="html")
    return feed.atom_str(pretty=True)


def _time(value: str) -> datetime:
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
