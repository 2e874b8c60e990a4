"""A backfill's cost per stage: SQLite in process, PostgreSQL in process, PostgreSQL with Ray.

    python bench/backfill_speed.py --sizes 100,300 [--batch 1000] [--eval-dir ../shared/eval]
        [--configs sqlite,postgresql,postgresql+ray]

For each size, N articles are made from the dev clustering files as `stories_scale.py` makes
them (replicated with small edits, one JSONL file), and `newsweave.backfill.backfill` takes
them through every stage into a fresh store, once per configuration, each in a process of its
own, one after the other. Per stage (stories, analysis, briefs; ingest is the rest of the run)
it records the wall seconds and the CPU seconds of every process doing the work: the run's own
and its children (the parse workers, the copy check), the Ray workers (read from /proc; Ray's
own daemons, the raylet and the GCS, are not counted), and the PostgreSQL server process that
served the run; and the Ray workers' share alone. Also the peak resident memory of each of
those processes. Prints one JSON object per run, then a table: articles/s and CPU seconds per
article per stage, and each run's ratios against SQLite in process at the same size.

The Ray runs start a local Ray with two CPUs (two workers), as the tests do; its start-up (a
few seconds) is in the run's wall time.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
import newsweave.pipeline as pipeline
from newsweave.backfill import backfill
from newsweave.engine import Engine, LocalEngine
from newsweave.settings import Settings
from newsweave.store import open_store
from store_speed import new_postgres, postgres_server, server_seconds
from stories_scale import in_child, write_articles

CONFIGS = ("sqlite", "postgresql", "postgresql+ray")
STAGES = {"stories": "build_stories", "analysis": "analyse_events", "briefs": "write_briefs"}


def proc_cpu(pid: int) -> float:
    """CPU seconds (user and system) of process `pid` so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def proc_peak_mb(pid: int) -> float:
    """Peak resident memory of process `pid` (VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def run_child(config: str, source: str, db: str, batch: int) -> dict[str, Any]:
    """One backfill of `source` into the new store `db` under `config`, timed per stage."""
    ray = config.endswith("+ray")
    engine: Engine = LocalEngine()
    if ray:
        from newsweave.engine import RayEngine

        engine = RayEngine(cpus=2)
    settings = Settings(db=db, max_file_bytes=1_000_000_000, engine="ray" if ray else "local")
    wall: dict[str, float] = defaultdict(float)
    cpu: dict[str, float] = defaultdict(float)
    store_holder: list[Any] = []

    on_workers: dict[str, float] = defaultdict(float)

    def workers_cpu() -> float:
        pids = engine.worker_pids() if ray else []  # type: ignore[attr-defined]
        return sum(proc_cpu(pid) for pid in pids)

    def cpu_now() -> float:
        own = [resource.getrusage(w) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
        seconds = sum(usage.ru_utime + usage.ru_stime for usage in own) + workers_cpu()
        if store_holder:
            seconds += server_seconds(store_holder[0])
        return seconds

    def timed(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            start, start_cpu, start_workers = time.perf_counter(), cpu_now(), workers_cpu()
            result = function(*args, **kwargs)
            wall[name] += time.perf_counter() - start
            cpu[name] += cpu_now() - start_cpu
            on_workers[name] += workers_cpu() - start_workers
            return result

        return wrapper

    for stage, function in STAGES.items():
        setattr(pipeline, function, timed(stage, getattr(pipeline, function)))
    start = time.perf_counter()
    with open_store(db) as store:
        store_holder.append(store)
        start_cpu = cpu_now()
        report = backfill([source], store, settings, batch=batch, engine=engine)
        total_cpu = cpu_now() - start_cpu
        total = time.perf_counter() - start
        articles = sum(1 for _ in store.iter_articles())
        events = len(store.get_analysis_keys())
        peaks = {
            "driver": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "children (largest)": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
        }
        if ray:
            for number, pid in enumerate(engine.worker_pids()):  # type: ignore[attr-defined]
                peaks[f"ray worker {number + 1}"] = proc_peak_mb(pid)
        if hasattr(store, "url"):
            (pid,) = store._db.execute("SELECT pg_backend_pid()").fetchone()
            peaks["postgresql server process"] = proc_peak_mb(pid)
    wall["ingest"] = total - sum(wall.values())
    cpu["ingest"] = total_cpu - sum(cpu.values())
    return {
        "config": config,
        "articles": articles,
        "events": events,
        "batches": report.batches,
        "failed": len(report.failed),
        "wall": total,
        "cpu": total_cpu,
        "stage_wall": dict(wall),
        "stage_cpu": dict(cpu),
        "stage_cpu_on_ray_workers": dict(on_workers),
        "peak_mb": peaks,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100,300")
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--configs", default=",".join(CONFIGS))
    parser.add_argument("--eval-dir", default=None, help="folder holding dev/cluster-*.jsonl")
    parser.add_argument("--from-log", help="print the tables from the JSON lines of a run")
    args = parser.parse_args()
    if args.from_log:
        lines = Path(args.from_log).read_text(encoding="utf-8").splitlines()
        table([json.loads(line) for line in lines if line.startswith("{")])
        return
    configs = args.configs.split(",")
    results = []
    with (
        tempfile.TemporaryDirectory(prefix="newsweave-backfill-speed-") as name,
        postgres_server() as server,
    ):
        folder = Path(name)
        for size in (int(size) for size in args.sizes.split(",")):
            source = folder / f"dev-{size}.jsonl"
            write_articles(source, size, args.eval_dir)
            for config in configs:
                label = f"{config.replace('+', '_')}_{size}"
                db = (
                    str(folder / f"{label}.db")
                    if config == "sqlite"
                    else new_postgres(server, f"bench_{label}")
                )
                result = {"size": size, **in_child(run_child, config, str(source), db, args.batch)}
                print(json.dumps(result), flush=True)
                results.append(result)
    table(results)


def table(results: list[dict[str, Any]]) -> None:
    stages = ("ingest", "stories", "analysis", "briefs")
    print(
        "\n| articles | run | end to end: articles/s (wall) | CPU s/article "
        "| vs SQLite (wall, CPU) "
        "| " + " | ".join(f"{s} CPU s/article" for s in stages) + " |"
    )
    print("|---" * (5 + len(stages)) + "|")
    for result in results:
        base = next(r for r in results if r["size"] == result["size"] and r["config"] == "sqlite")
        n = result["articles"]
        ratio = f"{result['wall'] / base['wall']:.2f}×, {result['cpu'] / base['cpu']:.2f}×"
        per_stage = " | ".join(f"{result['stage_cpu'][s] / n:.3f}" for s in stages)
        print(
            f"| {n} | {result['config']} | {n / result['wall']:.2f} | {result['cpu'] / n:.3f} | "
            f"{ratio} | {per_stage} |"
        )
    machines_table(results)


def machines_table(results: list[dict[str, Any]], cores: int = 2) -> None:
    """What N machines of `cores` cores would take through every stage per day, from the
    largest Ray run's CPU seconds per article: the Ray workers' share (embedding, parse and
    analysis, briefs) spreads over every core; the driver's (ingest, the ordered part of the
    stories, reading material and storing results, the PostgreSQL server's) is one process,
    which caps the cluster whatever its size."""
    ray_runs = [r for r in results if r["config"].endswith("+ray")]
    if not ray_runs:
        return
    run = max(ray_runs, key=lambda r: r["articles"])
    n = run["articles"]
    workers = sum(run["stage_cpu_on_ray_workers"].values()) / n
    driver = run["cpu"] / n - workers
    cap = 86_400 / driver
    print(
        f"\nfrom {n} articles on Ray: {workers:.3f} CPU s/article on the workers, "
        f"{driver:.3f} in the driver (one process: at most {cap:,.0f} articles/day)"
    )
    print("| machines | cores | articles/day |\n|---|---|---|")
    for machines in (1, 2, 4, 8, 16, 32, 64, 128):
        spread = machines * cores * 86_400 / (workers + driver)
        print(f"| {machines} | {machines * cores} | {min(spread, cap):,.0f} |")


if __name__ == "__main__":
    main()
