"""RSS and Atom feeds (read with feedparser) and OPML lists of feeds (read with lxml).

Each feed entry becomes a draft. When the feed carries only a summary, the entry's page is
fetched and extracted (`web.fetch_article`); if that fails, the feed's own text is kept, so an
entry is lost only when neither the page nor the feed has any text, and then it is a
`Rejection` that says why. An entry whose link is no URL, or names a host that is no valid
domain name (IDNA), is a rejection too, and so is an entry whose reading fails in any other
way: the feed's other entries go on.

Written here by hand, and why:

- Sniffing by the root element (`looks_like_feed`, `looks_like_opml`): feedparser accepts
  almost anything, HTML pages included, so it cannot tell us whether a body is a feed.
- OPML: feedparser does not read it, and the format is one element with one attribute.
- Entry HTML to paragraphs: trafilatura is built for whole pages and drops short fragments,
  which is what a feed summary is.
"""

from __future__ import annotations

import codecs
import io
import re
import xml.sax
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

import feedparser
import lxml.html
from lxml import etree

from newsweave.errors import InputError, UnreadableInput
from newsweave.ingest.draft import Draft, each_isolated, read_time
from newsweave.ingest.web import Fetcher, check_url, domain_of, fetch_article
from newsweave.model import QualityFlag, Rejection
from newsweave.outward import one_line
from newsweave.settings import Settings

__all__ = ["drafts_from_feed", "looks_like_feed", "looks_like_opml", "read_opml"]

FULL_TEXT_WORDS = 150  # an entry with fewer words is taken as a summary, not the article
SNIFF_BYTES = 1024
FEED_ROOTS = {"rss", "feed", "rdf:rdf"}
BLOCK_TAGS = (
    "p", "div", "li", "ul", "ol", "blockquote", "pre", "table", "tr", "section", "article",
    "header", "footer", "figure", "figcaption", "h1", "h2", "h3", "h4", "h5", "h6", "hr",
)  # fmt: skip

_PROLOG = re.compile(rb"<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>", re.DOTALL | re.IGNORECASE)
_ROOT = re.compile(rb"\s*<([A-Za-z][\w.:-]*)")
_EMAIL_AND_NAME = re.compile(r"\S+@\S+\s*\((.+)\)")


def looks_like_feed(body: bytes) -> bool:
    """Whether `body` opens with an RSS, RSS 1.0 (RDF) or Atom root element."""
    return _root_tag(body) in FEED_ROOTS


def looks_like_opml(body: bytes) -> bool:
    """Whether `body` opens with an OPML root element."""
    return _root_tag(body) == "opml"


def _root_tag(body: bytes) -> str | None:
    head = body[:SNIFF_BYTES]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        head = head.decode("utf-16", errors="ignore").encode("utf-8")
    match = _ROOT.match(_PROLOG.sub(b"", head.removeprefix(codecs.BOM_UTF8)))
    return match.group(1).decode("ascii").lower() if match else None


def read_opml(body: bytes, origin: str) -> list[str]:
    """The feed URLs (`xmlUrl`) of every outline in an OPML list, nested ones included, in order."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(body, parser)
    except (etree.XMLSyntaxError, ValueError) as error:
        raise UnreadableInput(
            origin,
            f"malformed OPML ({error}); export the list again from your feed reader",
            reason="malformed-opml",
        ) from None
    if not isinstance(root.tag, str) or etree.QName(root).localname.lower() != "opml":
        raise UnreadableInput(
            origin, "is XML but not an OPML list of feeds; check the file", reason="malformed-opml"
        )
    urls = [
        value.strip()
        for outline in root.iter("{*}outline")
        for name, value in outline.attrib.items()
        if name.lower() == "xmlurl" and value.strip()
    ]
    if not urls:
        raise UnreadableInput(
            origin,
            "OPML list names no feeds (no outline has an xmlUrl); check the file",
            reason="empty",
        )
    return list(dict.fromkeys(urls))


@dataclass(frozen=True)
class _Feed:
    """What every entry of one feed shares."""

    origin: str
    title: str | None
    domain: str | None
    fetcher: Fetcher | None
    settings: Settings
    malformed: str | None = None  # the XML error of a feed read only in part


def drafts_from_feed(
    body: bytes, origin: str, fetcher: Fetcher | None, settings: Settings
) -> Iterator[Draft | Rejection]:
    """One draft per entry of the RSS or Atom feed in `body`, or a rejection saying why not."""
    headers = {"content-location": origin} if origin.startswith(("http://", "https://")) else {}
    # A BytesIO, not bytes: feedparser opens a bytes argument as a file name when it can.
    try:
        parsed = feedparser.parse(io.BytesIO(body), response_headers=headers)
    except (UnicodeError, LookupError) as error:  # an encoding such as "punycode" declared
        raise UnreadableInput(
            origin,
            f"the feed declares an encoding Python cannot read text in ({error}); check that "
            "the URL or file is an RSS or Atom feed in UTF-8 or another text encoding",
            reason="malformed-feed",
        ) from None
    bozo = parsed.get("bozo_exception")
    # A feed with no entries is unreadable when its XML is broken or it is no feed at all; an
    # empty feed (a quiet hour) is not, whatever else feedparser noted (a missing header).
    if not parsed.entries and (isinstance(bozo, xml.sax.SAXException) or not parsed.version):
        problem = bozo or "not an RSS or Atom document"
        raise UnreadableInput(
            origin,
            f"malformed feed ({problem}); check that the URL or file is an RSS or Atom feed",
            reason="malformed-feed",
        )
    feed = _Feed(
        origin=origin,
        title=_one_line(parsed.feed.get("title")) or None,
        domain=domain_of(parsed.feed.get("link")) or domain_of(origin),
        fetcher=fetcher,
        settings=settings,
        malformed=str(bozo) if isinstance(bozo, xml.sax.SAXException) else None,
    )
    for number, entry in enumerate(parsed.entries, start=1):
        yield from each_isolated(f"{origin} entry {number}", _entry(entry, number, feed))


def _entry(entry: Any, number: int, feed: _Feed) -> Iterator[Draft | Rejection]:
    yield _read_entry(entry, number, feed)


def _read_entry(entry: Any, number: int, feed: _Feed) -> Draft | Rejection:
    link = entry.get("link") or None
    if link:
        try:
            check_url(link)
        except InputError as error:  # a link that is no URL, or whose host is no valid name
            if error.reason == "bad-url":  # (an id such as "tag:…" stays the entry's name)
                return Rejection(f"{feed.origin} entry {link}", error.reason, str(error))
    text = _plain_text(_entry_html(entry))
    published_at, dropped = _entry_time(entry)
    draft = Draft(
        origin=link or f"{feed.origin}#entry-{number}",
        title=_one_line(entry.get("title")),
        text=text,
        source_name=feed.title or feed.domain,
        domain=feed.domain or domain_of(link),
        url=link,
        author=_author(entry),
        published_at=published_at,
        external_id=entry.get("id") or None,
        flags=dropped,
    )
    if link and feed.fetcher is not None and _wants_page(feed.settings.feed_fetch_pages, text):
        try:
            page = fetch_article(feed.fetcher, link)
        except InputError as error:
            if text:
                return draft  # the page failed; the feed's own text is kept
            return Rejection(f"{feed.origin} entry {link}", error.reason, str(error))
        return _with_page(draft, page)
    if not text and feed.malformed:  # most likely the entry the feed breaks off in
        return Rejection(
            f"{feed.origin} entry {link or number}",
            "malformed-feed",
            f"{feed.origin} entry {link or number}: the feed is malformed ({feed.malformed}) "
            "and gives no text for this entry; check that the URL or file is a complete RSS or "
            "Atom feed",
        )
    if not text:
        why = "its page was not fetched (feed_fetch_pages = never)" if link else "it has no link"
        return Rejection(
            f"{feed.origin} entry {link or number}",
            "empty",
            f"{feed.origin} entry {link or number}: the feed gives no text for it and {why}",
        )
    return draft


def _wants_page(mode: str, text: str) -> bool:
    return mode == "always" or (mode == "auto" and len(text.split()) < FULL_TEXT_WORDS)


def _with_page(draft: Draft, page: Draft) -> Draft:
    """The page's text and metadata, with what the feed says about the entry where it says it."""
    has_site_name = page.source_name and page.source_name != page.domain
    return replace(
        page,
        origin=draft.origin,
        title=draft.title or page.title,
        source_name=page.source_name if has_site_name else draft.source_name or page.source_name,
        author=draft.author or page.author,
        published_at=draft.published_at or page.published_at,
        external_id=draft.external_id,
        flags=draft.flags + page.flags,
    )


def _entry_html(entry: Any) -> str:
    content = entry.get("content") or []
    if content and content[0].get("value"):
        return str(content[0]["value"])
    return str(entry.get("summary") or "")


def _plain_text(html: str) -> str:
    """The text of an HTML fragment, one paragraph per block, paragraphs split by blank lines."""
    if not html.strip():
        return ""
    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except (etree.ParserError, ValueError):
        return _one_line(re.sub(r"<[^>]*>", " ", html))
    etree.strip_elements(root, "script", "style", with_tail=False)
    for element in root.iter("br"):
        element.tail = "\n" + (element.tail or "")
    for element in root.iter(*BLOCK_TAGS):
        element.text = "\n\n" + (element.text or "")
        element.tail = "\n\n" + (element.tail or "")
    blocks = (_one_line(block) for block in re.split(r"\n\s*\n", root.text_content()))
    return "\n\n".join(block for block in blocks if block)


def _entry_time(entry: Any) -> tuple[datetime | None, tuple[QualityFlag, ...]]:
    """The entry's publication time, else its update time, as feedparser read it, else as
    `read_time` reads the text; and an `impossible_date` flag for a time feedparser read past
    the calendar ("9999-12-31T23:59:59-23:59" is year 10000 in UTC). `build_article` checks
    the range of the time returned."""
    flags: list[QualityFlag] = []
    for key in ("published", "updated"):
        # `in` first: feedparser reads a missing "updated" as "published", with a warning
        if key not in entry:
            continue
        parsed = entry.get(f"{key}_parsed") if f"{key}_parsed" in entry else None
        if not parsed:
            given = read_time(entry.get(key))
            if given:
                return given, tuple(flags)
            continue
        try:
            year, month, day, hour, minute, second = parsed[:6]
            return datetime(year, month, day, hour, minute, second, tzinfo=UTC), tuple(flags)
        except (TypeError, ValueError):
            shown = one_line(str(entry.get(key)), 80)
            detail = f"the feed's {key} time {shown!r} is past the calendar, so it was dropped"
            flags.append(QualityFlag("impossible_date", detail))
    return None, tuple(flags)


def _author(entry: Any) -> str | None:
    """The byline; RSS writes it `email (Name)`, which feedparser splits wrongly for some TLDs."""
    author = _one_line(entry.get("author"))
    match = _EMAIL_AND_NAME.fullmatch(author)
    return (match.group(1).strip() if match else author) or None


def _one_line(text: str | None) -> str:
    return " ".join(str(text or "").split())
