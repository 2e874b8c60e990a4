"""The Atom feeds as feed readers meet them, served by a real server over the sample corpus'
store: valid by RFC 4287's rules, parsed by feedparser, read in a real feed reader (Debian's
newsboat, tests/newsboat.py) without the story page's evidence or any relative link, and
fetched with curl as a polling reader does (gzip, a 304 when nothing changed, HEAD).

No maintained Python library validates Atom (the W3C feed validator is Python 2), so
`atom_problems` checks the RFC's rules itself: the ones section 4 states as MUST for a feed and
an entry, and the absolute-IRI rule newsweave keeps for every link.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote, urlsplit

import feedparser
import httpx
import pytest
from lxml import etree

from newsboat import newsboat_read
from newsweave.model import Event
from newsweave.web.feeds import FEED_ENTRIES, latest_events
from webserver import serving

pytestmark = pytest.mark.slow

ATOM = "{http://www.w3.org/2005/Atom}"
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
TEXT_TYPES = {"text", "html", "xhtml"}


@pytest.fixture(scope="module")
def base_url(pipeline) -> Iterator[str]:
    with serving(pipeline.db) as url:
        yield url


@pytest.fixture(scope="module")
def stories(base_url) -> list[dict]:
    return httpx.get(base_url + "/api/stories", params={"per_page": 100}).json()["stories"]


def feed_urls(base_url: str, stories: list[dict]) -> list[str]:
    storyline = next(s["storyline"]["storyline_id"] for s in stories if s["storyline"])
    outlet = stories[0]["outlets"][0]
    return [
        f"{base_url}/feeds/stories.atom",
        f"{base_url}/feeds/storylines/{storyline}.atom",
        f"{base_url}/feeds/sources/{quote(outlet, safe='')}.atom",
    ]


# -- RFC 4287 ---------------------------------------------------------------------------------


def atom_problems(document: bytes) -> list[str]:
    """What breaks RFC 4287 (section 4's MUSTs) in an Atom feed document, or an empty list."""
    root = etree.fromstring(document)
    if root.tag != f"{ATOM}feed":
        return [f"the root is {root.tag}, not atom:feed"]
    problems = _common_problems(root, "feed")
    entries = root.findall(f"{ATOM}entry")
    if not root.findall(f"{ATOM}author") and not all(e.findall(f"{ATOM}author") for e in entries):
        problems.append("feed: no atom:author, and not every entry has one (4.1.1)")
    if len(root.findall(f"{ATOM}link[@rel='self']")) != 1:
        problems.append("feed: it should say its own address, atom:link rel=self (4.1.1)")
    for name in ("icon", "logo", "generator", "subtitle", "rights"):
        if len(root.findall(f"{ATOM}{name}")) > 1:
            problems.append(f"feed: more than one atom:{name} (4.1.1)")
    ids = [e.findtext(f"{ATOM}id") for e in entries]
    if len(ids) != len(set(ids)):
        problems.append("feed: two entries share an atom:id")
    for entry in entries:
        where = f"entry {entry.findtext(f'{ATOM}id')}"
        problems += _common_problems(entry, where)
        problems += _entry_problems(entry, where)
    return problems


def _common_problems(element, where: str) -> list[str]:
    problems = []
    for name in ("id", "title", "updated"):
        if len(element.findall(f"{ATOM}{name}")) != 1:
            problems.append(f"{where}: not exactly one atom:{name} (4.1.1, 4.1.2)")
    identifier = element.findtext(f"{ATOM}id") or ""
    if not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:\S+$", identifier):
        problems.append(f"{where}: atom:id {identifier!r} is not an absolute IRI (4.2.6)")
    for name in ("updated", "published"):
        for date in element.findall(f"{ATOM}{name}"):
            if not RFC3339.match(date.text or ""):
                problems.append(f"{where}: atom:{name} {date.text!r} is not RFC 3339 (3.3)")
    for name in ("title", "subtitle", "summary", "rights"):
        for text in element.findall(f"{ATOM}{name}"):
            problems += _text_problems(text, f"{where} atom:{name}")
    alternates = [
        (link.get("type"), link.get("hreflang"))
        for link in element.findall(f"{ATOM}link")
        if link.get("rel", "alternate") == "alternate"
    ]
    if len(alternates) != len(set(alternates)):
        problems.append(f"{where}: two alternate links of one type and language (4.1.1)")
    for link in element.findall(f"{ATOM}link"):
        href = link.get("href") or ""
        if urlsplit(href).scheme not in ("http", "https") or not urlsplit(href).netloc:
            problems.append(f"{where}: link {href!r} is not an absolute http(s) IRI (4.2.7.1)")
    for author in element.findall(f"{ATOM}author"):
        if len(author.findall(f"{ATOM}name")) != 1:
            problems.append(f"{where}: an atom:author without exactly one atom:name (3.2.1)")
    for name in ("icon", "logo"):
        for image in element.findall(f"{ATOM}{name}"):
            if urlsplit(image.text or "").scheme not in ("http", "https"):
                problems.append(f"{where}: atom:{name} is not an absolute IRI (4.2.5)")
    return problems


def _entry_problems(entry, where: str) -> list[str]:
    problems = []
    contents = entry.findall(f"{ATOM}content")
    if len(contents) > 1 or len(entry.findall(f"{ATOM}summary")) > 1:
        problems.append(f"{where}: more than one atom:content or atom:summary (4.1.2)")
    if not contents and not entry.findall(f"{ATOM}link[@rel='alternate']"):
        problems.append(f"{where}: no atom:content and no alternate link (4.1.2)")
    if len(entry.findall(f"{ATOM}published")) > 1:
        problems.append(f"{where}: more than one atom:published (4.1.2)")
    for content in contents:
        problems += _text_problems(content, f"{where} atom:content")
    return problems


def _text_problems(element, where: str) -> list[str]:
    kind = element.get("type", "text")
    if kind not in TEXT_TYPES and "/" not in kind:
        return [f"{where}: type {kind!r} is neither text, html, xhtml nor a media type (3.1.1)"]
    if kind in ("text", "html") and len(element):
        return [f"{where}: type {kind} holds child elements, not escaped text (3.1.1)"]
    if kind == "xhtml" and len(element) != 1:
        return [f"{where}: xhtml content is not one xhtml:div (3.1.1.3)"]
    return []


def test_the_rule_checker_finds_what_breaks_the_rfc():
    broken = (
        b'<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><id>not an iri</id>'
        b"<updated>yesterday</updated><entry><id>urn:a</id><title type='html'><b>x</b></title>"
        b"<updated>2026-03-03T10:00:00Z</updated></entry>"
        b"<entry><id>urn:a</id><title>y</title><updated>2026-03-03T10:00:00Z</updated>"
        b"<link href='/stories/x'/></entry></feed>"
    )
    found = "\n".join(atom_problems(broken))
    for rule in ("4.2.6", "3.3", "4.1.1", "share an atom:id", "3.1.1", "4.1.2", "4.2.7.1"):
        assert rule in found, rule


def test_every_feed_keeps_the_atom_rules(base_url, stories):
    for url in feed_urls(base_url, stories):
        response = httpx.get(url)
        assert response.status_code == 200, url
        assert response.headers["content-type"] == "application/atom+xml; charset=utf-8"
        assert atom_problems(response.content) == [], url


# -- feedparser -------------------------------------------------------------------------------


def test_the_front_page_feed_reads_as_the_stories_dated_by_the_news(base_url, stories, pipeline):
    feed = feedparser.parse(httpx.get(base_url + "/feeds/stories.atom").content)
    assert not feed.bozo, feed.bozo_exception
    assert feed.feed.title == "newsweave: the front page"
    assert feed.feed.icon == base_url + "/static/icon.png"
    assert httpx.get(feed.feed.icon).headers["content-type"] == "image/png"
    by_id = {s["event_id"]: s for s in stories}
    assert len(feed.entries) == len(stories)
    updated = [e.updated_parsed for e in feed.entries]
    assert updated == sorted(updated, reverse=True)  # the latest news first
    for entry in feed.entries:
        story = by_id[entry.id.removeprefix("urn:newsweave:story:")]
        assert entry.title == story["headline"]  # no version in the title
        assert datetime.fromisoformat(entry.published) == datetime.fromisoformat(
            story["first_seen"]
        )
        assert datetime.fromisoformat(entry.updated) == datetime.fromisoformat(story["updated_at"])
        assert entry.link == f"{base_url}/stories/{story['event_id']}"
        assert entry.summary.startswith(story["lead"])
        html = entry.content[0].value
        assert 'class="evidence"' not in html and "<q>" not in html  # no inlined evidence
        for href in re.findall(r'href="([^"]*)"', html):
            assert href.startswith(("https://", base_url)), href
    fire = next(e for e in feed.entries if e.id.endswith(pipeline.fire))
    assert "<h3>Sources</h3><ol>" in fire.content[0].value


def test_the_feed_takes_the_latest_news_first_and_undated_stories_last_in_their_order():
    def event(event_id: str, day: int | None) -> Event:
        seen = datetime(2026, 3, day, tzinfo=UTC) if day else None
        return Event(event_id, event_id, (), (), 1, seen, seen)

    events = [event("a", None), event("b", 2), event("c", None), event("d", 3), event("e", 2)]
    assert [e.event_id for e in latest_events(events)] == ["d", "b", "e", "a", "c"]
    many = [event(str(n), 1 + n % 28) for n in range(FEED_ENTRIES + 5)] + [event("x", None)]
    assert len(latest_events(many)) == FEED_ENTRIES
    assert "x" not in {e.event_id for e in latest_events(many)}


def test_the_storyline_and_outlet_feeds_carry_their_stories(base_url, stories, pipeline):
    fire = next(s for s in stories if s["event_id"] == pipeline.fire)["storyline"]
    feed_url = f"{base_url}/feeds/storylines/{fire['storyline_id']}.atom"
    feed = feedparser.parse(httpx.get(feed_url).content)
    assert feed.feed.title == "newsweave: Nine dead in Port Casimir chemical plant blaze"
    assert feed.feed.title == f"newsweave: {fire['title']}"
    assert {e.id.rsplit(":", 1)[1] for e in feed.entries} == {
        s["event_id"] for s in stories if s["storyline"] == fire
    }
    outlet_url = feed_urls(base_url, stories)[2]
    outlet = stories[0]["outlets"][0]
    by_outlet = feedparser.parse(httpx.get(outlet_url).content)
    assert by_outlet.feed.title == f"newsweave: {outlet}"
    assert {e.id.rsplit(":", 1)[1] for e in by_outlet.entries} == {
        s["event_id"] for s in stories if outlet in s["outlets"]
    }
    missing = httpx.get(f"{base_url}/feeds/sources/No%20Such%20Outlet.atom")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"


# -- a feed reader ----------------------------------------------------------------------------


def test_newsboat_shows_each_story_as_sentences_and_numbered_sources(
    base_url, stories, tmp_path: Path
):
    pages = newsboat_read(base_url + "/feeds/stories.atom", tmp_path / "newsboat", len(stories))
    assert len(pages) == len(stories)
    headlines = {s["headline"] for s in stories}
    seen = set()
    for page in pages:
        title = re.search(r"^Title: (.*)$", page, flags=re.M)[1]
        seen.add(title)
        assert re.search(r"^Date: \w{3}, \d\d \w{3} 2026", page, flags=re.M), page[:300]
        body, _, links = page.partition("\nLinks: \n")
        # No markup, entity, evidence box or relative link reaches the reader.
        assert not re.search(r"<[a-z/]|&[a-z]+;|&#\d+;", body), body
        assert "in context" not in body and "original" not in body
        assert "#evidence" not in page and "#source" not in page
        urls = re.findall(r"^\[(\d+)\]: (\S+) \(link\)$", links, flags=re.M)
        assert urls and all(u.startswith(("https://", base_url)) for _, u in urls)
        # Each cited number is a source of the numbered list, whose links newsboat numbers as
        # the brief numbers its sources.
        sources = re.findall(r"^ (\d+)\. ", body.partition("\nSources\n")[2], flags=re.M)
        # (A citation follows a space; newsboat's own link numbers follow the link's text.)
        cited = {
            n for group in re.findall(r"(?<=\s)\[([\d, ]+)\]", body) for n in group.split(", ")
        }
        assert cited <= set(sources), (cited, sources)
        assert urls[-1][1].startswith(base_url + "/stories/")
    assert seen == headlines


# -- HTTP as a polling reader meets it --------------------------------------------------------


def curl(*args: str) -> tuple[str, bytes]:
    """curl's response headers and body (`-I`, a HEAD request, prints the headers itself)."""
    dump = [] if "-I" in args else ["-D", "-"]
    done = subprocess.run(
        ["curl", "-sS", *dump, *args], capture_output=True, check=True, timeout=30
    )
    head, _, body = done.stdout.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    names = [lines[0].lower()] + [
        f"{name.lower()}: {value.strip()}"
        for name, _, value in (line.partition(":") for line in lines[1:])
    ]
    return "\n".join(names), body


def test_curl_gets_the_feed_compressed_then_a_304(base_url):
    url = base_url + "/feeds/stories.atom"
    head, body = curl("-H", "Accept-Encoding: gzip", url)
    assert head.startswith("http/1.1 200")
    assert "content-encoding: gzip" in head and "vary: Accept-Encoding" in head
    assert body[:2] == b"\x1f\x8b"  # gzip's magic number: compressed on the wire
    plain = httpx.get(url, headers={"Accept-Encoding": "identity"}).content
    assert len(body) < len(plain) / 2
    etag = re.search(r"^etag: (.*)$", head, flags=re.M)[1].strip()
    modified = re.search(r"^last-modified: (.*)$", head, flags=re.M)[1].strip()
    again, empty = curl("-H", f"If-None-Match: {etag}", url)
    assert again.startswith("http/1.1 304") and empty == b""
    since, _ = curl("-H", f"If-Modified-Since: {modified}", url)
    assert since.startswith("http/1.1 304")
    stale, _ = curl("-H", 'If-None-Match: W/"0-0"', url)
    assert stale.startswith("http/1.1 200")
    head_only, nothing = curl("-I", url)
    assert head_only.startswith("http/1.1 200") and nothing == b""
    assert f"etag: {etag}" in head_only
