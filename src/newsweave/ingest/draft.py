"""What every reader of an input produces before cleaning: one article as received."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Draft:
    """An article as read from a file, page or feed, before cleaning and storing.

    `origin` names the input as the user gave it (a path, `path:line`, a URL, or a feed URL with
    the entry's link), so that every message about this article can point back at it.
    """

    origin: str
    title: str
    text: str
    source_name: str | None = None
    domain: str | None = None
    url: str | None = None
    canonical_url: str | None = None
    author: str | None = None
    published_at: datetime | None = None  # timezone-aware, UTC
    fetched_at: datetime | None = None  # timezone-aware, UTC
    external_id: str | None = None  # the id the input gave the article, if any
    language: str | None = None
