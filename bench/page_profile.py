"""What one page of `newsweave serve` costs the server, and where that time goes.

The web app is called in-process as ASGI, on this one thread (a sync route, which the server
runs in a worker thread, runs here on the calling thread, so cProfile sees it), with no socket
and no client: a page's CPU time alone, steadier than a load test on a busy machine. After
`--warmup` requests, `--requests` more are timed by the process's CPU clock; `--profile`
then runs as many again under cProfile and prints the newsweave functions by cumulative time.

    .venv/bin/python bench/page_profile.py STORE PATH [PATH...] [--requests 200] [--profile]

e.g. `bench/page_profile.py /tmp/serve_load_10k.db / /stories/ev_0e9737a156e7da9d`: one line
per path, "PATH: N ms CPU per request, B bytes (gzip)". The store is opened as the server
opens it (a store of an older schema is migrated), so give it a copy when that matters.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import pstats
import time
from typing import Any

import fastapi.routing

from newsweave.settings import Settings
from newsweave.web.app import create_app


async def _on_this_thread(function, /, *args: Any, **kwargs: Any) -> Any:
    return function(*args, **kwargs)


async def get(app: Any, path: str) -> tuple[int, int]:
    """GET `path` (gzip accepted) from the ASGI `app`: the status and the body's bytes."""
    route, _, query = path.partition("?")
    scope = {
        "type": "http",
        "http_version": "1.1",
        "method": "GET",
        "path": route,
        "raw_path": route.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "scheme": "http",
        "server": ("127.0.0.1", 8000),
        "client": ("127.0.0.1", 50000),
        "headers": [(b"host", b"127.0.0.1:8000"), (b"accept-encoding", b"gzip")],
    }
    answer = {"status": 0, "bytes": 0}

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            answer["status"] = message["status"]
        elif message["type"] == "http.response.body":
            answer["bytes"] += len(message.get("body", b""))

    await app(scope, receive, send)
    return answer["status"], answer["bytes"]


async def repeat(app: Any, path: str, times: int) -> tuple[int, int]:
    answer = (0, 0)
    for _ in range(times):
        answer = await get(app, path)
    return answer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("store", help="the store to serve")
    parser.add_argument("paths", nargs="+", help="pages to ask for, e.g. / or /stories/ID")
    parser.add_argument("--requests", type=int, default=200, help="timed requests per path")
    parser.add_argument("--warmup", type=int, default=10, help="requests before the timing")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of each")
    args = parser.parse_args()
    if args.requests < 1 or args.warmup < 0:
        parser.error("--requests must be 1 or more and --warmup 0 or more")
    fastapi.routing.run_in_threadpool = _on_this_thread
    app = create_app(Settings(db=args.store))
    for path in args.paths:
        status, size = asyncio.run(repeat(app, path, max(args.warmup, 1)))
        if status != 200:
            raise SystemExit(f"GET {path} answered HTTP {status}, not 200")
        start = time.process_time()
        asyncio.run(repeat(app, path, args.requests))
        cpu_ms = 1000 * (time.process_time() - start) / args.requests
        print(f"{path}: {cpu_ms:.2f} ms CPU per request, {size:,} bytes (gzip)")
        if args.profile:
            profile = cProfile.Profile()
            profile.runcall(asyncio.run, repeat(app, path, args.requests))
            pstats.Stats(profile).sort_stats("cumulative").print_stats("newsweave", 30)


if __name__ == "__main__":
    main()
