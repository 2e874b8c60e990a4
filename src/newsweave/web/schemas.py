"""The JSON API's answers as OpenAPI schemas: what `/openapi.json` says each 200 holds.

The routes send the views' dicts as they are (`web.views`; FastAPI's own encoding would walk
them again), so these models describe the answers rather than build them. They are checked
against what the server really sends by a property-based test of the OpenAPI document
(tests/test_web_openapi.py, schemathesis), so the document cannot drift from the answers
unnoticed. A brief is described by its own dataclasses (`briefs.model`), the document the store
keeps.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from newsweave.briefs.model import Changes, PullQuote, Section, SourceEntry, Verification

__all__ = [
    "ArticleAnswer",
    "SearchAnswer",
    "SourceAnswer",
    "StoryAnswer",
    "StoryListAnswer",
]

Time = str  # ISO 8601, with its UTC offset


class Paging(BaseModel):
    page: int
    per_page: int
    total: int
    pages: int


class StorylineRef(BaseModel):
    storyline_id: str
    title: str


class StorySummary(BaseModel):
    event_id: str
    headline: str
    lead: str | None = Field(description="the first sentence of the brief's lead")
    independent_sources: int
    single_source: bool
    articles: int
    outlets: list[str]
    first_seen: Time | None = Field(description="when the story's first article appeared")
    updated_at: Time | None = Field(description="when its latest article appeared")
    brief_version: int | None
    storyline: StorylineRef | None
    significance: float = Field(description="the front page's rank; the same on every answer")


class StoryListAnswer(Paging):
    stories: list[StorySummary]


class Flag(BaseModel):
    kind: str
    detail: str
    repair: str | None


class ArticleSummary(BaseModel):
    article_id: str
    title: str
    outlet: str
    url: str | None
    published_at: Time | None
    language: str | None
    revision: int
    words: int
    flags: list[Flag]


class Support(BaseModel):
    section: str
    sentence: str
    evidence: str = Field(description="the passage of the article that supports the sentence")
    start: int = Field(description="where the passage starts in the article's text")
    end: int


class Citation(BaseModel):
    number: int
    article_id: str
    outlet: str
    title: str
    url: str | None
    published_at: Time | None
    also_ran: list[str]
    event_id: str | None
    flags: list[Flag]
    supports: list[Support]


class VersionChanges(BaseModel):
    previous_version: int
    new_sources: list[int]
    new_sentences: int
    changed_figures: list[str]


class VersionSummary(BaseModel):
    version: int
    written_at: Time
    writer: str
    headline: str
    changes: VersionChanges | None


class TimelineEntry(BaseModel):
    event_id: str
    date: Time | None
    title: str
    is_current: bool


class Failure(BaseModel):
    stage: str
    reason: str
    failed_at: Time | None


class BriefDocument(BaseModel):
    """One version of a story's brief, as the store keeps it."""

    format: int
    version: int
    event_id: str
    headline: str
    sections: list[Section]
    pull_quote: PullQuote | None
    sources: list[SourceEntry]
    independent_sources: int
    writer: str
    written_at: Time
    verification: Verification
    changes: Changes | None


class StoryAnswer(BaseModel):
    story: StorySummary
    brief: BriefDocument | None
    citations: list[Citation]
    versions: list[VersionSummary]
    timeline: list[TimelineEntry]
    articles: list[ArticleSummary]
    failures: list[Failure]


class Revision(BaseModel):
    article_id: str
    revision: int
    title: str


class ArticleSource(BaseModel):
    name: str
    domain: str | None
    family: str | None


class ArticleAnswer(ArticleSummary):
    text: str
    author: str | None
    canonical_url: str | None
    source: ArticleSource
    event_id: str | None
    revisions: list[Revision]


class Outlet(ArticleSource):
    country: str | None
    language: str | None


class SourceAnswer(Paging):
    source: Outlet
    articles: list[ArticleSummary]


class SearchHit(BaseModel):
    id: str = Field(description="an article id, or the event id of a brief")
    title: str
    snippet: str = Field(description="the best-matching stretch of the text, as plain text")
    matches: list[tuple[int, int]] = Field(
        description="each match in the snippet, as [start, end) character offsets"
    )


class SearchAnswer(Paging):
    query: str
    kind: Literal["articles", "briefs"]
    hits: list[SearchHit]
