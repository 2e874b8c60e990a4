"""Load on `newsweave serve`: requests/second, latency and server CPU of its pages and API at
10k articles, as a share of a static file of the same server, for one or more versions of the
code in the same run.

The store is bench/serve_store.py's (10,000 articles through ingest and stories, briefs for the
largest events, the front page's first page and the longest storyline). `--store PATH` keeps
it: it is built at PATH when no file is there, and reused as it is when one is, e.g.
`--store /tmp/serve_load_10k.db`.

Each `--tree NAME=FOLDER` is a version of the code (a checkout holding src/newsweave, e.g. one
`git archive` wrote); without one, the code this process imports is served, as "this". Each
version serves its own copy of the store (a newer schema migrates its copy, never the others'
nor the one given).
For `--rounds` rounds, each version in turn (the order reversed every other round, so neither
always runs first) runs `newsweave serve` as a process of its own on a free loopback port, and
this process sends, for each target, `--requests` GETs (after 20 warm-up ones) from
`--concurrency` threads over one keep-alive httpx client, timing each request to the end of
its body. Every answer must be 200; a target a version has no page for (404, e.g. a page it
predates) is left out of its figures. Targets: the front page (/), a story page
(/stories/{event_id}, the 10 largest events with a brief in turn), the storyline page
(/storylines/{storyline_id}, the storyline with the most events with a brief), the API's list
(/api/stories) and one story (/api/stories/{event_id}).

The baseline, under the same load in the same round, is a static file of the same server
(/static/icon.png, which every version serves unchanged, where the stylesheet's size changes
with the code): each target's rate is also given as a share of its rate. Client and
server share the machine's cores, so the baseline is the ceiling of this setup rather than of
the server alone, and on a shared machine rates swing between rounds; the server's CPU time
per request (its process' user+system time over a target's timed requests, from /proc) is the
steadier figure. The tables give each figure's median over the rounds; the server's peak RSS is
its VmHWM in /proc, read before it is stopped.

    .venv/bin/python bench/serve_load.py [--articles 10000] [--requests 300] [--concurrency 8]
        [--events-with-briefs 10] [--store /tmp/serve_load_10k.db] [--eval-dir ../shared/eval]
        [--tree before=/tmp/main-src --tree after=.] [--rounds 3] [--json]

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
from dataclasses import dataclass
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).parent))
from serve_store import copy_store, describe_store, prepare_store
from stories_scale import log

BASELINE_PATH = "/static/icon.png"  # the same file in every version of the code
WARMUP_REQUESTS = 20
START_TIMEOUT_S = 120.0
STOP_TIMEOUT_S = 10.0


# -- the server -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Tree:
    """Code to serve with: a source checkout's src/ first on the path, or (src None) the
    newsweave this process imports."""

    name: str
    src: Path | None

    @classmethod
    def parse(cls, text: str) -> Tree:
        name, _, folder = text.partition("=")
        src = Path(folder) / "src"
        if not name or not (src / "newsweave").is_dir():
            raise argparse.ArgumentTypeError(
                f"--tree {text!r}: give NAME=FOLDER, FOLDER a checkout holding src/newsweave"
            )
        return cls(name, src)

    def environment(self) -> dict[str, str]:
        if self.src is None:
            return dict(os.environ)
        return {**os.environ, "PYTHONPATH": str(self.src)}


def server_command(db: Path, port: int) -> list[str]:
    newsweave = Path(sys.executable).with_name("newsweave")
    return [str(newsweave), "serve", "--db", str(db), "--host", "127.0.0.1", "--port", str(port)]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(db: Path, output: Path, tree: Tree) -> tuple[subprocess.Popen, str]:
    """The server process of `tree`'s code, started on a free port with its output in
    `output`; its base URL.
    Its output goes to a file: a pipe nobody reads would fill up with access logs and stall it.
    """
    port = free_port()
    command = server_command(db, port)
    log(f"starting {tree.name}: {' '.join(command)}")
    with output.open("wb") as sink:
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=sink,
            stderr=subprocess.STDOUT,
            env=tree.environment(),
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


def cpu_seconds(pid: int) -> float:
    """The process' user and system CPU time so far, from /proc (0.0 where it cannot tell)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8").rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


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
    event_ids = store["story_pages"]
    each = f"{{event_id}} ({len(event_ids)} events in turn)"
    targets = [
        ("static file (baseline)", BASELINE_PATH, [BASELINE_PATH]),
        ("front page", "/", ["/"]),
        ("story page", f"/stories/{each}", [f"/stories/{e}" for e in event_ids]),
    ]
    if store["storyline"] is not None:
        line = f"/storylines/{store['storyline']}"
        targets.append(("storyline page", line, [line]))
    return [
        *targets,
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
    client: httpx.Client,
    target: tuple[str, str, list[str]],
    requests: int,
    concurrency: int,
    pid: int,
) -> dict:
    """One target's figures: `requests` GETs after the warm-up ones, its paths in turn, and
    the server's (process `pid`) CPU time for them."""
    name, shown, paths = target
    log(f"{name}: {WARMUP_REQUESTS} warm-up and {requests} requests")
    send(client, [paths[i % len(paths)] for i in range(WARMUP_REQUESTS)], concurrency)
    cpu = cpu_seconds(pid)
    seconds, sizes, wall = send(
        client, [paths[i % len(paths)] for i in range(requests)], concurrency
    )
    cpu = cpu_seconds(pid) - cpu
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
        "server_cpu_ms": 1000 * cpu / requests,
    }


def run_load(
    base_url: str,
    targets: list[tuple[str, str, list[str]]],
    requests: int,
    concurrency: int,
    pid: int,
) -> list[dict]:
    """Each target's figures; a target the server has no page for (404) is left out."""
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    with httpx.Client(base_url=base_url, limits=limits, timeout=60) as client:
        served = [t for t in targets if client.get(t[2][0]).status_code != 404]
        results = [measure(client, t, requests, concurrency, pid) for t in served]
    baseline = results[0]["requests_per_s"]
    for result in results:
        result["share_of_baseline"] = result["requests_per_s"] / baseline
    return results


def run_round(db: Path, tree: Tree, store: dict, args: argparse.Namespace) -> dict:
    """One server of `tree`'s code on `db`: every target's figures and its peak RSS."""
    output = db.with_suffix(".log")
    process, base_url = start_server(db, output, tree)
    try:
        wait_until_ready(process, base_url, output)
        targets = targets_of(store)
        results = run_load(base_url, targets, args.requests, args.concurrency, process.pid)
        rss = peak_rss_mb(process.pid)
    finally:
        stop_server(process)
    return {"tree": tree.name, "server_peak_rss_mb": rss, "targets": results}


# -- output ---------------------------------------------------------------------------------


def summarise(rounds: list[dict], trees: list[Tree]) -> list[dict]:
    """Per version and target, the median of each figure over the rounds, and the version's
    share of the baseline against the first version's."""
    rows = []
    for tree in trees:
        runs = [r for r in rounds if r["tree"] == tree.name]
        names = dict.fromkeys(t["target"] for run in runs for t in run["targets"])
        for name in names:
            seen = [t for run in runs for t in run["targets"] if t["target"] == name]
            row = {"tree": tree.name, "target": name, "path": seen[0]["path"]}
            for figure in ("requests_per_s", "share_of_baseline", "server_cpu_ms", "p95_ms"):
                row[figure] = statistics.median(t[figure] for t in seen)
                row[f"{figure}_range"] = (
                    min(t[figure] for t in seen),
                    max(t[figure] for t in seen),
                )
            row["mean_kb"] = statistics.median(t["mean_kb"] for t in seen)
            rows.append(row)
    first = {row["target"]: row for row in rows if row["tree"] == trees[0].name}
    for row in rows:
        before = first.get(row["target"])
        row["share_against_first"] = (
            row["share_of_baseline"] / before["share_of_baseline"] if before else None
        )
        row["cpu_against_first"] = (
            row["server_cpu_ms"] / before["server_cpu_ms"] if before else None
        )
    return rows


def print_table(report: dict) -> None:
    store = report["store"]
    print(
        f"{store['articles']:,} articles in {store['events']:,} events and "
        f"{store['storylines']:,} storylines, {store['events_with_briefs']} events with briefs; "
        f"{report['requests']} requests per target after {report['warmup']} warm-up, "
        f"{report['concurrency']} at a time; {report['rounds']} rounds; medians (min-max)"
    )
    print()
    first = report["trees"][0]
    print(
        "| version | target | requests/s | share of baseline | server CPU ms/request | p95 ms "
        f"| KB | share against {first} | CPU against {first} |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in report["summary"]:
        low, high = r["requests_per_s_range"]
        cpu_low, cpu_high = r["server_cpu_ms_range"]
        against = "—" if r["share_against_first"] is None else f"{r['share_against_first']:.2f}×"
        cpu = "—" if r["cpu_against_first"] is None else f"{r['cpu_against_first']:.2f}×"
        print(
            f"| {r['tree']} | {r['target']} | {r['requests_per_s']:,.0f} ({low:,.0f}-{high:,.0f}) "
            f"| {r['share_of_baseline']:.2f}× | {r['server_cpu_ms']:.2f} "
            f"({cpu_low:.2f}-{cpu_high:.2f}) | {r['p95_ms']:.0f} | {r['mean_kb']:.1f} "
            f"| {against} | {cpu} |"
        )
    rss = {r["tree"]: r["server_peak_rss_mb"] for r in report["rounds_detail"]}
    print()
    print("Server peak RSS: " + ", ".join(f"{t} {mb:.0f} MB" for t, mb in rss.items() if mb))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=10_000, help="articles to store")
    parser.add_argument("--requests", type=int, default=300, help="timed requests per target")
    parser.add_argument("--concurrency", type=int, default=8, help="requests in flight at once")
    parser.add_argument("--events-with-briefs", type=int, default=10, help="largest events")
    parser.add_argument("--store", type=Path, default=None, help="store to reuse, or to build")
    parser.add_argument(
        "--eval-dir", default=None, help="folder holding dev/ (default: ../shared/eval)"
    )
    parser.add_argument(
        "--tree", type=Tree.parse, action="append", default=[], help="NAME=FOLDER to serve"
    )
    parser.add_argument("--rounds", type=int, default=1, help="rounds of every version")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    if args.requests < 2 or args.concurrency < 1 or args.events_with_briefs < 1:
        parser.error("--requests must be 2 or more; --concurrency and --events-with-briefs 1+")
    if args.rounds < 1:
        parser.error("--rounds must be 1 or more")
    trees = args.tree or [Tree("this", None)]
    if len({tree.name for tree in trees}) < len(trees):
        parser.error("each --tree needs a name of its own")

    with tempfile.TemporaryDirectory(prefix="newsweave-serve-load-") as temporary:
        folder = Path(temporary)
        db = args.store or folder / "serve-load.db"
        build_seconds = prepare_store(db, args.articles, args.events_with_briefs, args.eval_dir)
        described = folder / "described.db"  # opening a store migrates it: never `db` itself
        copy_store(db, described)
        store = describe_store(described)
        store["path"] = str(db)
        if build_seconds is None and store["articles"] != args.articles:
            log(f"note: the reused store holds {store['articles']} articles, not {args.articles}")
        copies = {tree.name: folder / f"{tree.name}.db" for tree in trees}
        for tree in trees:
            copy_store(db, copies[tree.name])
        rounds = []
        for number in range(args.rounds):
            for tree in trees if number % 2 == 0 else trees[::-1]:
                log(f"round {number + 1}: {tree.name}")
                rounds.append(run_round(copies[tree.name], tree, store, args))
    report = {
        "store": store,
        "build_seconds": build_seconds,
        "requests": args.requests,
        "warmup": WARMUP_REQUESTS,
        "concurrency": args.concurrency,
        "trees": [tree.name for tree in trees],
        "rounds": args.rounds,
        "summary": summarise(rounds, trees),
        "rounds_detail": rounds,
    }
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print_table(report)


if __name__ == "__main__":
    main()
