"""A hostile pipeline: one bad article or event never stops the store, the watcher or the other
events.

Each store here is a copy of the `sqlite_pipeline`'s (the sample corpus, run through `newsweave
run`: one brief per event) with one hostile article put straight into it, as a store written
before ingest capped its input holds it: a text over spaCy's max_length, a publication time in
the year 9999, control characters. A run over it writes every event's brief, the new one too.
An error no check foresaw (a step made to raise here) fails its own event alone: the failure is
recorded against the event (stage, reason, time), shown by `stories` and on the event's page,
and the next run tries the event again. The parse workers end when a worker fails and die with
their parent; `watch` outlives any exception in a cycle, and ten cycles over a hostile feed
exit 0; settings out of range and unreadable settings files are one line each.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from conftest import SAMPLE
from httpserver import Reply, serve
from newsweave.analysis import stage as analysis_stage
from newsweave.analysis.dates import find_dates
from newsweave.analysis.nlp import PROCESS_MIN_TEXTS, load_nlp, parsable
from newsweave.briefs import stage as briefs_stage
from newsweave.briefs.stage import load_brief
from newsweave.cli import main
from newsweave.errors import SettingsError, one_line_reason
from newsweave.model import Article, Source, article_id
from newsweave.onnx import default_threads
from newsweave.pipeline import PipelineReport
from newsweave.settings import Settings, load_settings
from newsweave.store import open_store
from newsweave.stories import list_events
from newsweave.watch import Cycle, watch
from webserver import serving

SPACY_MAX_LENGTH = 1_000_000
LEAD = (
    "The ferry Almira ran aground off the island of Tessaly on Sunday night, and coastguard "
    "crews took all 212 passengers ashore by dawn, the port authority said. The ship's owner, "
    "Tessaly Lines, said the hull was holed below the waterline and the vessel would be towed "
    "to the dry dock at Veyn once the weather cleared. Two crew members were treated for minor "
    "injuries. Inspectors will report next week on why the ferry left the marked channel, the "
    "authority said, and the route stays closed until they do."
)
MARKER = "POISONPILL"  # in the text of the article whose event a step is made to fail on
MULTI_CORE = pytest.mark.skipif(
    default_threads() == 1, reason="one core: the parse runs in this process, with no workers"
)


def hostile_article(kind: str) -> Article:
    """The ferry report, made hostile one way."""
    text, published_at = LEAD, datetime(2026, 3, 20, 9, 0, tzinfo=UTC)
    if kind == "over-long":  # spaCy refuses it; the analysis reads the part before the limit
        text = f"{LEAD}\n\n" + "y" * (SPACY_MAX_LENGTH + 100 - len(LEAD))
    elif kind == "year-9999":  # "next week" on the last day of the calendar is past its end
        published_at = datetime(9999, 12, 31, 23, 0, tzinfo=UTC)
    elif kind == "control-characters":
        text = LEAD.replace(" ", " \x00\x1b[2J\x07\u202e\x9b", 6)
    elif kind == "poison":
        text = f"{LEAD} ({MARKER})"
    source = Source("Tessaly News", "tessalynews.example")
    title = "Ferry runs aground off Tessaly"
    return web_article(f"https://tessalynews.example/{kind}", source, title, text, published_at)


def web_article(key: str, source: Source, title: str, text: str, published_at: datetime) -> Article:
    """An article as ingest stores a page read from `key`."""
    return Article(
        article_id=article_id(key, title, text),
        key=key,
        source=source,
        title=title,
        text=text,
        raw_text=text,
        url=key,
        published_at=published_at,
    )


def store_with(sqlite_pipeline, tmp_path: Path, article: Article | None = None) -> Path:
    """A copy of the sample store, with `article` put straight into it."""
    db = tmp_path / "store.db"
    with sqlite3.connect(sqlite_pipeline.db) as source, sqlite3.connect(db) as copy:
        source.backup(copy)
    if article is not None:
        with open_store(db) as store:
            store.put_article(article)
    return db


def forget(db: Path, event_ids: set[str]) -> None:
    """Drop these events' analyses and briefs, so the next run analyses and writes them anew."""
    with sqlite3.connect(db) as connection:
        for table in ("event_analyses", "briefs", "brief_search"):
            connection.executemany(
                f"DELETE FROM {table} WHERE event_id = ?", [(e,) for e in event_ids]
            )


def up_to_date(db: Path) -> tuple[set[str], set[str]]:
    """(every event, the events whose latest brief was written from their current analysis)."""
    with open_store(db) as store:
        events = {event.event_id for event in list_events(store)}
        analysed, written = store.get_analysis_keys(), store.get_brief_keys()
    current = {e for e in events if e in analysed and written.get(e, "").startswith(analysed[e])}
    return events, current


def event_of(db: Path, article: Article) -> str:
    with open_store(db) as store:
        return next(e.event_id for e in list_events(store) if article.article_id in e.article_ids)


def run(db: Path, *args: str):
    return CliRunner().invoke(main, ["run", "--db", str(db), *args])


# -- a store holding one hostile article ---------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["over-long", "year-9999", "control-characters"])
def test_a_store_holding_a_hostile_article_still_writes_every_brief(
    sqlite_pipeline, tmp_path, kind
):
    article = hostile_article(kind)
    db = store_with(sqlite_pipeline, tmp_path, article)
    result = run(db)
    assert result.exit_code == 0, result.output
    events, current = up_to_date(db)
    assert current == events  # the hostile article's event too
    assert event_of(db, article) in events
    with open_store(db) as store:
        assert store.list_failures() == []


def test_the_parser_reads_an_over_long_text_cut_as_ingest_cuts_it():
    text = hostile_article("over-long").text
    assert len(text) > SPACY_MAX_LENGTH
    assert text.startswith(parsable(text)) and len(parsable(text)) <= 100_000  # offsets hold
    words = "word " * 30_000
    assert parsable(words) == words[:99_999]  # at the last space, not inside a word
    paragraphs = ("A sentence of a paragraph. " * 10 + "\n") * 1_000
    assert parsable(paragraphs).endswith("paragraph.")  # at a paragraph end
    assert parsable("y" * 200_000) == "y" * 100_000  # a text of one word is cut inside it
    assert parsable(LEAD) is LEAD


# -- an error no check foresaw fails its own event alone ----------------------------------------


def raising_on_the_marker(original: Callable, texts_of: Callable) -> Callable:
    """`original`, raising a two-line error with a terminal escape in it when one of the texts
    `texts_of` finds in its arguments holds MARKER."""

    def step(*args, **kwargs):
        if any(MARKER in text for text in texts_of(*args)):
            raise RuntimeError(f"a step broke on {MARKER}\n\x1b[31msecond line")
        return original(*args, **kwargs)

    return step


STEPS = {
    "analysis": (
        analysis_stage,
        "find_disagreements",
        lambda event_text, *_: [article.text for article in event_text.articles],
    ),
    "briefs": (
        briefs_stage,
        "verify_brief",
        lambda draft, articles, *_: [articles[source.article_id].text for source in draft.sources],
    ),
}


@pytest.mark.slow
@pytest.mark.parametrize("stage", STEPS)
def test_a_failing_event_is_recorded_shown_and_retried_while_the_others_get_briefs(
    sqlite_pipeline, tmp_path, monkeypatch, stage
):
    poison = hostile_article("poison")  # the latest event: the first one each stage takes
    db = store_with(sqlite_pipeline, tmp_path, poison)
    with open_store(db) as store:
        others = {event.event_id for event in list_events(store)[:2]}
    forget(db, others)  # analysed and written again in the run, after the failing event
    module, name, texts_of = STEPS[stage]
    monkeypatch.setattr(module, name, raising_on_the_marker(getattr(module, name), texts_of))

    result = run(db)
    assert result.exit_code == 3, result.output  # partial: one event failed, the rest went on
    failed = event_of(db, poison)
    reason = f"RuntimeError: a step broke on {MARKER} [31msecond line"
    assert result.stderr == (
        f"failed: event {failed}: {stage}: {reason}; the next run tries it again\n"
    )
    events, current = up_to_date(db)
    assert current == events - {failed} and others <= current

    listed = CliRunner().invoke(main, ["stories", "--db", str(db)])
    assert listed.exit_code == 0, listed.output
    lines = listed.stdout.splitlines()
    at = lines.index(next(line for line in lines if line.startswith(failed)))
    failure = next(line for line in lines[at:] if line.startswith("  failed: "))
    assert failure.startswith(f"  failed: {stage} on ") and failure.endswith(
        f"Z: {reason}; the next `newsweave run` tries again"
    )
    assert sum(line.startswith("  failed: ") for line in lines) == 1
    shown = json.loads(CliRunner().invoke(main, ["stories", "--json", "--db", str(db)]).stdout)
    assert {s["event_id"]: [f["stage"] for f in s["failures"]] for s in shown if s["failures"]} == {
        failed: [stage]
    }
    with serving(db) as base:
        page = httpx.get(f"{base}/stories/{failed}").text
        story = httpx.get(f"{base}/api/stories/{failed}").json()
    assert f"The {stage} of this story failed <time" in page and f"a step broke on {MARKER}" in page
    assert [(f["stage"], f["reason"]) for f in story["failures"]] == [(stage, reason)]

    monkeypatch.undo()  # the step works again: the next run gets through and clears the failure
    again = run(db)
    assert again.exit_code == 0, again.output
    assert up_to_date(db)[1] == events
    with open_store(db) as store:
        assert store.list_failures() == []
        assert load_brief(store, failed) is not None


def test_a_failure_is_one_printable_line_of_bounded_length():
    assert one_line_reason(ValueError("two\nlines\x1b[2J\x07 and\ttabs")) == (
        "ValueError: two lines [2J and tabs"
    )
    assert one_line_reason(SettingsError("as it is")) == "as it is"
    long = one_line_reason(RuntimeError("x" * 2_000_000))
    assert len(long) == 300 and long.endswith("…")


# -- parse workers ------------------------------------------------------------------------------

WORKER_FAILS = """
import multiprocessing, sys
from newsweave.analysis.nlp import load_nlp, parse
load_nlp().max_length = 2_000  # a worker fails on the one longer text, as on any error of spaCy's
texts = ["The minister said on Tuesday that the talks would go on. " * 20] * 30
texts[9] = texts[9] * 3
try:
    sum(1 for _ in parse(texts, workers=True))
except ValueError as error:
    print("raised", "E088" in str(error), len(multiprocessing.active_children()))
"""


@pytest.mark.slow  # spaCy's pipeline in every worker
@MULTI_CORE
def test_a_worker_that_fails_ends_the_parse_with_its_error_instead_of_hanging():
    """spaCy's own clean-up waits for ever for a worker blocked sending Docs to a pipe its
    siblings still hold open; parse ends the workers first."""
    result = subprocess.run(
        [sys.executable, "-c", WORKER_FAILS], capture_output=True, text=True, timeout=120
    )
    assert result.stdout == "raised True 0\n", result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.slow
@MULTI_CORE
@pytest.mark.filterwarnings("ignore:.*W127")  # spaCy's: a worker did not end cleanly
def test_a_text_the_parse_workers_fail_on_fails_its_own_event_alone(
    sqlite_pipeline, tmp_path, monkeypatch
):
    """With a worker's parse broken, the events left are parsed in this process, one by one."""
    db = store_with(sqlite_pipeline, tmp_path)
    with open_store(db) as store:
        events = sorted(list_events(store), key=lambda e: len(e.article_ids), reverse=True)
        texts = {a.article_id: a.text for a in store.iter_articles()}
    chosen, count = [], 0
    for event in events:  # the largest events, enough texts for the workers
        chosen.append(event)
        count += len(event.article_ids)
        if count >= PROCESS_MIN_TEXTS:
            break
    longest = max((e for e in chosen), key=lambda e: max(len(texts[a]) for a in e.article_ids))
    limit = max(len(texts[a]) for a in longest.article_ids) - 1
    assert all(len(texts[a]) <= limit for e in chosen if e != longest for a in e.article_ids)
    forget(db, {event.event_id for event in chosen})
    monkeypatch.setattr(load_nlp(), "max_length", limit)  # forked workers inherit it

    with open_store(db) as store:
        report = analysis_stage.analyse_events(
            store, Settings(db=db), event_ids={e.event_id for e in chosen}
        )
        failures = store.list_failures()
    assert list(report.failed) == [longest.event_id] and "[E088]" in report.failed[longest.event_id]
    assert report.analysed == len(chosen) - 1
    assert [(f.event_id, f.stage) for f in failures] == [(longest.event_id, "analysis")]


def workers_of(pid: int) -> set[int]:
    """The pids of the processes whose parent is `pid` and that are not dead."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            found.add(int(stat.parent.name))
    return found


def is_alive(pid: int) -> bool:
    try:
        return (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.slow
@MULTI_CORE
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes from /proc")
def test_the_parse_workers_die_with_a_run_killed_by_sigkill(sqlite_pipeline, tmp_path):
    db = store_with(sqlite_pipeline, tmp_path)
    with open_store(db) as store:
        events = {event.event_id for event in list_events(store)}
    forget(db, events)  # every event parsed again
    process = subprocess.Popen(
        [sys.executable, "-m", "newsweave", "run", "--db", str(db)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 240
    while len(workers := workers_of(process.pid)) < 2:  # one per core once the parse starts
        assert process.poll() is None, process.stderr.read().decode()
        assert time.monotonic() < deadline, "the run started no parse workers in 240 s"
        time.sleep(0.05)
    assert_die_with(process, workers)


def assert_die_with(process: subprocess.Popen, workers: Iterable[int]) -> None:
    """Kill `process` with SIGKILL, and assert that its `workers` die within 30 s."""
    process.send_signal(signal.SIGKILL)
    process.wait()
    deadline = time.monotonic() + 30
    while any(map(is_alive, workers)) and time.monotonic() < deadline:
        time.sleep(0.1)
    survivors = [pid for pid in workers if is_alive(pid)]
    for pid in survivors:  # none, unless the test fails: leave no process behind
        os.kill(pid, signal.SIGKILL)
    assert survivors == []


# -- run's exit codes ---------------------------------------------------------------------------


@pytest.mark.slow
def test_run_exits_as_ingest_does_one_when_no_input_could_be_used(sqlite_pipeline, tmp_path):
    db = store_with(sqlite_pipeline, tmp_path)
    stored = SAMPLE / "articles" / "2026-03-03-brasktribune-fire-kills-nine.txt"
    missing = tmp_path / "missing.txt"
    for command in ("ingest", "run"):
        assert CliRunner().invoke(main, [command, "--db", str(db), str(missing)]).exit_code == 1
        partly = CliRunner().invoke(main, [command, "--db", str(db), str(stored), str(missing)])
        assert partly.exit_code == 3, partly.output
        assert CliRunner().invoke(main, [command, "--db", str(db), str(stored)]).exit_code == 0


# -- watch ---------------------------------------------------------------------------------------


def test_watch_outlives_any_exception_in_a_cycle(tmp_path, monkeypatch):
    calls = []

    def broken_pipeline(*args, **kwargs) -> PipelineReport:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("a bug\nover two lines")
        raise ZeroDivisionError("another")

    monkeypatch.setattr("newsweave.watch.run_pipeline", broken_pipeline)
    cycles: list[Cycle] = []
    report = watch([], Settings(db=tmp_path / "s.db"), interval=1, cycles=2, on_cycle=cycles.append)
    assert (report.cycles, report.failed, report.interrupted) == (2, 2, False)
    first, second = (cycle.summary() for cycle in cycles)
    assert first.endswith(
        "cycle 1 failed: RuntimeError: a bug over two lines; the next cycle tries again"
    )
    assert second.endswith("cycle 2 failed: ZeroDivisionError: another; the next cycle tries again")


def hostile_feed(base: str, good: str) -> str:
    """An RSS feed whose entries are a good report and three hostile ones: a year-9999 date, a
    2 MB title, a link whose host is not valid IDNA."""
    entries = [
        ("Ferry runs aground off Tessaly", f"{base}/ferry", "Mon, 20 Mar 2026 09:00:00 GMT", good),
        ("The last day", f"{base}/last-day", "Fri, 31 Dec 9999 23:59:59 +0000", good),
        ("Long " * 400_000, f"{base}/long-title", "Mon, 20 Mar 2026 10:00:00 GMT", good),
        ("Broken host", "http://xn--a.example/a", "Mon, 20 Mar 2026 11:00:00 GMT", good),
    ]
    items = "".join(
        f"<item><title>{title}</title><link>{link}</link><guid>{link}</guid>"
        f"<pubDate>{date}</pubDate><description>{text}</description></item>"
        for title, link, date, text in entries
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>{items}</channel></rss>'
    )


TEN_CYCLES = ("--interval", "1", "--cycles", "10")


@pytest.mark.slow
def test_ten_watch_cycles_over_a_hostile_feed_exit_zero(tmp_path):
    def feed(request) -> Reply:
        base = f"http://{request.headers['Host']}"
        return Reply(body=hostile_feed(base, LEAD), content_type="application/rss+xml")

    env = {name: value for name, value in os.environ.items() if not name.startswith("NEWSWEAVE_")}
    env |= {
        "NEWSWEAVE_DB": str(tmp_path / "store.db"),
        "NEWSWEAVE_ALLOW_PRIVATE_ADDRESSES": "1",
        "NEWSWEAVE_PER_HOST_INTERVAL": "0",
        "NEWSWEAVE_FEED_FETCH_PAGES": "never",
    }
    with serve({"/feed.xml": feed}) as base:
        result = subprocess.run(
            [sys.executable, "-m", "newsweave", "watch", f"{base}/feed.xml", *TEN_CYCLES],
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
    assert result.returncode == 0, result.stderr[-2000:]
    lines = result.stdout.splitlines()
    assert [line.split(" cycle ")[1].split(":")[0] for line in lines] == [
        str(n) for n in range(1, 11)
    ]
    assert "Traceback" not in result.stderr


# -- settings -----------------------------------------------------------------------------------

OUT_OF_RANGE = [
    ("read_timeout", "nan", "from 0.1 to 3,600 seconds"),
    ("read_timeout", "inf", "from 0.1 to 3,600 seconds"),
    ("connect_timeout", "-1", "from 0.1 to 600 seconds"),
    ("connect_timeout", "0", "from 0.1 to 600 seconds"),
    ("per_host_interval", "-0.5", "from 0 to 3,600 seconds"),
    ("watch_interval", "0", "from 1 to 604,800 seconds"),
    ("llm_timeout", "-inf", "from 1 to 3,600 seconds"),
    ("max_response_bytes", "0", "from 1 to 1,000,000,000 bytes"),
    ("max_file_bytes", "-1", "from 1 to 100,000,000,000 bytes"),
    ("max_redirects", "-1", "from 0 to 30 redirects"),
    ("llm_retries", "1000", "from 0 to 10 retries"),
    ("min_words", "-5", "from 0 to 10,000 words"),
]


@pytest.mark.parametrize(("name", "value", "allowed"), OUT_OF_RANGE)
def test_a_number_out_of_range_is_refused_naming_the_setting_and_its_range(
    tmp_path, name, value, allowed
):
    config = tmp_path / "settings.toml"
    config.write_text(f"{name} = {value}\n")  # TOML has nan and inf too
    kind = type(getattr(Settings(), name))
    for origin, given in [
        ("environment", {"environ": {f"NEWSWEAVE_{name.upper()}": value}}),
        (str(config), {"config": config, "environ": {}}),
        ("option", {"overrides": {name: kind(value)}, "environ": {}}),
    ]:
        with pytest.raises(SettingsError) as refused:
            load_settings(**given)
        assert str(refused.value).startswith(f"setting {name} in {origin} must be {allowed}, not ")
    result = CliRunner().invoke(
        main, ["settings", "--db", str(tmp_path / "s.db")], env={f"NEWSWEAVE_{name.upper()}": value}
    )
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.startswith(f"error: setting {name} in environment must be {allowed}")
    assert len(result.stderr.splitlines()) == 1


def test_the_edges_of_a_range_are_allowed():
    settings = load_settings(
        environ={"NEWSWEAVE_WATCH_INTERVAL": "1", "NEWSWEAVE_PER_HOST_INTERVAL": "0"}
    )
    assert (settings.watch_interval, settings.per_host_interval) == (1.0, 0.0)


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (lambda path: path.mkdir(), "is a folder; give the TOML file in it with --config"),
        (lambda path: path.write_text("db = \n"), "is not valid TOML (Invalid value"),
        (lambda path: path.write_bytes(b"\xff\xfe"), "is not valid TOML ("),
        (lambda path: None, "does not exist; check --config"),
    ],
    ids=["folder", "not-toml", "not-utf8", "missing"],
)
def test_a_settings_file_that_cannot_be_read_is_one_line_and_exit_2(tmp_path, make, says):
    config = tmp_path / "settings.toml"
    make(config)
    for args, env in [(["--config", str(config)], {}), ([], {"NEWSWEAVE_CONFIG": str(config)})]:
        result = CliRunner().invoke(main, ["settings", *args], env=env)
        assert result.exit_code == 2, result.output
        assert result.stdout == "" and len(result.stderr.splitlines()) == 1
        assert result.stderr.startswith(f"error: settings file {config} {says}")


@pytest.mark.slow
@pytest.mark.parametrize(
    "published_at",
    [datetime(9999, 12, 31, 23, 0, tzinfo=UTC), datetime(1, 1, 1, 0, 30, tzinfo=UTC)],
    ids=["year-9999", "year-1"],
)
def test_dates_past_either_end_of_the_calendar_are_left_out(published_at):
    text = (
        "The inquiry will report next year. Ministers met last Friday and meet again next "
        "Friday. The crane fell last week, on December 30."
    )
    found = {mention.text: mention.first for mention in find_dates(text, published_at)}
    assert "next year" not in found if published_at.year == 9999 else "last week" not in found
    assert found["December 30"] == date(published_at.year, 12, 30)


# -- an event of nothing but page furniture ------------------------------------------------------

FURNITURE_ONLY = "\n\n".join(
    [
        "Image caption The lighthouse keeper waves from the gallery at Cape Orrin",
        "Media playback is unsupported on your device",
        "Hide Caption 3 of 13",
        "Thank you for your interest in spreading the word about Orrin Weekly.",
        "Follow us @orrinweekly",
        "This story has been updated.",
    ]
)


@pytest.mark.slow
def test_an_event_of_nothing_but_page_furniture_gets_no_brief(sqlite_pipeline, tmp_path):
    article = web_article(
        "https://orrinweekly.example/lighthouse",
        Source("Orrin Weekly", "orrinweekly.example"),
        "",  # ingest derives no title from a text of nothing but furniture
        FURNITURE_ONLY,
        datetime(2026, 3, 21, 9, 0, tzinfo=UTC),
    )
    db = store_with(sqlite_pipeline, tmp_path, article)
    result = run(db)
    assert result.exit_code == 0, result.output
    assert "1 events have no brief" in result.output
    events, current = up_to_date(db)
    furniture_event = event_of(db, article)
    assert current == events - {furniture_event}  # every other event has its brief
    with open_store(db) as store:
        assert load_brief(store, furniture_event) is None
        assert store.list_failures() == []


@pytest.mark.slow
def test_a_store_of_nothing_but_page_furniture_says_why_it_has_no_brief(tmp_path):
    page = tmp_path / "lighthouse.txt"
    page.write_text(FURNITURE_ONLY + "\n", encoding="utf-8")
    db = tmp_path / "store.db"
    result = CliRunner().invoke(main, ["run", str(page), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "1 events have no brief" in result.output
    shown = CliRunner().invoke(main, ["brief", "--db", str(db)])
    assert shown.exit_code != 0
    assert "no sentence of news, only page furniture" in shown.output
