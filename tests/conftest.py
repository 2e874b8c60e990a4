"""Shared fixtures, and Hypothesis profiles: random examples where developers run the tests,
fixed ones in CI.

Property tests search a new part of their input space on every local run, which is how they
find edge cases; CI (`.ci/run` sets HYPOTHESIS_PROFILE=ci) runs the same examples each time, so
a submission's result does not depend on the draw. An edge case found locally goes into the
test as an `@example`, and CI runs it from then on.

Every test that takes `store_location` (a new, empty store's --db) or `pipeline` runs twice: on
a SQLite file and on a PostgreSQL database. The PostgreSQL server is Debian's, a throwaway
cluster that `scripts/postgres` makes in a temporary folder when the first such test asks for
it, and stops after the session; each store is a schema of its own in it. When the server
cannot start, those tests fail (never skip): `make test` installs PostgreSQL first.
NEWSWEAVE_TEST_POSTGRES, a server's URL, makes them use that server instead.

`pipeline` is the sample corpus run through `newsweave run` without the Harbour Herald's
eleven-dead report, then again with it, as a user's store would grow: built once per test
session and store (about a minute each) and read by the briefs, API and browser tests, which
must not change it; `sqlite_pipeline` is its SQLite one, for tests that copy the file.
`sample_store` is the sample corpus ingested once per session (no model runs): the fixtures that
read the stored articles or analyse them their own way start from it, and a test that writes
to a store writes to a copy of it. `sample_stories` is that store with its stories built
(MiniLM), once per session, for the stories tests and the analysis stage's. `SAMPLE`, `GOLD`
(its gold file), `planted_disagreements` and `body_brief` serve the tests that read the sample
corpus or build briefs by hand; `reports` makes one event's articles from a few lines of text.
`hostile_store` is a small store whose articles carry markup and script, for the pages' safety.
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from click.testing import CliRunner
from hypothesis import settings

from fast_loop import forbid_models, leaves_out_slow, mark_model_fixture_users, slow_throughout
from newsweave.briefs.model import Brief, BriefSentence, PullQuote, Section, SourceEntry
from newsweave.model import Article, IngestReport
from newsweave.settings import Settings

if TYPE_CHECKING:
    from newsweave.stories.stage import StoriesReport

# The stages, the store and the CLI are imported by the fixtures and helpers that use them: under
# `make check` (pytest-xdist) this file is also imported by the process that hands tests to the
# workers and runs none, and importing them there was a second of CPU for nothing.

settings.register_profile("ci", derandomize=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """A run leaving slow tests out does not import the modules that are slow throughout."""
    if leaves_out_slow(config) and slow_throughout(collection_path):
        return True
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    mark_model_fixture_users(items)
    if leaves_out_slow(config):
        forbid_models()


SAMPLE = Path(__file__).parents[1] / "src" / "newsweave" / "sample"
GOLD = json.loads((SAMPLE / "gold.json").read_text(encoding="utf-8"))
ELEVEN_DEAD = "2026-03-03-harbourherald-eleven-dead-fire.html"
POSTGRES = Path(__file__).parents[1] / "scripts" / "postgres"
# A test on PostgreSQL needs its server: slow (tests/fast_loop.py), as on SQLite it is not.
STORES = ("sqlite", pytest.param("postgresql", marks=pytest.mark.slow))
_SCHEMAS = itertools.count()


@pytest.fixture(scope="session")
def postgres_server(request) -> Iterator[str]:
    """The URL of a throwaway PostgreSQL server, up for the rest of the session."""
    if leaves_out_slow(request.config):
        pytest.fail(
            "this test needs PostgreSQL's server, which the fast loop leaves out: mark it "
            "@pytest.mark.slow (see tests/fast_loop.py)",
            pytrace=False,
        )
    if os.environ.get("NEWSWEAVE_TEST_POSTGRES"):
        yield os.environ["NEWSWEAVE_TEST_POSTGRES"]
        return
    folder = tempfile.mkdtemp(prefix="newsweave-pg-")  # not under pytest's folder: the server's
    started = subprocess.run([POSTGRES, "start", folder], capture_output=True, text=True)
    if started.returncode != 0:
        pytest.fail(f"scripts/postgres could not start PostgreSQL:\n{started.stderr}")
    try:
        yield started.stdout.strip()
    finally:
        subprocess.run([POSTGRES, "stop", folder], check=False)
        shutil.rmtree(folder, ignore_errors=True)


def new_postgres_store(server: str) -> str:
    """The URL of a new, empty store on `server`: a schema of its own."""
    import psycopg

    schema = f"test_{os.getpid()}_{next(_SCHEMAS)}"
    with psycopg.connect(server, autocommit=True) as db:
        db.execute(f"CREATE SCHEMA {schema}")
    separator = "&" if "?" in server else "?"
    return f"{server}{separator}options=-csearch_path%3D{schema}"


def new_store(kind: str, folder: Path, request: pytest.FixtureRequest) -> str:
    """A new, empty store's location (what --db takes) of `kind`: "sqlite" or "postgresql"."""
    if kind == "sqlite":
        return str(folder / "store.db")
    return new_postgres_store(request.getfixturevalue("postgres_server"))


@pytest.fixture(params=STORES)
def store_location(request, tmp_path) -> str:
    """A new, empty store's location: a SQLite file, then a PostgreSQL database."""
    return new_store(request.param, tmp_path, request)


@dataclass(frozen=True)
class Pipeline:
    db: str  # the store's location
    fire: str  # the event id of the fire, which the late report joins
    first: str  # the first run's summary line
    second: str


def store_outcome(db: str) -> dict[str, Any]:
    """Every event of the store at `db` (its articles and storyline), its stored analysis, and
    each version of its brief but for when it was written, by event id: what two runs that
    should agree are compared on."""
    from newsweave.store import open_store
    from newsweave.stories import list_events

    with open_store(db) as store:
        outcome = {}
        for event in list_events(store):
            versions = []
            while (brief := store.get_brief(event.event_id, len(versions) + 1)) is not None:
                versions.append({k: v for k, v in brief.items() if k != "written_at"})
            outcome[event.event_id] = (
                sorted(event.article_ids),
                event.storyline_id,
                store.get_analysis(event.event_id),
                versions,
            )
    return outcome


def _run(db: str, *args: str) -> str:
    from newsweave.cli import main

    result = CliRunner().invoke(main, ["run", "--db", db, *args])
    assert result.exit_code == 0, result.output
    return result.output


def newsweave_in_process(*args: object, env: dict[str, str] | None = None):
    """`newsweave ARGS` run in this process by click's runner: its exit code, standard output
    and standard error as the process would give them, without a new interpreter's start-up
    (about 0.6 s of CPU each). An exception the command lets out is raised here, so a test
    cannot pass on a traceback a user would have met."""
    from newsweave.cli import main

    result = CliRunner().invoke(main, [str(arg) for arg in args], env=env)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return subprocess.CompletedProcess(args, result.exit_code, result.stdout, result.stderr)


_PIPELINES: dict[str, Pipeline] = {}


def pipeline_on(kind: str, request: pytest.FixtureRequest) -> Pipeline:
    """The sample corpus's pipeline on a store of `kind`, built once per session."""
    from newsweave.store import open_store
    from newsweave.stories import list_events

    if kind not in _PIPELINES:
        folder = request.getfixturevalue("tmp_path_factory").mktemp("pipeline")
        corpus = folder / "articles"
        shutil.copytree(SAMPLE / "articles", corpus)
        late = folder / ELEVEN_DEAD
        shutil.move(corpus / ELEVEN_DEAD, late)
        db = new_store(kind, folder, request)
        first = _run(db, str(corpus))
        second = _run(db, str(late))
        with open_store(db) as store:
            (fire,) = [
                e for e in list_events(store) if "Port Casimir" in e.title and "dead" in e.title
            ]
        _PIPELINES[kind] = Pipeline(db, fire.event_id, first, second)
    return _PIPELINES[kind]


@pytest.fixture(scope="session", params=STORES)
def pipeline(request) -> Pipeline:
    return pipeline_on(request.param, request)


@pytest.fixture(scope="session")
def sqlite_pipeline(request) -> Pipeline:
    return pipeline_on("sqlite", request)


@dataclass(frozen=True)
class SampleFile:
    db: Path  # a SQLite store no test writes to: `copy_to` makes one to change

    def copy_to(self, folder: Path) -> Path:
        """A copy of the store in `folder`, the copy's path."""
        copy_sqlite(self.db, folder / "sample.db")
        return folder / "sample.db"


@dataclass(frozen=True)
class SampleStore(SampleFile):
    report: IngestReport  # the ingest that stored the corpus
    articles: tuple[Article, ...]  # as the store hands them out

    def by_url(self) -> dict[str, Article]:
        """The articles by the URL the gold file knows them by."""
        return {str(a.url or a.canonical_url): a for a in self.articles}


@dataclass(frozen=True)
class SampleStories(SampleFile):
    report: StoriesReport  # the stories stage's run over the sample store


def copy_sqlite(source: Path, target: Path) -> None:
    """A SQLite store copied whole (committed data only), for a test to change the copy."""
    source_db, target_db = sqlite3.connect(source), sqlite3.connect(target)
    source_db.backup(target_db)
    source_db.close()
    target_db.close()


@pytest.fixture(scope="session")
def sample_store(tmp_path_factory) -> SampleStore:
    """The sample corpus ingested into a SQLite store, once per session."""
    from newsweave.ingest.stage import ingest
    from newsweave.store import open_store

    db = tmp_path_factory.mktemp("sample") / "store.db"
    with open_store(db) as store:
        report = ingest([str(SAMPLE / "articles")], store, Settings(db=db))
        articles = tuple(store.iter_articles())
    return SampleStore(db, report, articles)


@pytest.fixture(scope="session")
def sample_stories(sample_store, tmp_path_factory) -> SampleStories:
    """The sample store's copies, vectors, events and storylines (MiniLM, the default
    embedder), built once per session: the stories tests read them, the analysis tests start
    from them."""
    from newsweave.store import open_store
    from newsweave.stories.stage import build_stories

    db = sample_store.copy_to(tmp_path_factory.mktemp("stories"))
    with open_store(db) as store:
        report = build_stories(store, Settings(db=db))
    return SampleStories(db, report)


HOSTILE = (
    '<script>window.pwned=1</script><img src=x onerror="window.pwned=2">"><svg onload=alert(1)>'
)


@pytest.fixture(scope="session")
def hostile_store(tmp_path_factory) -> Path:
    """Two outlets' reports of one event whose titles and texts carry markup and script."""
    from newsweave.cli import main

    folder = tmp_path_factory.mktemp("hostile")
    body = (
        "The Dunmore harbour authority closed the north quay on Tuesday after a crane "
        f"collapsed onto a cargo ship, injuring two dock workers. {HOSTILE} Officials said the "
        "quay would stay closed for at least a week while inspectors examined the crane. "
        "The harbour master said the ship's cargo of timber was not damaged. "
    )
    articles = [
        {
            "id": f"crane-{n}",
            "title": f"Crane collapses at Dunmore quay {HOSTILE}",
            "text": body * 2 + f"Reported by outlet {n}.",
            "published_at": f"2026-03-0{n}T10:00:00+00:00",
            "source": outlet,
            "url": f"https://{outlet.lower().replace(' ', '')}.example/crane",
        }
        for n, outlet in ((1, "Dunmore Gazette"), (2, f"Quay Post {HOSTILE}"))
    ]
    corpus = folder / "crane.jsonl"
    corpus.write_text("\n".join(json.dumps(a) for a in articles), encoding="utf-8")
    db = folder / "store.db"
    result = CliRunner().invoke(main, ["run", "--db", str(db), str(corpus)])
    assert result.exit_code == 0, result.output
    return db


def reports(tmp_path, *reports: tuple[str, str]) -> list[Article]:
    """One event's articles from (outlet, text) pairs, built as `eval summarize` builds them."""
    from newsweave.evaluate.summaries import read_summary_clusters

    rows = [
        {"id": f"r{n}", "source": outlet, "published_at": "2026-05-06", "text": text}
        for n, (outlet, text) in enumerate(reports, start=1)
    ]
    path = tmp_path / "event.jsonl"
    line = json.dumps({"id": "event", "articles": rows, "reference": "x"})
    path.write_text(line + "\n", encoding="utf-8")
    (cluster,) = read_summary_clusters(path, Settings())
    return list(cluster.articles)


def planted_disagreements() -> list:
    """The sample's planted disagreements as test parameters, named by event and kind."""
    return [
        pytest.param(planted, id=f"{planted['event']}-{planted['kind']}")
        for planted in GOLD["disagreements"]
    ]


def body_brief(
    sentences: Sequence[BriefSentence],
    sources: Sequence[SourceEntry],
    pull_quote: PullQuote | None = None,
) -> Brief:
    """A brief of one body paragraph, for tests of what verifies or scores a brief."""
    return Brief(
        event_id="ev_test",
        headline="headline",
        sections=(Section("body", (tuple(sentences),)),),
        pull_quote=pull_quote,
        sources=tuple(sources),
        independent_sources=3,
        writer="embedded",
        written_at="2026-03-03T00:00:00+00:00",
    )
