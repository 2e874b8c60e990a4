"""Load on `newsweave serve`: requests/second and latency of its pages and API at 10k articles.

What is stored: `--articles` articles (10,000 by default) built the way bench/stories_scale.py
builds them (the three dev clustering files mixed, replicated with small edits, each copy of
the dev set in a span of days of its own), ingested into a fresh SQLite store and clustered
into events by `build_stories` with the static embedder (fast; about as many events as MiniLM
makes: 3,182 at 10k). Then only the `--events-with-briefs` largest events (10 by default, of
22-28 articles at 10k; the most recent first among equal sizes) are analysed and get a brief.
Why only those: the analysis and briefs stages run at about 1-4 articles/s, so briefs for all
10k articles would take hours, while what a page costs to serve should grow with the articles
and events stored, which are full size, more than with how many events carry a brief. Story
pages and the story API are asked for those events, in turn. They lie anywhere in the store's
dates, so the front page (the most recent events first) may list few of them.

`analyse_events` is given those events' ids; `write_briefs` then writes a brief for exactly the
analysed events.

Building is not part of the figures: about 12 minutes at 10k on 2 busy cores (ingest 3.6,
stories 0.7, analysis 2.5, briefs 5.4). `--store PATH` keeps the store: it is built at PATH
when no file is there (under another name, renamed once complete), and reused as it is when
one is, e.g. `--store /tmp/serve_load_10k.db`.

Then `newsweave serve --db STORE` runs as a process of its own on a free loopback port, and
this process sends, for each target, `--requests` GETs (after 20 warm-up ones) from
`--concurrency` threads over one keep-alive httpx client, and times each request to the end of
its body. Every answer must be 200. Targets: the front page (/), a story page
(/stories/{event_id}), the API's list (/api/stories) and one story (/api/stories/{event_id}).
The baseline, under the same load in the same run, is a static file of the same server
(/static/newsweave.css): each target's rate is also given as a share of its rate. Client and
server share the machine's cores, so the baseline is the ceiling of this setup rather than of
the server alone. The server's peak RSS is its VmHWM in /proc, read before it is stopped.

    .venv/bin/python bench/serve_load.py [--articles 10000] [--requests 500] [--concurrency 8]
        [--events-with-briefs 10] [--store /tmp/serve_load_10k.db] [--eval-dir ../shared/eval]
        [--json]

A Markdown table goes to stdout (one JSON object with --json); progress goes to stderr.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).parent))
from newsweave.analysis.stage import analyse_events
from newsweave.briefs.stage import write_briefs
from newsweave.ingest.stage import ingest
from newsweave.model import Event
from newsweave.settings import Settings
from newsweave.store import Store, open_store
from newsweave.stories import list_events
from newsweave.stories.stage import build_stories
from newsweave.web.views import index_stories
from stories_scale import in_child, log, write_articles

BASELINE_PATH = "/static/newsweave.css"
FRONT_PAGE_STORIES = 20  # the front page's first page
STORYLINE_EVENTS = 8
WARMUP_REQUESTS = 20
START_TIMEOUT_S = 120.0
STOP_TIMEOUT_S = 10.0
STORE_SUFFIXES = ("", "-wal", "-shm")  # an SQLite file in WAL mode and its companions


# -- the store ------------------------------------------------------------------------------


def build_store(db: Path, articles: int, events_with_briefs: int, eval_dir: str | None) -> dict:
    """Build the store at `db` (see the module doc); the seconds of each step."""
    seconds: dict[str, float] = {}
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="newsweave-serve-load-") as folder:
        jsonl = Path(folder) / "articles.jsonl"
        write_articles(jsonl, articles, eval_dir)
        settings = Settings(db=db, embedder="static", max_file_bytes=jsonl.stat().st_size + 1)
        with open_store(db) as store:
            log(f"ingesting {articles} articles")
            report = ingest([str(jsonl)], store, settings)
            seconds["ingest"] = _lap(start, seconds)
            log(f"ingested {len(report.ingested)}, rejected {len(report.rejected)}; stories")
            build_stories(store, settings)
            seconds["stories"] = _lap(start, seconds)
            analyse_largest(store, settings, events_with_briefs)
            seconds["analysis"] = _lap(start, seconds)
            written = write_briefs(store, settings)
            seconds["briefs"] = _lap(start, seconds)
            log(f"wrote {written.written} briefs")
    seconds["total"] = time.perf_counter() - start
    return seconds


def _lap(start: float, seconds: dict[str, float]) -> float:
    """Seconds since `start` less those already counted."""
    return time.perf_counter() - start - sum(seconds.values())


def analyse_largest(store: Store, settings: Settings, count: int) -> None:
    """Analyse the events a reader meets first and no other: the `count` largest, the front
    page's first page, and the storyline with the most events (its STORYLINE_EVENTS latest)."""
    events = list_events(store)
    largest = sorted(events, key=lambda event: -len(event.article_ids))[:count]
    front = index_stories(events).ranked[:FRONT_PAGE_STORIES]
    wanted = {event.event_id for event in [*largest, *front, *longest_storyline(events)]}

    def progress(step: str, done: int, total: int) -> None:
        log(f"{step} {done}/{total}")

    log(f"analysing {len(wanted)} events")
    analyse_events(store, settings, progress=progress, event_ids=wanted)


def longest_storyline(events: Sequence[Event]) -> list[Event]:
    """The STORYLINE_EVENTS latest events of the storyline with the most events."""
    members: dict[str, list[Event]] = {}
    for event in events:
        if event.storyline_id is not None:
            members.setdefault(event.storyline_id, []).append(event)
    if not members:
        return []
    longest = max(members.values(), key=lambda line: (len(line), line[0].event_id))
    dated = sorted((e for e in longest if e.last_seen is not None), key=lambda e: e.last_seen)
    return dated[-STORYLINE_EVENTS:]


def prepare_store(args: argparse.Namespace, folder: Path) -> tuple[Path, dict | None]:
    """The store to serve, and the seconds its build took (None when reused)."""
    if args.store is not None and args.store.exists():
        log(f"reusing the store at {args.store}")
        return args.store, None
    db = args.store or folder / "serve-load.db"
    partial = db.with_name(db.name + ".partial")
    for suffix in STORE_SUFFIXES:
        Path(f"{partial}{suffix}").unlink(missing_ok=True)
    build = (partial, args.articles, args.events_with_briefs, args.eval_dir)
    seconds = in_child(build_store, *build)  # the models it loads stay out of this process
    for suffix in STORE_SUFFIXES:
        if Path(f"{partial}{suffix}").exists():
            os.replace(f"{partial}{suffix}", f"{db}{suffix}")
    log(f"built the store at {db} in {seconds['total']:.0f} s")
    return db, seconds


def describe_store(db: Path) -> dict:
    """What the store holds, and its events with a brief (the largest first)."""
    with open_store(db) as store:
        events = list_events(store)
        briefed = store.get_brief_keys()
        articles = store.count_articles()
    with_briefs = sorted(
        (event for event in events if event.event_id in briefed),
        key=lambda event: -len(event.article_ids),
    )
    if not with_briefs:
        raise SystemExit(
            f"the store at {db} has no briefs, so there is no story page to ask for; "
            "delete it, or pass another --store path to build one there"
        )
    return {
        "path": str(db),
        "articles": articles,
        "events": len(events),
        "events_with_briefs": [event.event_id for event in with_briefs],
        "articles_of_those_events": [len(event.article_ids) for event in with_briefs],
    }


# -- the server -----------------------------------------------------------------------------


def server_command(db: Path, port: int) -> list[str]:
    newsweave = Path(sys.executable).with_name("newsweave")
    return [str(newsweave), "serve", "--db", str(db), "--host", "127.0.0.1", "--port", str(port)]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(db: Path, output: Path) -> tuple[subprocess.Popen, str]:
    """The server process, started on a free port with its output in `output`; its base URL.
    Its output goes to a file: a pipe nobody reads would fill up with access logs and stall it.
    """
    port = free_port()
    command = server_command(db, port)
    log(f"starting {' '.join(command)}")
    with output.open("wb") as sink:
        process = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=sink, stderr=subprocess.STDOUT
        )
    return process, f"http://127.0.0.1:{port}"


def wait_until_ready(process: subprocess.Popen, base_url: str, output: Path) -> None:
    """Return once GET / answers 200; fail with the server's output if it exits or times out."""
    deadline = time.monotonic() + START_TIMEOUT_S
    last = "no answer yet"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(
                f"the server exited with code {process.returncode} before answering GET / "
                f"with 200; its output:\n{_tail(output)}"
            )
        try:
            status = httpx.get(f"{base_url}/", timeout=5).status_code
        except httpx.HTTPError as error:
            last = f"{type(error).__name__}: {error}"
        else:
            if status == 200:
                return
            last = f"HTTP {status}"
        time.sleep(0.25)
    raise SystemExit(
        f"the server did not answer GET {base_url}/ with 200 within {START_TIMEOUT_S:.0f} s "
        f"(last: {last}); its output:\n{_tail(output)}"
    )


def _tail(output: Path, chars: int = 4000) -> str:
    text = output.read_text(encoding="utf-8", errors="replace") if output.exists() else ""
    return text[-chars:] or "(nothing)"


def stop_server(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def peak_rss_mb(pid: int) -> float | None:
    """The process' peak resident memory (VmHWM) in MB, or None where /proc cannot tell."""
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="utf-8")
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return None


# -- the load -------------------------------------------------------------------------------


def targets_of(store: dict) -> list[tuple[str, str, list[str]]]:
    """(name, path as shown, paths asked for in turn) of each target, the baseline first."""
    event_ids = store["events_with_briefs"]
    each = f"{{event_id}} ({len(event_ids)} events in turn)"
    return [
        ("static file (baseline)", BASELINE_PATH, [BASELINE_PATH]),
        ("front page", "/", ["/"]),
        ("story page", f"/stories/{each}", [f"/stories/{e}" for e in event_ids]),
        ("API: story list", "/api/stories", ["/api/stories"]),
        ("API: one story", f"/api/stories/{each}", [f"/api/stories/{e}" for e in event_ids]),
    ]


def send(
    client: httpx.Client, paths: list[str], concurrency: int
) -> tuple[list[float], list[int], float]:
    """GET every path from `concurrency` threads: each request's seconds (to the end of its
    body) and its body's bytes, in the order of `paths`, and the seconds all took. Anything but
    200 fails the run."""
    seconds = [0.0] * len(paths)
    sizes = [0] * len(paths)
    failures: list[str] = []
    lock = threading.Lock()
    order = iter(range(len(paths)))

    def worker() -> None:
        while not failures:
            with lock:
                index = next(order, None)
            if index is None:
                return
            path = paths[index]
            started = time.perf_counter()
            try:
                response = client.get(path)
            except httpx.HTTPError as error:
                failures.append(f"GET {path} failed: {type(error).__name__}: {error}")
                return
            seconds[index] = time.perf_counter() - started
            if response.status_code != 200:
                failures.append(
                    f"GET {path} answered HTTP {response.status_code}, not 200: "
                    f"{response.text[:300]!r}"
                )
                return
            sizes[index] = len(response.content)

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise SystemExit(failures[0])
    return seconds, sizes, time.perf_counter() - started


def measure(
    client: httpx.Client, target: tuple[str, str, list[str]], requests: int, concurrency: int
) -> dict:
    """One target's figures: `requests` GETs after the warm-up ones, its paths in turn."""
    name, shown, paths = target
    log(f"{name}: {WARMUP_REQUESTS} warm-up and {requests} requests")
    send(client, [paths[i % len(paths)] for i in range(WARMUP_REQUESTS)], concurrency)
    seconds, sizes, wall = send(
        client, [paths[i % len(paths)] for i in range(requests)], concurrency
    )
    cuts = statistics.quantiles(seconds, n=100, method="inclusive")
    return {
        "target": name,
        "path": shown,
        "requests": requests,
        "seconds": wall,
        "requests_per_s": requests / wall,
        "p50_ms": 1000 * cuts[49],
        "p95_ms": 1000 * cuts[94],
        "p99_ms": 1000 * cuts[98],
        "mean_kb": statistics.fmean(sizes) / 1024,
    }


def run_load(
    base_url: str, targets: list[tuple[str, str, list[str]]], requests: int, concurrency: int
) -> list[dict]:
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    with httpx.Client(base_url=base_url, limits=limits, timeout=60) as client:
        results = [measure(client, target, requests, concurrency) for target in targets]
    baseline = results[0]["requests_per_s"]
    for result in results:
        result["share_of_baseline"] = result["requests_per_s"] / baseline
    return results


# -- output ---------------------------------------------------------------------------------


def print_table(report: dict) -> None:
    store, rss = report["store"], report["server_peak_rss_mb"]
    print(
        f"{store['articles']:,} articles in {store['events']:,} events, "
        f"{len(store['events_with_briefs'])} with briefs; {report['requests']} requests per "
        f"target after {report['warmup']} warm-up, {report['concurrency']} at a time; server "
        f"peak RSS {f'{rss:.0f} MB' if rss is not None else 'unknown'}"
    )
    print()
    print(
        "| target | path | requests | requests/s | share of baseline rate | p50 ms | p95 ms "
        "| p99 ms | mean KB |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in report["targets"]:
        print(
            f"| {r['target']} | {r['path']} | {r['requests']} | {r['requests_per_s']:,.0f} "
            f"| {r['share_of_baseline']:.3f}× | {r['p50_ms']:.1f} | {r['p95_ms']:.1f} "
            f"| {r['p99_ms']:.1f} | {r['mean_kb']:.1f} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=10_000, help="articles to store")
    parser.add_argument("--requests", type=int, default=500, help="timed requests per target")
    parser.add_argument("--concurrency", type=int, default=8, help="requests in flight at once")
    parser.add_argument("--events-with-briefs", type=int, default=10, help="largest events")
    parser.add_argument("--store", type=Path, default=None, help="store to reuse, or to build")
    parser.add_argument(
        "--eval-dir", default=None, help="folder holding dev/ (default: ../shared/eval)"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    if args.requests < 2 or args.concurrency < 1 or args.events_with_briefs < 1:
        parser.error("--requests must be 2 or more; --concurrency and --events-with-briefs 1+")

    with tempfile.TemporaryDirectory(prefix="newsweave-serve-load-") as temporary:
        folder = Path(temporary)
        db, build_seconds = prepare_store(args, folder)
        store = describe_store(db)
        if build_seconds is None and store["articles"] != args.articles:
            log(f"note: the reused store holds {store['articles']} articles, not {args.articles}")
        output = folder / "server.log"
        process, base_url = start_server(db, output)
        try:
            wait_until_ready(process, base_url, output)
            results = run_load(base_url, targets_of(store), args.requests, args.concurrency)
            rss = peak_rss_mb(process.pid)
        finally:
            stop_server(process)
    report = {
        "store": store,
        "build_seconds": build_seconds,
        "requests": args.requests,
        "warmup": WARMUP_REQUESTS,
        "concurrency": args.concurrency,
        "server_peak_rss_mb": rss,
        "targets": results,
    }
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print_table(report)


if __name__ == "__main__":
    main()
