"""A `kill -9` in the middle of a large ingest, then a rerun, loses and duplicates nothing."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

ARTICLES = 2000


def write_corpus(path) -> None:
    with path.open("w") as file:
        for number in range(ARTICLES):
            words = " ".join(f"word{(number * 7 + i) % 997}" for i in range(80))
            text = f"Report number {number} from the harbour district. {words}."
            record = {
                "id": f"n{number}",
                "title": f"Report {number}",
                "text": text,
                "published_at": "2026-03-05",
                "source": "Harbour Herald",
                "url": None,
            }
            file.write(json.dumps(record) + "\n")


def committed(db) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as connection:
            return connection.execute("SELECT count(*) FROM articles").fetchone()[0]
    except sqlite3.OperationalError:  # not created yet, or the writer holds it for a moment
        return 0


def run_ingest(corpus, db) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "newsweave", "ingest", str(corpus), "--db", str(db)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


@pytest.mark.slow
def test_kill_during_ingest_then_rerun_loses_and_duplicates_nothing(tmp_path):
    corpus, db = tmp_path / "big.jsonl", tmp_path / "store.db"
    write_corpus(corpus)
    process = run_ingest(corpus, db)
    deadline = time.monotonic() + 300
    while committed(db) == 0:
        assert process.poll() is None, "ingest ended before it could be killed"
        assert time.monotonic() < deadline, "ingest committed nothing in 300 s"
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.wait()
    survived = committed(db)
    assert 0 < survived < ARTICLES

    rerun = run_ingest(corpus, db)
    _, stderr = rerun.communicate(timeout=600)
    assert rerun.returncode == 0, stderr.decode()
    with sqlite3.connect(db) as connection:
        rows, keys, current = connection.execute(
            "SELECT count(*), count(DISTINCT key), sum(is_current) FROM articles"
        ).fetchone()
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert rows == keys == current == ARTICLES
