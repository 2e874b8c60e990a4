"""A sweep of hostile inputs through `ingest`, against loopback servers the tests start.

Each case is one hostile input given next to a good file, with its expected outcome: stored
(with a quality flag, when one says what was done to it) or rejected (with a reason, and words
its message must hold). Whatever the case, the good file is stored, and nothing stored or
rejected holds a control character, a credential, a text the parser cannot take or a time the
dates code cannot count from. The classes: poison pills (a text past the parser's limit, times
at the datetime limits, deep JSON), control characters, inputs that once raised (a host that is
no IDNA name, a charset that is no text encoding), decompression bombs, credentials in URLs,
files that are not regular files and folders with nothing to read, and the address guard's
passes (private addresses and redirects to them refused, size caps).
"""

from __future__ import annotations

import functools
import json
import os
import re
import tracemalloc
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from httpserver import Reply, Request, Route, serve
from network import PUBLIC_IP, LocalRouter, guarded_fetcher
from newsweave.errors import ResponseTooLarge
from newsweave.ingest import feeds, stage
from newsweave.ingest.clean import MAX_TEXT_CHARS, clean_text
from newsweave.ingest.stage import ingest
from newsweave.ingest.web import Fetcher
from newsweave.model import Article, IngestReport, Rejection
from newsweave.settings import Settings
from newsweave.store import open_store

LOCAL = Settings(
    allow_private_addresses=True,
    respect_robots=False,
    per_host_interval=0,
    connect_timeout=0.5,
    read_timeout=0.5,
    max_response_bytes=1_000_000,
    feed_fetch_pages="never",
)
GUARDED = replace(LOCAL, allow_private_addresses=False)
SECRET = "hunter2"  # the password of every URL with credentials here
GOOD_TITLE = "Harbour wall to be extended"
BODY = (
    "The council voted on Thursday to extend the harbour wall after the winter storms damaged "
    "the old one in three places, officials said. Work starts in spring and should take "
    "eighteen months, according to the harbour master, who said boats would be moved to the "
    "north quay while the builders work. The cost will be shared with the port authority."
)
# What must never be stored or shown: C0 and C1 controls (but tab and newline), DEL, bidi
# embeddings, overrides and isolates, lone surrogates.
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
EVIL = "\x1b[2J\x1b]8;;http://evil.example\x07\u202e\x00\x9b\x85\x08\udcff"  # in every field
IN_FILE = EVIL.replace("\x00", "").replace("\udcff", "")  # a NUL makes a file binary


def txt(title: str, body: str = BODY, **header: str) -> str:
    lines = [f"{name}: {value}" for name, value in header.items()]
    return "\n".join([title, *lines, "", body])


def record(**fields: str) -> str:
    return json.dumps({"title": "Quay to reopen", "text": BODY, **fields})


def rss(*items: Mapping[str, str], title: str = "Coast Courier") -> str:
    """An RSS feed; each item's values are raw XML."""
    entries = "".join(
        "<item>" + "".join(f"<{k}>{v}</{k}>" for k, v in item.items()) + "</item>" for item in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{title}</title><link>https://coast.example/</link>{entries}</channel></rss>"
    )


def page(head: str = "", title: str = "Quay to reopen") -> str:
    return (
        f"<html><head><title>{title}</title>{head}</head><body><article><h1>{title}</h1>"
        f"<p>{BODY}</p><p>{BODY}</p></article></body></html>"
    )


def gzipped(data: bytes, layers: int = 1, wbits: int = 31) -> bytes:
    for _ in range(layers):
        packer = zlib.compressobj(9, zlib.DEFLATED, wbits)
        data = packer.compress(data) + packer.flush()
    return data


@functools.cache
def bomb(layers: int, wbits: int = 31) -> bytes:
    """64 MB of zeros, compressed `layers` times: a few hundred bytes to a few KB on the wire."""
    packer = zlib.compressobj(9, zlib.DEFLATED, wbits)
    inner = b"".join(packer.compress(bytes(1 << 20)) for _ in range(64)) + packer.flush()
    return gzipped(inner, layers - 1)


def encoded(body: bytes, coding: str) -> Callable[[Request], Reply]:
    return lambda request: Reply(body=body, headers={"Content-Encoding": coding})


def nested(depth: int) -> str:
    return '{"text": ' + "[" * depth + "]" * depth + "}"


@dataclass(frozen=True)
class Case:
    """One hostile input and what must come of it; the good file is always given after it.

    `inputs` name "{dir}" (the case's folder, holding `files`), "{base}" (the loopback server
    answering `routes`), "{cred}" (the same with credentials), "{localhost}" and "{port}".
    """

    inputs: tuple[str, ...]
    files: Mapping[str, str | bytes] = field(default_factory=dict)
    routes: Mapping[str, Route] = field(default_factory=dict)
    setup: Callable[[Path], object] | None = None  # makes what files cannot (links, FIFOs)
    stored: str | None = None  # stored, with this flag ("": with any flags or none)
    rejected: tuple[str, str] | None = None  # (reason, words in the message)
    settings: Settings = LOCAL
    reaches_server: bool = True  # False: no request may reach the loopback server


def link(target: str, name: str) -> Callable[[Path], None]:
    return lambda folder: (folder / name).symlink_to(target)


def fifo(name: str) -> Callable[[Path], None]:
    return lambda folder: os.mkfifo(folder / name)


CASES = [
    # -- poison pills: limits of the later stages, enforced at entry ------------------------
    pytest.param(
        Case(
            ("{dir}/long.txt",),
            {"long.txt": txt("Dredging log", (BODY + "\n\n") * 3000)},
            stored="oversized",
        ),
        id="text-over-the-parser-limit-txt",
    ),
    pytest.param(
        Case(("{dir}/long.jsonl",), {"long.jsonl": record(text=BODY * 3000)}, stored="oversized"),
        id="text-over-the-parser-limit-jsonl-one-paragraph",
    ),
    pytest.param(
        Case(
            ("{dir}/late.txt",),
            {"late.txt": txt("Quay to reopen", published="9999-12-31T23:59:59-23:59")},
            stored="impossible_date",
        ),
        id="time-9999-with-offset-txt",
    ),
    pytest.param(
        Case(
            ("{dir}/early.json",),
            {"early.json": record(published_at="0001-01-01T00:00:00+23:59")},
            stored="impossible_date",
        ),
        id="time-year-1-with-offset-json",
    ),
    pytest.param(
        Case(
            ("{dir}/ahead.jsonl",),
            {"ahead.jsonl": record(published_at="2999-01-01")},
            stored="impossible_date",
        ),
        id="time-far-ahead-jsonl",
    ),
    pytest.param(
        Case(
            ("{dir}/old.txt",),
            {"old.txt": txt("Quay to reopen", published="Mon, 01 Jan 1849 00:00:00 +0000")},
            stored="impossible_date",
        ),
        id="time-before-1900-rfc2822-txt",
    ),
    pytest.param(
        Case(
            ("{dir}/late.rss",),
            {
                "late.rss": rss(
                    {"title": "Quay", "description": BODY, "pubDate": "9999-12-31T23:59:59-23:59"}
                )
            },
            stored="impossible_date",
        ),
        id="time-9999-with-offset-feed-iso",
    ),
    pytest.param(
        Case(
            ("{dir}/late.rss",),
            {
                "late.rss": rss(
                    {
                        "title": "Quay",
                        "description": BODY,
                        "pubDate": "Fri, 31 Dec 9999 23:59:59 -2359",
                    }
                )
            },
            stored="impossible_date",
        ),
        id="time-9999-with-offset-feed-rfc2822",
    ),
    pytest.param(
        Case(
            ("{dir}/late.html",),
            {
                "late.html": page(
                    '<meta property="article:published_time" content="9999-12-31T23:59:59-23:59">'
                )
            },
            stored="impossible_date",
        ),
        id="time-9999-with-offset-html-meta",
    ),
    pytest.param(
        Case(
            ("{dir}/deep.json",),
            {"deep.json": nested(100_000)},
            rejected=("bad-json", "nested too deeply"),
        ),
        id="deep-json",
    ),
    pytest.param(
        Case(
            ("{dir}/deep.jsonl",),
            {"deep.jsonl": record() + "\n" + nested(100_000)},
            stored="",
            rejected=("bad-json", "deep.jsonl:2: JSON is nested too deeply"),
        ),
        id="deep-jsonl-line-the-other-lines-stored",
    ),
    # -- control characters ----------------------------------------------------------------
    pytest.param(
        Case(
            ("{dir}/evil.jsonl",),
            {
                "evil.jsonl": json.dumps(
                    {
                        "title": f"Quay{EVIL} to reopen",
                        "text": f"{BODY}{EVIL} {BODY}",
                        "source": f"Tide{EVIL} Post",
                        "url": f"https://tide.example/quay{EVIL}",
                        "published_at": "2026-03-05",
                    }
                )
            },
            stored="",
        ),
        id="control-characters-and-lone-surrogates-json",
    ),
    pytest.param(
        Case(
            ("{dir}/evil.txt",),
            {
                "evil.txt": txt(
                    f"Quay{IN_FILE} to reopen",
                    source=f"Tide{IN_FILE} Post",
                    author=f"Ann{IN_FILE}",
                )
            },
            stored="",
        ),
        id="control-characters-txt-header",
    ),
    pytest.param(
        Case(
            ("{dir}/evil.rss",),
            {
                "evil.rss": rss(
                    {"title": "Quay\u202e\x85", "description": BODY, "author": "Ann\x9b"},
                    title="Coast\u202e\x9b Courier",
                )
            },
            stored="",
        ),
        id="control-characters-feed",
    ),
    # -- inputs that once raised: each is one rejection, or stored with a flag ----------
    *(
        pytest.param(
            Case(
                ("{dir}/odd.rss",),
                {"odd.rss": rss({"title": "Quay", "description": BODY}).replace("utf-8", name)},
                rejected=("malformed-feed", "declares an encoding"),
            ),
            id=f"feed-encoding-{name}",
        )
        for name in ("punycode", "undefined")
    ),
    pytest.param(
        Case(("http://xn--zz.example/a",), rejected=("bad-url", "not a valid URL")),
        id="host-not-idna-url",
    ),
    pytest.param(
        Case(("http://a\u200b.example/a",), rejected=("bad-url", "not a valid URL")),
        id="host-with-zero-width-space-url",
    ),
    pytest.param(
        Case(
            ("{dir}/links.rss",),
            {
                "links.rss": rss(
                    {"title": "Quay", "description": BODY, "link": "http://xn--zz.example/quay"},
                    {"title": "Ferry", "description": BODY, "link": "https://coast.example/f"},
                )
            },
            stored="",
            rejected=("bad-url", "xn--zz.example/quay is not a valid URL"),
        ),
        id="host-not-idna-feed-entry-the-other-entry-stored",
    ),
    *(
        pytest.param(
            Case(
                ("{base}/quay",),
                routes={"/quay": Reply(body=page(), content_type=f"text/html; charset={name}")},
                stored="unknown_charset",
            ),
            id=f"charset-{name}",
        )
        for name in ("base64", "uu_codec", "zlib", "rot13", "idna", "punycode", "no-such-set")
    ),
    pytest.param(
        Case(
            ("{base}/quay",),
            routes={"/quay": Reply(body=page('<meta charset="hex">'), content_type="text/html")},
            stored="unknown_charset",
        ),
        id="meta-charset-hex",
    ),
    # -- decompression bombs and content codings ----------------------------------------
    pytest.param(
        Case(
            ("{base}/b",),
            routes={"/b": encoded(bomb(2), "gzip, gzip")},
            rejected=("too-large", "byte limit"),
        ),
        id="bomb-gzip-gzip",
    ),
    pytest.param(
        Case(
            ("{base}/b",),
            routes={"/b": encoded(bomb(3), "gzip, gzip, gzip")},
            rejected=("too-large", "byte limit"),
        ),
        id="bomb-gzip-x3",
    ),
    pytest.param(
        Case(
            ("{base}/b",),
            routes={"/b": encoded(bomb(1, wbits=-15), "deflate")},
            rejected=("too-large", "byte limit"),
        ),
        id="bomb-raw-deflate",
    ),
    pytest.param(
        Case(
            ("{base}/p",),
            routes={"/p": encoded(gzipped(page().encode(), 2), "gzip, gzip")},
            stored="",
        ),
        id="page-gzip-gzip-decoded",
    ),
    pytest.param(
        Case(
            ("{base}/p",),
            routes={"/p": encoded(gzipped(page().encode(), wbits=15), "deflate")},
            stored="",
        ),
        id="page-zlib-deflate-decoded",
    ),
    pytest.param(
        Case(
            ("{base}/p",),
            routes={"/p": encoded(b"\x1b\x00\x00\x00junk", "br")},
            rejected=("bad-encoding", "content coding br"),
        ),
        id="coding-not-asked-for",
    ),
    pytest.param(
        Case(
            ("{base}/p",),
            routes={"/p": encoded(b"this is not gzip at all", "gzip")},
            rejected=("bad-encoding", "corrupt"),
        ),
        id="coding-corrupt",
    ),
    # -- credentials: used for the request, never stored, shown or an outlet's name -------
    pytest.param(
        Case(("{cred}/quay",), routes={"/quay": page()}, stored=""), id="credentials-page"
    ),
    pytest.param(
        Case(
            ("{cred}/feed",),
            routes={
                "/feed": rss(
                    {"title": "Quay", "description": BODY, "link": "https://coast.example/q"}
                )
            },
            stored="",
        ),
        id="credentials-feed-url",
    ),
    pytest.param(
        Case(("{cred}/gone",), rejected=("http-404", "HTTP 404")), id="credentials-in-a-rejection"
    ),
    pytest.param(
        Case(
            ("{dir}/cred.json",),
            {
                "cred.json": record(
                    url=f"https://ed:{SECRET}@tide.example/q",
                    source=f"https://ed:{SECRET}@tide.example",
                )
            },
            stored="",
        ),
        id="credentials-json",
    ),
    pytest.param(
        Case(
            ("{dir}/cred.txt",),
            {
                "cred.txt": "Menu\n"
                + txt("Quay to reopen", url=f"https://ed:{SECRET}@tide.example/q")
            },
            stored="",
        ),
        id="credentials-txt-header-and-raw-text",
    ),
    pytest.param(
        Case(
            ("{dir}/cred.rss",),
            {
                "cred.rss": rss(
                    {
                        "title": "Quay",
                        "description": BODY,
                        "link": f"https://ed:{SECRET}@coast.example/q",
                    }
                )
            },
            stored="",
        ),
        id="credentials-feed-entry-link",
    ),
    # -- files that are not regular files; folders with nothing to read -------------------
    pytest.param(
        Case(
            ("{dir}/zero.txt",),
            setup=link("/dev/zero", "zero.txt"),
            rejected=("not-a-file", "not a regular file"),
        ),
        id="link-to-dev-zero",
    ),
    pytest.param(
        Case(
            ("{dir}/pipe.txt",),
            setup=fifo("pipe.txt"),
            rejected=("not-a-file", "not a regular file"),
        ),
        id="fifo-named-txt",
    ),
    pytest.param(
        Case(
            ("{dir}/in",),
            {"in/a.txt": txt("Quay to reopen")},
            setup=lambda d: (
                fifo("in/pipe.txt")(d),
                link("/dev/zero", "in/zero.json")(d),
                link("/nowhere", "in/gone.txt")(d),
            ),
            stored="",
            rejected=("not-a-file", "pipe.txt: is not a regular file"),
        ),
        id="folder-walk-goes-past-a-fifo-a-device-and-a-dangling-link",
    ),
    pytest.param(
        Case(
            ("{dir}/in",),
            setup=lambda d: (d / "in").mkdir(),
            rejected=("empty", "holds no files newsweave reads"),
        ),
        id="empty-folder",
    ),
    pytest.param(
        Case(
            ("{dir}/in",),
            {"in/photo.png": b"\x89PNG", "in/.hidden.txt": txt("Quay")},
            rejected=("empty", "check the path"),
        ),
        id="folder-of-nothing-to-read",
    ),
    # -- the address guard's passes and the caps --------------------------------------------
    pytest.param(
        Case(
            ("{base}/quay",),
            routes={"/quay": page()},
            rejected=("private-address", "loopback address"),
            settings=GUARDED,
            reaches_server=False,
        ),
        id="guard-loopback",
    ),
    pytest.param(
        Case(
            ("{localhost}/quay",),
            routes={"/quay": page()},
            rejected=("private-address", "loopback address"),
            settings=GUARDED,
            reaches_server=False,
        ),
        id="guard-localhost-name",
    ),
    pytest.param(
        Case(
            ("http://10.0.0.1/intranet",),
            rejected=("private-address", "private address"),
            settings=GUARDED,
            reaches_server=False,
        ),
        id="guard-private-address",
    ),
    pytest.param(
        Case(
            ("http://[::ffff:127.0.0.1]:{port}/quay",),
            routes={"/quay": page()},
            rejected=("private-address", "loopback address"),
            settings=GUARDED,
            reaches_server=False,
        ),
        id="guard-ipv4-mapped-loopback",
    ),
    pytest.param(
        Case(
            ("http://169.254.169.254/latest/meta-data/",),
            rejected=("private-address", "link-local"),
            settings=GUARDED,
            reaches_server=False,
        ),
        id="guard-cloud-metadata",
    ),
    pytest.param(
        Case(
            ("{base}/big",),
            routes={"/big": Reply(body=b"x" * 10, headers={"Content-Length": "2000000"})},
            rejected=("too-large", "byte limit"),
        ),
        id="cap-declared-length",
    ),
    pytest.param(
        Case(
            ("{base}/big",),
            routes={"/big": Reply(body=iter([b"<p>" + b"x" * 100_000] * 20))},
            rejected=("too-large", "byte limit"),
        ),
        id="cap-chunked-body",
    ),
    pytest.param(
        Case(("file:///etc/passwd",), rejected=("unsupported", "only http and https")),
        id="scheme-file",
    ),
    pytest.param(
        Case(("javascript:alert(1)",), rejected=("not-found", "no such file")),
        id="scheme-javascript",
    ),
]


def run(
    folder: Path, inputs: list[str], settings: Settings = LOCAL, **options
) -> tuple[IngestReport, list[Article], list[Rejection]]:
    with open_store(folder / "store.db") as store:
        report = ingest(inputs, store, settings, **options)
        return report, list(store.iter_articles()), store.list_rejections()


def assert_nothing_unsafe(articles: list[Article], rejections: list[Rejection]) -> None:
    """No control character or credential anywhere; every text and time within the limits."""
    latest = datetime.now(UTC) + timedelta(days=2)
    for article in articles:
        source = article.source
        fields = [article.title, article.text, article.raw_text, article.url, article.author]
        fields += [article.canonical_url, source.name, source.domain, article.key]
        fields += [flag.detail for flag in article.flags]
        for value in filter(None, fields):
            assert not UNSAFE.search(value), (article.article_id, value[:200])
            assert SECRET not in value, (article.article_id, value[:200])
        assert len(article.text) <= MAX_TEXT_CHARS
        published = article.published_at
        assert published is None or datetime(1900, 1, 1, tzinfo=UTC) <= published <= latest
    for rejection in rejections:
        for value in (rejection.input, rejection.message):
            assert not UNSAFE.search(value) and SECRET not in value, rejection


@pytest.mark.parametrize("case", CASES)
def test_a_hostile_input_is_stored_safely_or_rejected_and_the_rest_goes_on(tmp_path, case: Case):
    for name, content in case.files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        data = content.encode("utf-8", "surrogatepass") if isinstance(content, str) else content
        (tmp_path / name).write_bytes(data)
    if case.setup:
        case.setup(tmp_path)
    (tmp_path / "good.txt").write_text(txt(GOOD_TITLE, published="2026-03-05"))
    log: list[Request] = []
    with serve(case.routes, log=log) as base:
        port = base.rsplit(":", 1)[1]
        names = {
            "dir": tmp_path,
            "base": base,
            "cred": base.replace("//", f"//ed:{SECRET}@"),
            "localhost": base.replace("127.0.0.1", "localhost"),
            "port": port,
        }
        inputs = [item.format(**names) for item in case.inputs] + [str(tmp_path / "good.txt")]
        report, articles, rejections = run(tmp_path, inputs, case.settings)

    assert GOOD_TITLE in {article.title for article in articles}, report.rejected
    hostile = [article for article in articles if article.title != GOOD_TITLE]
    if case.stored is not None:
        assert hostile, report.rejected
        if case.stored:
            assert all(article.has_flag(case.stored) for article in hostile), hostile
    if case.rejected is not None:
        reason, words = case.rejected
        assert any(r.reason == reason and words in r.message for r in rejections), rejections
    else:
        assert rejections == []
    if case.stored is None:
        assert hostile == []
    if not case.reaches_server:
        assert log == [], "a request reached the loopback server"
    assert report.rejected == rejections[::-1]  # what is shown is what is stored
    assert_nothing_unsafe(articles, rejections)


# -- what the sweep's one-line outcomes cannot show -----------------------------------------


def test_a_stacked_bomb_is_refused_in_bounded_memory():
    wire = bomb(2)
    assert len(wire) < 4096  # 64 MB of zeros, a few KB on the wire
    with serve({"/b": encoded(wire, "gzip, gzip")}) as base, Fetcher(LOCAL) as fetcher:
        tracemalloc.start()
        try:
            with pytest.raises(ResponseTooLarge, match="byte limit"):
                fetcher.fetch(f"{base}/b")
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert peak < 8 * LOCAL.max_response_bytes  # inflating all of it would take 64 MB


def test_credentials_are_sent_with_the_request_and_kept_nowhere(tmp_path):
    log: list[Request] = []
    with serve({"/quay": page()}, log=log) as base:
        url = base.replace("//", f"//ed:{SECRET}@") + "/quay"
        _, (article,), _ = run(tmp_path, [url])
    assert log[0].headers["Authorization"] == "Basic ZWQ6aHVudGVyMg=="  # ed:hunter2
    assert article.url == f"{base}/quay"
    assert article.source.name == "127.0.0.1"  # the host alone names a site with no name


def test_a_redirect_to_loopback_is_refused_and_the_rest_goes_on(tmp_path):
    log: list[Request] = []
    network = LocalRouter()
    target = {}
    routes = {
        "/start": lambda request: Reply(status=302, headers={"Location": target["url"]}),
        "/secret": page(),
    }
    resolve = lambda host, port: [PUBLIC_IP] if host == "news.example" else ["127.0.0.1"]  # noqa: E731
    (tmp_path / "good.txt").write_text(txt(GOOD_TITLE))
    with serve(routes, log=log) as base, guarded_fetcher(resolve, network, GUARDED) as fetcher:
        target["url"] = f"{base}/secret"
        start = base.replace("127.0.0.1", "news.example") + "/start"
        _, articles, (rejection,) = run(
            tmp_path, [start, str(tmp_path / "good.txt")], GUARDED, fetcher=fetcher
        )
    assert (rejection.input, rejection.reason) == (start, "private-address")
    assert [request.path for request in log] == ["/start"]
    assert network.connected == [PUBLIC_IP]
    assert [article.title for article in articles] == [GOOD_TITLE]


def test_a_name_resolving_to_a_private_address_is_never_connected(tmp_path):
    network = LocalRouter()
    with guarded_fetcher(lambda host, port: ["10.0.0.5"], network, GUARDED) as fetcher:
        _, _, (rejection,) = run(tmp_path, ["http://intranet.example/"], GUARDED, fetcher=fetcher)
    assert rejection.reason == "private-address" and "10.0.0.5" in rejection.message
    assert network.connected == []


def test_an_input_rejected_on_every_run_is_stored_once(tmp_path):
    with serve({}) as base, open_store(tmp_path / "store.db") as store:
        for _ in range(3):  # three `watch` cycles over a feed that is gone
            ingest([f"{base}/feed.xml"], store, LOCAL)
        assert [(r.input, r.reason) for r in store.list_rejections()] == [
            (f"{base}/feed.xml", "http-404")
        ]


@pytest.mark.parametrize(
    ("text", "ends_with"),
    [
        pytest.param((BODY + "\n\n") * 3000, "port authority.", id="at-a-paragraph-end"),
        pytest.param(BODY * 3000, ".", id="at-a-sentence-end"),
        pytest.param("harbour " * 30_000, "harbour", id="at-a-space"),
        pytest.param("x" * 300_000, "x", id="mid-word-when-nothing-else"),
    ],
)
def test_an_oversized_text_is_cut_at_a_paragraph_or_sentence_end(text, ends_with):
    cleaned = clean_text(text)
    assert MAX_TEXT_CHARS // 2 < len(cleaned.text) <= MAX_TEXT_CHARS
    assert cleaned.text.endswith(ends_with)
    (flag,) = [flag for flag in cleaned.flags if flag.kind == "oversized"]
    assert f"{len(text):,} were received" in flag.detail


# -- an exception no reader expects ends one input, never the batch ------------------------


def failing_on(name: str, error: BaseException, real: Callable) -> Callable:
    def read(path: Path, *args):
        if path.name == name:
            raise error
        return real(path, *args)

    return read


def test_an_unexpected_error_in_one_file_is_its_rejection_and_the_walk_goes_on(
    tmp_path, monkeypatch
):
    for name in ("a", "b", "c"):
        (tmp_path / "in").mkdir(exist_ok=True)
        (tmp_path / "in" / f"{name}.txt").write_text(txt(f"Report {name}"))
    failing = failing_on("b.txt", RuntimeError("the parser fell over"), stage.read_file)
    monkeypatch.setattr(stage, "read_file", failing)
    _, articles, (rejection,) = run(tmp_path, [str(tmp_path / "in")])
    assert sorted(article.title for article in articles) == ["Report a", "Report c"]
    assert rejection.input == str(tmp_path / "in" / "b.txt") and rejection.reason == "failed"
    assert "RuntimeError: the parser fell over" in rejection.message


def test_an_unexpected_error_in_one_feed_entry_is_its_rejection(tmp_path, monkeypatch):
    (tmp_path / "f.rss").write_text(
        rss(
            {"title": "Quay", "description": f"{BODY} POISON", "link": "https://c.example/q"},
            {"title": "Ferry", "description": BODY, "link": "https://c.example/f"},
        )
    )
    real = feeds._plain_text
    monkeypatch.setattr(
        feeds, "_plain_text", lambda html: real(html) if "POISON" not in html else 1 / 0
    )
    _, articles, (rejection,) = run(tmp_path, [str(tmp_path / "f.rss")])
    assert [article.title for article in articles] == ["Ferry"]
    assert rejection.reason == "failed" and "ZeroDivisionError" in rejection.message


def test_an_error_building_one_article_loses_none_of_the_others(tmp_path, monkeypatch):
    lines = [record(title=f"Report {n}", url=f"https://c.example/{n}") for n in range(1, 6)]
    (tmp_path / "five.jsonl").write_text("\n".join(lines))
    real = stage.build_article

    def build(draft, *args):
        if draft.title == "Report 3":
            raise ValueError("no such thing")
        return real(draft, *args)

    monkeypatch.setattr(stage, "build_article", build)
    _, articles, (rejection,) = run(tmp_path, [str(tmp_path / "five.jsonl")])
    assert sorted(a.title for a in articles) == ["Report 1", "Report 2", "Report 4", "Report 5"]
    assert rejection.input == f"{tmp_path / 'five.jsonl'}:3" and rejection.reason == "failed"


def test_what_was_read_before_an_interruption_is_stored(tmp_path, monkeypatch):
    for name in ("a", "b", "c"):
        (tmp_path / f"{name}.txt").write_text(txt(f"Report {name}"))
    failing = failing_on("c.txt", KeyboardInterrupt(), stage.read_file)
    monkeypatch.setattr(stage, "read_file", failing)
    inputs = [str(tmp_path / f"{name}.txt") for name in ("a", "b", "c")]
    with pytest.raises(KeyboardInterrupt):
        run(tmp_path, inputs)
    with open_store(tmp_path / "store.db") as store:
        assert sorted(a.title for a in store.iter_articles()) == ["Report a", "Report b"]


def unlistable(folder: Path, monkeypatch) -> None:
    """Listing `folder` fails as it would without the permission (the tests may run as root)."""
    real = os.scandir

    def scandir(path):
        if Path(path) == folder:
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)


def test_an_unreadable_folder_is_an_error_naming_it(tmp_path, monkeypatch):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(txt("Report a"))
    unlistable(tmp_path / "in", monkeypatch)
    _, articles, (rejection,) = run(tmp_path, [str(tmp_path / "in")])
    assert articles == []
    assert rejection.input == str(tmp_path / "in") and rejection.reason == "unreadable"
    assert "cannot list the folder (Permission denied)" in rejection.message


def test_an_unreadable_subfolder_is_reported_and_the_walk_goes_on(tmp_path, monkeypatch):
    (tmp_path / "in" / "locked").mkdir(parents=True)
    (tmp_path / "in" / "a.txt").write_text(txt("Report a"))
    (tmp_path / "in" / "locked" / "b.txt").write_text(txt("Report b"))
    unlistable(tmp_path / "in" / "locked", monkeypatch)
    _, articles, (rejection,) = run(tmp_path, [str(tmp_path / "in")])
    assert [article.title for article in articles] == ["Report a"]
    assert rejection.input == str(tmp_path / "in" / "locked")
    assert rejection.reason == "unreadable" and "Permission denied" in rejection.message
