"""What every reader of an input produces before cleaning: one article as received."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Draft:
    """An article as read from a file, page or feed, before cleaning and storing.

    `origin` names the input as the user gave it (a path, `path:line`, a URL, or a feed URL with
    the entry's link), so that every message about this article can point back at it.

    `text` is the article's own text as the reader found it; `raw_text` is the whole input as
    received when that holds more (a `.txt` file with chrome above its title, the visible text
    of an HTML page), and `chrome` lists the lines of it the reader left out as site chrome, so
    that cleaning can report them with the rest.
    """

    origin: str
    title: str  # "" when the input gives none; the article is then named after its first line
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
    raw_text: str | None = None  # None: the same as `text`
    chrome: tuple[str, ...] = ()
