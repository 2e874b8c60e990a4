"""The pipeline: every stage in order, over what no earlier run has seen.

`run_pipeline` ingests the given sources (if any), then builds stories, analyses the events
whose articles changed and writes their briefs. Each stage finds its own new work in the store,
so the same call serves a one-off `newsweave run` and every cycle of `newsweave watch`; this
module knows nothing of any stage's insides. Each stage commits as it goes, in transactions of
its own, and the store's WAL mode lets readers (the web server) read all the while. An event
the analysis or the briefs could not finish is recorded against it and the rest go on; the
report lists them (`PipelineReport.failed_events`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from newsweave.analysis.stage import AnalysisReport, analyse_events
from newsweave.briefs.stage import BriefsReport, write_briefs
from newsweave.engine import Engine, engine_for
from newsweave.ingest.stage import ingest
from newsweave.model import IngestReport
from newsweave.settings import Settings
from newsweave.store import Store
from newsweave.stories.stage import StoriesReport, build_stories

__all__ = ["PipelineReport", "run_pipeline"]

INGEST_STEP = "storing"  # the step name ingest's progress is reported under

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class PipelineReport:
    """What one run of the pipeline did, stage by stage; `ingest` is None when no sources
    were given."""

    ingest: IngestReport | None
    stories: StoriesReport
    analysis: AnalysisReport
    briefs: BriefsReport

    def failed_events(self) -> dict[str, str]:
        """Why each event the analysis or the briefs could not finish failed, by event id."""
        return {
            **{event_id: f"analysis: {why}" for event_id, why in self.analysis.failed.items()},
            **{event_id: f"briefs: {why}" for event_id, why in self.briefs.failed.items()},
        }


def run_pipeline(
    sources: Sequence[str],
    store: Store,
    settings: Settings,
    *,
    progress: Progress | None = None,
    engine: Engine | None = None,
) -> PipelineReport:
    """Ingest `sources` (files, folders, URLs, feeds, OPML lists; none is fine), then build
    stories, analyse and write briefs for whatever is new in the store. `progress` is called
    with (step, done, total) as each stage goes; `engine` (the settings' unless given) runs the
    stages' heavy work: embedding, parsing and analysis, drafting and verifying briefs."""
    engine = engine or engine_for(settings)

    def storing(done: int, total: int) -> None:
        if progress:
            progress(INGEST_STEP, done, total)

    ingested = ingest(list(sources), store, settings, progress=storing) if sources else None
    return PipelineReport(
        ingest=ingested,
        stories=build_stories(store, settings, progress=progress, engine=engine),
        analysis=analyse_events(store, settings, progress=progress, engine=engine),
        briefs=write_briefs(store, settings, progress=progress, engine=engine),
    )
