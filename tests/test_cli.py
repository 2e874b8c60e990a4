"""The `newsweave` command end to end, as a user runs it.

Every test runs the real command in a subprocess (`python -m newsweave`), with the store in
tmp_path and settings given as NEWSWEAVE_* variables; URLs are served by a real HTTP server on
127.0.0.1 (tests/httpserver.py). What is checked is what a user sees: the exit code, one line on
stderr per rejected input naming it and saying what to try, the summary line, and what
`newsweave articles --json` says was stored. No output may hold a traceback.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass, fields
from pathlib import Path

import click
import pytest

from httpserver import Reply, Request, serve
from newsweave.settings import Settings

EXIT_OK, EXIT_FAILED, EXIT_PARTIAL = 0, 1, 3
COMMANDS = ("ingest", "articles", "show", "settings")
FAST = {"NEWSWEAVE_CONNECT_TIMEOUT": "0.5", "NEWSWEAVE_READ_TIMEOUT": "0.5"}
LOCAL_NETWORK = {"NEWSWEAVE_ALLOW_PRIVATE_ADDRESSES": "1", "NEWSWEAVE_PER_HOST_INTERVAL": "0"}

BODY = (
    "The harbour authority said on Thursday that the north quay would reopen to cargo ships "
    "next month, after repairs to the storm wall took longer than planned. Dock workers had "
    "been moved to the south quay since the January storms, and shipping firms said the delays "
    "had cost them several weeks of trade. The authority's director told reporters that the "
    "new wall was built to withstand a storm twice as strong as the one that broke the old one, "
    "and that the final inspection was due on Monday."
)
PAGE = f"""<!DOCTYPE html>
<html><head>
<title>Flood waters rise in Riverton | The Daily Example</title>
<meta property="og:site_name" content="The Daily Example">
<meta property="article:published_time" content="2026-03-05T14:30:00+01:00">
<meta name="author" content="Jane Reporter">
</head><body>
<nav><a href="/">Home</a> | <a href="/world">World</a></nav>
<article>
<h1>Flood waters rise in Riverton</h1>
<p>The river burst its banks on Tuesday morning, flooding hundreds of homes in the low-lying
districts of Riverton, officials said.</p>
<p>Emergency services evacuated more than 300 residents overnight. "We have never seen anything
like it," said the mayor, Ann Smith.</p>
<p>{BODY}</p>
</article>
</body></html>"""


# -- running the command ------------------------------------------------------------------------


def environment(extra: dict[str, str] | None = None) -> dict[str, str]:
    """This process's environment without any NEWSWEAVE_* setting, plus `extra`."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("NEWSWEAVE_")}
    env["COLUMNS"] = "200"  # rich tables as wide as a roomy terminal, so no cell is folded
    return env | (extra or {})


def start(cwd: Path, *args: object, env: dict[str, str] | None = None) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "newsweave", *map(str, args)],
        cwd=cwd,
        env=environment(env),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(process: subprocess.Popen) -> subprocess.CompletedProcess:
    stdout, stderr = process.communicate(timeout=60)
    result = subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)
    assert "Traceback" not in stdout + stderr, stdout + stderr
    return result


def newsweave(cwd: Path, *args: object, env: dict[str, str] | None = None):
    """Run `newsweave ARGS` in `cwd` and wait for it."""
    return finish(start(cwd, *args, env=env))


def in_parallel(cwd: Path, *commands: tuple[object, ...], env: dict[str, str] | None = None):
    """Run independent commands at once (each command pays a second of imports)."""
    return [finish(process) for process in [start(cwd, *args, env=env) for args in commands]]


def stored(cwd: Path, db: Path) -> list[dict]:
    """The stored articles, as `newsweave articles --json` lists them."""
    result = newsweave(cwd, "articles", "--json", "--limit", 1000, "--db", db)
    assert result.returncode == EXIT_OK, result.stderr
    return json.loads(result.stdout)


def assert_rejected_clearly(stderr: str, expected: dict[str, tuple[str, ...]]) -> None:
    """Each input named in `expected` has exactly one line on stderr, holding the phrases."""
    lines = stderr.splitlines()
    for name, phrases in expected.items():
        naming = [line for line in lines if name in line]
        assert len(naming) == 1, f"{name}: expected one line, got {naming}\n{stderr}"
        assert naming[0].startswith("rejected: "), naming[0]
        for phrase in phrases:
            assert phrase in naming[0], f"{name}: {phrase!r} missing from {naming[0]!r}"
    assert len(lines) == len(expected), stderr  # nothing else, and no good input, on stderr


def article_file(path: Path, title: str, *, published: str, extra: str = "") -> Path:
    path.write_text(
        f"{extra}{title}\nsource: Harbour Herald\nurl: https://harbourherald.example/{path.stem}\n"
        f"published: {published}\nauthor: Mira Holt\n\n{title}. {BODY}\n"
    )
    return path


def record(number: int, title: str) -> str:
    return json.dumps(
        {
            "id": f"wire-{number}",
            "title": title,
            "text": f"{title}. {BODY}",
            "published_at": "2026-03-06",
            "source": "Coast Wire",
            "url": None,
        }
    )


# -- a batch with bad inputs: each rejected in one line, the rest stored, exit 3 ----------------


def test_bad_files_and_private_addresses_are_each_rejected_in_one_line_the_rest_stored(tmp_path):
    """With the default settings: private addresses are refused, without a connection."""
    article_file(tmp_path / "good.txt", "Quay to reopen next month", published="2026-03-05")
    (tmp_path / "wire.jsonl").write_text(
        "\n".join([record(1, "Ferry fares frozen"), "{not json", record(3, "Lighthouse relit")])
    )
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 50)
    with (tmp_path / "huge.txt").open("w") as huge:  # 50 MB of text, over the 10 MB default
        line = "A line of a very long text file that is far too big to be one article.\n"
        huge.write(line * (50_000_001 // len(line) + 1))
    (tmp_path / "broken.html").write_text("<html><body><div><p>unclosed")
    (tmp_path / "garbled.rss").write_text(
        '<?xml version="1.0"?>\n<rss version="2.0"><channel><title>News</title>\n<<<>>> &&& %%'
    )
    (tmp_path / "cut-off.atom").write_text(  # one whole entry, then the file stops mid-entry
        '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
        "<title>Saltmere Courier</title><entry><title>Tide gauge replaced</title>"
        f"<id>tag:saltmere.example,2026:1</id><content>Tide gauge replaced. {BODY}</content>"
        "</entry><entry><title>Second sto"
    )
    inputs = [
        "good.txt",
        "empty.txt",
        "binary.txt",
        "huge.txt",
        "broken.html",
        "garbled.rss",
        "cut-off.atom",
        "wire.jsonl",
        "missing.txt",
    ]
    private = "http://10.0.0.1/intranet/news"
    log: list[Request] = []
    with serve({"/news/flood": PAGE}, log=log) as base:
        loopback = f"{base}/news/flood"
        result = newsweave(tmp_path, "ingest", *inputs, loopback, private, "--db", "store.db")

    assert log == [], "the command connected to a loopback address"
    assert result.returncode == EXIT_PARTIAL, result.stdout + result.stderr
    assert_rejected_clearly(
        result.stderr,
        {
            "empty.txt": ("file is empty", "check that it was saved"),
            "binary.txt": ("looks binary", "give a text, HTML or JSON file"),
            "huge.txt": ("50.0 MB, over the 10 MB limit", "raise max_file_bytes"),
            "broken.html": ("is it an article page?",),
            "garbled.rss": ("malformed feed", "check that the URL or file is an RSS or Atom feed"),
            "cut-off.atom": ("malformed", "complete RSS or Atom feed"),
            "wire.jsonl": ("wire.jsonl:2:", "not valid JSON", "fix or remove that line"),
            "missing.txt": ("no such file or folder", "check the path"),
            loopback: ("127.0.0.1 is a loopback address", "allow_private_addresses"),
            private: ("10.0.0.1 is a private address", "allow_private_addresses"),
        },
    )
    assert result.stdout.startswith("4 ingested, 0 unchanged, 0 revised, 10 rejected (")
    assert "1 too-large" in result.stdout and "2 private-address" in result.stdout
    titles = {article["title"] for article in stored(tmp_path, tmp_path / "store.db")}
    assert titles == {
        "Quay to reopen next month",
        "Ferry fares frozen",
        "Lighthouse relit",
        "Tide gauge replaced",
    }


def test_bad_urls_in_a_batch_are_each_rejected_in_one_line_and_the_rest_is_stored(tmp_path):
    routes = {
        "/robots.txt": Reply(body="User-agent: *\nAllow: /\n", content_type="text/plain"),
        "/news/flood": PAGE,
        "/gone": Reply(status=404, body="not here", content_type="text/plain"),
        "/hangs": Reply(body=PAGE, delay=10),  # far past NEWSWEAVE_READ_TIMEOUT
        "/loop-a": Reply(status=302, headers={"Location": "/loop-b"}),
        "/loop-b": Reply(status=302, headers={"Location": "/loop-a"}),
    }
    with serve(routes) as base:
        good, gone, hangs, loop = (
            f"{base}{path}" for path in ("/news/flood", "/gone", "/hangs", "/loop-a")
        )
        result = newsweave(
            tmp_path,
            "ingest",
            good,
            gone,
            hangs,
            loop,
            "--db",
            "store.db",
            env=FAST | LOCAL_NETWORK,
        )

    assert result.returncode == EXIT_PARTIAL, result.stdout + result.stderr
    assert_rejected_clearly(
        result.stderr,
        {
            gone: ("answered HTTP 404", "check the URL"),
            hangs: ("no answer in time", "raise connect_timeout or read_timeout"),
            loop: ("redirects in a loop", "check the URL in a browser"),
        },
    )
    assert result.stdout.startswith("1 ingested, 0 unchanged, 0 revised, 3 rejected (")
    [article] = stored(tmp_path, tmp_path / "store.db")
    assert article["title"] == "Flood waters rise in Riverton"
    assert article["url"] == good
    assert article["author"] == "Jane Reporter"


# -- a good batch: exit 0, a summary, and the same files again are unchanged --------------------


@dataclass(frozen=True)
class Library:
    folder: Path
    db: Path
    ingest: subprocess.CompletedProcess  # the first `newsweave ingest` of the folder
    listed: list[dict]  # `newsweave articles --json` after it


@pytest.fixture(scope="module")
def library(tmp_path_factory) -> Library:
    """A folder of two good articles, ingested once into a store."""
    folder = tmp_path_factory.mktemp("library")
    articles = folder / "articles"
    articles.mkdir()
    article_file(articles / "quay.txt", "Quay to reopen next month", published="2026-03-05T09:30Z")
    article_file(  # chrome before the title: left out of the text, and flagged
        articles / "fares.txt",
        "Ferry fares frozen for a year",
        published="2026-03-07T18:00Z",
        extra="Press Enter to search\nSubscribe to our newsletter\n",
    )
    ingest = newsweave(folder, "ingest", "articles", "--db", "store.db")
    return Library(folder, folder / "store.db", ingest, stored(folder, folder / "store.db"))


def test_a_good_batch_exits_0_with_a_summary_and_again_reports_it_unchanged(library):
    first = library.ingest
    assert first.returncode == EXIT_OK, first.stdout + first.stderr
    assert first.stdout == "2 ingested, 0 unchanged, 0 revised, 0 rejected\n"
    assert first.stderr == ""

    again = newsweave(library.folder, "ingest", "articles", "--db", library.db)
    assert again.returncode == EXIT_OK, again.stdout + again.stderr
    assert again.stdout == "0 ingested, 2 unchanged, 0 revised, 0 rejected\n"
    assert again.stderr == ""


# -- reading the store: articles and show -------------------------------------------------------


def test_articles_lists_the_stored_articles_as_json_and_as_a_table(library):
    assert [a["title"] for a in library.listed] == [  # newest first
        "Ferry fares frozen for a year",
        "Quay to reopen next month",
    ]
    fares = library.listed[0]
    assert len(fares["article_id"]) == 16
    assert fares["outlet"] == "Harbour Herald"
    assert fares["url"] == "https://harbourherald.example/fares"
    assert fares["author"] == "Mira Holt"
    assert fares["published_at"] == "2026-03-07T18:00:00+00:00"
    assert "boilerplate" in fares["flags"]
    assert fares["words"] > 60

    table = newsweave(library.folder, "articles", "--db", library.db)
    assert table.returncode == EXIT_OK, table.stderr
    assert f"2 articles in {library.db}" in table.stdout
    assert fares["article_id"][:10] in table.stdout
    assert "Ferry fares frozen for a year" in table.stdout


def test_show_prints_text_metadata_and_flags_by_id_prefix(library):
    fares = library.listed[0]
    prefix = fares["article_id"][:6]
    text, as_json = in_parallel(
        library.folder,
        ("show", prefix, "--db", library.db),
        ("show", prefix, "--json", "--db", library.db),
    )

    assert text.returncode == as_json.returncode == EXIT_OK, text.stderr + as_json.stderr
    header, _, body = text.stdout.partition("\n\n")
    lines = header.splitlines()
    assert lines[0] == "Ferry fares frozen for a year"
    for line in (
        f"  article_id: {fares['article_id']}",
        "  outlet: Harbour Herald",
        "  url: https://harbourherald.example/fares",
        "  author: Mira Holt",
        "  published_at: 2026-03-07T18:00:00+00:00",
        f"  revisions: 1 ({fares['article_id']})",
    ):
        assert line in lines, f"{line!r} not in\n{text.stdout}"
    assert any(line.startswith("  flag boilerplate: ") for line in lines), text.stdout
    assert body.startswith("Ferry fares frozen for a year. The harbour authority said")
    assert "Press Enter to search" not in body  # the chrome is out of the text

    shown = json.loads(as_json.stdout)
    assert shown["article_id"] == fares["article_id"]
    assert shown["text"] == body.strip()
    assert "Press Enter to search" in shown["raw_text"]  # kept as received
    assert "boilerplate" in {flag["kind"] for flag in shown["flags"]}


# -- failures: one clear line on stderr, exit 1 -------------------------------------------------


def test_failures_are_one_clear_line_and_exit_1(library, tmp_path):
    cases = [
        (
            ("ingest", "no/such/file.txt", "--db", "new.db"),
            {},
            "rejected: no/such/file.txt: no such file or folder; check the path, or give a full "
            "http(s) URL",
        ),
        (
            ("show", "nosuchid", "--db", library.db),
            {},
            "error: no article has an id starting with 'nosuchid'; `newsweave articles` lists "
            "the ids",
        ),
        (
            ("articles", "--db", "nowhere.db"),
            {},
            "error: no store at nowhere.db; run `newsweave ingest SOURCE…` first or give --db",
        ),
        (
            ("settings",),
            {"NEWSWEAVE_READ_TIMEOUT": "soon"},
            "error: setting read_timeout in environment must be a float, not 'soon'",
        ),
    ]
    processes = [start(tmp_path, *args, env=env) for args, env, _ in cases]
    results = [finish(process) for process in processes]
    for (args, _, line), result in zip(cases, results, strict=True):
        assert result.returncode == EXIT_FAILED, (args, result.stdout, result.stderr)
        assert result.stderr.splitlines() == [line], args
    missing, unknown, no_store, bad_setting = results
    assert missing.stdout == "0 ingested, 0 unchanged, 0 revised, 1 rejected (1 not-found)\n"
    assert unknown.stdout == no_store.stdout == bad_setting.stdout == ""
    assert not (tmp_path / "nowhere.db").exists()


# -- settings and help --------------------------------------------------------------------------


def test_settings_show_the_effective_values_with_env_and_option_overrides(tmp_path):
    env = {"NEWSWEAVE_PER_HOST_INTERVAL": "2.5"}
    as_json, as_table = in_parallel(
        tmp_path,
        ("settings", "--json", "--db", "elsewhere.db"),
        ("settings", "--db", "elsewhere.db"),
        env=env,
    )
    assert as_json.returncode == as_table.returncode == EXIT_OK
    values = json.loads(as_json.stdout)
    assert set(values) == {f.name for f in fields(Settings)}
    assert values["db"] == "elsewhere.db"  # the option
    assert values["per_host_interval"] == 2.5  # the environment
    assert values["max_file_bytes"] == Settings().max_file_bytes == 10_000_000  # the default
    assert values["allow_private_addresses"] is False

    rows = {
        line.split("│")[1].strip(): line for line in as_table.stdout.splitlines() if "│" in line
    }
    assert "elsewhere.db" in rows["db"]
    assert "2.5" in rows["per_host_interval"]
    assert "least seconds between two requests to one host" in rows["per_host_interval"]
    assert set(rows) >= {f.name for f in fields(Settings)}


def command_paths(group: click.Group, parent: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every command under `group`, subcommands of subgroups included, as name paths."""
    paths = []
    for name, command in sorted(group.commands.items()):
        paths.append((*parent, name))
        if isinstance(command, click.Group):
            paths.extend(command_paths(command, (*parent, name)))
    return paths


def test_help_works_on_every_command(tmp_path):
    helps = in_parallel(tmp_path, ("--help",), *((command, "--help") for command in COMMANDS))
    for path, result in zip([(), *((c,) for c in COMMANDS)], helps, strict=True):
        assert result.returncode == EXIT_OK, (path, result.stderr)
        assert result.stderr == "", path
        assert result.stdout.startswith(f"Usage: {' '.join(('python -m newsweave', *path))} ")
    main_help, ingest, articles, show, settings = (result.stdout for result in helps)
    assert all(f"  {command} " in main_help for command in COMMANDS), main_help
    assert all(option in ingest for option in ("SOURCES...", "--json", "--db"))
    assert all(option in articles for option in ("--limit", "--json", "--db"))
    assert all(option in show for option in ("ARTICLE_ID", "--json", "--db"))
    assert all(option in settings for option in ("--json", "--config", "--db"))
    assert not list(tmp_path.iterdir()), "--help created files"

    # Every other command, subcommands included, in this process: a process each costs seconds.
    from click.testing import CliRunner

    from newsweave.cli import main

    for path in command_paths(main):
        result = CliRunner().invoke(main, [*path, "--help"], prog_name="newsweave")
        assert result.exit_code == EXIT_OK, (path, result.output)
        assert result.output.startswith(f"Usage: {' '.join(('newsweave', *path))} "), path
        parent = CliRunner().invoke(main, [*path[:-1], "--help"], prog_name="newsweave")
        assert f"  {path[-1]} " in parent.output, f"{path} is not listed by its group's help"
