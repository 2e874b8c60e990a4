"""The data newsweave passes between stages: frozen dataclasses and nothing else.

An article's identity has two parts. Its `key` names the article as its outlet publishes it (the
canonical URL, else the URL, else a name built from the outlet and the id the input gave), so a
changed text at the same key is a new *revision* of one article. Its `article_id` is a hash of
the key and the content as received, so ingesting the same thing twice gives the same id and
stores nothing new.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime

FLAG_KINDS = (
    "boilerplate",  # site chrome lines were removed from the text
    "mojibake",  # broken unicode was repaired
    "garbled",  # a token looks like a corrupted spelling of a name used elsewhere
    "truncated",  # the body stops mid-sentence
    "paywall",  # the text is a subscription stub
    "too_short",  # too few words to be a news report
    "non_english",  # the text is not in English
    "citation_marks",  # another system's reference marks ("[1, 2]") were removed from the text
    "oversized",  # the text was cut to the length the analysis reads (clean.MAX_TEXT_CHARS)
    "impossible_date",  # a publication time outside 1900 .. two days from now was dropped
    "unknown_charset",  # the page declared a charset that is not a text encoding
    "bad_url",  # an address that is not an http(s) URL with a valid host name was dropped
)


UNNAMED_SOURCE = "unnamed source"  # how an article with no outlet and no address is credited


def unnamed_source_name(label: str) -> str:
    """The source of an article whose input named no outlet and gave no URL: a source of its
    own, named after the input (file, JSONL id), so that it counts as independent unless the
    copy check finds it is a copy, and no page calls several unnamed reports one outlet."""
    return f"{UNNAMED_SOURCE} ({label})"


def is_unnamed_source(name: str) -> bool:
    return name.startswith(UNNAMED_SOURCE)


@dataclass(frozen=True)
class Source:
    """An outlet (or wire agency) that publishes articles."""

    name: str
    domain: str | None = None
    family: str | None = None  # the publisher group that owns the outlet, when known
    country: str | None = None  # ISO 3166 code
    language: str | None = None  # ISO 639-1 code


@dataclass(frozen=True)
class QualityFlag:
    """Something a reader should know about an article, found when it was read or cleaned."""

    kind: str  # one of FLAG_KINDS
    detail: str  # what was found, in words a user can read
    span: tuple[int, int] | None = None  # character offsets into the cleaned text
    repair: str | None = None  # the proposed correction, for garbled tokens


@dataclass(frozen=True)
class Article:
    article_id: str
    key: str
    source: Source
    title: str
    text: str  # the cleaned text the later stages read
    raw_text: str  # the text as received (control characters removed), kept so nothing is lost
    url: str | None = None
    canonical_url: str | None = None
    author: str | None = None
    published_at: datetime | None = None  # timezone-aware, UTC
    fetched_at: datetime | None = None  # timezone-aware, UTC
    language: str | None = None
    flags: tuple[QualityFlag, ...] = ()
    revision: int = 1

    def has_flag(self, kind: str) -> bool:
        return any(flag.kind == kind for flag in self.flags)


@dataclass(frozen=True)
class Rejection:
    """One input that was not stored, with the reason a user can act on."""

    input: str
    reason: str  # a short key, counted in the ingest summary ("empty", "http-404", ...)
    message: str  # one line: what happened, to which input, what to try


@dataclass
class IngestReport:
    """What one `ingest` call did; counts are per article, rejections per input."""

    ingested: list[str] = field(default_factory=list)  # article ids stored new
    revised: list[str] = field(default_factory=list)  # article ids stored as new revisions
    unchanged: list[str] = field(default_factory=list)  # article ids already stored
    rejected: list[Rejection] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # files in a folder that are not articles
    article_of: dict[str, str] = field(default_factory=dict)  # input (path:line, URL) -> id
    # each article's input (an entry's link) -> the input given that it was read from (a feed)
    given_as: dict[str, str] = field(default_factory=dict)

    @property
    def is_partial(self) -> bool:
        return bool(self.rejected)

    def rejected_by_reason(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for rejection in self.rejected:
            counts[rejection.reason] = counts.get(rejection.reason, 0) + 1
        return dict(sorted(counts.items()))


@dataclass(frozen=True)
class Event:
    """One news event: the articles, from any number of outlets, that report it."""

    event_id: str
    title: str  # the headline of its first full report
    article_ids: tuple[str, ...]  # in publication order
    outlets: tuple[str, ...]  # every outlet that ran a report, wire copies included
    independent_sources: int  # wire copies and outlets of one publisher family count once
    first_seen: datetime | None
    last_seen: datetime | None
    storyline_id: str | None = None


@dataclass(frozen=True)
class TimelineEntry:
    event_id: str
    date: datetime | None
    title: str


@dataclass(frozen=True)
class Storyline:
    """Events that continue one another (a proposal, the talks, the refusal), dated."""

    storyline_id: str
    title: str  # the title of its first event
    timeline: tuple[TimelineEntry, ...]  # in date order


def publication_order(article: Article) -> tuple[bool, datetime | str]:
    """A sort key: publication time, undated last; sorts are stable, so ties keep the order
    given."""
    return (article.published_at is None, article.published_at or "")


def article_key(
    *, url: str | None, canonical_url: str | None, source: str, external_id: str | None, title: str
) -> str:
    """The name an article keeps across revisions."""
    if canonical_url:
        return canonical_url
    if url:
        return url
    local = external_id or title
    return f"urn:newsweave:{_slug(source)}:{_slug(local)}"


def article_id(key: str, title: str, raw_text: str) -> str:
    """A content hash: the same article received twice gets the same id. A lone surrogate (a
    JSON escape can spell one) is hashed as it came, not refused."""
    digest = hashlib.sha256("\x1f".join((key, title, raw_text)).encode("utf-8", "surrogatepass"))
    return digest.hexdigest()[:16]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:80] or "untitled"
