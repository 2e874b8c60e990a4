"""Web pages: polite, guarded fetching (`Fetcher`) and main-text extraction (`extract_html`).

httpx does the HTTP, over the guarded network of `guard` (public addresses only, checked at
connect time; an overall deadline per request). What is written here by hand, and why:

- Redirects are followed here rather than by httpx, so that every hop gets the scheme check, the
  robots.txt check and the per-host interval.
- robots.txt is read with `urllib.robotparser` from text fetched through the same guarded client,
  with RFC 9309's rules for failures (4xx: allow all; 5xx or unreachable: disallow all), which
  the standard library's `RobotFileParser.read` does not follow.
- The body is streamed so that a response over the size cap is cut off, not held in memory;
  content codings are undone by `body.read_body`, which holds every layer to the cap.
- Credentials in a URL (`https://user:pass@host/`) are sent (httpx makes them Basic auth) and
  then forgotten: a `Page` names its URLs without them, and `outward.without_credentials` takes them
  out of any text that names a URL, so no message, store or page shows them.

Extraction is trafilatura's; the publication time is read from the page's own metadata first,
because trafilatura keeps only the date, and a brief orders reports by the time of day.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import cached_property
from typing import Any
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import htmldate
import httpx
import trafilatura
from lxml import etree
from lxml.html import HtmlElement

from newsweave.errors import (
    AddressNotAllowed,
    FetchError,
    FetchTimeout,
    HTTPStatusError,
    InputError,
    RobotsDisallowed,
    UnreadableInput,
    UnsupportedInput,
)
from newsweave.ingest.body import ACCEPT_ENCODING, decode_text, read_body
from newsweave.ingest.clean import is_boilerplate_line
from newsweave.ingest.draft import Draft, read_time
from newsweave.ingest.guard import GuardedBackend, GuardedTransport, request_deadline
from newsweave.model import QualityFlag
from newsweave.outward import without_credentials
from newsweave.settings import Settings

__all__ = [
    "Fetcher",
    "Page",
    "check_url",
    "domain_of",
    "extract_html",
    "fetch_article",
    "page_draft",
]

DEADLINE_FACTOR = 4  # a request may take this many times (connect + read timeout) in all
REDIRECT_STATUSES = {301, 302, 303, 307, 308}
MIN_UNTITLED_WORDS = 20  # a page with no title and less text than this is not an article page


@dataclass(frozen=True)
class Page:
    """One fetched response: where it came from, what it said, and when."""

    url: str  # the final URL, after redirects, without credentials
    requested_url: str  # without credentials
    status: int
    content_type: str  # the Content-Type header as sent, parameters included ("" when absent)
    body: bytes
    fetched_at: datetime  # timezone-aware, UTC

    @property
    def text(self) -> str:
        """The body decoded by the header's charset, else the page's meta charset, else UTF-8."""
        return self._decoded[0]

    @property
    def flags(self) -> tuple[QualityFlag, ...]:
        """`unknown_charset` when a charset the page declared could not be used."""
        problem = self._decoded[1]
        return (QualityFlag("unknown_charset", problem),) if problem else ()

    @cached_property
    def _decoded(self) -> tuple[str, str | None]:
        return decode_text(self.content_type, self.body)


# What a site's robots.txt is read as when it cannot be read: missing (a 4xx) allows every
# page; a server error or an unreachable host disallows every page until the next try.
_ALLOW_ALL = ["User-agent: *", "Allow: /"]
_DISALLOW_ALL = ["User-agent: *", "Disallow: /"]


@dataclass
class _Robots:
    parser: RobotFileParser
    failure: str | None = None  # why robots.txt could not be read, when that means disallow-all
    # the error a disallowed page gets: a host that cannot be reached at all is reported as such
    failure_kind: type[FetchError] = RobotsDisallowed


@dataclass
class Fetcher:
    """Fetches URLs politely and safely; use it as a context manager, or call `close()`.

    `sleep` and `clock` pace the requests to one host and can be replaced in tests. A
    `transport` given here replaces the guarded one, and with it the address check.
    """

    settings: Settings
    transport: httpx.BaseTransport | None = None
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    _robots: dict[str, _Robots] = field(default_factory=dict, init=False)
    _last_request_at: dict[str, float] = field(default_factory=dict, init=False)

    def __post_init__(self) -> None:
        settings = self.settings
        backend = GuardedBackend(allow_private=settings.allow_private_addresses)
        self._client = httpx.Client(
            transport=self.transport or GuardedTransport(backend),
            headers={"User-Agent": settings.user_agent, "Accept-Encoding": ACCEPT_ENCODING},
            timeout=httpx.Timeout(settings.read_timeout, connect=settings.connect_timeout),
            trust_env=False,  # a proxy would resolve names itself, past the address guard
        )
        self._time_allowed = DEADLINE_FACTOR * (settings.connect_timeout + settings.read_timeout)

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def fetch(self, url: str) -> Page:
        """The page at `url`, after redirects; raises a `FetchError` saying what went wrong."""
        return self._fetch(url, check_robots=self.settings.respect_robots)

    def _fetch(self, url: str, *, check_robots: bool) -> Page:
        current, seen = url, {url}
        for _ in range(self.settings.max_redirects + 1):
            check_url(current, url)
            if check_robots:
                self._check_robots(current, url)
            result = self._request(current, url)
            if isinstance(result, Page):
                return result
            if result in seen:
                raise FetchError(
                    url,
                    f"redirects in a loop (back to {result}); check the URL in a browser",
                    reason="too-many-redirects",
                )
            current = result
            seen.add(current)
        raise FetchError(
            url,
            f"redirected more than {self.settings.max_redirects} times (last to {current}); "
            "give the final URL, or raise max_redirects",
            reason="too-many-redirects",
        )

    def _request(self, url: str, requested: str) -> Page | str:
        """One GET: the page, or the URL a redirect points to."""
        self._wait_for_turn(urlsplit(url).hostname or "")
        with (
            request_deadline(self._time_allowed) as deadline,
            _fetch_errors(url, requested, deadline),
            self._client.stream("GET", url) as response,
        ):
            location = response.headers.get("location")
            if response.status_code in REDIRECT_STATUSES and location:
                return urljoin(url, location.strip())
            if response.status_code >= 400:
                raise HTTPStatusError(
                    requested,
                    response.status_code,
                    _status_message(response.status_code, url, requested),
                )
            return Page(
                url=without_credentials(url),
                requested_url=without_credentials(requested),
                status=response.status_code,
                content_type=response.headers.get("content-type", ""),
                body=read_body(response, self.settings.max_response_bytes, deadline, requested),
                fetched_at=datetime.now(UTC),
            )

    def _wait_for_turn(self, host: str) -> None:
        last = self._last_request_at.get(host)
        if last is not None:
            wait = last + self.settings.per_host_interval - self.clock()
            if wait > 0:
                self.sleep(wait)
        self._last_request_at[host] = self.clock()

    def _check_robots(self, url: str, requested: str) -> None:
        parts = urlsplit(url)
        key = f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}"  # no credentials
        if key not in self._robots:
            self._robots[key] = self._read_robots(f"{key}/robots.txt", requested)
        robots = self._robots[key]
        if robots.parser.can_fetch(self.settings.user_agent, url):
            return
        if robots.failure:
            raise robots.failure_kind(
                requested,
                f"{key}/robots.txt could not be read ({robots.failure}), so the site is treated "
                "as disallowing everything (RFC 9309); try again later, or set respect_robots = "
                "false",
            )
        raise RobotsDisallowed(
            requested,
            f"the site's robots.txt forbids fetching {url} for user agent "
            f"{self.settings.user_agent!r}; set respect_robots = false only with the site's "
            "permission",
        )

    def _read_robots(self, robots_url: str, requested: str) -> _Robots:
        parser = RobotFileParser(robots_url)
        try:
            page = self._fetch(robots_url, check_robots=False)
        except HTTPStatusError as error:
            if error.status < 500:
                parser.parse(_ALLOW_ALL)
                return _Robots(parser)
            parser.parse(_DISALLOW_ALL)
            return _Robots(parser, failure=f"HTTP {error.status}")
        except AddressNotAllowed as error:
            raise AddressNotAllowed(requested, _detail(error)) from None
        except InputError as error:
            parser.parse(_DISALLOW_ALL)
            kind = {"timeout": FetchTimeout, "fetch-failed": FetchError}.get(
                error.reason, RobotsDisallowed
            )
            return _Robots(parser, failure=_detail(error), failure_kind=kind)
        parser.parse(page.text.splitlines())
        return _Robots(parser)


def fetch_article(fetcher: Fetcher, url: str) -> Draft:
    """Fetch `url` and extract the article on it."""
    page = fetcher.fetch(url)
    media_type = page.content_type.split(";")[0].strip().lower()
    if media_type and not ("html" in media_type or media_type.startswith("text/")):
        raise UnsupportedInput(
            url,
            f"answered with {media_type}, not an HTML page; give the URL of an article page",
            reason="not-html",
        )
    return page_draft(page, origin=url)


def page_draft(page: Page, origin: str) -> Draft:
    """The article extracted from a fetched page, with the page's time and flags."""
    draft = extract_html(page.text, url=page.url, origin=origin)
    return replace(draft, fetched_at=page.fetched_at, flags=draft.flags + page.flags)


def check_url(url: str, requested: str | None = None) -> None:
    """Refuse a URL that is not http(s), names no host, or whose host is no valid domain name
    (IDNA), with an `UnsupportedInput` naming `requested` (the URL the user gave)."""
    requested = requested or url
    try:
        parts = httpx.URL(url)
        host = parts.host  # decoded here: a host that is no valid IDNA name raises
    except (httpx.InvalidURL, UnicodeError) as error:  # idna.IDNAError is a UnicodeError
        raise UnsupportedInput(
            requested, f"{url} is not a valid URL ({error}); check it", reason="bad-url"
        ) from None
    hop = "" if url == requested else f"redirected to {url}, whose "
    if parts.scheme not in ("http", "https"):
        raise UnsupportedInput(
            requested, f"{hop}scheme {parts.scheme or 'none'!r} is not fetched; give an http(s) URL"
        )
    if not host:
        raise UnsupportedInput(requested, f"{url} names no host; give a full http(s) URL")


@contextmanager
def _fetch_errors(url: str, requested: str, deadline: float) -> Iterator[None]:
    """Turn httpx's errors, and the guard's, into the project's, naming the URL the user gave."""
    at = "" if url == requested else f" (at {url})"
    try:
        yield
    except AddressNotAllowed as error:
        raise AddressNotAllowed(requested, _detail(error) + at) from None
    except httpx.TimeoutException as error:
        if time.monotonic() >= deadline:
            what = "the answer came too slowly, past 4 × (connect_timeout + read_timeout) in all"
        else:
            what = f"no answer in time ({type(error).__name__})"
        raise FetchTimeout(
            requested, f"{what}{at}; try again later, or raise connect_timeout or read_timeout"
        ) from None
    except (httpx.HTTPError, httpx.InvalidURL) as error:
        raise FetchError(
            requested,
            f"could not fetch it{at} ({type(error).__name__}: {error}); check the URL and the "
            "network",
        ) from None


def _status_message(status: int, url: str, requested: str) -> str:
    if status in (401, 402, 403):
        advice = "the site refuses access; it may need a login or block crawlers"
    elif status == 429:
        advice = "the site asks us to slow down; try later, or raise per_host_interval"
    elif status >= 500:
        advice = "the server failed; try again later"
    else:
        advice = "check the URL"
    hop = "" if url == requested else f"redirected to {url}, which "
    return f"{hop}answered HTTP {status}; {advice}"


def _detail(error: InputError) -> str:
    return str(error).removeprefix(f"{error.input}: ")


# -- extraction ---------------------------------------------------------------------------------

_INVISIBLE = {"script", "style", "noscript", "template", "svg", "head"}
_LINE_BREAKING = {
    "address",
    "article",
    "aside",
    "blockquote",
    "br",
    "dd",
    "div",
    "dl",
    "dt",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "li",
    "main",
    "nav",
    "ol",
    "p",
    "section",
    "table",
    "td",
    "th",
    "tr",
    "ul",
    "button",
    "label",
}
_PUBLISHED_XPATH = (
    "//meta[@property='article:published_time' or @name='article:published_time'"
    " or @property='og:article:published_time' or @itemprop='datePublished'"
    " or @name='pubdate' or @name='publishdate' or @name='dc.date.issued']/@content"
    " | //*[@itemprop='datePublished']/@datetime"
)


def extract_html(html: str, url: str | None, origin: str) -> Draft:
    """The article in `html`: title, main text in paragraphs, byline, outlet and times. A page
    read without its address (`url` None: a saved file) has the address it gives for itself,
    its canonical link or else its og:url, as its URL, so its article links to the original."""
    tree = _parse_html(html)
    document = None if tree is None else _bare_extraction(tree, url)
    paragraphs = _paragraphs(document)
    title = (document.title or "").strip() if document is not None else ""
    if (
        document is None
        or not paragraphs
        or (not title and sum(len(p.split()) for p in paragraphs) < MIN_UNTITLED_WORDS)
    ):
        raise UnreadableInput(
            origin,
            "no article text found in the page; is it an article page?",
            reason="no-article-text",
        )
    if paragraphs[0] == title and len(paragraphs) > 1:
        paragraphs = paragraphs[1:]
    canonical_url = _canonical_url(tree, url)
    domain = domain_of(url or canonical_url)
    text = "\n\n".join(paragraphs)
    page_lines = _visible_lines(tree)
    return Draft(
        origin=origin,
        title=title,
        text=text,
        source_name=_site_name(document.sitename, url) or domain,
        domain=domain,
        url=url or canonical_url or _og_url(tree),
        canonical_url=canonical_url,
        author=document.author or None,
        published_at=(
            _meta_published_at(tree) or _htmldate_published_at(html) or read_time(document.date)
        ),
        raw_text="\n".join(page_lines),
        chrome=tuple(line for line in page_lines if is_boilerplate_line(line) and line not in text),
    )


def _site_name(name: str | None, url: str | None) -> str | None:
    """The site's name as the page gives it; None when trafilatura made it up from the URL's
    address (user, password and port included), so that the outlet is named by its host."""
    try:
        address = urlsplit(url).netloc.lower() if url else ""
    except ValueError:
        address = ""
    if not name or name.lower() in (address, address.removeprefix("www.")):
        return None
    return name


def _visible_lines(tree: HtmlElement) -> list[str]:
    """The page's text as a reader sees it, one line per block element, chrome included."""
    body = copy.deepcopy(tree.find("body") if tree.find("body") is not None else tree)
    for element in body.iter(etree.Element):
        if element.tag in _INVISIBLE:
            element.drop_tree()
        elif element.tag in _LINE_BREAKING:
            element.text = "\n" + (element.text or "")
            element.tail = "\n" + (element.tail or "")
    lines = (" ".join(line.split()) for line in body.text_content().splitlines())
    return [line for line in lines if line]


def _parse_html(html: str) -> HtmlElement | None:
    try:
        return trafilatura.utils.load_html(html)
    except (ValueError, etree.LxmlError):
        return None


def _bare_extraction(tree: HtmlElement, url: str | None) -> Any:
    """trafilatura's extraction, on a copy: it prunes the tree it is given."""
    copied = copy.deepcopy(tree)
    return trafilatura.bare_extraction(copied, url=url, with_metadata=True, include_comments=False)


def _canonical_url(tree: HtmlElement, url: str | None) -> str | None:
    for href in tree.xpath("//link[@rel='canonical']/@href"):
        try:
            absolute = urljoin(url or "", str(href).strip())
        except ValueError:  # too malformed to read (an unclosed "[")
            continue
        if urlsplit(absolute).scheme in ("http", "https"):
            return absolute
    return None


_OG_URL_XPATH = "//meta[@property='og:url']/@content"


def _og_url(tree: HtmlElement) -> str | None:
    addresses = (str(content).strip() for content in tree.xpath(_OG_URL_XPATH))
    return next((a for a in addresses if a.lower().startswith(("http://", "https://"))), None)


def _meta_published_at(tree: HtmlElement) -> datetime | None:
    for value in tree.xpath(_PUBLISHED_XPATH):
        published_at = read_time(str(value))
        if published_at is not None:
            return published_at
    return None


def _htmldate_published_at(html: str) -> datetime | None:
    found = htmldate.find_date(
        html, extensive_search=False, original_date=True, outputformat="%Y-%m-%dT%H:%M:%S%z"
    )
    return read_time(found)


def _paragraphs(document: Any) -> list[str]:
    """The main text's blocks (paragraphs, headings, lists, quotes), each as one string."""
    if document is None or document.body is None:
        return []
    blocks = []
    for element in document.body:
        if element.tag == "list":
            lines = ["- " + _words(item) for item in element if _words(item)]
            blocks.append("\n".join(lines))
        elif element.tag == "table":
            rows = [" | ".join(_words(cell) for cell in row) for row in element]
            blocks.append("\n".join(row for row in rows if row.strip(" |")))
        else:
            blocks.append(_words(element))
    return [block for block in blocks if block]


def _words(element: Any) -> str:
    """A block's text in one line. A line break (`<br>`, which trafilatura keeps as `<lb/>`)
    separates words: a dateline on a line of its own is not glued to the sentence after it
    ("LONDON<br>The council ..." is "LONDON The council ...", not "LONDONThe council ...")."""
    for line_break in element.iter("lb"):
        line_break.tail = " " + (line_break.tail or "")
    return " ".join("".join(element.itertext()).split())


def domain_of(url: str | None) -> str | None:
    """The host of a URL without its `www.`, the usual way to name an outlet's site; None for
    a URL with no host or one too malformed to read (an unclosed `[`)."""
    try:
        host = urlsplit(url).hostname if url else None
    except ValueError:
        return None
    return host.removeprefix("www.") if host else None
