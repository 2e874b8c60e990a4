"""`newsweave backfill`: an archive through every stage a batch at a time, and resumed after a
kill with the same result as an uninterrupted backfill.

The fast tests hold what resuming rests on: ingest reports each finished batch with the items
read so far, reads past the items it is told to skip without storing them, and the checkpoint's
key changes with what was given. The slow one kills a backfill of the sample corpus (four
batches) with SIGKILL once its first batch is through every stage, runs it again, and compares
every event, analysis and brief with an uninterrupted backfill's.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import SAMPLE, store_outcome
from newsweave.backfill import CHECKPOINT, inputs_key
from newsweave.cli import main
from newsweave.ingest.stage import ingest
from newsweave.settings import Settings
from newsweave.store import open_store

TEXT = "The harbour authority closed the north quay after a crane collapsed on Tuesday. " * 10


def _archive(folder: Path, count: int) -> Path:
    path = folder / "archive.jsonl"
    lines = [
        json.dumps({"title": f"Quay report {n}", "text": f"Report {n}. {TEXT}", "source": "Herald"})
        for n in range(count)
    ]
    path.write_text("\n".join([*lines[:2], "not json", *lines[2:]]) + "\n", encoding="utf-8")
    return path


def test_ingest_reports_each_batch_and_skips_what_it_is_told(tmp_path: Path) -> None:
    archive = str(_archive(tmp_path, 5))  # five articles and a bad line: six items
    positions: list[int] = []
    with open_store(str(tmp_path / "a.db")) as store:
        report = ingest([archive], store, Settings(), batch_size=2, after_batch=positions.append)
        assert positions == [2, 5, 6] and len(report.ingested) == 5 and len(report.rejected) == 1
    skipped: list[int] = []
    with open_store(str(tmp_path / "b.db")) as store:
        report = ingest(
            [archive], store, Settings(), batch_size=2, skip=5, after_batch=skipped.append
        )
        assert skipped == [6] and len(report.ingested) == 1 and not report.rejected
        assert [a.title for a in store.iter_articles()] == ["Quay report 4"]


def test_the_checkpoint_key_changes_with_the_files_and_the_batch(tmp_path: Path) -> None:
    archive = _archive(tmp_path, 3)
    key = inputs_key([str(tmp_path)], 10)
    assert key == inputs_key([str(tmp_path)], 10) != inputs_key([str(tmp_path)], 11)
    archive.write_text(archive.read_text(encoding="utf-8") + "{}\n", encoding="utf-8")
    assert inputs_key([str(tmp_path)], 10) != key


def _backfill(db: str, corpus: Path) -> list[str]:
    return ["backfill", "--db", db, "--batch", "15", "--json", str(corpus)]


@pytest.mark.slow
def test_a_killed_backfill_resumes_and_ends_as_an_uninterrupted_one(tmp_path: Path) -> None:
    corpus = SAMPLE / "articles"
    whole = str(tmp_path / "whole.db")
    result = CliRunner().invoke(main, _backfill(whole, corpus))
    assert result.exit_code == 0, result.output
    batches = json.loads(result.output)["batches"]
    assert batches >= 3

    killed = str(tmp_path / "killed.db")
    command = [sys.executable, "-m", "newsweave", *_backfill(killed, corpus)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while process.poll() is None and not _checkpoint(killed):
            time.sleep(0.2)
        assert process.poll() is None, "the backfill ended before it could be killed"
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.wait()
    assert _checkpoint(killed) == 15  # the first batch was through every stage, no more

    result = CliRunner().invoke(main, _backfill(killed, corpus))
    assert result.exit_code == 0, result.output
    resumed = json.loads(result.output)
    assert resumed["resumed_after"] == 15 and resumed["batches"] == batches - 1
    assert store_outcome(killed) == store_outcome(whole)


def _checkpoint(db: str) -> int | None:
    if not Path(db).exists():
        return None
    with open_store(db) as store:
        saved = store.get_state(CHECKPOINT)
    return int(saved[1]) if saved else None
