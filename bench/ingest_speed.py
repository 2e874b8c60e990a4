"""Ingest speed: articles/second from local files and from a local HTTP server.

Each figure comes with a baseline measured in the same run on the same inputs: reading the files
(or fetching the pages) and nothing else. The ratio says what extraction, cleaning and storing
cost on top of the I/O. Inputs are the sample corpus' articles, replicated with small edits.

    .venv/bin/python bench/ingest_speed.py [--files 1000] [--pages 200]
"""

from __future__ import annotations

import argparse
import html
import multiprocessing
import re
import resource
import tempfile
import time
from dataclasses import replace
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx

from newsweave.ingest.stage import ingest
from newsweave.settings import Settings
from newsweave.store import open_store

SAMPLE = Path(__file__).parents[1] / "src" / "newsweave" / "sample" / "articles"


def write_text_files(folder: Path, count: int) -> None:
    originals = sorted(SAMPLE.glob("*.txt"))
    for number in range(count):
        original = originals[number % len(originals)].read_text(encoding="utf-8")
        title, _, rest = original.partition("\n")
        edited = rest.replace("url: https://", f"url: https://copy{number}.")
        (folder / f"{number:05}.txt").write_text(f"{title} ({number})\n{edited}", "utf-8")


def write_site(folder: Path, count: int) -> None:
    """Pages replicated from the sample's HTML files, and an RSS feed of summaries."""
    originals = sorted(SAMPLE.glob("*.html"))
    items = []
    for number in range(count):
        page = originals[number % len(originals)].read_text(encoding="utf-8")
        # Each copy is its own article: its own canonical URL and a numbered title.
        page = re.sub(r'<link rel="canonical"[^>]*>', "", page)
        page = re.sub(r"<title>", f"<title>{number} ", page)
        page = re.sub(r"(<h1[^>]*>)", rf"\g<1>{number} ", page)
        (folder / f"{number:05}.html").write_text(page, "utf-8")
        link = f"http://127.0.0.1:{{port}}/{number:05}.html"
        items.append(
            f"<item><title>Story {number}</title><link>{link}</link>"
            f"<description>{html.escape('A short summary.')}</description></item>"
        )
    (folder / "feed.rss.template").write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Bench feed</title>'
        f"<link>http://127.0.0.1:{{port}}/</link>{''.join(items)}</channel></rss>",
        "utf-8",
    )


def serve(folder: Path, port_queue: multiprocessing.Queue) -> None:
    class Handler(SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(folder), **kwargs)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    port = server.server_address[1]
    template = (folder / "feed.rss.template").read_text("utf-8")
    (folder / "feed.rss").write_text(template.replace("{port}", str(port)), "utf-8")
    port_queue.put(port)
    server.serve_forever()


def timed(action) -> tuple[float, object]:
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result


def bench_files(count: int, settings: Settings) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "articles"
        folder.mkdir()
        write_text_files(folder, count)
        baseline, _ = timed(lambda: [p.read_text("utf-8") for p in sorted(folder.iterdir())])
        with open_store(Path(tmp) / "store.db") as store:
            seconds, report = timed(lambda: ingest([str(folder)], store, settings))
        assert len(report.ingested) == count, report.rejected[:3]
    return {"articles": count, "seconds": seconds, "baseline_seconds": baseline}


def bench_http(count: int, settings: Settings) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "site"
        folder.mkdir()
        write_site(folder, count)
        ports: multiprocessing.Queue = multiprocessing.Queue()
        server = multiprocessing.Process(target=serve, args=(folder, ports), daemon=True)
        server.start()
        try:
            base = f"http://127.0.0.1:{ports.get(timeout=10)}"
            urls = [f"{base}/{number:05}.html" for number in range(count)]
            with httpx.Client() as client:
                baseline, _ = timed(lambda: [client.get(url).content for url in urls])
            http_settings = replace(settings, allow_private_addresses=True, per_host_interval=0.0)
            with open_store(Path(tmp) / "store.db") as store:
                seconds, report = timed(lambda: ingest([f"{base}/feed.rss"], store, http_settings))
            assert len(report.ingested) == count, report.rejected[:3]
        finally:
            server.terminate()
    return {"articles": count, "seconds": seconds, "baseline_seconds": baseline}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=1000, help="text files to ingest")
    parser.add_argument("--pages", type=int, default=200, help="pages to fetch through a feed")
    args = parser.parse_args()
    settings = Settings()
    rows = [
        ("local .txt files", bench_files(args.files, settings)),
        ("local HTTP server (feed + pages)", bench_http(args.pages, settings)),
    ]
    print("| input | articles | articles/s | baseline (I/O only) articles/s | time vs baseline |")
    print("|---|---|---|---|---|")
    for name, row in rows:
        rate = row["articles"] / row["seconds"]
        base_rate = row["articles"] / row["baseline_seconds"]
        ratio = row["seconds"] / row["baseline_seconds"]
        print(f"| {name} | {row['articles']} | {rate:,.0f} | {base_rate:,.0f} | {ratio:,.1f}× |")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak memory of the benchmark process: {peak:,.0f} MB")


if __name__ == "__main__":
    main()
