"""Feeds and OPML lists, with entry pages fetched from a real HTTP server on 127.0.0.1."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from xml.sax.saxutils import escape

import pytest

from httpserver import Request, serve
from newsweave.errors import UnreadableInput
from newsweave.ingest.draft import Draft
from newsweave.ingest.feeds import drafts_from_feed, looks_like_feed, looks_like_opml, read_opml
from newsweave.ingest.web import Fetcher
from newsweave.model import Rejection
from newsweave.settings import Settings

LOCAL = Settings(
    allow_private_addresses=True, per_host_interval=0, connect_timeout=0.5, read_timeout=0.5
)

FULL_TEXT = "".join(
    f"<p>Paragraph {n}: the council voted to extend the harbour wall after the winter storms "
    "damaged the old one in three places, and work starts in spring.</p>"
    for n in range(1, 8)
)  # about 170 words: the full article

PAGE = """<html><head><title>Harbour wall to be extended</title>
<meta property="og:site_name" content="Coast Courier">
<meta property="article:published_time" content="2024-02-01T09:00:00Z">
</head><body><article><h1>Harbour wall to be extended</h1>
<p>The council voted on Thursday to extend the harbour wall after the winter storms damaged the
old one in three places, officials said.</p>
<p>Work starts in spring and should take eighteen months, according to the harbour master, who
said boats would be moved to the north quay while the builders work.</p>
</article></body></html>"""


def rss(base: str, items: list[dict[str, str]]) -> bytes:
    """An RSS 2.0 feed for the site at `base`; each item's values are put in as given."""
    entries = "".join(
        "<item>" + "".join(f"<{key}>{escape(value)}</{key}>" for key, value in item.items())
        for item in items
    )
    entries = entries.replace("<item>", "</item><item>")[len("</item>") :] + "</item>" * bool(items)
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
        f"<title>Coast Courier: Local</title><link>{base}/</link>{entries}</channel></rss>"
    ).encode()


def read(body: bytes, fetcher: Fetcher | None, settings: Settings = LOCAL) -> list:
    return list(drafts_from_feed(body, "https://coast.example/feed.xml", fetcher, settings))


# -- sniffing -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "is_feed", "is_opml"),
    [
        (b'<?xml version="1.0"?>\n<rss version="2.0"><channel/></rss>', True, False),
        (b'\xef\xbb\xbf<?xml version="1.0"?><!-- hi --><feed xmlns="x"/>', True, False),
        (b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">', True, False),
        ('<?xml version="1.0"?><rss>'.encode("utf-16"), True, False),
        (b'<?xml version="1.0"?>\n<opml version="2.0"><body/></opml>', False, True),
        (b"<!DOCTYPE html><html><body><p>rss feed</p></body></html>", False, False),
        (b"plain text mentioning <rss> later", False, False),
        (b"", False, False),
    ],
)
def test_sniffing_reads_the_root_element(body, is_feed, is_opml):
    assert looks_like_feed(body) is is_feed
    assert looks_like_opml(body) is is_opml


# -- OPML ---------------------------------------------------------------------------------------


def test_read_opml_returns_every_feed_url_nested_ones_included():
    opml = b"""<?xml version="1.0"?><opml version="2.0"><head><title>Mine</title></head><body>
    <outline text="World" title="World">
      <outline type="rss" text="A" xmlUrl="https://a.example/rss"/>
      <outline text="Deeper"><outline type="rss" text="B" xmlUrl="https://b.example/atom"/></outline>
    </outline>
    <outline type="rss" text="C" xmlurl="https://c.example/feed"/>
    <outline type="rss" text="A again" xmlUrl="https://a.example/rss"/>
    <outline text="a folder with no feed"/>
    </body></opml>"""
    assert read_opml(opml, "feeds.opml") == [
        "https://a.example/rss",
        "https://b.example/atom",
        "https://c.example/feed",
    ]


@pytest.mark.parametrize(
    "body",
    [
        b"<opml><body><outline xmlUrl='https://a.example/rss'></body>",
        b"<opml><body><outline text='no url'/></body></opml>",
        b"<rss><channel/></rss>",
    ],
)
def test_read_opml_refuses_a_malformed_or_empty_list(body):
    with pytest.raises(UnreadableInput) as caught:
        read_opml(body, "feeds.opml")
    assert str(caught.value).startswith("feeds.opml: ")
    assert "check the file" in str(caught.value) or "export the list again" in str(caught.value)


# -- feeds --------------------------------------------------------------------------------------


def test_a_full_text_feed_is_read_without_fetching_pages():
    log: list[Request] = []
    with serve({}, log=log) as base, Fetcher(LOCAL) as fetcher:
        body = rss(
            base,
            [
                {
                    "title": "Harbour wall to be extended",
                    "link": f"{base}/harbour",
                    "guid": "https://coast.example/?p=101",
                    "pubDate": "Thu, 01 Feb 2024 10:00:00 +0100",
                    "author": "desk@coast.example (Sam Writer)",
                    "description": FULL_TEXT,
                }
            ],
        )
        [draft] = read(body, fetcher)
    assert log == []
    assert isinstance(draft, Draft)
    assert draft.origin == draft.url == f"{base}/harbour"
    assert draft.title == "Harbour wall to be extended"
    assert draft.source_name == "Coast Courier: Local"
    assert draft.domain == "127.0.0.1"
    assert draft.author == "Sam Writer"
    assert draft.external_id == "https://coast.example/?p=101"
    assert draft.published_at == datetime(2024, 2, 1, 9, 0, tzinfo=UTC)
    assert len(draft.text.split("\n\n")) == 7
    assert draft.text.startswith("Paragraph 1: the council voted")


def test_a_summary_feed_gets_each_page_fetched():
    log: list[Request] = []
    with serve({"/harbour": PAGE}, log=log) as base, Fetcher(LOCAL) as fetcher:
        item = {"title": "Wall plan", "link": f"{base}/harbour", "description": "<p>Short.</p>"}
        [draft] = read(rss(base, [item]), fetcher)
    assert [request.path for request in log] == ["/robots.txt", "/harbour"]
    assert "eighteen months" in draft.text and len(draft.text.split("\n\n")) == 2
    assert draft.title == "Wall plan"  # the feed's title wins
    assert draft.source_name == "Coast Courier"  # the page's site name wins
    assert draft.published_at == datetime(2024, 2, 1, 9, 0, tzinfo=UTC)
    assert draft.fetched_at is not None
    assert draft.origin == f"{base}/harbour"


def test_a_failed_page_fetch_falls_back_to_the_feed_text():
    with serve({}) as base, Fetcher(LOCAL) as fetcher:
        item = {"title": "Gone", "link": f"{base}/gone", "description": "<p>Summary only.</p>"}
        [draft] = read(rss(base, [item]), fetcher)
    assert isinstance(draft, Draft)
    assert draft.text == "Summary only."
    assert draft.fetched_at is None


def test_an_entry_with_no_text_anywhere_is_a_rejection_with_the_reason():
    with serve({}) as base, Fetcher(LOCAL) as fetcher:
        items = [
            {"title": "Gone", "link": f"{base}/gone"},
            {"title": "Kept", "link": f"{base}/kept", "description": "Kept summary."},
        ]
        rejection, draft = read(rss(base, items), fetcher)
    assert isinstance(rejection, Rejection)
    assert rejection.input == f"https://coast.example/feed.xml entry {base}/gone"
    assert rejection.reason == "http-404"
    assert "HTTP 404" in rejection.message
    assert isinstance(draft, Draft) and draft.text == "Kept summary."


def test_feed_fetch_pages_never_and_always():
    log: list[Request] = []
    with serve({"/harbour": PAGE}, log=log) as base, Fetcher(LOCAL) as fetcher:
        items = [
            {"title": "Wall", "link": f"{base}/harbour", "description": FULL_TEXT},
            {"title": "Empty", "link": f"{base}/empty"},
        ]
        body = rss(base, items)
        draft, rejection = read(body, fetcher, replace(LOCAL, feed_fetch_pages="never"))
        assert log == []
        assert "Paragraph 1" in draft.text
        assert isinstance(rejection, Rejection) and rejection.reason == "empty"
        assert "feed_fetch_pages" in rejection.message
        fetched = read(body, fetcher, replace(LOCAL, feed_fetch_pages="always"))
    assert "eighteen months" in fetched[0].text  # fetched although the feed had the full text
    assert [request.path for request in log] == ["/robots.txt", "/harbour", "/empty"]


def test_without_a_fetcher_the_feed_text_is_used():
    [draft] = read(rss("https://coast.example", [{"title": "T", "description": "Short."}]), None)
    assert draft.text == "Short."
    assert draft.origin == "https://coast.example/feed.xml#entry-1"
    assert draft.domain == "coast.example"


def test_an_atom_feed_with_html_content():
    atom = b"""<?xml version="1.0" encoding="utf-8"?>
    <feed xmlns="http://www.w3.org/2005/Atom"><title>Valley Voice</title>
    <link href="https://www.valley.example/"/>
    <entry><title>Bridge reopens</title><id>tag:valley.example,2024:1</id>
    <link href="https://www.valley.example/bridge"/>
    <updated>2024-05-01T08:15:00Z</updated><author><name>Lee Ray</name></author>
    <content type="html">&lt;p&gt;The bridge reopened.&lt;/p&gt;
    &lt;p&gt;Traffic is light.&lt;/p&gt;</content>
    </entry></feed>"""
    [draft] = read(atom, None)
    assert draft.text == "The bridge reopened.\n\nTraffic is light."
    assert draft.author == "Lee Ray"
    assert draft.source_name == "Valley Voice"
    assert draft.domain == "valley.example"
    assert draft.published_at == datetime(2024, 5, 1, 8, 15, tzinfo=UTC)


def test_a_feed_with_errors_but_entries_is_still_read():
    body = rss("https://coast.example", [{"title": "T", "description": "Kept text."}])
    broken = body.replace(b"</channel></rss>", b"<item><title>cut off")
    drafts = read(broken, None)
    assert drafts[0].text == "Kept text."


@pytest.mark.parametrize(
    "body", [b"<rss><channel><title>cut off</ti", b"<html><body>hi</body></html>", b"/"]
)
def test_a_malformed_feed_is_unreadable(body):
    with pytest.raises(UnreadableInput) as caught:
        read(body, None)
    assert caught.value.reason == "malformed-feed"
    assert "https://coast.example/feed.xml" in str(caught.value)
    assert "RSS or Atom" in str(caught.value)


def test_an_empty_feed_is_read_as_no_entries_not_as_malformed():
    """A watched outlet's feed between two stories: nothing to store, nothing to reject."""
    assert read(rss("https://coast.example", []), None) == []
