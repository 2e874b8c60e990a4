"""The ingest stage: the files, folders, URLs, feeds and OPML lists a user names become articles.

Each input is read into drafts (`files`, `web`, `feeds`), every draft is cleaned (`clean`) and
stored; an input that cannot be used becomes a `Rejection` with its reason and the rest of the
batch goes on. A folder may hold a `sources.toml` describing its outlets (domain, publisher
family, country, language), which is applied to the articles from those outlets.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

import ftfy

from newsweave.clean import NameVocabulary, clean_text, derive_title, strip_citation_marks
from newsweave.errors import InputError, UnreadableInput, UnsupportedInput
from newsweave.ingest.draft import Draft
from newsweave.ingest.feeds import drafts_from_feed, looks_like_feed, looks_like_opml, read_opml
from newsweave.ingest.files import ARTICLE_SUFFIXES, read_bytes, read_file
from newsweave.ingest.web import Fetcher, extract_html
from newsweave.model import (
    Article,
    IngestReport,
    Rejection,
    Source,
    article_id,
    article_key,
    unnamed_source_name,
)
from newsweave.settings import Settings
from newsweave.store import Store

__all__ = ["ingest"]

FEED_SUFFIXES = {".xml", ".rss", ".atom", ".opml"}
SOURCES_FILE = "sources.toml"
WRITE_BATCH = 200
READ_BATCH = 1000  # drafts read before they are cleaned and stored

Progress = Callable[[int, int], None]


def ingest(
    inputs: Sequence[str],
    store: Store,
    settings: Settings,
    *,
    fetcher: Fetcher | None = None,
    progress: Progress | None = None,
) -> IngestReport:
    """Read every input, clean and store its articles, and say what happened to each.

    Articles are stored as they are read, `READ_BATCH` at a time, so a large export is ingested
    in bounded memory and what was read before a failure is kept. The name vocabulary the
    garble check reads grows with each batch: a name spelled right only in a later batch of the
    same call is not known to an earlier one.
    """
    report = IngestReport()
    with ExitStack() as stack:
        reader = _Reader(settings, fetcher, stack)
        batch = _Batch(store, settings, reader.sources, report, progress)
        for item in inputs:
            for result in reader.read(item):
                if isinstance(result, Rejection):
                    report.rejected.append(result)
                else:
                    batch.add(result)
        batch.flush()
        report.skipped.extend(reader.skipped)
    for rejection in report.rejected:
        store.add_rejection(rejection)
    return report


@dataclass
class _Batch:
    """Drafts read and not yet stored; `add` stores them every `READ_BATCH` drafts."""

    store: Store
    settings: Settings
    sources: dict[str, Source]
    report: IngestReport
    progress: Progress | None
    drafts: list[Draft] = field(default_factory=list)
    vocabulary: NameVocabulary | None = None
    stored: int = 0

    def add(self, draft: Draft) -> None:
        self.drafts.append(draft)
        if len(self.drafts) >= READ_BATCH:
            self.flush()

    def flush(self) -> None:
        for source in self.sources.values():
            self.store.put_source(source)
        if self.vocabulary is None:
            self.vocabulary = _vocabulary(self.store)
        for draft in self.drafts:
            self.vocabulary.add_text(draft.text)
        done, total = self.stored, self.stored + len(self.drafts)

        def stored(count: int, _: int) -> None:
            if self.progress:
                self.progress(done + count, total)

        _store_drafts(
            self.drafts,
            self.store,
            self.settings,
            self.sources,
            self.vocabulary,
            self.report,
            stored,
        )
        self.stored = total
        self.drafts = []


@dataclass
class _Reader:
    """Turns one input as the user wrote it into drafts and rejections."""

    settings: Settings
    fetcher: Fetcher | None
    stack: ExitStack
    sources: dict[str, Source] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)

    def read(self, item: str) -> Iterator[Draft | Rejection]:
        try:
            if item.startswith(("http://", "https://")):
                yield from self._read_url(item)
            elif "://" in item:
                raise UnsupportedInput(item, "only http and https URLs can be fetched")
            else:
                yield from self._read_path(Path(item))
        except InputError as error:
            yield Rejection(error.input, error.reason, str(error))
        except OSError as error:
            reason = error.strerror or type(error).__name__
            yield Rejection(item, "unreadable", f"{item}: cannot read it ({reason})")

    def _read_path(self, path: Path) -> Iterator[Draft | Rejection]:
        if not path.exists():
            raise UnreadableInput(
                str(path),
                "no such file or folder; check the path, or give a full http(s) URL",
                reason="not-found",
            )
        if not path.is_dir():
            yield from self._read_file(path)
            return
        files = sorted(p for p in path.rglob("*") if p.is_file() and not _is_hidden(p, path))
        for sources_file in (p for p in files if p.name == SOURCES_FILE):
            self._read_sources(sources_file)
        for file in files:
            if file.name == SOURCES_FILE:
                continue
            if file.suffix.lower() not in ARTICLE_SUFFIXES | FEED_SUFFIXES:
                self.skipped.append(str(file))
                continue
            try:
                yield from self._read_file(file)
            except InputError as error:
                yield Rejection(error.input, error.reason, str(error))

    def _read_file(self, path: Path) -> Iterator[Draft | Rejection]:
        if path.name == SOURCES_FILE or path.suffix.lower() == ".toml":
            self._read_sources(path)
        elif path.suffix.lower() in FEED_SUFFIXES:
            yield from self._read_feed(read_bytes(path, self.settings.max_file_bytes), str(path))
        else:
            yield from read_file(path, self.settings.max_file_bytes)

    def _read_url(self, url: str) -> Iterator[Draft | Rejection]:
        page = self._fetcher().fetch(url)
        if looks_like_opml(page.body) or looks_like_feed(page.body):
            yield from self._read_feed(page.body, url)
        else:
            draft = extract_html(page.text, url=page.url, origin=url)
            yield replace(draft, fetched_at=page.fetched_at)

    def _read_feed(self, body: bytes, origin: str) -> Iterator[Draft | Rejection]:
        if looks_like_opml(body):
            for feed_url in read_opml(body, origin):
                try:
                    page = self._fetcher().fetch(feed_url)
                    yield from drafts_from_feed(page.body, feed_url, self._fetcher(), self.settings)
                except InputError as error:
                    yield Rejection(error.input, error.reason, str(error))
        elif looks_like_feed(body):
            yield from drafts_from_feed(body, origin, self._fetcher(), self.settings)
        else:
            raise UnsupportedInput(
                origin, "is XML but neither an RSS/Atom feed nor an OPML list of feeds"
            )

    def _fetcher(self) -> Fetcher:
        if self.fetcher is None:
            self.fetcher = self.stack.enter_context(Fetcher(self.settings))
        return self.fetcher

    def _read_sources(self, path: Path) -> None:
        try:
            tables = tomllib.loads(path.read_text(encoding="utf-8")).get("source", [])
            for table in tables:
                source = Source(**{k: table.get(k) for k in Source.__dataclass_fields__})
                if not source.name:
                    raise TypeError("a [[source]] table has no name")
                self.sources[source.name] = source
        except (tomllib.TOMLDecodeError, UnicodeDecodeError, TypeError) as error:
            raise UnreadableInput(
                str(path),
                f"is not a valid sources file ({error}); each [[source]] needs a name and may "
                "have domain, family, country, language",
            ) from None


def _store_drafts(
    drafts: list[Draft],
    store: Store,
    settings: Settings,
    sources: dict[str, Source],
    vocabulary: NameVocabulary,
    report: IngestReport,
    progress: Progress | None,
) -> None:
    by_domain = {source.domain: source for source in sources.values() if source.domain}
    for start in range(0, len(drafts), WRITE_BATCH):
        with store.transaction():
            for draft in drafts[start : start + WRITE_BATCH]:
                source = _source_for(draft, sources, by_domain)
                article = build_article(draft, source, settings, vocabulary)
                if not article.text:
                    report.rejected.append(
                        Rejection(
                            draft.origin,
                            "no-text",
                            f"{draft.origin}: nothing is left once site chrome is removed; "
                            "is it an article page?",
                        )
                    )
                    continue
                outcome, stored = store.put_article(article)
                getattr(report, outcome).append(stored.article_id)
                report.article_of[draft.origin] = stored.article_id
        if progress:
            progress(min(start + WRITE_BATCH, len(drafts)), len(drafts))


def build_article(
    draft: Draft, source: Source, settings: Settings, vocabulary: NameVocabulary | None = None
) -> Article:
    """The cleaned, identified article for one draft."""
    given_title = strip_citation_marks(ftfy.fix_text(draft.title)).strip()
    cleaned = clean_text(
        draft.text,
        title=given_title,
        min_words=settings.min_words,
        vocabulary=vocabulary,
        removed_chrome=draft.chrome,
    )
    title = given_title or derive_title(cleaned.text)
    key = article_key(
        url=draft.url,
        canonical_url=draft.canonical_url,
        source=source.name,
        external_id=draft.external_id,
        title=title,
    )
    return Article(
        article_id=article_id(key, draft.title, draft.text),
        key=key,
        source=source,
        title=title,
        text=cleaned.text,
        raw_text=draft.raw_text or draft.text,
        url=draft.url,
        canonical_url=draft.canonical_url,
        author=draft.author,
        published_at=draft.published_at,
        fetched_at=draft.fetched_at or datetime.now(UTC),
        language=cleaned.language or draft.language,
        flags=cleaned.flags,
    )


def _source_for(draft: Draft, sources: dict[str, Source], by_domain: dict[str, Source]) -> Source:
    if draft.source_name and draft.source_name in sources:
        return sources[draft.source_name]
    if draft.domain and draft.domain in by_domain:
        return by_domain[draft.domain]
    label = draft.external_id or Path(draft.origin).name
    name = draft.source_name or draft.domain or unnamed_source_name(label)
    return Source(name=name, domain=draft.domain)


def _vocabulary(store: Store) -> NameVocabulary:
    vocabulary = NameVocabulary()
    for article in store.iter_articles():
        vocabulary.add_text(article.text)
    return vocabulary


def _is_hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)
