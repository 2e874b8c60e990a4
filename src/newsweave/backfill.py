"""Backfill: a large archive through the whole pipeline, a batch at a time, resumable.

`backfill(inputs, store, settings)` reads the inputs (JSONL files, folders, feeds: whatever
ingest reads) as a stream and, every `batch` articles, stores them and runs the rest of the
pipeline over them (stories, analysis, briefs: `pipeline.run_pipeline` with no sources), so the
archive is never held in memory whole and each batch is finished before the next is read. What
the stages hold grows with the store, not with the archive given: the stories stage reads the
stored articles' texts and vectors on each run (about 6 KB an article), the analysis and the
briefs only the changed events'.

Resuming: after each batch is through every stage, the number of items read so far (drafts
and rejections, in the order the inputs give them) is saved in the store under `CHECKPOINT`,
keyed by what was given (`inputs_key`: each input, and each local file's size and modification
time). Run again on the same inputs after an interruption (Ctrl-C, SIGKILL, a lost machine),
the items before the checkpoint are read but not stored again, and the batch that was under way
is read and stored again: what of it was stored already is unchanged, what was not is new, and
each stage then does what it had not finished, since every stage does only what the store
does not hold yet. The batches are the same as an uninterrupted run's, so the events, analyses
and briefs are too. Inputs that changed (another file, a URL, which may answer differently each
time) have another key: the backfill then reads them all again from the start, which stores
nothing twice either, at the cost of reading.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from newsweave.engine import Engine, engine_for
from newsweave.ingest.stage import ingest
from newsweave.model import IngestReport
from newsweave.pipeline import INGEST_STEP, Progress, run_pipeline
from newsweave.settings import Settings
from newsweave.store import Store

__all__ = ["BATCH", "CHECKPOINT", "BackfillReport", "backfill", "inputs_key"]

BATCH = 1000  # articles stored, then taken through every stage, at a time
CHECKPOINT = "backfill"  # the name the items read by the last finished batch are saved under


@dataclass
class BackfillReport:
    """What one `backfill` call did."""

    resumed_after: int = 0  # items a previous, interrupted backfill had taken through
    items: int = 0  # items read (drafts and rejections), those skipped on resuming included
    batches: int = 0  # batches taken through every stage in this call
    ingest: IngestReport = field(default_factory=IngestReport)
    analysed: int = 0  # events analysed, over every batch
    briefs: int = 0  # brief versions written, over every batch
    failed: dict[str, str] = field(default_factory=dict)  # why, by event id, after the last batch


def backfill(
    inputs: Sequence[str],
    store: Store,
    settings: Settings,
    *,
    batch: int = BATCH,
    progress: Progress | None = None,
    engine: Engine | None = None,
) -> BackfillReport:
    """Take `inputs` through every stage, `batch` articles at a time, from where an earlier,
    interrupted backfill of the same inputs stopped (see the module doc). `progress` is called
    with (step, done, total) for each stage of each batch."""
    engine = engine or engine_for(settings)
    report = BackfillReport()
    key = inputs_key(inputs, batch)
    saved = store.get_state(CHECKPOINT)
    if saved is not None and saved[0] == key:
        report.resumed_after = int(saved[1].decode("ascii"))

    def stored(done: int, total: int) -> None:
        if progress:
            progress(INGEST_STEP, done, total)

    def through_every_stage(position: int) -> None:
        done = run_pipeline([], store, settings, progress=progress, engine=engine)
        store.put_state(CHECKPOINT, key, str(position).encode("ascii"))
        report.items = position
        report.batches += 1
        report.analysed += done.analysis.analysed
        report.briefs += done.briefs.written
        report.failed = done.failed_events()  # each run tries the events that failed before

    report.ingest = ingest(
        list(inputs),
        store,
        settings,
        progress=stored,
        batch_size=batch,
        skip=report.resumed_after,
        after_batch=through_every_stage,
    )
    report.items = max(report.items, report.resumed_after)
    return report


def inputs_key(inputs: Sequence[str], batch: int) -> str:
    """What a backfill's checkpoint is saved under: the batch size, each input as given, and
    each local file's path, size and modification time (a folder's files, walked)."""
    digest = hashlib.blake2b(f"batch {batch}".encode(), digest_size=16)
    for item in inputs:
        digest.update(f"\ninput {item}".encode())
        for path, size, modified in _files(item):
            digest.update(f"\n{path} {size} {modified}".encode())
    return digest.hexdigest()


def _files(item: str) -> Iterator[tuple[str, int, int]]:
    """(path, size, modification time in ns) of the file `item` names, or of each file under
    the folder it names, in order; nothing for a URL or a path that is not there."""
    path = Path(item)
    if "://" in item or not path.exists():
        return
    if path.is_file():
        found = path.stat()
        yield str(path), found.st_size, found.st_mtime_ns
        return
    for root, dirs, names in os.walk(path):
        dirs.sort()
        for name in sorted(names):
            file = Path(root) / name
            try:
                found = file.stat()
            except FileNotFoundError:  # gone while walked: ingest reports it
                continue
            yield str(file), found.st_size, found.st_mtime_ns
