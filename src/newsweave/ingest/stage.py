"""The ingest stage: the files, folders, URLs, feeds and OPML lists a user names become articles.

Each input is read into drafts (`files`, `web`, `feeds`), every draft is cleaned (`clean`) and
stored; an input that cannot be used becomes a `Rejection` with its reason and the rest of the
batch goes on. A folder may hold a `sources.toml` describing its outlets (domain, publisher
family, country, language), which is applied to the articles from those outlets.

One input, one outcome: each input given, each file of a folder, each feed of an OPML list and
each entry of a feed is read on its own (`draft.each_isolated`), so whatever one raises is its
rejection and the others go on; a folder reports each file or subfolder it cannot read, and is
itself an error when it holds nothing to read. A rejection is shown and stored with any
credentials and control characters taken out of it.

`build_article` holds every field to the limits the later stages have, so that no stored
article can stop a later run: the text is cut to `clean.MAX_TEXT_CHARS` (the parser's limit),
names and titles are one line without control characters, a URL is stored only when it is an
http(s) URL with a valid host and never with credentials (`bad_url` otherwise), and a
publication time is kept only from 1900-01-01 to two days after now, UTC (`impossible_date`
otherwise): the dates code counts days and years from it, which overflows near the datetime
limits (year 1 or 9999, or a +23:59 offset on 9999-12-31), and no news report is older or
dated further ahead than a time-zone mistake explains.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import ftfy

from newsweave.errors import InputError, UnreadableInput, UnsupportedInput
from newsweave.ingest.clean import MAX_NAME_CHARS, clean_text, strip_citation_marks
from newsweave.ingest.draft import Draft, each_isolated, rejection_for
from newsweave.ingest.feeds import drafts_from_feed, looks_like_feed, looks_like_opml, read_opml
from newsweave.ingest.files import ARTICLE_SUFFIXES, open_regular, read_bytes, read_file
from newsweave.ingest.garbles import NameVocabulary
from newsweave.ingest.titles import derive_title
from newsweave.ingest.web import Fetcher, check_url, page_draft
from newsweave.model import (
    Article,
    IngestReport,
    QualityFlag,
    Rejection,
    Source,
    article_id,
    article_key,
    unnamed_source_name,
)
from newsweave.outward import one_line, safe_text, strip_controls, without_credentials
from newsweave.settings import Settings
from newsweave.store import Store

__all__ = ["ingest"]

FEED_SUFFIXES = {".xml", ".rss", ".atom", ".opml"}
SOURCES_FILE = "sources.toml"
WRITE_BATCH = 200
READ_BATCH = 1000  # drafts read before they are cleaned and stored
EARLIEST_PUBLISHED = datetime(1900, 1, 1, tzinfo=UTC)
LATEST_AHEAD = timedelta(days=2)  # how far past now a publication time may be
MAX_URL_CHARS = 8192
MAX_MESSAGE_CHARS = 2000

Progress = Callable[[int, int], None]


def ingest(
    inputs: Sequence[str],
    store: Store,
    settings: Settings,
    *,
    fetcher: Fetcher | None = None,
    progress: Progress | None = None,
    batch_size: int = READ_BATCH,
    skip: int = 0,
    after_batch: Callable[[int], None] | None = None,
) -> IngestReport:
    """Read every input, clean and store its articles, and say what happened to each.

    Articles are stored as they are read, `batch_size` at a time, so a large export is ingested
    in bounded memory and what was read before a failure (even an interruption) is kept. The
    name vocabulary the garble check reads grows with each batch: a name spelled right only in
    a later batch of the same call is not known to an earlier one.

    For a backfill: `after_batch` is called after each batch is stored, with how many items
    (drafts and rejections, in the order the inputs give them) were read so far; the first
    `skip` items are read but neither stored nor reported (a backfill resumed after them).
    """
    report = IngestReport()
    with ExitStack() as stack:
        reader = _Reader(settings, fetcher, stack)
        batch = _Batch(store, settings, reader.sources, report, progress, batch_size)
        position = recorded = done = 0

        def batch_done() -> None:
            nonlocal recorded, done
            recorded, done = _record_rejections(report, store, recorded), position
            if after_batch:
                after_batch(position)

        try:
            for item in inputs:
                for result in reader.read(item):
                    position += 1
                    if position <= skip:
                        continue
                    if isinstance(result, Rejection):
                        report.rejected.append(result)
                    else:
                        report.given_as[result.origin] = item
                        if batch.add(result):
                            batch_done()
        finally:
            batch.flush()
            report.skipped.extend(reader.skipped)
            recorded = _record_rejections(report, store, recorded)
        if position > max(skip, done):
            batch_done()
    return report


def _record_rejections(report: IngestReport, store: Store, stored: int) -> int:
    """Store the rejections from number `stored` on, each as it may be shown (`_shown`); how
    many are stored then."""
    for number in range(stored, len(report.rejected)):
        report.rejected[number] = _shown(report.rejected[number])
        store.add_rejection(report.rejected[number])
    return len(report.rejected)


def _shown(rejection: Rejection) -> Rejection:
    """The rejection as it may be shown and stored: one line each, without credentials."""
    return Rejection(
        without_credentials(one_line(rejection.input, MAX_MESSAGE_CHARS)),
        rejection.reason,
        without_credentials(one_line(rejection.message, MAX_MESSAGE_CHARS)),
    )


@dataclass
class _Batch:
    """Drafts read and not yet stored; `add` stores them every `size` drafts."""

    store: Store
    settings: Settings
    sources: dict[str, Source]
    report: IngestReport
    progress: Progress | None
    size: int = READ_BATCH
    drafts: list[Draft] = field(default_factory=list)
    vocabulary: NameVocabulary | None = None
    stored: int = 0

    def add(self, draft: Draft) -> bool:
        """Add `draft`; store the batch when it has `size` drafts, and say whether it did."""
        self.drafts.append(draft)
        if len(self.drafts) >= self.size:
            self.flush()
            return True
        return False

    def flush(self) -> None:
        """Store the drafts read so far. They leave the batch first: a flush that fails is
        not tried again by the next."""
        drafts, self.drafts = self.drafts, []
        for source in self.sources.values():
            self.store.put_source(source)
        if self.vocabulary is None:
            self.vocabulary = _vocabulary(self.store)
        for draft in drafts:
            self.vocabulary.add_text(draft.text)
        done, total = self.stored, self.stored + len(drafts)

        def stored(count: int, _: int) -> None:
            if self.progress:
                self.progress(done + count, total)

        _store_drafts(
            drafts,
            self.store,
            self.settings,
            self.sources,
            self.vocabulary,
            self.report,
            stored,
        )
        self.stored = total


@dataclass
class _Reader:
    """Turns one input as the user wrote it into drafts and rejections."""

    settings: Settings
    fetcher: Fetcher | None
    stack: ExitStack
    sources: dict[str, Source] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)

    def read(self, item: str) -> Iterator[Draft | Rejection]:
        yield from each_isolated(item, self._read_item(item))

    def _read_item(self, item: str) -> Iterator[Draft | Rejection]:
        if item.lower().startswith(("http://", "https://")):
            yield from self._read_url(item)
        elif "://" in item:
            raise UnsupportedInput(item, "only http and https URLs can be fetched")
        else:
            yield from self._read_path(Path(item))

    def _read_path(self, path: Path) -> Iterator[Draft | Rejection]:
        if not path.exists():
            raise UnreadableInput(
                str(path),
                "no such file or folder; check the path, or give a full http(s) URL",
                reason="not-found",
            )
        if path.is_dir():
            yield from self._read_folder(path)
        else:
            yield from self._read_file(path)

    def _read_folder(self, folder: Path) -> Iterator[Draft | Rejection]:
        """Every file in the folder and its subfolders but hidden ones, `sources.toml` first;
        symbolic links to folders are not followed (they could loop), and are reported as
        skipped with the files that are not articles."""
        files, links, errors = _walk(folder)
        if any(error.filename == str(folder) for error in errors):
            why = errors[0].strerror or type(errors[0]).__name__
            raise UnreadableInput(
                str(folder),
                f"cannot list the folder ({why}); check that you may read it",
                reason="unreadable",
            )
        for error in errors:
            yield rejection_for(str(error.filename), error)
        self.skipped.extend(str(link) for link in links)
        sources = [f for f in files if f.name == SOURCES_FILE]
        readable = [f for f in files if f.suffix.lower() in ARTICLE_SUFFIXES | FEED_SUFFIXES]
        self.skipped.extend(str(f) for f in sorted({*files} - {*sources, *readable}))
        for file in [*sources, *readable]:
            yield from each_isolated(str(file), self._read_file(file))
        if not readable and not errors:
            raise UnreadableInput(
                str(folder),
                "the folder holds no files newsweave reads (.txt, .html, .json, .jsonl, feeds, "
                "OPML); check the path, or give the files themselves",
                reason="empty",
            )

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
            yield page_draft(page, origin=url)

    def _read_feed(self, body: bytes, origin: str) -> Iterator[Draft | Rejection]:
        if looks_like_opml(body):
            for feed_url in read_opml(body, origin):
                yield from each_isolated(feed_url, self._read_feed_url(feed_url))
        elif looks_like_feed(body):
            yield from drafts_from_feed(body, origin, self._fetcher(), self.settings)
        else:
            raise UnsupportedInput(
                origin, "is XML but neither an RSS/Atom feed nor an OPML list of feeds"
            )

    def _read_feed_url(self, feed_url: str) -> Iterator[Draft | Rejection]:
        page = self._fetcher().fetch(feed_url)
        yield from drafts_from_feed(page.body, feed_url, self._fetcher(), self.settings)

    def _fetcher(self) -> Fetcher:
        if self.fetcher is None:
            self.fetcher = self.stack.enter_context(Fetcher(self.settings))
        return self.fetcher

    def _read_sources(self, path: Path) -> None:
        with open_regular(path) as fh:
            data = fh.read(self.settings.max_file_bytes)
        try:
            tables = tomllib.loads(data.decode("utf-8")).get("source", [])
            for table in tables:
                values = {k: table.get(k) for k in Source.__dataclass_fields__}
                if not all(value is None or isinstance(value, str) for value in values.values()):
                    raise TypeError("every value of a [[source]] table must be text")
                given = {k: _name(v) or None for k, v in values.items() if k != "name"}
                name = _name(values["name"])
                if not name:
                    raise TypeError("a [[source]] table has no name")
                self.sources[name] = Source(name, **given)
        except (tomllib.TOMLDecodeError, UnicodeDecodeError, TypeError, AttributeError) as error:
            raise UnreadableInput(
                str(path),
                f"is not a valid sources file ({error}); each [[source]] needs a name and may "
                "have domain, family, country, language",
            ) from None


def _walk(folder: Path) -> tuple[list[Path], list[Path], list[OSError]]:
    """The files under `folder` (sorted, hidden ones left out), the links to folders not
    followed, and the errors met listing its folders."""
    files: list[Path] = []
    links: list[Path] = []
    errors: list[OSError] = []
    for root, dirs, names in os.walk(folder, onerror=errors.append):
        here = Path(root)
        links.extend(here / d for d in dirs if (here / d).is_symlink() and d[0] != ".")
        dirs[:] = sorted(d for d in dirs if d[0] != "." and not (here / d).is_symlink())
        files.extend(here / name for name in names if name[0] != ".")
    return sorted(files), sorted(links), errors


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
                try:
                    source = _source_for(draft, sources, by_domain)
                    article = build_article(draft, source, settings, vocabulary)
                except Exception as error:  # one draft's failure is its rejection alone
                    report.rejected.append(rejection_for(draft.origin, error))
                    continue
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
    """The cleaned, identified article for one draft, held to the limits of the later stages
    (see the module doc); the id is the hash of the draft as received."""
    # ftfy reads a few times more than a title keeps, not a whole file given as a title
    given_title = strip_citation_marks(_name(ftfy.fix_text(draft.title[: 4 * MAX_NAME_CHARS])))
    cleaned = clean_text(
        draft.text,
        title=given_title,
        min_words=settings.min_words,
        vocabulary=vocabulary,
        removed_chrome=draft.chrome,
    )
    title = given_title or derive_title(cleaned.text)
    given_url, given_canonical = _address(draft.url), _address(draft.canonical_url)
    url, url_flag = _web_url(given_url, "URL")
    canonical_url, canonical_flag = _web_url(given_canonical, "canonical URL")
    published_at, date_flag = _publication_time(draft.published_at)
    key = article_key(
        url=given_url,
        canonical_url=given_canonical,
        source=source.name,
        external_id=draft.external_id,
        title=title,
    )
    found = (url_flag, canonical_flag, date_flag)
    return Article(
        article_id=article_id(key, draft.title, draft.text),
        key=key,
        source=source,
        title=title,
        text=cleaned.text,
        raw_text=safe_text(draft.raw_text or draft.text),
        url=url,
        canonical_url=canonical_url,
        author=_name(draft.author) or None,
        published_at=published_at,
        fetched_at=draft.fetched_at or datetime.now(UTC),
        language=cleaned.language or _name(draft.language) or None,
        flags=(*draft.flags, *(flag for flag in found if flag), *cleaned.flags),
    )


def _name(value: str | None) -> str:
    """A name, title or byline as stored: one line, no control characters or credentials."""
    return without_credentials(one_line(value, MAX_NAME_CHARS))


def _address(value: str | None) -> str | None:
    """An address an input gave (a URL, or an id such as "tag:…"), without control characters,
    line breaks or credentials; the article's key is made from it."""
    return without_credentials(" ".join(strip_controls(value or "").split())) or None


def _web_url(address: str | None, field: str) -> tuple[str | None, QualityFlag | None]:
    """The address when it is an http(s) URL with a valid host name, short enough to be one;
    else None, with a `bad_url` flag saying what was dropped."""
    if address is None:
        return None, None
    try:
        check_url(address)
        if len(address) <= MAX_URL_CHARS:
            return address, None
    except InputError:
        pass
    shown = one_line(address, 200)
    detail = f"the {field} {shown!r} was dropped: it is not an http(s) URL with a valid host name"
    return None, QualityFlag("bad_url", detail)


def _publication_time(value: datetime | None) -> tuple[datetime | None, QualityFlag | None]:
    """The publication time in UTC when it is from `EARLIEST_PUBLISHED` to `LATEST_AHEAD`
    after now; else None, with an `impossible_date` flag saying what was dropped."""
    if value is None:
        return None, None
    aware = value if value.tzinfo else value.replace(tzinfo=UTC)
    if EARLIEST_PUBLISHED <= aware <= datetime.now(UTC) + LATEST_AHEAD:
        return aware.astimezone(UTC), None
    detail = (
        f"the publication time {aware.isoformat()} is before 1900 or more than two days ahead, "
        "so it was dropped and the article counts as undated"
    )
    return None, QualityFlag("impossible_date", detail)


def _source_for(draft: Draft, sources: dict[str, Source], by_domain: dict[str, Source]) -> Source:
    """The outlet of a draft: the one `sources.toml` names, else one named after what the
    input says (its outlet name, else its site's host name), else an unnamed source."""
    named, domain = _name(draft.source_name), _name(draft.domain)
    if named and named in sources:
        return sources[named]
    if domain and domain in by_domain:
        return by_domain[domain]
    label = draft.external_id or Path(draft.origin).name
    return Source(
        name=named or domain or one_line(unnamed_source_name(label), MAX_NAME_CHARS),
        domain=domain or None,
    )


def _vocabulary(store: Store) -> NameVocabulary:
    vocabulary = NameVocabulary()
    for article in store.iter_articles():
        vocabulary.add_text(article.text)
    return vocabulary
