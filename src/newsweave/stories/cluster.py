"""Online event clustering: each batch of new articles joins existing events or opens new ones.

Each `add` call takes a batch of articles in (published_at, item_id) order (undated articles
after dated ones) and works in two steps.

Linking. Every article is counted and indexed, then linked to its nearest articles:

1. its `neighbours` nearest articles by embedding inside a time window around its date come
   from approximate-nearest-neighbour indexes (usearch HNSW), one per window-long span of days,
   so a search reaches only the few spans its window overlaps and cost per article does not
   grow with the corpus;
2. each link gets a hybrid similarity: TF-IDF cosine (incremental document frequencies over
   the opening of the text; the lead and proper nouns / numbers are counted extra) mixed with the
   cosine of the embeddings after subtracting the running corpus mean ("centring", which keeps a
   corpus where every article is about the same kind of incident from collapsing); both the
   frequencies and the mean start from `prior_articles` pseudo-articles of general news (word
   shares from `news_term_share`, no shared direction), so that a fresh store of three reports
   of one event is one event, and a large store is ruled by its own counts;
3. similarities are locally scaled: each article keeps the mean of its best `scale_k` links,
   and a pair pays a penalty of the two means, so articles in a dense neighbourhood (a
   same-topic corpus, two similar incidents) need a higher raw similarity to link than isolated
   ones (CSLS, as used against hubness in embedding spaces);
4. dated pairs lose similarity with a half-life as their dates drift apart.

Grouping. The new articles and the existing events they link to are grouped by average linkage
over those links, a new article also being scored against the `max_members` most recent members
of each event it links to (pairs never scored count as zero): the two groups with the best
mean scaled link merge while it clears `join_threshold`. Existing events are never split; two
of them merge only through a new article linking them and when their mean link clears
`merge_threshold`, the younger into the older, reported as (retired id, surviving id) so
callers can redirect stored ids. Average linkage over the whole batch is what makes a large
batch as good as offline clustering; mean link (rather than centroids) was far more robust on a
same-topic corpus. A batch of one article reduces to "join the best-linked event or open one";
small batches score lower on the dev files than large ones (bench/cluster_research.py --batch).

Event ids derive from the founding article's id, so re-running on the same input gives the same
ids; `restore` rebuilds the state from stored articles and their event ids without deciding
anything, and `save` / `load` keep the state itself between runs (see `saved_state`). The
module is hand-written because no library does online event clustering with these signals
(embedding + incremental TF-IDF + names + dates, local scaling, average-linkage joins, merges,
stable ids).
"""

from __future__ import annotations

import hashlib
import heapq
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

import numpy as np

from newsweave.saved_state import pack, ragged, unpack, unragged
from newsweave.stories.cluster_features import Lexicon, news_term_share, term_counts

MAX_WIDENING = 16  # a search for neighbours inside the time window looks this far at most
STATE_FORMAT = 2  # of `OnlineClusterer.save`; a state of another format is not loaded


@dataclass(frozen=True)
class ClusterSettings:
    """One default setting for every corpus; chosen on the dev files (see bench/)."""

    embedding_weight: float = 0.3  # share of centred-embedding cosine in the hybrid similarity
    neighbours: int = 20  # nearest articles (by embedding, from the ANN index) linked to each
    scale_k: int = 3  # best links averaged for an article's local-scaling level
    scale_alpha: float = 0.5  # strength of the local-scaling penalty
    join_threshold: float = 0.08  # mean scaled link needed to join two groups
    merge_threshold: float = 0.08  # the same when both groups hold an earlier event
    max_members: int = 48  # most recent members that stand for an earlier event
    text_chars: int = 5000  # only the opening of a long text is counted (the inverted pyramid)
    lead_sentences: int = 2
    lead_boost: float = 1.0  # extra count for terms of the title and lead
    name_boost: float = 1.0  # extra count for proper nouns and numbers
    window_days: float = 30.0  # dated pairs further apart than this never link
    half_life_days: float = 3.0  # similarity halves per this many days beyond one day apart
    prior_articles: float = 200.0  # pseudo-articles of general news the counts start from


@dataclass(frozen=True)
class ClusterItem:
    """What the clusterer needs of an article."""

    item_id: str
    published_at: datetime | None
    title: str | None
    text: str
    vector: np.ndarray


@dataclass(frozen=True)
class Assignment:
    item_id: str
    event_id: str
    is_new_event: bool
    score: float  # mean scaled link at which the article joined its group (0.0: founded it)


@dataclass
class ClusterUpdate:
    """The outcome of one `add` call: final assignments and the merges that happened."""

    assignments: list[Assignment] = field(default_factory=list)
    merges: list[tuple[str, str]] = field(default_factory=list)  # (retired id, surviving id)

    def event_of(self) -> dict[str, str]:
        return {a.item_id: a.event_id for a in self.assignments}


def event_id_for(item_id: str) -> str:
    """Stable event id derived from the id of the article that founded the event."""
    return "ev_" + hashlib.sha1(item_id.encode("utf-8")).hexdigest()[:16]


def processing_key(item: ClusterItem) -> tuple:
    """Dated articles by date then id; undated ones after them, by id."""
    if item.published_at is None:
        return (1, 0.0, item.item_id)
    return (0, _timestamp(item.published_at), item.item_id)


def _ranked(matches: Any) -> list[list[tuple[float, int]]]:
    """(distance, key) of each query's hits from a usearch search, however many queries."""
    if not hasattr(matches, "counts"):  # one query: its hits only, no padding
        return [list(zip(matches.distances.tolist(), matches.keys.tolist(), strict=True))]
    return [
        list(zip(distances[:n].tolist(), keys[:n].tolist(), strict=True))
        for distances, keys, n in zip(
            matches.distances, matches.keys, matches.counts.tolist(), strict=True
        )
    ]


def _timestamp(at: datetime) -> float:
    return at.timestamp() if at.tzinfo else at.replace(tzinfo=None).timestamp()


@dataclass
class _Doc:
    item_id: str
    at: float | None  # POSIX seconds
    event: int = -1
    links: dict[int, float] = field(
        default_factory=dict
    )  # similarity to neighbours inserted before
    best: list[float] = field(default_factory=list)  # min-heap of its best similarities


class OnlineClusterer:
    """Incremental event clustering over embedded articles; see the module docstring."""

    def __init__(
        self,
        settings: ClusterSettings | None = None,
        term_share: Callable[[str], float] | None = news_term_share,
    ) -> None:
        self.settings = settings or ClusterSettings()
        self.term_share = term_share
        self._docs: list[_Doc] = []
        self._by_id: dict[str, int] = {}
        self._vectors: np.ndarray | None = None
        self._days = np.empty(0)  # publication time in days, NaN when undated, by row
        self._vector_sum: np.ndarray | None = None
        self._centred: np.ndarray | None = None  # see `_centred_vectors`; None when stale
        self._shards: dict[int | None, Any] = {}  # usearch index per window-long span of days
        self._lexicon = self._new_lexicon()
        self._members: dict[int, list[int]] = {}  # event key -> doc rows, oldest first
        self._event_ids: dict[int, str] = {}
        self._next_event = 0

    def _new_lexicon(self) -> Lexicon:
        return Lexicon(self.term_share, self.settings.prior_articles)

    def __len__(self) -> int:
        return len(self._docs)

    def event_of(self, item_id: str) -> str:
        return self._event_ids[self._docs[self._by_id[item_id]].event]

    def events(self) -> dict[str, list[str]]:
        """Every event id with its articles' ids, in processing order."""
        return {
            self._event_ids[k]: [self._docs[r].item_id for r in rows]
            for k, rows in self._members.items()
        }

    def add(self, items: Iterable[ClusterItem]) -> ClusterUpdate:
        """Cluster new articles; already-seen ids keep their event. Order of `items` is ignored."""
        fresh = {i.item_id: i for i in items if i.item_id not in self._by_id}
        rows = self._insert(sorted(fresh.values(), key=processing_key))
        update = ClusterUpdate()
        if rows:
            self._link(rows, update)
        return update

    def restore(self, items: Iterable[ClusterItem], event_of: Mapping[str, str]) -> None:
        """Rebuild the state left by earlier `add` calls from stored articles and event ids.

        The articles are indexed, counted and linked as one `add` of them all would do, but
        nothing is decided: each keeps its stored event id (every item needs one).
        """
        keys = {event_id: key for key, event_id in self._event_ids.items()}
        fresh = {i.item_id: i for i in items if i.item_id not in self._by_id}
        ordered = sorted(fresh.values(), key=processing_key)
        for item, row in zip(ordered, self._insert(ordered), strict=True):
            event_id = event_of[item.item_id]
            if event_id in keys:
                self._members[keys[event_id]].append(row)
                self._docs[row].event = keys[event_id]
            else:
                keys[event_id] = self._open_event([row], event_id)

    def save(self) -> bytes:
        """The whole state, for `load` in a later run (see `saved_state`), so that a run can
        start from the state the last run left instead of `restore`, which counts and links
        every stored article again.

        A loaded clusterer holds the same articles, counts, links, levels and events as this
        one. Its nearest-neighbour indexes hold the same graphs, but usearch does not save the
        random generator that draws a new node's level: nodes added after a load get other
        levels than this clusterer would give them, so a later search can return a slightly
        different set of approximate neighbours, as two builds of one index in different
        orders can. Rebuilding the indexes instead would cost as much as `restore`.
        """
        docs, lexicon = self._docs, self._lexicon
        best = np.full((len(docs), self.settings.scale_k), np.nan)
        for row, doc in enumerate(docs):
            best[row, : len(doc.best)] = doc.best
        shards = list(self._shards)
        meta = {
            "settings": asdict(self.settings),
            "items": [doc.item_id for doc in docs],
            "events": [self._event_ids[key] for key in self._members],
            "next_event": self._next_event,
            "shards": shards,
            "vocab": list(lexicon.vocab),
        }
        dtypes = (np.int64, np.float64)
        arrays = {
            "at": np.array([np.nan if doc.at is None else doc.at for doc in docs]),
            "event": np.array([doc.event for doc in docs], dtype=np.int64),
            **ragged("link", [(list(doc.links), list(doc.links.values())) for doc in docs], dtypes),
            "best": best,
            "vectors": np.empty(0) if self._vectors is None else self._vectors[: len(docs)],
            "vector_sum": np.empty(0) if self._vector_sum is None else self._vector_sum,
            "event_keys": np.array(list(self._members), dtype=np.int64),
            **ragged("member", [(rows, ()) for rows in self._members.values()], dtypes),
            "df": lexicon.df,
            **ragged("term", lexicon.docs(), dtypes),
            **{
                f"shard{n}": np.frombuffer(self._shards[k].save(), np.uint8)
                for n, k in enumerate(shards)
            },
        }
        return pack(meta, arrays, STATE_FORMAT)

    @classmethod
    def load(
        cls, data: bytes, term_share: Callable[[str], float] | None = news_term_share
    ) -> OnlineClusterer:
        """A clusterer in the state `save` gave; ValueError when `data` is not such a state.

        `term_share` is not saved: pass the one the saving clusterer had."""
        with unpack(data, "clusterer state", STATE_FORMAT) as (meta, arrays):
            clusterer = cls(ClusterSettings(**meta["settings"]), term_share)
            ats, events, best = arrays["at"].tolist(), arrays["event"].tolist(), arrays["best"]
            links = unragged(arrays, "link")
            for row, item_id in enumerate(meta["items"]):
                at = None if math.isnan(ats[row]) else ats[row]
                rows, sims = (part.tolist() for part in links[row])
                doc = _Doc(item_id, at, events[row], dict(zip(rows, sims, strict=True)))
                doc.best = [sim for sim in best[row].tolist() if not math.isnan(sim)]
                clusterer._docs.append(doc)
                clusterer._by_id[item_id] = row
            if clusterer._docs:
                clusterer._vectors = arrays["vectors"].copy()
                clusterer._days = arrays["at"] / 86400.0
                clusterer._vector_sum = arrays["vector_sum"].copy()
            members = unragged(arrays, "member")
            for key, event_id, (rows, _) in zip(
                arrays["event_keys"].tolist(), meta["events"], members, strict=True
            ):
                clusterer._members[key] = rows.tolist()
                clusterer._event_ids[key] = event_id
            clusterer._next_event = meta["next_event"]
            clusterer._lexicon = Lexicon.from_docs(
                meta["vocab"],
                arrays["df"],
                unragged(arrays, "term"),
                term_share,
                clusterer.settings.prior_articles,
            )
            for n, shard in enumerate(meta["shards"]):
                index = clusterer._new_index(arrays["vectors"].shape[1])
                index.load(arrays[f"shard{n}"].tobytes())
                clusterer._shards[shard] = index
        return clusterer

    # -- linking -------------------------------------------------------------------------------

    def _insert(self, items: list[ClusterItem]) -> list[int]:
        """Index and count a batch of articles, then link each to its nearest neighbours.

        The links are scored once the whole batch is counted, so every article of a batch sees
        the same document frequencies and corpus mean. Returns the new rows.
        """
        s = self.settings
        rows: list[int] = []
        for item in items:
            vector = np.asarray(item.vector, dtype=np.float32).ravel()
            vector = vector / (float(np.linalg.norm(vector)) or 1.0)
            text = item.text[: s.text_chars]
            counts = term_counts(item.title, text, s.lead_sentences, s.lead_boost, s.name_boost)
            at = _timestamp(item.published_at) if item.published_at else None
            rows.append(self._store(vector, at))
            self._lexicon.add(counts)  # numbered as the rows are
            self._docs.append(_Doc(item.item_id, at))
            self._by_id[item.item_id] = rows[-1]
        if not rows:
            return rows
        batch = slice(rows[0], rows[-1] + 1)
        self._index_rows(batch)
        for row, others in zip(rows, self._neighbours(batch), strict=True):
            if not others:
                continue
            for other, sim in self._hybrid(row, others).items():
                later, earlier = max(row, other), min(row, other)
                if earlier not in self._docs[later].links:
                    self._docs[later].links[earlier] = sim
                    self._remember(self._docs[row], sim)
                    self._remember(self._docs[other], sim)
        return rows

    def _index_rows(self, batch: slice) -> None:
        """Add the batch to the nearest-neighbour index of its span of days."""
        assert self._vectors is not None  # `_store` kept the batch's vectors
        by_shard: dict[int | None, list[int]] = {}
        for row in range(batch.start, batch.stop):
            by_shard.setdefault(self._shard_of(row), []).append(row)
        for shard, rows in by_shard.items():
            if shard not in self._shards:
                self._shards[shard] = self._new_index(self._vectors.shape[1])
            # One thread: a multi-threaded build may differ run to run, and so might the events.
            self._shards[shard].add(np.array(rows), self._vectors[rows], threads=1)

    @staticmethod
    def _new_index(dimensions: int) -> Any:
        from usearch.index import Index

        return Index(ndim=dimensions, metric="cos", dtype="f16", expansion_add=40)

    def _shard_of(self, row: int) -> int | None:
        """The window-long span of days a row is indexed under (None: undated)."""
        day = self._days[row]
        return None if np.isnan(day) else int(day // self.settings.window_days)

    def _shards_near(self, row: int) -> list[int | None]:
        """The spans that can hold articles inside the row's window, and the undated ones."""
        shard = self._shard_of(row)
        if shard is None:
            return list(self._shards)
        return [k for k in (shard - 1, shard, shard + 1, None) if k in self._shards]

    def _neighbours(self, batch: slice) -> list[list[int]]:
        """Each batch row's `neighbours` nearest other articles inside the time window.

        The index is split into window-long spans of days, and a row searches only the spans
        its window overlaps (and the undated articles), so the cost of a search follows how much
        news a few weeks hold, not how long the store has been collecting. A story rerun within
        those weeks can still crowd a search; it is then widened, up to `MAX_WIDENING` times the
        neighbours.
        """
        assert self._vectors is not None  # `_store` kept the batch's vectors
        s = self.settings
        wanted = s.neighbours
        found: list[list[int]] = [[] for _ in range(batch.start, batch.stop)]
        pending = list(range(batch.start, batch.stop))
        count = wanted + 1
        while pending:
            hits: dict[int, list[tuple[float, int]]] = {row: [] for row in pending}
            reach: dict[int, int] = dict.fromkeys(pending, 0)  # articles in the spans searched
            by_shards: dict[tuple, list[int]] = {}
            for row in pending:
                by_shards.setdefault(tuple(self._shards_near(row)), []).append(row)
            for shards, rows in by_shards.items():
                for shard in shards:
                    index = self._shards[shard]
                    # Every core: each query reads the index alone, so the hits are the same.
                    matches = index.search(self._vectors[rows], min(count, len(index)), threads=0)
                    for row, pairs in zip(rows, _ranked(matches), strict=True):
                        hits[row].extend(pairs)
                        reach[row] += len(index)
            widen = []
            for row in pending:
                ranked = np.array([key for _, key in sorted(hits[row])], dtype=np.int64)
                apart = np.abs(self._days[ranked] - self._days[row])
                # An undated article is 0 days from every other (NaN compares false).
                inside = ranked[(ranked != row) & ~(apart > s.window_days)]
                found[row - batch.start] = sorted(set(inside[:wanted].tolist()))
                more = count < min(reach[row], wanted * MAX_WIDENING)
                if len(inside) < wanted and more:
                    widen.append(row)
            pending, count = widen, count * 4
        return found

    def _store(self, vector: np.ndarray, at: float | None) -> int:
        """Keep the vector (for centring and the index) and the date in days; returns the row."""
        row = len(self._docs)
        if self._vectors is None:
            self._vectors = np.empty((1024, vector.size), dtype=np.float32)
            self._days = np.full(1024, np.nan)
            self._vector_sum = np.zeros(vector.size, dtype=np.float64)
        if row >= len(self._vectors):
            self._vectors = np.concatenate([self._vectors, np.empty_like(self._vectors)])
            self._days = np.concatenate([self._days, np.full(len(self._days), np.nan)])
        self._vectors[row] = vector
        self._days[row] = np.nan if at is None else at / 86400.0
        self._vector_sum += vector
        self._centred = None
        return row

    def _centred_vectors(self) -> np.ndarray:
        """Every row's vector minus the corpus mean, at unit length; worked out once a batch,
        as the mean changes only when articles are added.

        The mean is taken as if `prior_articles` articles with no shared direction had come
        first: in a store of two reports of one event, their own mean would set them exactly
        against each other (centred cosine -1), so a small store is barely centred and a
        large one almost fully."""
        if self._centred is None:
            # read only once an article is stored, which sets both
            assert self._vectors is not None and self._vector_sum is not None
            count = len(self._docs)
            mean = (self._vector_sum / (count + self.settings.prior_articles)).astype(np.float32)
            centred = self._vectors[:count] - mean
            centred /= np.maximum(np.linalg.norm(centred, axis=1, keepdims=True), 1e-9)
            self._centred = centred
        return self._centred

    def _hybrid(self, row: int, rows: Sequence[int]) -> dict[int, float]:
        """Centred-embedding cosine mixed with TF-IDF cosine, from `row` to each of `rows`."""
        w = self.settings.embedding_weight
        rows = list(rows)
        centred = self._centred_vectors()
        lexical = self._lexicon.cosines(row, rows)
        mixed = w * (centred[rows] @ centred[row]) + (1 - w) * lexical
        return dict(zip(rows, mixed.tolist(), strict=True))

    def _remember(self, doc: _Doc, sim: float) -> None:
        sim = max(sim, 0.0)  # the level is a density: unrelated neighbours count as zero
        if len(doc.best) < self.settings.scale_k:
            heapq.heappush(doc.best, sim)
        elif sim > doc.best[0]:
            heapq.heapreplace(doc.best, sim)

    def _level(self, row: int) -> float:
        return sum(self._docs[row].best) / self.settings.scale_k

    def _days_apart(self, a: int, b: int) -> float:
        """Days between two articles' dates; 0.0 when either is undated."""
        at_a, at_b = self._docs[a].at, self._docs[b].at
        return 0.0 if at_a is None or at_b is None else abs(at_a - at_b) / 86400.0

    def _scaled(self, a: int, b: int, sim: float) -> float:
        s = self.settings
        days = self._days_apart(a, b)
        if days > s.window_days:
            return -1.0
        sim *= 0.5 ** (max(0.0, days - 1.0) / s.half_life_days)
        return sim - s.scale_alpha * (self._level(a) + self._level(b)) / 2

    # -- events --------------------------------------------------------------------------------

    def _link(self, rows: list[int], update: ClusterUpdate) -> None:
        """Average-linkage agglomeration of new articles and the earlier events they touch.

        Start: each new article alone, each touched event whole. The two groups with the best
        mean scaled link merge while it clears `join_threshold`, or `merge_threshold` when both
        hold an earlier event. Earlier events are never split, so their articles keep their
        events; a merge of two of them is reported as (retired id, surviving id), the older
        event surviving.
        """
        s = self.settings
        label, reps, links = self._link_sums(rows)
        size = {c: len(reps[c]) if c in reps else 1 for c in links}
        has_old = {c: c in reps for c in size}
        has_new = {c: c not in reps for c in size}
        heap = [
            (-v / (size[a] * size[b]), a, b) for a in links for b, v in links[a].items() if a < b
        ]
        heapq.heapify(heap)
        parent: dict[int, int] = {}
        score = {}
        floor = min(s.join_threshold, s.merge_threshold)
        while heap:
            neg, a, b = heapq.heappop(heap)
            if -neg < floor:
                break
            if a not in size or b not in size or links[a].get(b, 0.0) / (size[a] * size[b]) != -neg:
                continue
            merging_events = has_old[a] and has_old[b]
            if merging_events and not (has_new[a] or has_new[b]):
                continue  # earlier events merge only through a new article linking them
            if -neg < (s.merge_threshold if merging_events else s.join_threshold):
                continue
            for single in (a, b):
                if size[single] == 1 and not has_old[single]:
                    score[single] = -neg
            if merging_events:
                update.merges.append((self._event_ids[b], self._event_ids[a]))
                self._absorb(a, b)
            del links[a][b], links[b][a]
            for c, v in links.pop(b).items():
                del links[c][b]
                links[a][c] = links[c][a] = links[a].get(c, 0.0) + v
            parent[b] = a
            size[a] += size.pop(b)
            has_old[a] = has_old[a] or has_old.pop(b)
            has_new[a] = has_new[a] or has_new.pop(b)
            for c, v in links[a].items():
                heapq.heappush(heap, (-v / (size[a] * size[c]), min(a, c), max(a, c)))

        clusters: dict[int, list[int]] = {}
        for r in rows:
            root = label[r]
            while root in parent:
                root = parent[root]
            clusters.setdefault(root, []).append(r)
        for root, new_rows in sorted(clusters.items()):
            if root in reps:
                self._members[root].extend(new_rows)
                for r in new_rows:
                    self._docs[r].event = root
            else:
                self._open_event(new_rows, event_id_for(self._docs[new_rows[0]].item_id))
        for r in rows:
            doc = self._docs[r]
            is_new = self._members[doc.event][0] == r
            link = 0.0 if is_new else score.get(label[r], 0.0)
            update.assignments.append(
                Assignment(doc.item_id, self._event_ids[doc.event], is_new, link)
            )

    def _link_sums(self, rows: list[int]) -> tuple[dict, dict, dict[int, dict[int, float]]]:
        """Groups to start from and the sums of scaled links between them.

        Returns the group label of every row involved (new rows get labels after every event
        key), the touched events with their `max_members` most recent members (which stand for
        them), and the link sums. Sums come from the stored neighbour links plus every new
        article's similarity to each member of its candidate events; a pair never scored adds
        nothing, as a scaled similarity of zero.
        """
        first_new = rows[0]
        label = {r: self._next_event + r - first_new for r in rows}
        touched = sorted(
            {self._docs[o].event for r in rows for o in self._docs[r].links if o < first_new}
        )
        reps = {e: self._members[e][-self.settings.max_members :] for e in touched}
        for e, members in reps.items():
            label.update((m, e) for m in members)
        links: dict[int, dict[int, float]] = {c: {} for c in set(label.values())}

        def connect(a: int, b: int, value: float) -> None:
            links[a][b] = links[b][a] = links[a].get(b, 0.0) + value

        for r in rows:
            sims = self._docs[r].links
            events = sorted({self._docs[o].event for o in sims if o < first_new})
            members = [m for e in events for m in reps[e]]
            missing = [m for m in members if m not in sims]
            scored = {**sims, **(self._hybrid(r, missing) if missing else {})}
            for o in members + [o for o in sims if o >= first_new]:
                connect(label[r], label[o], self._scaled(r, o, scored[o]))
        for e, members in reps.items():
            for m in members:
                for o, sim in self._docs[m].links.items():
                    if label.get(o, e) != e:
                        connect(e, label[o], self._scaled(m, o, sim))
        return label, reps, links

    def _open_event(self, rows: list[int], event_id: str) -> int:
        key = self._next_event
        self._next_event += 1
        self._members[key] = rows
        self._event_ids[key] = event_id
        for r in rows:
            self._docs[r].event = key
        return key

    def _absorb(self, keep: int, gone: int) -> None:
        """Move every article of event `gone` into the older event `keep`."""
        for r in self._members[gone]:
            self._docs[r].event = keep
        self._members[keep] = sorted(self._members[keep] + self._members.pop(gone))
        del self._event_ids[gone]
