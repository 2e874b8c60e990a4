"""`newsweave feeds`: following feeds in the store (add, import an OPML list, list, remove,
export one), and `newsweave watch` with no FEEDS polling them, recording for each whether the
poll read it or why it failed, against a real HTTP server on 127.0.0.1 (tests/httpserver.py)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from httpserver import Reply, serve
from newsweave.cli import main
from newsweave.ingest.feeds import read_opml

EMPTY_FEED = (
    '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
    "<id>urn:test:quiet</id><title>Quiet Gazette</title>"
    "<updated>2026-03-03T10:00:00Z</updated></feed>"
)


def env_for(db: Path) -> dict[str, str]:
    """No NEWSWEAVE_* setting of this process, a store, and fetching from 127.0.0.1 allowed."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("NEWSWEAVE_")}
    return env | {
        "NEWSWEAVE_DB": str(db),
        "NEWSWEAVE_ALLOW_PRIVATE_ADDRESSES": "1",
        "NEWSWEAVE_PER_HOST_INTERVAL": "0",
    }


def run(db: Path, *args: str):
    return CliRunner().invoke(main, list(args), env=env_for(db))


def listed(db: Path) -> list[dict]:
    result = run(db, "feeds", "list", "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_feeds_are_added_imported_listed_exported_and_removed(tmp_path):
    db = tmp_path / "store.db"
    added = run(db, "feeds", "add", "https://a.example/feed.xml", "https://b.example/rss")
    assert added.exit_code == 0, added.output
    assert added.stdout.splitlines() == [
        "following https://a.example/feed.xml",
        "following https://b.example/rss",
    ]
    again = run(db, "feeds", "add", "https://a.example/feed.xml")
    assert again.stdout.strip() == "already following https://a.example/feed.xml"
    opml = tmp_path / "reader.opml"
    opml.write_text(
        '<opml version="2.0"><body><outline text="News">'
        '<outline type="rss" xmlUrl="https://c.example/atom"/>'
        '<outline type="rss" xmlUrl="https://b.example/rss"/></outline></body></opml>',
        encoding="utf-8",
    )
    imported = run(db, "feeds", "import", str(opml))
    assert imported.stdout.splitlines() == [
        "following https://c.example/atom",
        "already following https://b.example/rss",
    ]
    urls = ["https://a.example/feed.xml", "https://b.example/rss", "https://c.example/atom"]
    feeds = listed(db)
    assert [f["url"] for f in feeds] == urls
    assert all(f["status"] == "not polled yet" and f["failures"] == 0 for f in feeds)
    exported = run(db, "feeds", "export")
    assert read_opml(exported.stdout.encode(), "export") == urls  # a reader can import it
    removed = run(db, "feeds", "remove", "https://b.example/rss")
    assert removed.stdout.strip() == "no longer following https://b.example/rss"
    assert [f["url"] for f in listed(db)] == [urls[0], urls[2]]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["feeds", "add", "ftp://a.example/feed"], "not an http(s) feed address: ftp://"),
        (["feeds", "add", "https://u:p@a.example/"], "without credentials"),
        (["feeds", "remove", "https://never.example/"], "not followed: https://never.example/"),
        (["feeds", "import", "missing.opml"], "cannot read missing.opml"),
        (["watch", "--cycles", "1"], "no feeds to watch: give FEEDS, or follow some"),
    ],
)
def test_a_wrong_feed_command_says_what_to_do_in_one_line(tmp_path, args, message):
    db = tmp_path / "store.db"
    run(db, "feeds", "add", "https://a.example/feed.xml")
    run(db, "feeds", "remove", "https://a.example/feed.xml")  # a store that follows nothing
    result = run(db, *args)
    assert result.exit_code == 1
    assert message in result.output and "Traceback" not in result.output


ONE_ENTRY_FEED = (
    '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
    "<id>urn:test:busy</id><title>Busy Gazette</title><updated>2026-03-03T10:00:00Z</updated>"
    "<entry><id>urn:test:busy:1</id><title>Harbour crane collapses onto quay</title>"
    '<link href="https://busy.example/crane"/><updated>2026-03-03T10:00:00Z</updated>'
    '<content type="text">A harbour crane collapsed onto the quay at Port Casimir on Tuesday '
    "morning, the harbour master said. Nobody was hurt, and the quay was closed while engineers "
    "inspected the crane's base. The harbour master said work at the other berths went on as "
    "usual and that the crane's owner had been told to produce its inspection records.</content>"
    "</entry></feed>"
)


def test_watch_without_feeds_polls_the_followed_ones_and_records_each_outcome(tmp_path):
    db = tmp_path / "store.db"
    log: list = []
    routes = {"/quiet.atom": Reply(body=EMPTY_FEED, content_type="application/atom+xml")}
    with serve(routes, log=log) as base:
        good, gone = f"{base}/quiet.atom", f"{base}/gone.atom"
        assert run(db, "feeds", "add", good, gone).exit_code == 0
        for _ in range(2):
            result = run(db, "watch", "--cycles", "1")
            assert result.exit_code == 0, result.output
            assert f"rejected: {gone}" in result.stderr
        # failed twice in a row: the next cycle leaves it alone, and says so
        third = run(db, "watch", "--cycles", "1")
    assert f"rejected: {gone}" not in third.stderr
    assert "1 failing feed backing off (`newsweave feeds list`)" in third.stdout
    assert [r.path for r in log].count("/gone.atom") == 2
    assert [r.path for r in log].count("/quiet.atom") == 3
    quiet, failing = listed(db)
    assert quiet["status"] == "ok" and quiet["last_fetched_at"] and quiet["failures"] == 0
    assert quiet["items"] == 0 and quiet["last_new_at"] is None
    # still followed, shown failing and backing off
    assert failing["status"].startswith("failing (2 polls in a row), backing off until ")
    assert failing["backing_off"] and failing["next_poll_at"]
    assert "404" in failing["last_error"] and failing["last_fetched_at"] is None
    text = run(db, "feeds", "list").stdout
    assert "failing (2 polls in a row), backing off until" in text and "last error" in text


@pytest.mark.slow  # the new article goes through the stories stage's embedder
def test_feeds_list_counts_each_feeds_new_items_and_names_its_outlet(tmp_path):
    db = tmp_path / "store.db"
    routes = {"/busy.atom": Reply(body=ONE_ENTRY_FEED, content_type="application/atom+xml")}
    with serve(routes) as base:
        assert run(db, "feeds", "add", f"{base}/busy.atom").exit_code == 0
        for _ in range(2):  # the second poll brings nothing new
            assert run(db, "watch", "--cycles", "1").exit_code == 0
    (busy,) = listed(db)
    assert busy["items"] == 1 and busy["items_per_day"] == 1.0  # followed less than a day
    assert busy["outlet"] == "Busy Gazette" and busy["last_new_at"] < busy["last_fetched_at"]
    text = run(db, "feeds", "list").stdout
    assert "1.0 items a day" in text and "outlet Busy Gazette" in text
