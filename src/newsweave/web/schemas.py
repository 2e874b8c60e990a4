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
    "OutletListAnswer",
    "SearchAnswer",
    "SourceAnswer",
    "StoryAnswer",
    "StoryListAnswer",
    "StorylineAnswer",
    "VersionAnswer",
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
    previous_headline: str | None = Field(description="the previous version's, when it differs")
    previous_lead: str | None = Field(description="the previous lead, when this one replaced it")
    removed: list[str] = Field(description="the previous version's sentences no longer said")


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


class FeedHealth(BaseModel):
    url: str | None
    status: str = Field(description="ok, not polled yet, or failing (and backing off until when)")
    failing: bool
    backing_off: bool = Field(description="failed so often that it is polled less often")
    failures: int = Field(description="polls that failed in a row")
    last_error: str | None
    last_failed_at: Time | None
    next_poll_at: Time | None = Field(description="backing off: not polled before then")
    last_fetched_at: Time | None
    last_new_at: Time | None = Field(description="the last poll that brought a new article")
    items_per_day: float = Field(description="new articles a day since it was followed")
    followed_since: Time


class SourceAnswer(Paging):
    source: Outlet
    articles: list[ArticleSummary]
    stories: list[StorySummary] = Field(description="its most significant stories, at most 20")
    story_count: int
    feeds: list[FeedHealth] = Field(description="the followed feeds that bring its articles")


class OutletEntry(Outlet):
    articles: int
    stories: int
    feeds: list[FeedHealth]


class OutletListAnswer(BaseModel):
    outlets: list[OutletEntry]
    unread_feeds: list[FeedHealth] = Field(
        description="followed feeds no poll has read yet (so of no outlet), failing ones included"
    )


class SourceRef(BaseModel):
    number: int | None = Field(description="its number in the brief; null when there is none yet")
    article_id: str
    outlet: str
    title: str
    url: str | None


class StorylineEvent(StorySummary):
    sources: list[SourceRef]


class StorylineInfo(BaseModel):
    storyline_id: str
    title: str
    events: int
    first_seen: Time | None
    updated_at: Time | None


class StorylineAnswer(BaseModel):
    storyline: StorylineInfo
    events: list[StorylineEvent] = Field(description="in date order, the earliest first")


class Replaced(BaseModel):
    now: str | None
    before: str | None = Field(description="what this version replaced; null when unchanged")


class AddedSentence(BaseModel):
    section: str
    sentence: str


class VersionAnswer(BaseModel):
    story: StorySummary
    version: int
    written_at: Time
    writer: str
    previous_version: int | None = Field(description="null for a first version")
    headline: Replaced
    lead: Replaced = Field(description="the lead sentence")
    added: list[AddedSentence] = Field(description="sentences saying what the last did not")
    removed: list[str] = Field(description="the previous version's sentences no longer said")
    changed_figures: list[str]
    new_sources: list[SourceRef]
    dropped_sources: list[SourceRef] = Field(description="sources no longer cited")
    versions: list[int] = Field(description="every version of the brief")


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
