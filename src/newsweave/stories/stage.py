"""The stories stage: stored articles become events and storylines, incrementally.

One run does four steps, each over what the store does not know yet:

1. copy groups: every new article is checked for wire copies and light rewrites of the articles
   before it (`dedupe`), so that a group counts once when sources are counted;
2. vectors: new articles are embedded in batches with the configured embedder, and the vectors
   are stored under the embedder's name, so nothing is embedded twice; the batches are the
   engine's tasks (`newsweave.engine`: in this process, or on Ray workers), the rest of the
   stage runs here, in order;
3. events: the new articles join events in publication order (`cluster`); a merge is stored as
   a redirect from the old id;
4. storylines: events that continue one another are linked (`storylines`): the pairs with an
   event that this run changed are scored again, and written in the same transaction as the
   memberships they were linked from and the copy groups, so a run with nothing new (an idle
   `watch` cycle) skips it; ids stay stable, since a storyline is named after its earliest
   event.

Steps 1, 3 and 4 start from the copy index, the clusterer and the storyline linker as the last
run left them: each is saved in the store (`Store.put_state`, in that same transaction) under a
key of what it holds, every article's id and revision with its copy group or event, and loaded
when the key still matches the store. Otherwise (the first run, or the first after an upgrade,
a revised article, a state this newsweave cannot read) they are rebuilt from the stored
articles, their groups and events: `CopyIndex.restore` and `OnlineClusterer.restore` decide
nothing, and a new linker scores every pair of events. Rebuilding hashes, counts, links and
reads every stored article again, which made a run with one new article cost 38 seconds at
20,000 articles.

Several workers sharing a store build stories one at a time (`store.holding`): each step starts
from what the last run stored and decides in publication order, so a second worker waits, then
finds the articles the first one clustered known and does only what came since.

The clustering does not read the copy groups, so with `COPY_CHECK_FORK_MIN` articles or more
the copy check runs in a forked process beside it, on the second core: the check costs about
two thirds of the clustering (both are Python over every article's words), and at 20,000
articles it took 15 of the 47 seconds from stored articles to events. It starts after the
embedding, which keeps every core busy by itself. At 1,000 articles forking already takes the
time to events from 2.1 s to 1.5 s; for a few dozen, a fork would cost about what it saves.
"""

from __future__ import annotations

import contextlib
import hashlib
import multiprocessing
import signal
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache, partial
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

import numpy as np

from newsweave.engine import Engine, LocalEngine, engine_for
from newsweave.errors import SettingsError, WorkerLost
from newsweave.model import Article
from newsweave.settings import Settings
from newsweave.store import Store, holding
from newsweave.stories.cluster import ClusterItem, ClusterSettings, ClusterUpdate, OnlineClusterer
from newsweave.stories.dedupe import CopyIndex
from newsweave.stories.embed import EMBEDDER_NAMES, Embedder, load_embedder
from newsweave.stories.events import event_of, event_summary
from newsweave.stories.storylines import StorylineLinker

__all__ = ["StoriesReport", "build_stories", "cluster_item", "embedder_for"]

EMBED_BATCH = 64
# The names the states of the clusterer, the copy index and the storyline linker are saved
# under in the store.
CLUSTERER_STATE, COPY_STATE, STORYLINE_STATE = "clusterer", "copy index", "storyline linker"
STORIES_LOCK = "stories"  # held by the one worker building stories (`store.holding`)
COPY_CHECK_FORK_MIN = 500  # articles in the store (stored and new) from which the copy check forks

Progress = Callable[[str, int, int], None]
_State = TypeVar("_State")


@dataclass
class StoriesReport:
    """What one `build_stories` run did."""

    articles: int = 0  # current articles in the store
    new_articles: int = 0  # articles clustered in this run
    seconds_to_events: float = 0.0  # from the start until every new article had its event
    embedded: int = 0
    events: int = 0  # events in the store after the run
    new_events: int = 0
    merged: list[tuple[str, str]] = field(default_factory=list)  # (old id, id it redirects to)
    storylines: int = 0
    # Where each state this run started from came from, by name (CLUSTERER_STATE, COPY_STATE,
    # STORYLINE_STATE): "loaded" (saved by the last run) or "restored" (from the stored articles
    # and events); empty when the run needed none.
    states: dict[str, str] = field(default_factory=dict)
    # Time spent in each step; the copy check's may overlap the others' (see the module doc).
    seconds: dict[str, float] = field(default_factory=dict)


def embedder_for(settings: Settings) -> Embedder:
    """The embedder the `embedder` setting names: a packaged one, or a model folder."""
    if settings.embedder in EMBEDDER_NAMES and settings.embedder != "onnx":
        return load_embedder(settings.embedder)
    folder = Path(settings.embedder).expanduser()
    if not folder.is_dir():
        raise SettingsError(
            f"setting embedder is {settings.embedder!r}, which is neither minilm, static nor a "
            "folder; give a folder holding model.onnx and tokenizer.json"
        )
    return load_embedder("onnx", model_dir=folder)


def build_stories(
    store: Store,
    settings: Settings,
    *,
    embedder: Embedder | None = None,
    progress: Progress | None = None,
    engine: Engine | None = None,
) -> StoriesReport:
    """Group, embed and cluster the articles no run has seen yet; relink storylines. One
    worker at a time (of those sharing the store) does so: the clustering is ordered. The
    embedding runs on `engine` (the settings' unless given), in this process when `embedder`
    is given."""
    with holding(store, STORIES_LOCK):
        return _build_stories(store, settings, embedder, progress, engine)


def _build_stories(
    store: Store,
    settings: Settings,
    given: Embedder | None,
    progress: Progress | None,
    engine: Engine | None,
) -> StoriesReport:
    start = time.perf_counter()
    report = StoriesReport()
    articles = list(store.iter_articles())
    members = store.get_event_members()
    known = [article for article in articles if article.article_id in members]
    new = [article for article in articles if article.article_id not in members]
    report.articles, report.new_articles = len(articles), len(new)
    if not new:  # memberships, and the storylines linked from them, are as the last run left them
        report.events = len({members[article.article_id][0] for article in articles})
        report.storylines = len(set(store.get_storylines().values()))
        return report

    embedder = given or embedder_for(settings)
    engine = engine or engine_for(settings)
    embedding = _embedding(engine, embedder, settings.embedder if given is None else None)
    with _timed(report, "embed"):
        vectors = _vectors(store, embedder.name, embedding, articles, report, progress)
    known_events = [(a.article_id, a.revision, members[a.article_id][0]) for a in known]
    with _copy_check(store, known, new, report) as copies_found:
        with _timed(report, "cluster"):
            clusterer = _clusterer(store, embedder.name, known, known_events, vectors, report)
            update = clusterer.add(cluster_item(article, vectors) for article in new)
        copies = copies_found()
    report.seconds_to_events = time.perf_counter() - start
    _link_and_write(store, articles, known_events, clusterer, update, copies, report, embedder.name)
    return report


# -- steps --------------------------------------------------------------------------------


class _Copies(NamedTuple):
    """What the copy check found: every article's copy group, and the index's saved state."""

    groups: dict[str, str]
    index_state: bytes  # not `index`: that name is the tuple's own method


@contextmanager
def _copy_check(
    store: Store, known: Sequence[Article], new: Sequence[Article], report: StoriesReport
) -> Iterator[Callable[[], _Copies]]:
    """Yields a call that returns every article's copy group, once the check is done.

    Every group is found again, not only the new articles': a new article can bridge two older
    groups. The check starts from the copy index the last run saved when that was saved from
    the very articles known now, else from the stored articles (`_find_copies`). With
    `COPY_CHECK_FORK_MIN` articles or more, the check runs in a forked process from the start of
    the block (unless this process is a multiprocessing daemon, which may not start one); a
    block left early (an error, Ctrl-C) ends that process.
    """
    stored = store.get_copy_groups()
    known_rows = [(a.article_id, a.text, stored.get(a.article_id, a.article_id)) for a in known]
    key = _state_key(
        "copies",
        ((a.article_id, a.revision, row[2]) for a, row in zip(known, known_rows, strict=True)),
    )
    index = _saved(store, COPY_STATE, key)
    new_rows = [(article.article_id, article.text) for article in new]
    forks = (
        len(known) + len(new) >= COPY_CHECK_FORK_MIN
        and not multiprocessing.current_process().daemon
    )
    if not forks:
        with _timed(report, "copies"):
            copies, report.states[COPY_STATE] = _find_copies(known_rows, new_rows, index)
        yield lambda: copies
        return

    context = multiprocessing.get_context("fork")
    reader, writer = context.Pipe(duplex=False)
    child = context.Process(
        target=_copy_check_child, args=(writer, known_rows, new_rows, index), daemon=True
    )
    child.start()
    writer.close()  # the child holds the only writing end: its exit ends the pipe

    def answer() -> _Copies:
        try:
            outcome, value, seconds = reader.recv()
        except EOFError:
            child.join()
            raise WorkerLost(
                f"the copy check's process ended without an answer (exit code {child.exitcode}: "
                "killed, or out of memory?); run again, with more memory free"
            ) from None
        if outcome == "error":
            raise value
        report.seconds["copies"] = seconds
        copies, report.states[COPY_STATE] = value
        return copies

    try:
        yield answer
    finally:
        reader.close()
        if child.is_alive():
            child.terminate()
        child.join()


def _copy_check_child(writer: Any, known_rows: list, new_rows: list, index: bytes | None) -> None:
    """The forked copy check: sends ("copies", (copies, how), seconds) or ("error", exception,
    0)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C ends it silently; the parent reports
    start = time.perf_counter()
    answer: tuple[str, tuple[_Copies, str] | Exception, float]
    try:
        answer = ("copies", _find_copies(known_rows, new_rows, index), time.perf_counter() - start)
    except Exception as error:
        answer = ("error", error, 0.0)
    writer.send(answer)
    writer.close()


def _find_copies(
    known_rows: Sequence[tuple[str, str, str]],
    new_rows: Sequence[tuple[str, str]],
    saved: bytes | None,
) -> tuple[_Copies, str]:
    """The copy groups once the new rows are added to the index of the known ones, which is
    loaded from `saved` (see `_loaded_or`) or restored from the known (article id, text,
    stored group) rows; and how the index was had, "loaded" or "restored"."""
    index, how = _loaded_or(saved, CopyIndex.load, lambda: CopyIndex.restore(known_rows))
    for article_id, text in new_rows:
        index.add(article_id, text)
    return _Copies(index.groups(), index.save()), how


def _link_and_write(
    store: Store,
    articles: Sequence[Article],
    known_events: Sequence[tuple[str, int, str]],
    clusterer: OnlineClusterer,
    update: ClusterUpdate,
    copies: _Copies,
    report: StoriesReport,
    embedder_name: str,
) -> None:
    """Relink the storylines over the events the clustering made, and write the copy groups,
    the new memberships, the storylines and the states of the copy index, the clusterer and
    the storyline linker in one transaction, so a run with nothing new can leave the
    storylines alone, and the next run can start from the states. `known_events`: (article
    id, revision, event id) of the articles known before this run."""
    groups = copies.groups
    with _timed(report, "storylines"):
        event_ids = {item: event for event, items in clusterer.events().items() for item in items}
        by_event: dict[str, list[Article]] = defaultdict(list)
        for article in articles:  # publication order
            by_event[event_ids[article.article_id]].append(article)
        saved = _saved(store, STORYLINE_STATE, _state_key("storylines", known_events))
        linker, how = _loaded_or(saved, StorylineLinker.load, StorylineLinker)
        report.states[STORYLINE_STATE] = how
        changed = {a.event_id for a in update.assignments} | {new for _, new in update.merges}
        storylines = linker.link(
            (
                event_summary(event_of(event_id, members_of, groups), members_of)
                for event_id, members_of in by_event.items()
            ),
            changed if how == "loaded" else None,
        )
    with store.transaction():
        store.put_copy_groups(groups)
        store.put_event_members({a.item_id: (a.event_id, a.score) for a in update.assignments})
        for old_id, new_id in update.merges:
            store.merge_event(old_id, new_id)
        store.replace_storylines(storylines)
        with _timed(report, "save"):
            revisions = [(article.article_id, article.revision) for article in articles]
            events = [(a, r, event_ids[a]) for a, r in revisions]
            copies_key = _state_key("copies", ((a, r, groups[a]) for a, r in revisions))
            store.put_state(COPY_STATE, copies_key, copies.index_state)
            store.put_state(
                CLUSTERER_STATE, _clusterer_key(embedder_name, events), clusterer.save()
            )
            store.put_state(STORYLINE_STATE, _state_key("storylines", events), linker.save())
    report.new_events = sum(a.is_new_event for a in update.assignments)
    report.merged = list(update.merges)
    report.events = len(by_event)
    report.storylines = len(set(storylines.values()))


def _clusterer(
    store: Store,
    embedder_name: str,
    known: Sequence[Article],
    known_events: Sequence[tuple[str, int, str]],
    vectors: Mapping[str, np.ndarray],
    report: StoriesReport,
) -> OnlineClusterer:
    """The clusterer as the last run left it: its saved state when that was saved from these
    very articles, (article id, revision, event id) as `known_events` lists them, and this
    embedder; else restored from the articles."""
    event_of = {article_id: event_id for article_id, _, event_id in known_events}
    key = _clusterer_key(embedder_name, known_events)

    def restored() -> OnlineClusterer:
        clusterer = OnlineClusterer()
        clusterer.restore((cluster_item(article, vectors) for article in known), event_of)
        return clusterer

    clusterer, report.states[CLUSTERER_STATE] = _loaded_or(
        _saved(store, CLUSTERER_STATE, key), OnlineClusterer.load, restored
    )
    return clusterer


def _saved(store: Store, name: str, key: str) -> bytes | None:
    """The state saved under `name`, if it was saved under `key`."""
    saved = store.get_state(name)
    return saved[1] if saved is not None and saved[0] == key else None


def _loaded_or(
    saved: bytes | None, load: Callable[[bytes], _State], rebuild: Callable[[], _State]
) -> tuple[_State, str]:
    """(`load(saved)`, "loaded") when a state is given and readable, else (`rebuild()`,
    "restored"). A state this newsweave cannot read is rebuilt, and the run saves it anew."""
    if saved is not None:
        with contextlib.suppress(ValueError):
            return load(saved), "loaded"
    return rebuild(), "restored"


def _clusterer_key(embedder_name: str, articles: Iterable[tuple[str, int, str]]) -> str:
    """The `_state_key` of a clusterer of these (article id, revision, event id) rows, with
    the embedder's name and the default settings."""
    return _state_key(f"clusterer {embedder_name} {ClusterSettings()}", articles)


def _state_key(kind: str, articles: Iterable[tuple[str, int, str]]) -> str:
    """What a saved state is built from: `kind` and the (article id, revision, group or event
    id) of every article, in any order."""
    digest = hashlib.blake2b(kind.encode(), digest_size=16)
    for article_id, revision, group in sorted(articles):
        digest.update(f"\n{article_id} {revision} {group}".encode())
    return digest.hexdigest()


_Embedding = tuple[Engine, Callable[[list[str]], np.ndarray]]


def _embedding(engine: Engine, embedder: Embedder, setting: str | None) -> _Embedding:
    """Where the texts are embedded, and the task that embeds a batch: `embedder` in this
    process, or on the engine's workers the embedder the `embedder` setting names (when it is
    the one in use: `setting` is None when the caller gave its own)."""
    if engine.in_process or setting is None:
        return LocalEngine(), embedder.embed
    return engine, partial(embed_named, setting)


def embed_named(setting: str, texts: list[str]) -> np.ndarray:
    """The vectors of `texts` by the embedder the `embedder` setting names, loaded once per
    process (a worker's task)."""
    return _embedder_named(setting).embed(texts)


@lru_cache(maxsize=2)
def _embedder_named(setting: str) -> Embedder:
    return embedder_for(Settings(embedder=setting))


def _vectors(
    store: Store,
    name: str,
    embedding: _Embedding,
    articles: Sequence[Article],
    report: StoriesReport,
    progress: Progress | None,
) -> dict[str, np.ndarray]:
    """Every article's vector by the embedder `name`: the stored ones, and the missing ones
    embedded in batches (`embedding`) and stored as they come."""
    vectors = store.get_vectors(name)
    missing = [article for article in articles if article.article_id not in vectors]
    batches = [
        missing[start : start + EMBED_BATCH] for start in range(0, len(missing), EMBED_BATCH)
    ]
    engine, embed = embedding
    texts = ([_embedding_text(article) for article in batch] for batch in batches)
    for batch, made in zip(batches, engine.map(embed, texts), strict=True):
        if isinstance(made, Exception):
            raise made
        fresh = {article.article_id: made[row] for row, article in enumerate(batch)}
        store.put_vectors(name, fresh)
        vectors.update(fresh)
        report.embedded += len(batch)
        if progress:
            progress("embedding", report.embedded, len(missing))
    return vectors


def _embedding_text(article: Article) -> str:
    headline = _own_headline(article)
    return f"{headline}\n\n{article.text}" if headline else article.text


def _own_headline(article: Article) -> str:
    """The title as the clusterer reads it: none when it only repeats words of the text (a
    title ingest derived from the first sentence of news, after a caption or without its
    dateline; an outlet's headline that is its first sentence), so an untitled article's lead
    does not count twice."""
    repeated = " ".join(article.title.removesuffix("…").split())
    if repeated in " ".join(article.text.split()):
        return ""
    return article.title


def cluster_item(article: Article, vectors: Mapping[str, np.ndarray]) -> ClusterItem:
    """What the clusterer reads of a stored article (also what bench/small_store.py's grid
    replays, so its clusterer-only figures are those of this path)."""
    return ClusterItem(
        item_id=article.article_id,
        published_at=article.published_at,
        title=_own_headline(article),
        text=article.text,
        vector=vectors[article.article_id],
    )


@contextmanager
def _timed(report: StoriesReport, step: str) -> Iterator[None]:
    start = time.perf_counter()
    yield
    report.seconds[step] = report.seconds.get(step, 0.0) + time.perf_counter() - start
