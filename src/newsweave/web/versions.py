"""What a version page shows: what one version of a story's brief added, removed and changed
since the version before it, as a JSON-ready dict (the page and the API render the same dict,
as in `web.views`).

Nothing is compared here: the briefs stage records what changed when it writes a version
(`briefs.stage.changes`: its new sentences marked, the sentences it no longer says, the
replaced headline and lead, the changed figures, the new sources), and the store keeps every
version, so the page shows that record, and the sources the version no longer cites from the
version before it.
"""

from __future__ import annotations

from typing import Any

from newsweave.briefs.model import Brief, from_document
from newsweave.outward import safe_data
from newsweave.store import Store
from newsweave.web.storylines import source_ref
from newsweave.web.views import NotFound, StoryIndex, story_summary, version_of

__all__ = ["version_changes"]


def version_changes(store: Store, event_id: str, version: int, index: StoryIndex) -> dict[str, Any]:
    """What version `version` of the brief of the story `event_id` (an id or a unique prefix)
    changed: `previous_version` is None for a first version, which changed nothing."""
    resolved = store.resolve_event(event_id)
    event = next((e for e in index.ranked if e.event_id == resolved), None)
    if event is None:
        raise NotFound(f"no story has the id {event_id!r}; /api/stories lists them")
    history = [from_document(d) for d in store.brief_history(event.event_id)]
    brief = version_of(history, version, event.event_id)
    if brief is None:  # not reached: a version is given
        raise NotFound(f"story {event.event_id} has no brief yet")
    changes = brief.changes
    previous = _previous(history, brief)
    cited = {entry.article_id for entry in brief.sources}
    before = previous.sources if previous else ()
    new_sources = set(changes.new_sources) if changes else set()
    return safe_data(
        {
            "story": story_summary(event, history[-1], index.storyline_titles, index.newest),
            "version": brief.version,
            "written_at": brief.written_at,
            "writer": brief.writer,
            "previous_version": changes.previous_version if changes else None,
            "headline": {
                "now": brief.headline,
                "before": (changes.previous_headline or None) if changes else None,
            },
            "lead": {
                "now": _lead(brief),
                "before": (changes.previous_lead or None) if changes else None,
            },
            "added": [
                {"section": kind, "sentence": sentence.prose}
                for kind, sentence in brief.sentences()
                if sentence.new
            ],
            "removed": list(changes.removed) if changes else [],
            "changed_figures": list(changes.changed_figures) if changes else [],
            "new_sources": [source_ref(e) for e in brief.sources if e.number in new_sources],
            "dropped_sources": [source_ref(e) for e in before if e.article_id not in cited],
            "versions": [b.version for b in history],
        }
    )


def _previous(history: list[Brief], brief: Brief) -> Brief | None:
    if brief.changes is None:
        return None
    wanted = brief.changes.previous_version
    return next((b for b in history if b.version == wanted), None)


def _lead(brief: Brief) -> str | None:
    """The brief's lead sentence (what a changed lead's record keeps of the one before)."""
    return next((sentence.prose for kind, sentence in brief.sentences() if kind == "lead"), None)
