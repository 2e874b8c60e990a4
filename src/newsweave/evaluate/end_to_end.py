"""Briefs as a user meets them: each gold event's articles through ingest, stories and analysis.

`briefs_through_stories` is what `newsweave eval summarize FILE --through-stories` scores. The
gold grouping is not used to write: each event's articles are written, as the file gives them,
to a JSONL file in a fresh temporary store (a user's first run on those articles; no event sees
another's articles, so a split or a merge is the pipeline's own), then ingest, the stories stage
(copies, vectors, events, storylines), the analysis stage and the brief of the event that holds
most of the gold event's articles (the first found on a tie), its length set to the reference's
word count (`briefs.stage.brief_of_material`: drafted, verified, cut). An article ingest
rejects, and an article the stories stage puts in another event, are missing from that brief
as they would be from a user's: the scores pay for them.

One MiniLM is loaded for the whole file and handed to the stories and analysis stages (a user's
run loads it once too); everything else is made per event.
"""

from __future__ import annotations

import json
import tempfile
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsweave.analysis.nlp import minilm
from newsweave.analysis.stage import analyse_events
from newsweave.briefs.material import material_for
from newsweave.briefs.model import Brief
from newsweave.briefs.stage import Writer, brief_of_material
from newsweave.ingest.stage import ingest
from newsweave.model import Article
from newsweave.settings import Settings
from newsweave.store import Store, open_store
from newsweave.stories import list_events
from newsweave.stories.stage import build_stories

if TYPE_CHECKING:
    from newsweave.analysis.nli import NliModel

__all__ = ["EndToEnd", "brief_through_stories"]


@dataclass(frozen=True)
class EndToEnd:
    """One gold event's brief as the pipeline wrote it, and what it was written from."""

    brief: Brief | None  # None when no article of the event was stored
    articles: dict[str, Article]  # every stored article, by id (the brief cites among them)
    held: int  # gold articles in the event the brief is of
    stored: int  # gold articles ingest stored
    events: int  # events the stories stage made of the gold event's articles


def brief_through_stories(
    records: Sequence[Mapping[str, Any]],
    max_words: int,
    settings: Settings,
    *,
    writer: Writer | None = None,
    nli: NliModel | None = None,
) -> EndToEnd:
    """The brief, of about `max_words` words, of the event holding most of the articles given
    as `records` (in the article schema), after ingest, stories and analysis in a fresh
    temporary store (see the module doc)."""
    with tempfile.TemporaryDirectory(prefix="newsweave-eval-") as folder:
        path = Path(folder) / "articles.jsonl"
        path.write_text(
            "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records),
            encoding="utf-8",
        )
        store = open_store(Path(folder) / "store.db")
        try:
            return _run(path, max_words, store, settings, writer, nli)
        finally:
            store.close()


def _run(
    path: Path,
    max_words: int,
    store: Store,
    settings: Settings,
    writer: Writer | None,
    nli: NliModel | None,
) -> EndToEnd:
    report = ingest([str(path)], store, settings)
    embedder = minilm()
    build_stories(store, settings, embedder=embedder)
    events = list_events(store)
    stored = set(report.article_of.values())
    held = Counter(event.event_id for event in events for a in event.article_ids if a in stored)
    articles = {a.article_id: a for a in store.iter_articles()}
    if not held:
        return EndToEnd(None, articles, 0, 0, len(events))
    chosen_id, count = held.most_common(1)[0]
    chosen = next(event for event in events if event.event_id == chosen_id)
    line = chosen.storyline_id
    storyline = {e.event_id for e in events if line and e.storyline_id == line}
    analyse_events(store, settings, embedder=embedder, event_ids={chosen_id, *storyline})
    material = material_for(store, chosen, events, articles, store.get_copy_groups())
    brief = None
    if material is not None:
        brief = brief_of_material(material, max_words=max_words, writer=writer, nli=nli)
    return EndToEnd(brief, articles, count, len(stored), len(events))
