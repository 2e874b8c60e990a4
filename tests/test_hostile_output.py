"""A sweep of hostile content through every output: nothing secret or executable leaves, and no
character breaks a page, a feed or a terminal.

The store is seeded directly through the store API (`hostile`), as an older store or anything
that slipped past ingest would hold it: each case is one article with a hostile outlet name,
title or URL, its own event, storyline and hand-built brief. Every case runs through the pages,
the JSON API and the Atom feeds (in-process, with FastAPI's TestClient), `brief` in every format
and the terminal commands (click's CliRunner), each with its expected outcome: what is shown
(the text as it is, markup inert, controls and credentials gone) and what link, if any, it
becomes (only http(s), without credentials). HTML is checked as a parser reads it (lxml), and
Markdown as a renderer renders it (markdown-it, which Rich already depends on).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote, unquote

import lxml.etree
import lxml.html
import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from markdown_it import MarkdownIt

from chromium import chromium
from newsweave.briefs.model import (
    Brief,
    BriefSentence,
    Changes,
    Evidence,
    PullQuote,
    Section,
    SourceEntry,
    to_document,
)
from newsweave.briefs.render import STANDALONE_STYLE
from newsweave.cli import main
from newsweave.model import Article, Source, article_id
from newsweave.outward import safe_link, safe_text
from newsweave.settings import Settings
from newsweave.store import open_store
from newsweave.web.app import create_app
from newsweave.web.http import CONTENT_SECURITY_POLICY

SECRET = "hunter2secret"  # the password in every credential below: never in any output
# What a terminal, an XML parser or a page must never get raw: C0 but tab and newline, DEL, C1.
RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
SAFE_HREF = re.compile(r"^(https?://[^/\s]|/(?!/)|#|\?)", re.IGNORECASE)


@dataclass(frozen=True)
class Case:
    id: str
    outlet: str = "Dunmore Gazette"
    title: str = "Crane collapses at Dunmore quay"
    url: str | None = "https://gazette.example/crane"
    shown_outlet: str | None = None  # how outputs show the outlet (default: as given)
    shown_title: str | None = None
    link: str | None = "https://gazette.example/crane"  # what the URL becomes as a link

    @property
    def outlet_text(self) -> str:
        return self.shown_outlet if self.shown_outlet is not None else self.outlet

    @property
    def title_text(self) -> str:
        return " ".join((self.shown_title if self.shown_title is not None else self.title).split())

    @property
    def event_id(self) -> str:
        return f"ev_{self.id}"


CASES = [
    Case("plain-https"),
    Case("javascript-url", url="javascript:alert(1)", link=None),
    Case("mixed-case-scheme", url="JaVaScRiPt:alert(1)", link=None),
    Case("leading-space-scheme", url=" javascript:alert(1)", link=None),
    Case("tab-in-scheme", url="java\tscript:alert(1)", link=None),
    Case("newline-in-scheme", url="java\nscript:alert(1)", link=None),
    Case("control-before-scheme", url="\x01javascript:alert(1)", link=None),
    Case("entity-scheme", url="&#106;avascript:alert(1)", link=None),
    Case("vbscript-url", url="vbscript:msgbox(1)", link=None),
    Case("data-url", url="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==", link=None),
    Case("file-url", url="file:///etc/passwd", link=None),
    Case("scheme-relative-url", url="//evil.example/x", link=None),
    Case("https-without-host", url="https:javascript:alert(1)", link=None),
    Case(
        "markdown-breakout-url",
        url="https://ok.example/a) [x](javascript:alert(1)",
        link="https://ok.example/a) [x](javascript:alert(1)",  # one link, to ok.example
    ),
    Case(
        "credentials-in-url",
        url=f"https://user:{SECRET}@gazette.example/crane",
        link="https://gazette.example/crane",
    ),
    Case(
        "credentials-as-outlet",
        outlet=f"User:{SECRET}@gazette.example",
        shown_outlet="gazette.example",
        url=f"https://user:{SECRET}@gazette.example/crane",
        link="https://gazette.example/crane",
    ),
    Case("escape-in-outlet", outlet="Quay\x1b[31mPost\x07", shown_outlet="Quay[31mPost"),
    Case(
        "bidi-override-outlet", outlet="Quay Post\u202e txt.exe", shown_outlet="Quay Post txt.exe"
    ),
    Case("html-outlet", outlet='Quay <img src=x onerror="alert(1)"> Post'),
    Case(
        "nul-and-c1-title",
        title="Crane\x00 collapses at\x9b quay",
        shown_title="Crane collapses at quay",
    ),
    Case("rich-markup-title", title="[/bold] Crane [link=javascript:alert(1)]falls[/link] [red]"),
    Case(
        "osc8-hyperlink-title",
        title="\x1b]8;;https://evil.example/\x1b\\Crane falls\x1b]8;;\x1b\\ \x1b[2J\x07",
        shown_title="]8;;https://evil.example/\\Crane falls]8;;\\ [2J",
    ),
    Case(
        "markdown-injection-title",
        title="[a](javascript:alert(1)) <script>alert(1)</script> *Crane* _falls_ `x` &#60;b&#62;",
    ),
    Case("markdown-blocks-title", title="# Crane\n- falls\n> at\n1. the quay\n---"),
    Case(
        "carriage-return-title", title="Crane falls\rFAKE LINE", shown_title="Crane falls FAKE LINE"
    ),
]
IDS = [case.id for case in CASES]


# -- the store ----------------------------------------------------------------------------------


def _article(case: Case) -> Article:
    text = (
        f"{case.title}. The harbour authority closed the north quay on Tuesday, officials of "
        f"{case.outlet} said, and the report is at https://user:{SECRET}@files.example/report. "
        "Inspectors examined the crane for a week before the quay reopened to cargo ships. "
    ) * 2
    key = f"https://key.example/{case.id}"
    return Article(
        article_id=article_id(key, case.title, text),
        key=key,
        source=Source(case.outlet, "gazette.example"),
        title=case.title,
        text=text,
        raw_text=text,
        url=case.url,
        canonical_url=case.url,
        published_at=datetime(2026, 3, 5, 9, 30, tzinfo=UTC),
    )


def _brief(case: Case, article: Article) -> Brief:
    lead = BriefSentence(
        text=f"{case.title} on Tuesday.",
        citations=(1,),
        evidence=(Evidence(article.article_id, 0, 40, article.text[:40]),),
    )
    background = BriefSentence(text=f"- {case.title}", citations=(1,), frame="March 1, 2026: ")
    return Brief(
        event_id=case.event_id,
        headline=case.title,
        sections=(Section("lead", ((lead,),)), Section("background", ((background,),))),
        pull_quote=PullQuote(text=case.title, speaker=case.outlet, citations=(1,)),
        sources=(
            SourceEntry(
                number=1,
                article_id=article.article_id,
                outlet=case.outlet,
                title=case.title,
                url=case.url,
                published_at="2026-03-05T09:30:00+00:00",
                also_ran=(case.outlet,),
            ),
        ),
        independent_sources=1,
        writer="embedded",
        written_at="2026-03-05T10:00:00+00:00",
        changes=Changes(
            1,
            (1,),
            1,
            (f"9 → 11: {case.title}",),
            previous_headline=case.title,
            previous_lead=f"The lead was {case.title}",
            removed=(case.title,),
        ),
    )


@dataclass(frozen=True)
class Hostile:
    db: Path
    article_ids: dict[str, str]  # by case id


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Hostile:
    db = tmp_path_factory.mktemp("hostile-output") / "store.db"
    ids = {}
    with open_store(db) as store:
        for case in CASES:
            _, article = store.put_article(_article(case))
            ids[case.id] = article.article_id
            store.put_event_members({article.article_id: (case.event_id, 1.0)})
            store.put_brief(case.event_id, "key", to_document(_brief(case, article)))
        store.replace_storylines({case.event_id: f"sl_{case.id}" for case in CASES})
    return Hostile(db, ids)


@pytest.fixture(scope="module")
def client(hostile) -> TestClient:
    return TestClient(create_app(Settings(db=hostile.db)), raise_server_exceptions=False)


def cli(hostile: Hostile, *args: str) -> str:
    result = CliRunner().invoke(main, [*args, "--db", str(hostile.db)])
    assert result.exit_code == 0, result.output
    return result.output


# -- what every output must hold ----------------------------------------------------------------


def assert_no_leak(text: str) -> None:
    assert SECRET not in text
    assert not RAW_CONTROL.search(text), RAW_CONTROL.search(text)


def assert_safe_html(html: str) -> lxml.html.HtmlElement:
    """Every href, src and action an http(s) URL or one of this site's; no element a source
    could have slipped in."""
    assert_no_leak(html)
    document = lxml.html.document_fromstring(html)
    for value in document.xpath("//@href | //@src | //@action | //@formaction"):
        assert SAFE_HREF.match(value), value
    assert not document.xpath("//script[not(@src)] | //img | //svg | //iframe | //object")
    assert not [name for e in document.iter() for name in e.attrib if name.startswith("on")]
    return document


def links_to(document: lxml.html.HtmlElement, case: Case) -> list[str]:
    """The external links of a document: those leaving this site."""
    return [h for h in document.xpath("//a/@href") if h.lower().startswith("http")]


def words(text: str) -> str:
    return " ".join(text.split())


# -- the one decision: what may become a link ---------------------------------------------------


@pytest.mark.parametrize(("case"), CASES, ids=IDS)
def test_a_url_becomes_a_link_only_when_it_is_http_without_credentials(case):
    assert safe_link(case.url) == case.link


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        (f"https://user:{SECRET}@host.example/a", "https://host.example/a"),
        (f"see https://u:p@{SECRET}@host.example/a?b=c@d", "see https://host.example/a?b=c@d"),
        (f"User:{SECRET}@host.example", "host.example"),
        (f"(//u:{SECRET}@host.example/x)", "(//host.example/x)"),
        ("write to tips@paper.example", "write to tips@paper.example"),
        ("https://host.example/path@handle", "https://host.example/path@handle"),
        ("a\x1b[31mb\x07c\x00d\x9be\x7ff", "a[31mbcdef"),
        ("one\r\ntwo\rthree\tfour", "one\ntwo\nthree\tfour"),
        ("quay\u202eexe \u2066x\u2069", "quayexe x"),
    ],
)
def test_safe_text_removes_controls_and_credentials(text, shown):
    assert safe_text(text) == shown


# -- pages --------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_pages_show_each_case_as_text_and_link_only_http(client, hostile, case):
    article_id = hostile.article_ids[case.id]
    pages = {
        "/": None,
        f"/stories/{case.event_id}": "//article[@class='brief']/h1",
        f"/articles/{article_id}": "//h1",
        f"/sources/{quote(case.outlet_text, safe='')}": "//h1",
        "/search?q=crane&kind=articles": None,
    }
    for path, heading in pages.items():
        response = client.get(path)
        assert response.status_code == 200, (path, response.text[:300])
        document = assert_safe_html(response.text)
        if heading == "//h1" and path.startswith("/sources/"):
            assert words(document.xpath(heading)[0].text_content()) == case.outlet_text
        elif heading:
            assert words(document.xpath(heading)[0].text_content()) == case.title_text
    story = assert_safe_html(client.get(f"/stories/{case.event_id}").text)
    article = assert_safe_html(client.get(f"/articles/{article_id}").text)
    expected = [case.link] if case.link else []
    assert links_to(article, case) == expected
    assert set(links_to(story, case)) == set(expected)


# -- the JSON API -------------------------------------------------------------------------------


def url_fields(data: object) -> list[object]:
    """Every value of a `url` or `canonical_url` key, however deep."""
    if isinstance(data, dict):
        found = [v for k, v in data.items() if k in ("url", "canonical_url")]
        return found + [u for v in data.values() for u in url_fields(v)]
    if isinstance(data, list):
        return [u for v in data for u in url_fields(v)]
    return []


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_the_api_hands_out_only_http_links_and_no_secret(client, hostile, case):
    article_id = hostile.article_ids[case.id]
    for path in (f"/api/stories/{case.event_id}", f"/api/articles/{article_id}"):
        response = client.get(path)
        assert response.status_code == 200, (path, response.text[:300])
        assert_no_leak(response.text)
        urls = url_fields(response.json())
        assert urls and set(urls) == {case.link}, (path, urls)
    source = client.get(f"/api/sources/{quote(case.outlet_text, safe='')}")
    assert source.status_code == 200, source.text[:300]
    assert_no_leak(source.text)
    assert source.json()["source"]["name"] == case.outlet_text
    assert case.link in url_fields(source.json())
    assert all(url is None or SAFE_HREF.match(url) for url in url_fields(source.json()))
    story = client.get(f"/api/stories/{case.event_id}").json()
    assert story["story"]["outlets"] == [case.outlet_text]
    assert words(story["brief"]["headline"]) == case.title_text
    assert story["brief"]["sources"][0]["outlet"] == case.outlet_text


def test_search_gives_its_matches_as_offsets_and_nothing_raw(client):
    response = client.get("/api/search", params={"q": "crane", "kind": "articles", "per_page": 100})
    assert response.status_code == 200
    assert_no_leak(response.text)
    hits = response.json()["hits"]
    assert len(hits) == len(CASES)
    for hit in hits:
        assert not RAW_CONTROL.search(hit["snippet"]), hit["snippet"]
        assert hit["matches"]
        for start, end in hit["matches"]:
            assert hit["snippet"][start:end].lower().startswith("crane")


# -- feeds ---------------------------------------------------------------------------------------


ATOM = "{http://www.w3.org/2005/Atom}"


def assert_safe_feed(body: bytes) -> list[lxml.etree._Element]:
    """The feed is XML 1.0 an XML parser accepts, and the HTML of each entry is safe."""
    assert_no_leak(body.decode("utf-8"))
    feed = lxml.etree.fromstring(body)
    entries = feed.findall(f"{ATOM}entry")
    for entry in entries:
        content = entry.find(f"{ATOM}content")
        assert content is not None and content.get("type") == "html"
        assert_safe_html(content.text)
    return entries


def test_the_stories_feed_holds_every_hostile_story(client):
    response = client.get("/feeds/stories.atom")
    assert response.status_code == 200, response.text[:300]
    entries = assert_safe_feed(response.content)
    assert len(entries) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_a_storyline_feed_links_only_http(client, case):
    response = client.get(f"/feeds/storylines/sl_{case.id}.atom")
    assert response.status_code == 200, response.text[:300]
    (entry,) = assert_safe_feed(response.content)
    title = entry.find(f"{ATOM}title").text
    assert words(title) == case.title_text
    content = lxml.html.fragment_fromstring(entry.find(f"{ATOM}content").text, create_parent=True)
    expected = [case.link] if case.link else []
    links = set(links_to(content, case))
    own = {link for link in links if link.startswith("http://testserver/")}  # this server's
    assert links - own == set(expected)
    assert own == {f"http://testserver/stories/{case.event_id}"}


# -- briefs in every format ---------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_the_markdown_brief_escapes_every_text_from_a_source(hostile, case):
    markdown = cli(hostile, "brief", case.event_id, "--format", "md")
    assert_no_leak(markdown)
    # markdown-it refuses javascript: links itself; other renderers may not
    assert not re.search(r"\]\((?!https?://)", markdown), markdown
    html = MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(markdown)
    document = assert_safe_html(f"<html><body>{html}</body></html>")
    assert words(document.xpath("//h1")[0].text_content()) == case.title_text
    assert not document.xpath("//h1[2] | //h3 | //hr | //ul/li/ul | //table | //del")
    expected = [case.link] if case.link else []
    assert [unquote(link) for link in links_to(document, case)] == expected
    assert case.outlet_text in words(document.text_content())


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_the_html_brief_is_a_page_with_its_own_policy(hostile, case):
    page = cli(hostile, "brief", case.event_id, "--format", "html")
    document = assert_safe_html(page)
    (policy,) = document.xpath("//meta[@http-equiv='Content-Security-Policy']/@content")
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["default-src"] == "'none'" and directives["base-uri"] == "'none'"
    assert "script-src" not in directives  # default-src 'none': no script at all
    assert "unsafe-inline" not in policy and "'self'" not in policy
    assert document.xpath("//style")[0].text == STANDALONE_STYLE
    assert words(document.xpath("//h1")[0].text_content()) == case.title_text
    expected = [case.link] if case.link else []
    assert set(links_to(document, case)) == set(expected)


@pytest.mark.slow
def test_the_html_brief_policy_lets_its_style_apply_and_nothing_else(hostile, tmp_path):
    """In a real Chromium, opened from a file: the page's own style applies (its hash is
    right), and a script or a style attribute slipped into it is blocked."""
    page = cli(hostile, "brief", "ev_html-outlet", "--format", "html")
    slipped = '<script>window.ran = 1</script><p id="slipped" style="color: red">x</p>'
    path = tmp_path / "brief.html"
    path.write_text(page.replace("</body>", slipped + "</body>"), encoding="utf-8")
    with chromium() as browser:
        tab = browser.new_page()
        tab.goto(path.as_uri())
        style = "getComputedStyle(document.querySelector('.evidence')).display"
        assert tab.evaluate(style) == "none"  # the page's own style applies
        assert tab.evaluate("window.ran === undefined")
        color = "getComputedStyle(document.getElementById('slipped')).color"
        assert tab.evaluate(color) != "rgb(255, 0, 0)"


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_the_json_brief_hands_out_only_http_links(hostile, case):
    output = cli(hostile, "brief", case.event_id, "--format", "json")
    assert_no_leak(output)
    document = json.loads(output)
    assert url_fields(document) == [case.link]
    assert document["sources"][0]["outlet"] == case.outlet_text


def test_every_brief_as_json_at_once(hostile):
    output = cli(hostile, "brief", "--format", "json")
    assert_no_leak(output)
    links = {case.event_id: [case.link] for case in CASES}
    assert {b["event_id"]: url_fields(b) for b in json.loads(output)} == links


# -- the terminal -------------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_show_prints_scraped_text_literally_and_no_escape(hostile, case):
    output = cli(hostile, "show", hostile.article_ids[case.id])
    assert_no_leak(output)
    lines = output.splitlines()
    assert lines[0] == case.title_text
    assert f"  outlet: {case.outlet_text}" in lines
    url_lines = [line for line in lines if line.startswith(("  url:", "  canonical_url:"))]
    expected = [f"  url: {case.link}", f"  canonical_url: {case.link}"] if case.link else []
    assert url_lines == expected


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_show_as_json_hands_out_only_http_links(hostile, case):
    output = cli(hostile, "show", hostile.article_ids[case.id], "--json")
    assert_no_leak(output)
    data = json.loads(output)
    assert (data["url"], data["canonical_url"]) == (case.link, case.link)
    assert data["outlet"] == case.outlet_text


@pytest.mark.parametrize(
    "args",
    [
        ("articles",),
        ("articles", "--json"),
        ("stories",),
        ("stories", "--json"),
        ("storylines",),
        ("storylines", "--json"),
        ("brief",),
    ],
)
def test_listing_commands_print_every_case_without_escapes_or_secrets(hostile, args):
    output = cli(hostile, *args)
    assert_no_leak(output)
    assert "\x1b" not in output


def test_stories_prints_each_title_and_outlet_literally(hostile):
    output = cli(hostile, "stories")
    for case in CASES:
        assert f"{case.event_id}  {case.title_text}" in output
        assert f"  outlets: {case.outlet_text}" in output


def test_a_rejection_is_printed_without_its_credentials_or_escapes(tmp_path):
    empty = tmp_path / "empty\x1b[31m\x07.txt"
    empty.write_text("")
    url = f"http://user:{SECRET}@127.0.0.1:9/news"  # a loopback address: refused, not fetched
    result = CliRunner().invoke(main, ["ingest", str(empty), url, "--db", str(tmp_path / "s.db")])
    assert result.exit_code == 1, result.output
    assert_no_leak(result.output)
    rejections = [line for line in result.stderr.splitlines() if line.startswith("rejected: ")]
    assert len(rejections) == 2, result.stderr
    assert "http://127.0.0.1:9/news" in result.stderr


# -- the web server's parameters, errors and ids ------------------------------------------------

HEADERS = ("Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy")
HUGE = str(2**63)


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/api/search?q=crane%00quay", 200),
        ("/search?q=crane%00quay", 200),
        ("/api/search?q=%1b%5b2J", 200),
        (f"/api/search?q={'x' * 5000}", 422),
        (f"/?page={HUGE}", 422),
        (f"/api/stories?page={HUGE}", 422),
        (f"/api/search?q=crane&page={HUGE}", 422),
        (f"/search?q=crane&page={HUGE}", 422),
        (f"/api/sources/Dunmore%20Gazette?page={HUGE}", 422),
        (f"/sources/Dunmore%20Gazette?page={HUGE}", 422),
        ("/api/stories?page=-1", 422),
        ("/api/stories?page=0", 422),
        ("/api/stories?per_page=100000000000", 422),
        ("/api/stories?per_page=-5", 422),
        (f"/api/stories/ev_plain-https?version={HUGE}", 422),
        ("/api/stories/ev_plain-https?version=-1", 422),
        (f"/stories/ev_plain-https?version={HUGE}", 422),
        ("/api/stories/ev_plain-https?version=7", 404),
        ("/api/stories/ev%00", 404),
        ("/api/articles/%1b%5b2J", 404),
        ("/api/sources/%00", 404),
        (f"/stories/ev_plain-https?mark=1-{HUGE}{HUGE}", 200),
    ],
)
def test_every_parameter_is_bounded(client, path, status):
    response = client.get(path, follow_redirects=False)
    assert response.status_code == status, response.text[:300]
    assert all(name in response.headers for name in HEADERS)
    assert_no_leak(response.text)
    if path.startswith("/api/") and status != 200:
        error = response.json()["error"]
        assert error["status"] == status and error["message"]


def test_a_500_carries_the_security_headers(tmp_path):
    """A brief document this newsweave cannot read (here, one missing its sections) fails the
    request, a bug; the answer still has every header a 200 has."""
    db = tmp_path / "store.db"
    case = CASES[0]
    with open_store(db) as store:
        _, article = store.put_article(_article(case))
        store.put_event_members({article.article_id: ("ev_broken", 1.0)})
        document = to_document(_brief(case, article))
        del document["sections"]
        store.put_brief("ev_broken", "key", document)
    client = TestClient(create_app(Settings(db=db)), raise_server_exceptions=False)
    ok = client.get("/api/articles/" + article.article_id)
    for path in ("/api/stories/ev_broken", "/stories/ev_broken"):
        response = client.get(path)
        assert response.status_code == 500
        assert {name: response.headers.get(name) for name in HEADERS} == {
            name: ok.headers[name] for name in HEADERS
        }
    assert ok.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY


def ambiguous_article_prefix(hostile: Hostile) -> tuple[str, int]:
    """A first character that starts several article ids, and how many."""
    counts: dict[str, int] = {}
    for found in hostile.article_ids.values():
        counts[found[0]] = counts.get(found[0], 0) + 1
    prefix = max(counts, key=lambda c: counts[c])
    assert counts[prefix] > 1
    return prefix, counts[prefix]


def test_an_ambiguous_id_prefix_says_so_on_the_web(client, hostile):
    for path in ("/api/stories/ev_", "/stories/ev_"):
        response = client.get(path)
        assert response.status_code == 400
        assert all(name in response.headers for name in HEADERS)
        shown = lxml.html.document_fromstring(response.text).text_content()
        assert f"'ev_' is ambiguous: {len(CASES)} events have ids starting with it" in shown
    assert response.headers["content-type"].startswith("text/html")
    error = client.get("/api/stories/ev_").json()["error"]
    assert error["code"] == "ambiguous_id"
    assert "ev_bidi-override-outlet, ev_carriage-return-title" in error["message"]
    prefix, count = ambiguous_article_prefix(hostile)
    error = client.get(f"/api/articles/{prefix}").json()["error"]
    assert error["code"] == "ambiguous_id"
    assert f"{count} articles have ids starting with it" in error["message"]


@pytest.mark.parametrize("command", ["brief", "claims", "disagreements"])
def test_an_ambiguous_event_prefix_says_so_in_the_terminal(hostile, command):
    result = CliRunner().invoke(main, [command, "ev_", "--db", str(hostile.db)])
    assert result.exit_code == 1
    assert result.stderr.startswith(
        f"error: 'ev_' is ambiguous: {len(CASES)} events have ids starting with it (ev_bidi"
    )


def test_an_ambiguous_article_prefix_says_so_in_the_terminal(hostile):
    prefix, count = ambiguous_article_prefix(hostile)
    result = CliRunner().invoke(main, ["show", prefix, "--db", str(hostile.db)])
    assert result.exit_code == 1
    assert f"is ambiguous: {count} articles have ids starting with it" in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ("articles", "--limit", HUGE),
        ("articles", "--limit", "-1"),
        ("articles", "--offset", HUGE),
        ("stories", "--limit", HUGE),
        ("stories", "--limit", "-3"),
        ("brief", "ev_plain-https", "--version", HUGE),
        ("brief", "ev_plain-https", "--version", "0"),
    ],
)
def test_every_count_option_is_bounded(hostile, args):
    result = CliRunner().invoke(main, [*args, "--db", str(hostile.db)])
    assert result.exit_code == 2, result.output  # click's usage error, naming the option
    assert "Invalid value for '--" in result.stderr and "Traceback" not in result.output
