"""What every reader of an input produces before cleaning: one article as received, or the
rejection of one input, and the reading of a time every reader shares."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from newsweave.errors import InputError
from newsweave.model import QualityFlag, Rejection
from newsweave.outward import one_line


@dataclass(frozen=True)
class Draft:
    """An article as read from a file, page or feed, before cleaning and storing.

    `origin` names the input as the user gave it (a path, `path:line`, a URL, or a feed URL with
    the entry's link), so that every message about this article can point back at it.

    `text` is the article's own text as the reader found it; `raw_text` is the whole input as
    received when that holds more (a `.txt` file with chrome above its title, the visible text
    of an HTML page), and `chrome` lists the lines of it the reader left out as site chrome, so
    that cleaning can report them with the rest. `flags` are what the reader found wrong with
    the input itself (a charset that is not one), stored with the cleaning's flags.

    Nothing here is checked yet: `ingest.stage.build_article` holds every field to the limits
    the later stages have (text length, control characters, URLs, the publication time's range).
    """

    origin: str
    title: str  # "" when the input gives none; the article is then named after its first line
    text: str
    source_name: str | None = None
    domain: str | None = None
    url: str | None = None
    canonical_url: str | None = None
    author: str | None = None
    # timezone-aware, in the input's own offset: a time near the datetime limits cannot always
    # be turned to UTC, so `build_article` checks the range first and converts then
    published_at: datetime | None = None
    fetched_at: datetime | None = None  # timezone-aware, UTC
    external_id: str | None = None  # the id the input gave the article, if any
    language: str | None = None
    raw_text: str | None = None  # None: the same as `text`
    chrome: tuple[str, ...] = ()
    flags: tuple[QualityFlag, ...] = ()


def read_time(value: str | None) -> datetime | None:
    """A time written in ISO 8601 or RFC 2822, None when `value` is not one. A time without an
    offset, or a date alone (midnight), is taken as UTC; a given offset is kept (see `Draft`)."""
    text = (value or "").strip()
    if not text:
        return None
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        try:
            parsed = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def rejection_for(origin: str, error: Exception) -> Rejection:
    """The rejection of the input `origin`, which raised `error` while it was read."""
    if isinstance(error, InputError):
        return Rejection(error.input, error.reason, str(error))
    if isinstance(error, OSError):
        why = error.strerror or type(error).__name__
        return Rejection(
            origin,
            "unreadable",
            f"{origin}: cannot read it ({why}); check that it exists and that you may read it",
        )
    what = one_line(f"{type(error).__name__}: {error}", 200)
    return Rejection(
        origin,
        "failed",
        f"{origin}: reading it failed ({what}); the other inputs went on; please report this "
        "with the input",
    )


def each_isolated(origin: str, read: Iterable[Draft | Rejection]) -> Iterator[Draft | Rejection]:
    """What reading one input gives, as it comes; whatever the reading raises ends only this
    input, as its rejection (what it gave before is kept). `read` is a generator, so that the
    reading happens here, inside the guard."""
    try:
        yield from read
    except Exception as error:  # one input's failure, whatever it is, is that input's alone
        yield rejection_for(origin, error)
