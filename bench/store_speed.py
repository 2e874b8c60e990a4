"""End-to-end time of the pipeline on a PostgreSQL store against a SQLite one, in process.

    python bench/store_speed.py [--sizes 48,300] [--rounds 2] [--eval-dir ../shared/eval]

For each input (the sample corpus's 48 articles; N articles made from the dev clustering files
as `stories_scale.py` makes them), runs `run_pipeline` (ingest, stories, analysis, briefs) into
a fresh SQLite file and into a fresh PostgreSQL database, each in a process of its own, the two
stores alternating within each round so that the machine's load falls on both alike. Prints
the end-to-end wall time and CPU time of each run and the ratios PostgreSQL / SQLite, and checks
that the two runs made the same events and briefs. The CPU time is the run's process and its
children (the parse workers) and, on PostgreSQL, the server process that served its
connection: on a machine others load, it is the steadier of the two measures. The server is a
throwaway one from scripts/postgres.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from newsweave.pipeline import run_pipeline
from newsweave.settings import Settings
from newsweave.store import open_store
from newsweave.stories import list_events
from stories_scale import in_child, write_articles

ROOT = Path(__file__).parents[1]
SAMPLE = ROOT / "src" / "newsweave" / "sample" / "articles"
STORES = ("sqlite", "postgresql")


def run_child(source: str, db: str) -> dict:
    """One run of the whole pipeline over `source` into the new store `db`."""
    settings = Settings(db=db, max_file_bytes=100_000_000)
    start = time.perf_counter()
    with open_store(db) as store:
        report = run_pipeline([source], store, settings)
        total = time.perf_counter() - start
        server_cpu = server_seconds(store)
        events = sorted((e.event_id, tuple(sorted(e.article_ids))) for e in list_events(store))
        briefs = {event: store.get_brief_keys().get(event) for event, _ in events}
    own = [resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
    return {
        "total": total,
        "cpu": sum(usage.ru_utime + usage.ru_stime for usage in own) + server_cpu,
        "server_cpu": server_cpu,
        "stories": sum(report.stories.seconds.values()),
        "analysis": sum(report.analysis.seconds.values()),
        "articles": report.stories.articles,
        "events": events,
        "briefs": briefs,
    }


def server_seconds(store) -> float:
    """The CPU seconds of the PostgreSQL server process serving `store` (0 on SQLite)."""
    if not hasattr(store, "url"):
        return 0.0
    (pid,) = store._db.execute("SELECT pg_backend_pid()").fetchone()
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime


def new_postgres(server: str, name: str) -> str:
    import psycopg

    with psycopg.connect(server, autocommit=True) as db:
        db.execute(f"DROP SCHEMA IF EXISTS {name} CASCADE")
        db.execute(f"CREATE SCHEMA {name}")
    return f"{server}&options=-csearch_path%3D{name}"


def measure(label: str, source: str, server: str, folder: Path, rounds: int) -> dict:
    times: dict[str, list[float]] = {store: [] for store in STORES}
    cpu: dict[str, list[float]] = {store: [] for store in STORES}
    results = {}
    for round_ in range(rounds):
        order = STORES if round_ % 2 == 0 else STORES[::-1]
        for store in order:
            if store == "sqlite":
                db = str(folder / f"{label}-{round_}.db")
            else:
                db = new_postgres(server, f"bench_{label}_{round_}")
            result = in_child(run_child, source, db)
            times[store].append(result["total"])
            cpu[store].append(result["cpu"])
            results[store] = result
            print(
                f"{label} round {round_ + 1} {store}: {result['total']:.1f} s, "
                f"{result['cpu']:.1f} CPU s (server {result['server_cpu']:.1f})",
                flush=True,
            )
    same = (
        results["sqlite"]["events"] == results["postgresql"]["events"]
        and results["sqlite"]["briefs"] == results["postgresql"]["briefs"]
    )
    median = {store: statistics.median(times[store]) for store in STORES}
    median_cpu = {store: statistics.median(cpu[store]) for store in STORES}
    return {
        "input": label,
        "articles": results["sqlite"]["articles"],
        "seconds": median,
        "cpu_seconds": median_cpu,
        "runs": times,
        "ratio": median["postgresql"] / median["sqlite"],
        "cpu_ratio": median_cpu["postgresql"] / median_cpu["sqlite"],
        "same_events_and_briefs": same,
    }


@contextmanager
def postgres_server() -> Iterator[str]:
    """The URL of a throwaway PostgreSQL server from scripts/postgres, stopped after."""
    folder = tempfile.mkdtemp(prefix="newsweave-pg-bench-")
    script = ROOT / "scripts" / "postgres"
    # A server that does not start stops the benchmark; scripts/postgres's error is on stderr.
    started = subprocess.run(
        [script, "start", folder], stdout=subprocess.PIPE, text=True, check=True
    )
    try:
        yield started.stdout.strip()
    finally:
        subprocess.run([script, "stop", folder], check=False)
        shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="48,300", help="48 is the sample corpus; others dev")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--eval-dir", default=None, help="folder holding dev/cluster-*.jsonl")
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory(prefix="newsweave-store-speed-") as name,
        postgres_server() as server,
    ):
        folder = Path(name)
        results = []
        for size in (int(size) for size in args.sizes.split(",")):
            if size == 48:
                source, label = str(SAMPLE), "sample"
            else:
                source, label = str(folder / f"dev-{size}.jsonl"), f"dev{size}"
                write_articles(Path(source), size, args.eval_dir)
            results.append(measure(label, source, server, folder, args.rounds))
    print(json.dumps(results, indent=1))
    print("\n| input | articles | store | wall s | CPU s | PostgreSQL / SQLite (wall, CPU) |")
    print("|---|---|---|---|---|---|")
    for r in results:
        for store in STORES:
            ratio = f"{r['ratio']:.2f}×, {r['cpu_ratio']:.2f}×" if store == STORES[1] else ""
            print(
                f"| {r['input']} | {r['articles']} | {store} | {r['seconds'][store]:.1f} | "
                f"{r['cpu_seconds'][store]:.1f} | {ratio} |"
            )
        print(f"same events and briefs: {r['same_events_and_briefs']}")


if __name__ == "__main__":
    main()
