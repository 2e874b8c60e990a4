"""Fetching and extracting pages, against a real HTTP server on 127.0.0.1 (tests/httpserver.py)."""

from __future__ import annotations

import socket
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from httpserver import Reply, Request, serve
from network import PUBLIC_IP, LocalRouter
from network import guarded_fetcher as network_fetcher
from newsweave.errors import (
    AddressNotAllowed,
    FetchError,
    FetchTimeout,
    HTTPStatusError,
    ResponseTooLarge,
    RobotsDisallowed,
    UnreadableInput,
    UnsupportedInput,
)
from newsweave.ingest.guard import address_kind, resolve_host
from newsweave.ingest.web import Fetcher, Page, extract_html, fetch_article
from newsweave.settings import Settings

LOCAL = Settings(
    allow_private_addresses=True,
    per_host_interval=0,
    connect_timeout=0.5,
    read_timeout=0.5,
    max_response_bytes=20_000,
)

ARTICLE = """<!DOCTYPE html>
<html><head>
<title>Flood waters rise in Riverton | The Daily Example</title>
<meta property="og:site_name" content="The Daily Example">
<meta property="article:published_time" content="2024-03-05T14:30:00+01:00">
<meta name="author" content="Jane Reporter">
<link rel="canonical" href="https://daily.example/news/flood">
</head><body>
<nav><a href="/">Home</a> | <a href="/world">World</a> | <a href="/sport">Sport</a></nav>
<article>
<h1>Flood waters rise in Riverton</h1>
<p>The river burst its banks on Tuesday morning, flooding hundreds of homes in the low-lying
districts of Riverton, officials said.</p>
<p>Emergency services evacuated more than 300 residents overnight. "We have never seen anything
like it," said the mayor, Ann Smith.</p>
<p>The regional government promised aid within days, and volunteers gathered sandbags at the
town hall while the water kept rising.</p>
</article>
<footer>Copyright 2024 The Daily Example</footer>
</body></html>"""


# -- extraction -------------------------------------------------------------------------------


def test_fetch_article_extracts_title_byline_time_and_paragraphs():
    with serve({"/news/flood": ARTICLE}) as base, Fetcher(LOCAL) as fetcher:
        draft = fetch_article(fetcher, f"{base}/news/flood")
    assert draft.origin == draft.url == f"{base}/news/flood"
    assert draft.title == "Flood waters rise in Riverton"
    assert draft.author == "Jane Reporter"
    assert draft.source_name == "The Daily Example"
    assert draft.canonical_url == "https://daily.example/news/flood"
    assert draft.domain == "127.0.0.1"
    assert draft.published_at == datetime(2024, 3, 5, 13, 30, tzinfo=UTC)
    assert draft.fetched_at is not None and draft.fetched_at.tzinfo is not None
    paragraphs = draft.text.split("\n\n")
    assert len(paragraphs) == 3
    assert paragraphs[0].startswith("The river burst its banks")
    assert "Home | World" not in draft.text and "Copyright" not in draft.text


def test_extract_html_falls_back_to_htmldate_and_the_domain():
    body = "<p>" + "Officials confirmed the bridge would reopen on Monday after repairs. " * 6
    html = (
        "<html><head><title>Bridge to reopen</title><script type='application/ld+json'>"
        '{"@type": "NewsArticle", "datePublished": "2024-05-01T08:15:00Z"}</script></head>'
        f"<body><article><h1>Bridge to reopen</h1>{body}</p>{body}</p></article></body></html>"
    )
    draft = extract_html(html, url="https://www.valley-news.example/bridge", origin="bridge.html")
    assert draft.published_at == datetime(2024, 5, 1, 8, 15, tzinfo=UTC)
    assert draft.domain == "valley-news.example"
    assert draft.source_name == "valley-news.example"
    assert draft.origin == "bridge.html"


FLOOD_URL = "https://daily.example/news/flood"


@pytest.mark.parametrize(
    ("head", "url"),
    [
        (
            '<link rel="canonical" href="https://daily.example/news/flood">',
            FLOOD_URL,
        ),
        ('<meta property="og:url" content="https://daily.example/news/flood">', FLOOD_URL),
        ('<meta property="og:url" content="javascript:alert(1)">', None),
        ("", None),
    ],
)
def test_a_saved_page_links_to_the_address_it_gives_for_itself(head, url):
    """An HTML file (no fetch URL) is linked to its original by its canonical link or og:url."""
    html = ARTICLE.replace('<link rel="canonical" href="https://daily.example/news/flood">', head)
    draft = extract_html(html, url=None, origin="flood.html")
    assert draft.url == url
    fetched = extract_html(html, url="https://daily.example/amp/flood", origin="x")
    assert fetched.url == "https://daily.example/amp/flood"  # a fetched page: where it was read


@pytest.mark.parametrize(
    "dateline",
    ["SALTMERE<br>", "SALTMERE<br/>", "<b>SALTMERE (CPA) —</b><br>", "SALTMERE <br />"],
)
def test_a_dateline_on_a_line_of_its_own_is_not_glued_to_the_sentence(dateline):
    report = " ".join(["The port of Saltmere reopened on Monday after a week of repairs."] * 6)
    html = (
        "<html><head><title>Port reopens</title></head><body><article><h1>Port reopens</h1>"
        f"<p>{dateline}The harbour master said ferries would sail again. {report}</p>"
        f"<p>{report}</p></article></body></html>"
    )
    text = extract_html(html, url="https://news.example/port", origin="port.html").text
    assert "SALTMEREThe" not in text and "—The" not in text
    assert "The harbour master said" in text


def test_extract_html_without_article_text_is_unreadable():
    with pytest.raises(UnreadableInput) as caught:
        extract_html("<html><body><nav>Home</nav></body></html>", url=None, origin="page.html")
    assert caught.value.reason == "no-article-text"
    assert "page.html" in str(caught.value)


@hypothesis_settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.sampled_from("<>/=\"' apbodyhtml\x00\n&;#é"), max_size=200) | st.text())
def test_extract_html_on_malformed_html_raises_only_unreadable_input(html):
    try:
        draft = extract_html(html, url=None, origin="fuzz.html")
    except UnreadableInput:
        return
    assert draft.text.strip()


@pytest.mark.parametrize(
    ("content_type", "body", "expected"),
    [
        ("text/html; charset=iso-8859-1", "café".encode("latin-1"), "café"),
        ("text/html", b'<meta charset="windows-1252"><p>caf\xe9</p>', "café"),
        ("text/html", "café".encode(), "café"),
        ("text/html", b"caf\xe9", "caf\ufffd"),
        ("text/html; charset=no-such-charset", "café".encode(), "café"),
    ],
)
def test_page_text_decodes_by_header_then_meta_then_utf8(content_type, body, expected):
    page = Page(
        "http://a.example/", "http://a.example/", 200, content_type, body, datetime.now(UTC)
    )
    assert expected in page.text


def test_fetch_article_refuses_a_non_html_response():
    with (
        serve({"/doc.pdf": Reply(body=b"%PDF-1.4", content_type="application/pdf")}) as base,
        Fetcher(LOCAL) as fetcher,
        pytest.raises(UnsupportedInput) as caught,
    ):
        fetch_article(fetcher, f"{base}/doc.pdf")
    assert caught.value.reason == "not-html"


# -- HTTP rules ---------------------------------------------------------------------------------


def test_http_error_status_names_the_status_and_the_url():
    with serve({}) as base, Fetcher(LOCAL) as fetcher, pytest.raises(HTTPStatusError) as caught:
        fetcher.fetch(f"{base}/missing")
    assert caught.value.status == 404
    assert caught.value.reason == "http-404"
    assert f"{base}/missing" in str(caught.value) and "check the URL" in str(caught.value)


@pytest.mark.parametrize("url", ["ftp://example.org/file", "file:///etc/passwd", "mailto:a@b.c"])
def test_only_http_and_https_are_fetched(url):
    with Fetcher(LOCAL) as fetcher, pytest.raises(UnsupportedInput) as caught:
        fetcher.fetch(url)
    assert url in str(caught.value)


def test_a_redirect_to_another_scheme_is_refused():
    routes = {"/go": Reply(status=302, headers={"Location": "file:///etc/passwd"})}
    with (
        serve(routes) as base,
        Fetcher(LOCAL) as fetcher,
        pytest.raises(UnsupportedInput, match="redirected to file:///etc/passwd"),
    ):
        fetcher.fetch(f"{base}/go")


def test_a_redirect_chain_within_the_limit_is_followed():
    routes = {
        "/one": Reply(status=301, headers={"Location": "/two"}),
        "/two": Reply(status=302, headers={"Location": "/three"}),
        "/three": Reply(status=307, headers={"Location": "/news/flood"}),
        "/news/flood": ARTICLE,
    }
    with serve(routes) as base, Fetcher(replace(LOCAL, max_redirects=3)) as fetcher:
        page = fetcher.fetch(f"{base}/one")
    assert page.requested_url == f"{base}/one"
    assert page.url == f"{base}/news/flood"
    assert "Riverton" in page.text


def test_a_redirect_chain_past_the_limit_fails():
    routes = {f"/{n}": Reply(status=302, headers={"Location": f"/{n + 1}"}) for n in range(10)}
    with (
        serve(routes) as base,
        Fetcher(replace(LOCAL, max_redirects=3)) as fetcher,
        pytest.raises(FetchError) as caught,
    ):
        fetcher.fetch(f"{base}/0")
    assert caught.value.reason == "too-many-redirects"
    assert "max_redirects" in str(caught.value)


def test_a_redirect_loop_fails():
    routes = {
        "/a": Reply(status=302, headers={"Location": "/b"}),
        "/b": Reply(status=302, headers={"Location": "/a"}),
    }
    with serve(routes) as base, Fetcher(LOCAL) as fetcher, pytest.raises(FetchError) as caught:
        fetcher.fetch(f"{base}/a")
    assert caught.value.reason == "too-many-redirects"


def test_a_server_that_does_not_answer_times_out():
    with (
        serve({"/slow": Reply(delay=30, body="late")}) as base,
        Fetcher(LOCAL) as fetcher,
        pytest.raises(FetchTimeout) as caught,
    ):
        fetcher.fetch(f"{base}/slow")
    assert caught.value.reason == "timeout"


def test_a_server_that_trickles_the_body_hits_the_overall_deadline():
    # 60 chunks 0.1 s apart: each read is quick, but the whole takes 6 s, past the 1.2 s deadline
    trickle = Reply(body=(b"<p>more</p>" for _ in range(60)), chunk_delay=0.1)
    fast = replace(LOCAL, connect_timeout=0.1, read_timeout=0.2)  # deadline 4 × 0.3 s
    with (
        serve({"/trickle": trickle}) as base,
        Fetcher(fast) as fetcher,
        pytest.raises(FetchTimeout, match="too slowly"),
    ):
        fetcher.fetch(f"{base}/trickle")


def test_a_server_that_trickles_the_headers_hits_the_overall_deadline():
    def trickle_headers(out, stopping):
        out.write(b"HTTP/1.1 200 OK\r\n")
        for _ in range(60):  # 6 s of headers, each line quick; the deadline is 1.2 s
            if stopping.wait(0.1):
                return
            out.write(b"X-Slow: y\r\n")
            out.flush()
        out.write(b"Content-Length: 2\r\n\r\nok")

    fast = replace(LOCAL, connect_timeout=0.1, read_timeout=0.2)
    with (
        serve({"/slow": Reply(raw=trickle_headers)}) as base,
        Fetcher(fast) as fetcher,
        pytest.raises(FetchTimeout, match="too slowly"),
    ):
        fetcher.fetch(f"{base}/slow")


def test_a_declared_length_over_the_cap_is_refused():
    body = b"x" * (LOCAL.max_response_bytes + 1)
    with (
        serve({"/big": Reply(body=body)}) as base,
        Fetcher(LOCAL) as fetcher,
        pytest.raises(ResponseTooLarge) as caught,
    ):
        fetcher.fetch(f"{base}/big")
    assert "max_response_bytes" in str(caught.value)


def test_a_chunked_body_over_the_cap_is_cut_off():
    endless = Reply(body=(b"x" * 1000 for _ in range(1_000_000)))
    with (
        serve({"/big": endless}) as base,
        Fetcher(LOCAL) as fetcher,
        pytest.raises(ResponseTooLarge),
    ):
        fetcher.fetch(f"{base}/big")


def test_a_closed_port_is_a_fetch_error():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with Fetcher(LOCAL) as fetcher, pytest.raises(FetchError) as caught:
        fetcher.fetch(f"http://127.0.0.1:{port}/")
    assert caught.value.reason == "fetch-failed"


# -- robots.txt ---------------------------------------------------------------------------------


def test_robots_txt_is_honoured_and_read_once_per_host():
    log: list[Request] = []
    routes = {"/robots.txt": "User-agent: *\nDisallow: /private/\n", "/news/flood": ARTICLE}
    with serve(routes, log=log) as base, Fetcher(LOCAL) as fetcher:
        fetcher.fetch(f"{base}/news/flood")
        with pytest.raises(RobotsDisallowed) as caught:
            fetcher.fetch(f"{base}/private/page")
    assert "respect_robots" in str(caught.value)
    assert [request.path for request in log] == ["/robots.txt", "/news/flood"]


def test_respect_robots_false_fetches_what_robots_txt_forbids():
    routes = {"/robots.txt": "User-agent: *\nDisallow: /\n", "/news/flood": ARTICLE}
    with serve(routes) as base, Fetcher(replace(LOCAL, respect_robots=False)) as fetcher:
        assert fetcher.fetch(f"{base}/news/flood").status == 200


def test_robots_txt_rules_for_our_user_agent_apply():
    robots = "User-agent: newsweave\nDisallow: /\n\nUser-agent: *\nAllow: /\n"
    with (
        serve({"/robots.txt": robots, "/a": ARTICLE}) as base,
        Fetcher(LOCAL) as fetcher,
        pytest.raises(RobotsDisallowed),
    ):
        fetcher.fetch(f"{base}/a")


@pytest.mark.parametrize(("robots_status", "allowed"), [(404, True), (403, True), (503, False)])
def test_robots_txt_failures_follow_rfc_9309(robots_status, allowed):
    routes = {"/robots.txt": Reply(status=robots_status), "/a": ARTICLE}
    with serve(routes) as base, Fetcher(LOCAL) as fetcher:
        if allowed:
            assert fetcher.fetch(f"{base}/a").status == 200
        else:
            with pytest.raises(RobotsDisallowed, match="HTTP 503"):
                fetcher.fetch(f"{base}/a")


# -- pacing -------------------------------------------------------------------------------------


class FakeClock:
    """A clock that moves only when slept on, recording every sleep asked for."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def time(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def test_requests_to_one_host_are_spaced_by_the_interval():
    clock = FakeClock()
    paced = replace(LOCAL, per_host_interval=2.5)
    with serve({"/a": ARTICLE, "/b": ARTICLE}) as base:
        other_host = base.replace("127.0.0.1", "localhost")
        with Fetcher(paced, sleep=clock.sleep, clock=clock.time) as fetcher:
            fetcher.fetch(f"{base}/a")  # robots.txt, then /a: one wait
            fetcher.fetch(f"{base}/b")  # one more wait
            assert len(clock.sleeps) == 2
            fetcher.fetch(f"{other_host}/a")  # a new host: its robots.txt goes first, unpaced
            assert len(clock.sleeps) == 3
            clock.now += 60  # time passes; the next request need not wait
            fetcher.fetch(f"{base}/a")
    assert len(clock.sleeps) == 3
    assert all(seconds >= 2.5 for seconds in clock.sleeps)


# -- address guard ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("10.1.2.3", "private"),
        ("192.168.0.10", "private"),
        ("169.254.169.254", "link-local"),
        ("fe80::1", "link-local"),
        ("224.0.0.1", "multicast"),
        ("0.0.0.0", "unspecified"),
        ("100.64.0.1", "non-public"),
        ("::ffff:127.0.0.1", "loopback"),
        ("64:ff9b::a00:1", "private"),
        ("2002:7f00:1::", "loopback"),
        ("93.184.216.34", None),
        ("2606:4700:4700::1111", None),
    ],
)
def test_address_kind(address, kind):
    assert address_kind(address) == kind


def test_loopback_is_refused_by_default_before_any_request():
    log: list[Request] = []
    with (
        serve({"/a": ARTICLE}, log=log) as base,
        Fetcher(replace(LOCAL, allow_private_addresses=False)) as fetcher,
    ):
        for url in (f"{base}/a", base.replace("127.0.0.1", "localhost") + "/a"):
            with pytest.raises(AddressNotAllowed) as caught:
                fetcher.fetch(url)
            assert caught.value.reason == "private-address"
            assert url in str(caught.value) and "allow_private_addresses" in str(caught.value)
    assert log == []


def guarded_fetcher(resolve, network: LocalRouter) -> Fetcher:
    guarded = replace(LOCAL, allow_private_addresses=False, respect_robots=False)
    return network_fetcher(resolve, network, guarded)


def resolve_news_example(host: str, port: int) -> list[str]:
    return [PUBLIC_IP] if host == "news.example" else resolve_host(host, port)


def test_a_public_name_is_fetched_through_the_guard():
    network = LocalRouter()
    with serve({"/a": ARTICLE}) as base, guarded_fetcher(resolve_news_example, network) as fetcher:
        page = fetcher.fetch(base.replace("127.0.0.1", "news.example") + "/a")
    assert page.status == 200
    assert network.connected == [PUBLIC_IP]


def test_a_redirect_to_loopback_is_refused_at_connect_time():
    log: list[Request] = []
    network = LocalRouter()
    target = {}
    routes = {
        "/start": lambda request: Reply(status=302, headers={"Location": target["url"]}),
        "/secret": "internal only",
    }
    with serve(routes, log=log) as base, guarded_fetcher(resolve_news_example, network) as fetcher:
        target["url"] = f"{base}/secret"
        with pytest.raises(AddressNotAllowed) as caught:
            fetcher.fetch(base.replace("127.0.0.1", "news.example") + "/start")
    assert f"(at {base}/secret)" in str(caught.value)
    assert [request.path for request in log] == ["/start"]
    assert network.connected == [PUBLIC_IP]


def test_a_name_that_rebinds_to_loopback_is_refused_on_the_next_connection():
    answers = iter([[PUBLIC_IP], ["127.0.0.1"]])
    network = LocalRouter()
    closing = Reply(body=ARTICLE, headers={"Connection": "close"})
    with serve({"/a": closing}) as base, guarded_fetcher(lambda h, p: next(answers), network) as f:
        url = base.replace("127.0.0.1", "rebind.example") + "/a"
        assert f.fetch(url).status == 200
        with pytest.raises(AddressNotAllowed, match=r"rebind\.example resolves to 127\.0\.0\.1"):
            f.fetch(url)
    assert network.connected == [PUBLIC_IP]


def test_a_name_resolving_to_a_private_address_is_never_connected():
    network = LocalRouter()
    with (
        guarded_fetcher(lambda host, port: ["10.0.0.5"], network) as fetcher,
        pytest.raises(AddressNotAllowed, match=r"10\.0\.0\.5, which is a private address"),
    ):
        fetcher.fetch("http://intranet.example/")
    assert network.connected == []
