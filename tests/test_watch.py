"""`newsweave watch`: outlets' feeds polled on an interval, the store shared with a reader.

The outlets are a real HTTP server on 127.0.0.1 (tests/httpserver.py) serving one RSS feed per
outlet, listed in an OPML file, each entry carrying its article's full text. The articles are
the sample corpus's reports of four events; the Korvania Today report of the Port Casimir fire
(E04) is held back and published between the first cycle and the second, as a late report
would be. Meanwhile `newsweave serve`'s app answers from the same store (its pages, API and
Atom feed are read after each cycle), and a separate process reads the SQLite file with one
long-lived connection (listing events and their briefs, and a slow read kept open while the
watcher commits) and records every read.
"""

from __future__ import annotations

import email.utils
import json
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import feedparser
import httpx
import pytest
from click.testing import CliRunner

from conftest import GOLD, SAMPLE
from httpserver import Reply, Request, serve
from newsweave.briefs.stage import load_brief
from newsweave.cli import main
from newsweave.errors import SettingsError
from newsweave.ingest.draft import Draft
from newsweave.ingest.files import read_txt
from newsweave.settings import Settings
from newsweave.store import open_store
from newsweave.stories import list_events
from newsweave.watch import Cycle, watch
from webserver import serving

EVENTS = ("E04", "E07", "E09")  # a fire, an earthquake, a rate rise
# Korvania Today's report of the talks (E02) is in its feed before the late report is.
ALSO = "articles/2026-03-05-korvaniatoday-korda-leads-team.txt"
LATE = "https://korvaniatoday.example/a/nine-killed-in-estravian-chemical-plant-fire-98101"
LOCAL = {"allow_private_addresses": True, "per_host_interval": 0.0, "read_timeout": 5.0}

READER = """
import json, sys, time
from pathlib import Path
from newsweave.briefs.stage import load_brief
from newsweave.store import open_store
from newsweave.stories import list_events

db, stop = sys.argv[1], Path(sys.argv[2])
reads, errors = [], []
with open_store(db) as store:
    print("ready", flush=True)
    while not stop.exists():
        started = time.time()
        try:
            events = list_events(store)
            briefs = [load_brief(store, event.event_id) for event in events]
            for article in store.iter_articles():  # a slow page: a read kept open
                time.sleep(0.01)
        except Exception as error:
            errors.append(f"{type(error).__name__}: {error}")
        else:
            reads.append((started, time.time(), len(events), sum(b is not None for b in briefs)))
        time.sleep(0.05)
print(json.dumps({"reads": reads, "errors": errors}))
"""


# -- the outlets --------------------------------------------------------------------------------


def sample_reports() -> dict[str, Draft]:
    """The sample's plain-text reports of EVENTS, and ALSO, by URL."""
    reports = {}
    for url, article in GOLD["articles"].items():
        if article["format"] == "txt" and (article["event"] in EVENTS or article["file"] == ALSO):
            path = SAMPLE / article["file"]
            reports[url] = read_txt(path.read_text(encoding="utf-8"), str(path))
    return reports


def slug(outlet: str) -> str:
    return "".join(c for c in outlet.lower() if c.isalnum())


class Newsroom:
    """One RSS feed per outlet and an OPML list of them; a report is in its outlet's feed
    from the moment it is published."""

    def __init__(self, reports: dict[str, Draft], held: set[str]) -> None:
        self.reports = reports
        self.published = set(reports) - held
        self.outlets = sorted({draft.source_name or "" for draft in reports.values()})

    def publish(self, url: str) -> None:
        self.published.add(url)

    def routes(self) -> dict[str, object]:
        feeds = {f"/feeds/{slug(outlet)}.xml": self._feed(outlet) for outlet in self.outlets}
        return {"/feeds.opml": self._opml, **feeds}

    def _opml(self, request: Request) -> Reply:
        base = f"http://{request.headers['Host']}"
        outlines = "".join(
            f'<outline type="rss" text={quoteattr(o)} xmlUrl="{base}/feeds/{slug(o)}.xml"/>'
            for o in self.outlets
        )
        body = f'<?xml version="1.0"?><opml version="2.0"><body>{outlines}</body></opml>'
        return Reply(body=body, content_type="text/x-opml")

    def _feed(self, outlet: str):
        def answer(request: Request) -> Reply:
            reports = {u: d for u, d in self.reports.items() if d.source_name == outlet}
            published = {u: d for u, d in reports.items() if u in self.published}
            domain = next(d.domain for d in reports.values())
            return Reply(body=rss(outlet, domain, published), content_type="application/rss+xml")

        return answer


def rss(outlet: str, domain: str | None, reports: dict[str, Draft]) -> str:
    """An outlet's RSS feed with these reports (by URL), each with its full text."""
    items = "".join(_item(url, draft) for url, draft in reports.items())
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
        f"<title>{escape(outlet)}</title><link>https://{domain}/</link>{items}</channel></rss>"
    )


def _item(url: str, draft: Draft) -> str:
    paragraphs = "".join(f"<p>{p}</p>" for p in draft.text.split("\n\n"))
    published = email.utils.format_datetime(draft.published_at) if draft.published_at else ""
    return (
        f"<item><title>{escape(draft.title)}</title><link>{escape(url)}</link>"
        f"<guid>{escape(url)}</guid><pubDate>{published}</pubDate>"
        f"<description>{escape(paragraphs)}</description></item>"
    )


# -- two cycles with a reader beside them -------------------------------------------------------


@dataclass(frozen=True)
class Watched:
    db: Path
    cycles: list[Cycle]
    ended_at: list[float]  # when each cycle ended, as time.time()
    events_after: list[dict[str, set[str]]]  # each cycle's events: id -> article ids
    reads: list[tuple[float, float, int, int]]  # (started, ended, events, briefs)
    reader_errors: list[str]
    served: list[dict[str, object]]  # what `serve` answered after each cycle


@pytest.fixture(scope="module")
def watched(tmp_path_factory) -> Watched:
    folder = tmp_path_factory.mktemp("watch")
    db, stop = folder / "store.db", folder / "stop"
    open_store(db).close()  # a server opens an existing store
    newsroom = Newsroom(sample_reports(), held={LATE})
    cycles: list[Cycle] = []
    ended_at: list[float] = []
    events_after: list[dict[str, set[str]]] = []

    served: list[dict[str, object]] = []

    def on_cycle(cycle: Cycle) -> None:
        ended_at.append(time.time())
        cycles.append(cycle)
        with open_store(db) as store:  # the watcher holds no store between cycles
            events_after.append({e.event_id: set(e.article_ids) for e in list_events(store)})
        served.append(read_site(site))
        newsroom.publish(LATE)

    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(db), str(stop)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert reader.stdout is not None and reader.stdout.readline() == "ready\n"
        with serve(newsroom.routes()) as base, serving(db) as site:
            settings = Settings(db=db, **LOCAL)
            report = watch(
                [f"{base}/feeds.opml"], settings, interval=1, cycles=2, on_cycle=on_cycle
            )
    finally:
        stop.touch()
        output, errors = reader.communicate(timeout=60)
    assert reader.returncode == 0, errors
    assert (report.cycles, report.failed, report.interrupted) == (2, 0, False)
    data = json.loads(output)
    reads = [tuple(read) for read in data["reads"]]
    return Watched(db, cycles, ended_at, events_after, reads, data["errors"], served)


def read_site(base: str) -> dict[str, object]:
    """Every story as the API gives it, each story page, and the Atom feed of all stories."""
    stories = httpx.get(f"{base}/api/stories", params={"per_page": 100}).json()["stories"]
    details = {
        s["event_id"]: httpx.get(f"{base}/api/stories/{s['event_id']}").json() for s in stories
    }
    pages = {event_id: httpx.get(f"{base}/stories/{event_id}").text for event_id in details}
    feed = feedparser.parse(httpx.get(f"{base}/feeds/stories.atom").content)
    return {"stories": details, "pages": pages, "feed": feed}


@pytest.mark.slow
def test_a_late_report_joins_its_event_and_writes_a_second_version_of_the_brief(watched):
    first, second = watched.cycles
    assert first.report is not None and second.report is not None
    assert first.report.ingest is not None and second.report.ingest is not None
    assert len(first.report.ingest.ingested) == len(sample_reports()) - 1
    assert first.report.ingest.rejected == []
    assert len(second.report.ingest.ingested) == 1
    assert len(second.report.ingest.unchanged) == len(sample_reports()) - 1
    assert second.report.stories.new_articles == 1 and second.report.briefs.written == 1

    (late,) = second.report.ingest.ingested
    before, after = watched.events_after
    (event_id,) = [event_id for event_id, articles in after.items() if late in articles]
    assert before[event_id] == after[event_id] - {late}  # the fire's event, now with one more
    assert len(before[event_id]) >= 3
    assert {i: a for i, a in after.items() if i != event_id} == {
        i: a for i, a in before.items() if i != event_id
    }
    with open_store(watched.db) as store:
        article = store.get_article(late)
        first_brief, latest = load_brief(store, event_id, 1), load_brief(store, event_id)
    assert article is not None and article.url == LATE and article.source.name == "Korvania Today"
    assert first_brief is not None and late not in {s.article_id for s in first_brief.sources}
    assert latest is not None and latest.version == 2
    assert latest.changes is not None and latest.changes.previous_version == 1
    assert [latest.source(n).article_id for n in latest.changes.new_sources] == [late]


@pytest.mark.slow
def test_serve_shows_the_late_report_on_its_story_page_and_in_the_feed(watched):
    """While `watch` ingests, the server answers: the story that gained the late report shows
    its second version, with the new source, on its page, in the API and in the Atom feed;
    every stored article is on the page of its story, none lost."""
    (late,) = watched.cycles[1].report.ingest.ingested
    before, after = watched.served
    (event_id,) = [
        e
        for e, story in after["stories"].items()
        if late in {a["article_id"] for a in story["articles"]}
    ]
    assert before["stories"][event_id]["brief"]["version"] == 1
    story = after["stories"][event_id]
    assert story["brief"]["version"] == 2
    assert [v["version"] for v in story["versions"]] == [2, 1]
    new = story["versions"][0]["changes"]["new_sources"]
    assert [story["citations"][n - 1]["article_id"] for n in new] == [late]
    page = after["pages"][event_id]
    assert "Version 2" in page and "Korvania Today" in page and "New since version 1" in page
    entries = {e.id: e for e in after["feed"].entries}
    entry = entries[f"urn:newsweave:story:{event_id}"]
    assert "(version 2)" in entry.content[0].value  # the entry's dates are the news'
    old_entry = {e.id: e for e in before["feed"].entries}[f"urn:newsweave:story:{event_id}"]
    assert "(version 1)" in old_entry.content[0].value and entry.updated >= old_entry.updated
    with open_store(watched.db) as store:
        stored = {article.article_id for article in store.iter_articles()}
    shown = {a["article_id"] for s in after["stories"].values() for a in s["articles"]}
    assert shown == stored and len(stored) == len(sample_reports())
    in_feed = {entry.id.rsplit(":", 1)[1] for entry in after["feed"].entries}
    assert set(after["stories"]) == set(after["pages"]) == in_feed


@pytest.mark.slow
def test_each_cycle_reports_one_line_with_its_counts(watched):
    first, second = watched.cycles
    assert first.started_at < second.started_at
    assert second.summary().endswith(
        f"cycle 2: 1 ingested, 0 revised, {len(sample_reports()) - 1} unchanged, 0 rejected; "
        f"1 new articles, {second.report.stories.events} events; 1 briefs written"
    )
    assert first.summary().startswith(f"{first.started_at:%Y-%m-%d %H:%M:%S}Z cycle 1: ")
    assert "\n" not in first.summary() + second.summary()


@pytest.mark.slow
def test_a_reader_process_keeps_reading_throughout_the_cycles(watched):
    assert watched.reader_errors == []
    reads = watched.reads
    for cycle, ended_at in zip(watched.cycles, watched.ended_at, strict=True):
        started_at = cycle.started_at.timestamp()
        during = [r for r in reads if started_at <= r[0] and r[1] <= ended_at]
        assert during, f"no read finished during cycle {cycle.number}"
    assert reads[0][2:] == (0, 0)  # it read the empty store, then saw the cycles commit
    events = len(watched.events_after[-1])
    assert reads[-1][2:] == (events, events)


# -- the command --------------------------------------------------------------------------------


def local_env(db: Path) -> dict[str, str]:
    """This process's environment without any NEWSWEAVE_* setting, plus a store and the
    settings that let newsweave fetch from 127.0.0.1."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("NEWSWEAVE_")}
    return env | {
        "NEWSWEAVE_DB": str(db),
        "NEWSWEAVE_ALLOW_PRIVATE_ADDRESSES": "1",
        "NEWSWEAVE_PER_HOST_INTERVAL": "0",
    }


@pytest.mark.slow
def test_the_watch_command_prints_a_line_per_cycle_and_one_per_rejected_feed(tmp_path):
    late = sample_reports()[LATE]
    feed = tmp_path / "korvaniatoday.xml"
    feed.write_text(rss("Korvania Today", late.domain, {LATE: late}), encoding="utf-8")
    gone = tmp_path / "gone.xml"
    result = CliRunner().invoke(
        main, ["watch", str(feed), str(gone), "--cycles", "1"], env=local_env(tmp_path / "s.db")
    )
    assert result.exit_code == 0, result.output
    (line,) = result.stdout.splitlines()
    assert line.endswith(
        "Z cycle 1: 1 ingested, 0 revised, 0 unchanged, 1 rejected; 1 new articles, 1 events; "
        "1 briefs written"
    )
    message = "no such file or folder; check the path, or give a full http(s) URL"
    assert result.stderr == f"rejected: {gone}: {message}\n"  # one line per rejected input


@pytest.mark.parametrize(
    ("args", "env", "origin", "value"),
    [
        (["--interval", "0"], {}, "--interval", "0.0"),
        (["--interval", "nan"], {}, "--interval", "nan"),
        (["--interval", "inf"], {}, "--interval", "inf"),
        ([], {"NEWSWEAVE_WATCH_INTERVAL": "0.5"}, "environment", "0.5"),
    ],
)
def test_an_interval_out_of_range_is_refused_in_one_line(tmp_path, args, env, origin, value):
    result = CliRunner().invoke(
        main,
        ["watch", "https://example.org/feed.xml", *args],
        env=local_env(tmp_path / "s.db") | env,
    )
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        f"error: setting watch_interval in {origin} must be from 1 to 604,800 seconds, "
        f"not {value}\n"
    )
    assert not (tmp_path / "s.db").exists()


def test_a_failed_cycle_is_reported_and_the_next_one_goes_on(tmp_path):
    folder = tmp_path / "store.db"
    folder.mkdir()  # a folder where the SQLite file should be: the store cannot be opened
    cycles: list[Cycle] = []
    report = watch([], Settings(db=folder), interval=1, cycles=2, on_cycle=cycles.append)
    assert (report.cycles, report.failed, report.interrupted) == (2, 2, False)
    assert [c.number for c in cycles] == [1, 2]
    assert all(c.report is None and "cannot open the store" in c.summary() for c in cycles)
    assert cycles[0].summary().endswith("; the next cycle tries again")
    apart = cycles[1].started_at - cycles[0].started_at
    assert apart.total_seconds() >= 0.99  # a quick cycle waits out the interval


def test_setting_stop_ends_the_watch_between_cycles(tmp_path):
    stop = threading.Event()
    cycles: list[Cycle] = []

    def on_cycle(cycle: Cycle) -> None:
        cycles.append(cycle)
        stop.set()

    report = watch([], Settings(db=tmp_path / "s.db"), interval=3600, stop=stop, on_cycle=on_cycle)
    assert (report.cycles, report.failed, report.interrupted) == (1, 0, False)
    assert cycles[0].report is not None and cycles[0].report.ingest is None


def test_the_library_refuses_a_short_interval_before_any_cycle(tmp_path):
    with pytest.raises(SettingsError, match=r"watch_interval in --interval must be .*, not 0\.5"):
        watch(["feed.xml"], Settings(db=tmp_path / "s.db"), interval=0.5)
    assert not (tmp_path / "s.db").exists()


@pytest.mark.slow
def test_ctrl_c_ends_the_watch_cleanly_saying_what_stays_stored(tmp_path):
    with serve({}) as base:  # the feed is gone: each cycle is one rejection and nothing else
        process = subprocess.Popen(
            [sys.executable, "-m", "newsweave", "watch", f"{base}/feed.xml", "--interval", "600"],
            env=local_env(tmp_path / "store.db"),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            # Ctrl-C as at a terminal, even when these tests run as a background job of a
            # script, which starts every command with SIGINT ignored.
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )
        assert process.stdout is not None
        line = process.stdout.readline()  # the first cycle's line: it now waits for the next
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=60)
    assert "Z cycle 1: 0 ingested, 0 revised, 0 unchanged, 1 rejected;" in line, line + stderr
    assert process.returncode == 0, stderr
    rejected, stopped = stderr.splitlines()
    assert rejected.startswith(f"rejected: {base}/feed.xml") and "HTTP 404" in rejected
    assert stopped == "stopped after 1 cycle; what was stored stays in the store"
    assert stdout == ""


def test_ctrl_c_that_reaches_another_thread_still_stops_the_watch_at_once(tmp_path):
    """A process-wide signal may be delivered to any thread (a numerical library's, say), and
    that does not interrupt the main thread's wait between cycles: the watch must still stop
    then, not sleep out the interval."""
    stop, fired = threading.Event(), []
    # the safety timer: a daemon, and cancelled at the end, so no run waits half a minute for it
    safety = threading.Timer(30, lambda: (fired.append(True), stop.set()))
    safety.daemon = True

    def ctrl_c_to_another_thread_while_waiting(cycle: Cycle) -> None:
        def later() -> None:
            time.sleep(1)  # the watch is waiting for the next cycle by now
            signal.pthread_kill(threading.get_ident(), signal.SIGINT)

        threading.Thread(target=later, daemon=True).start()
        safety.start()

    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        report = watch(
            [],
            Settings(db=tmp_path / "store.db"),
            interval=600,
            on_cycle=ctrl_c_to_another_thread_while_waiting,
            stop=stop,
        )
    finally:
        signal.signal(signal.SIGINT, previous)
        safety.cancel()
        stop.set()
    assert report.interrupted and report.cycles == 1
    assert not fired  # stopped by Ctrl-C, not by the safety timer half a minute later
