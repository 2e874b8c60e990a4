"""The web server: story pages, the JSON API and Atom feeds over one store.

`create_app(settings)` builds a FastAPI app. Pages and the API render the same dicts
(`web.views`): a page is its dict through a Jinja2 template, the API is the dict as JSON. The
routes:

    /                            front page: stories ranked by significance
    /stories/{event_id}          a story: brief with citation evidence, versions, storyline
    /articles/{article_id}       an article's clean text, metadata and quality flags
    /search?q=&kind=             full-text search over articles or briefs
    /api/stories, /api/stories/{event_id}, /api/articles/{article_id},
    /api/search                  the same, as JSON, paginated
    /outlets, /sources/{name}, /storylines/{storyline_id},
    /stories/{event_id}/versions/{version}, and their API: the outlets with their feeds'
                                 health, a storyline's timeline, what a version changed
                                 (`web.routes`)
    /feeds/stories.atom, /feeds/storylines/{storyline_id}.atom,
    /feeds/sources/{name}.atom   Atom feeds of stories for feed readers (`web.feeds`)
    /docs, /openapi.json         the API's documentation, served from this server; every 200
                                 described by its schema (`web.schemas`)

Every error of the API has one shape, `{"error": {"status", "code", "message"}}`; pages show
the same message in an HTML page (`web.errors`). Every parameter is bounded (page numbers,
versions, ids, the search query's length): a value out of bounds is a 422 naming it, so no
value reaches the store that it cannot take. Every route answers HEAD as GET, compressed
when the client accepts gzip, with an ETag and Last-Modified that a conditional GET turns
into a 304, and the API and feeds allow any origin's GET (`web.http`).

Everything scraped reaches a page through Jinja2's escaping (autoescape is on for every
template; the brief's HTML comes from `briefs.render`, which escapes each text it writes), and
every response, a 500 included, carries a Content-Security-Policy allowing nothing but this
server's own styles and script: no page loads a remote resource, and a script slipped into an
article could not run even if escaping failed. What the views hand the pages and the API is
already safe (`web.views`): no control character or credential in any text, and every URL
field (`url`, `canonical_url`, a brief's sources' `url`) is an http(s) link with credentials
removed, or null when the stored address is anything else (`javascript:`, `data:`, `file:`,
a relative address): an API consumer may use any non-null `url` as a link. Each server thread
opens its own read connection to the SQLite store (WAL mode: `newsweave watch` or `run` can
write meanwhile).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from fastapi_offline import FastAPIOffline
from markupsafe import Markup, escape
from starlette.middleware.gzip import GZipMiddleware

from newsweave.briefs.model import Brief, Evidence, from_document
from newsweave.briefs.render import html_article
from newsweave.errors import StoreError
from newsweave.model import Event
from newsweave.outward import safe_text
from newsweave.settings import Settings
from newsweave.store import Store, open_store, shown_location, store_exists
from newsweave.stories import list_events
from newsweave.web import schemas, views
from newsweave.web.errors import ErrorResponse, install_errors
from newsweave.web.feeds import FeedInfo, FeedStory, atom_feed, latest_events
from newsweave.web.http import (
    ChangeClock,
    api_cors,
    conditional_get,
    head_as_get,
    security_headers,
)
from newsweave.web.outlets import find_outlet
from newsweave.web.params import Identifier, Kind, Mark, Page, PerPage, Version, Words, answer
from newsweave.web.routes import install_routes

__all__ = ["create_app"]

HERE = Path(__file__).parent
URL_FIELDS = (
    "Every `url` and `canonical_url` (a brief's sources' too) is an http(s) link without "
    "credentials, or null when the stored address is anything else: safe to use as a link."
)
ATOM_TYPE = "application/atom+xml; charset=utf-8"
ATOM_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "An Atom feed (RFC 4287)",
        "content": {"application/atom+xml": {"schema": {"type": "string"}}},
    }
}
ICON_PATH = "/static/icon.png"
# zlib's level 4: 25% less CPU than its default 6 on a 10 KB page (0.19 ms, not 0.25), for
# 2% more bytes; a page costs 2-7 ms of CPU to serve.
GZIP_LEVEL = 4
BRIEFS_KEPT = 64  # briefs whose HTML a server keeps (a large one's is about 100 KB)
LISTS_KEPT = 32  # pages of the list of stories a server keeps


def create_app(settings: Settings) -> Any:
    """The app serving the store at `settings.db` (which must exist)."""
    if not store_exists(settings.db):
        raise StoreError(
            f"no store at {shown_location(settings.db)}; build one with `make demo` or "
            "`newsweave run SOURCE…`, or give --db"
        )
    app = FastAPIOffline(
        responses={status: {"model": ErrorResponse} for status in (400, 404, 422, 500, 503)},
        title="newsweave",
        summary="Neutral, cited briefs of news events, kept true as stories develop",
        description=URL_FIELDS,
        version="0.1.0",
    )
    app.state.reader = _StoreReader(settings.db)
    _describe_feeds_as_atom(app)
    templates = _templates()
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    install_errors(app, templates)

    # Outermost last: HEAD becomes GET before anything else sees it, and the validators are
    # checked before a route reads the store.
    clock = ChangeClock(lambda: app.state.reader.get().changes())
    app.add_middleware(conditional_get, clock=clock)
    app.add_middleware(GZipMiddleware, minimum_size=500, compresslevel=GZIP_LEVEL)
    app.add_middleware(api_cors)
    app.add_middleware(security_headers)
    app.add_middleware(head_as_get)

    def render_page(
        request: Request, template: str, data: dict[str, Any], **extra: Any
    ) -> Response:
        return templates.TemplateResponse(request, template, {"data": data, **extra})

    # -- pages ---------------------------------------------------------------------------

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def front_page(request: Request, page: Page = 1) -> Response:
        store = _store(request)
        data = request.app.state.reader.story_list(store, page, 20)
        return render_page(request, "front.html", data)

    @app.get("/stories/{event_id}", response_class=HTMLResponse, include_in_schema=False)
    def story_page(request: Request, event_id: Identifier, version: Version = None) -> Response:
        store = _store(request)
        data = views.story_detail(
            store, event_id, version=version, index=request.app.state.reader.story_index(store)
        )
        current = data["story"]["event_id"]
        if current != event_id:  # a merged event's old id, or an id prefix
            suffix = f"?version={version}" if version else ""
            return RedirectResponse(f"/stories/{quote(current)}{suffix}", status_code=308)
        brief_html = request.app.state.reader.brief_html(data["brief"])
        return render_page(request, "story.html", data, brief_html=brief_html)

    @app.get("/articles/{article_id}", response_class=HTMLResponse, include_in_schema=False)
    def article_page(request: Request, article_id: Identifier, mark: Mark = None) -> Response:
        store = _store(request)
        data = views.article_detail(store, article_id)
        return render_page(
            request, "article.html", data, text_html=_marked_text(data["text"], mark)
        )

    @app.get("/search", response_class=HTMLResponse, include_in_schema=False)
    def search_page(
        request: Request,
        q: Words = "",
        kind: Kind = "briefs",
        page: Page = 1,
    ) -> Response:
        store = _store(request)
        data = views.search(store, q, kind=kind, page=page, per_page=20)
        return render_page(request, "search.html", data)

    install_routes(app, render_page)

    # -- API -----------------------------------------------------------------------------
    # The views' dicts are plain JSON already and go out as they are: FastAPI's own encoding
    # would walk them again, a third of a story's serving time.

    @app.get(
        "/api/stories",
        tags=["stories"],
        responses=answer(schemas.StoryListAnswer, "One page of stories"),
    )
    def api_stories(request: Request, page: Page = 1, per_page: PerPage = 20) -> JSONResponse:
        """Stories, the most significant first, with each one's headline and lead."""
        store = _store(request)
        return JSONResponse(request.app.state.reader.story_list(store, page, per_page))

    @app.get(
        "/api/stories/{event_id}",
        tags=["stories"],
        responses=answer(schemas.StoryAnswer, "The story"),
    )
    def api_story(request: Request, event_id: Identifier, version: Version = None) -> JSONResponse:
        """A story (by id or unique id prefix): its brief (the latest version, or `version`),
        each source with the sentences it supports and the supporting passage, every
        version's changes, the storyline's timeline and the event's articles with their
        quality flags. Every `url` is an http(s) link, or null when the stored address is
        not one."""
        store = _store(request)
        return JSONResponse(
            views.story_detail(
                store, event_id, version=version, index=request.app.state.reader.story_index(store)
            )
        )

    @app.get(
        "/api/articles/{article_id}",
        tags=["articles"],
        responses=answer(schemas.ArticleAnswer, "The article"),
    )
    def api_article(request: Request, article_id: Identifier) -> JSONResponse:
        """An article (by id or unique id prefix): clean text, metadata, flags, revisions.
        `url` and `canonical_url` are http(s) links, or null when the stored address is not
        one."""
        store = _store(request)
        return JSONResponse(views.article_detail(store, article_id))

    @app.get(
        "/api/search", tags=["search"], responses=answer(schemas.SearchAnswer, "One page of hits")
    )
    def api_search(
        request: Request, q: Words, kind: Kind = "briefs", page: Page = 1, per_page: PerPage = 20
    ) -> JSONResponse:
        """Full-text search; every word is required, the last also as a prefix, and control
        characters are ignored. Each hit's `snippet` is plain text and `matches` says where
        in it the words were found."""
        store = _store(request)
        return JSONResponse(views.search(store, q, kind=kind, page=page, per_page=per_page))

    # -- feeds ---------------------------------------------------------------------------

    @app.get("/feeds/stories.atom", tags=["feeds"], responses=ATOM_RESPONSE)
    def stories_feed(request: Request) -> Response:
        """The front page's stories as an Atom feed: the 50 most recently updated by the news,
        each with its lead as the summary and the brief, with its numbered sources, as the
        content."""
        store = _store(request)
        index = request.app.state.reader.story_index(store)
        stories = _feed_stories(store, index.ranked)
        info = _feed_info(request, "urn:newsweave:stories", "newsweave: the front page", "/")
        return _atom(request, info, stories, "the stories on newsweave's front page")

    @app.get(
        "/feeds/storylines/{storyline_id}.atom",
        tags=["feeds"],
        responses=ATOM_RESPONSE,
    )
    def storyline_feed(request: Request, storyline_id: Identifier) -> Response:
        """One storyline's stories (the events that continue one another) as an Atom feed."""
        store = _store(request)
        index = request.app.state.reader.story_index(store)
        events = [e for e in index.ranked if e.storyline_id == storyline_id]
        if not events:
            raise views.NotFound(f"no storyline has the id {storyline_id!r}")
        latest = max(events, key=lambda e: (e.last_seen is not None, e.last_seen))
        title = index.storyline_titles.get(storyline_id, latest.title)
        info = _feed_info(
            request,
            f"urn:newsweave:storyline:{storyline_id}",
            f"newsweave: {title}",
            f"/stories/{quote(latest.event_id)}",
        )
        return _atom(request, info, _feed_stories(store, events), f"the storyline “{title}”")

    @app.get(
        "/feeds/sources/{name}.atom",
        tags=["feeds"],
        responses=ATOM_RESPONSE,
    )
    def source_feed(request: Request, name: Identifier) -> Response:
        """The stories one outlet (by its name as stored or as the pages show it) reported, as
        an Atom feed."""
        store = _store(request)
        outlet = find_outlet(store, name).name
        index = request.app.state.reader.story_index(store)
        events = [e for e in index.ranked if outlet in map(safe_text, e.outlets)]
        path = f"/sources/{quote(outlet, safe='')}"
        feed_id = f"urn:newsweave:source:{quote(outlet, safe='')}"
        info = _feed_info(request, feed_id, f"newsweave: {outlet}", path)
        return _atom(request, info, _feed_stories(store, events), f"the stories {outlet} reported")

    return app


def _describe_feeds_as_atom(app: Any) -> None:
    """A feed's 200 is Atom alone in the OpenAPI document (FastAPI lists JSON, the routes'
    default, beside the media type a route declares); its errors stay JSON, as they are."""
    make_document = app.openapi

    def document() -> dict[str, Any]:
        if app.openapi_schema is None:
            for path, operations in make_document()["paths"].items():
                if path.startswith("/feeds/"):
                    operations["get"]["responses"]["200"]["content"].pop("application/json")
        return app.openapi_schema

    app.openapi = document


# -- helpers of the routes --------------------------------------------------------------------


class _StoreReader:
    """One store connection per server thread (SQLite's and PostgreSQL's are cheap to keep,
    and a thread never waits on another's query); the ranked events, which every front page
    needs and which cost a read of every article, and the LISTS_KEPT pages of the list of
    stories asked for last (each story's lead is read from its brief), kept until the store
    changes; and the HTML of
    the BRIEFS_KEPT briefs shown last, which is half a large story page's time to make (the
    brief made safe again, then every citation's evidence written) and never changes: a brief's
    version, once written, is not written again."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._local = threading.local()
        self._index: tuple[int, views.StoryIndex | None] = (-1, None)
        self._index_lock = threading.Lock()
        self._briefs: OrderedDict[tuple[str, int, str], Markup] = OrderedDict()
        self._briefs_lock = threading.Lock()
        self._lists: tuple[int, OrderedDict[tuple[int, int], dict[str, Any]]] = (-1, OrderedDict())
        self._lists_lock = threading.Lock()

    def get(self) -> Store:
        store = getattr(self._local, "store", None)
        if store is None:
            store = self._local.store = open_store(self.path)
        return store

    def story_index(self, store: Store) -> views.StoryIndex:
        """The ranked events, made again only once something was committed to the store."""
        changes = store.changes()  # before reading: a later commit then only reads again
        with self._index_lock:
            changed, index = self._index
            if index is None or changed != changes:
                index = views.index_stories(list_events(store))
                self._index = (changes, index)
            return index

    def story_list(self, store: Store, page: int, per_page: int) -> dict[str, Any]:
        """`views.story_list` of the store, made again only once something was committed to it.
        The dict is shared by every request asking for that page: it is read, never changed."""
        changes = store.changes()  # before reading: a later commit then only reads again
        with self._lists_lock:
            changed, lists = self._lists
            if changed != changes:
                lists = OrderedDict()
                self._lists = (changes, lists)
            found = lists.get((page, per_page))
            if found is not None:
                lists.move_to_end((page, per_page))
        if found is None:
            index = self.story_index(store)
            found = views.story_list(store, page=page, per_page=per_page, index=index)
            with self._lists_lock:
                lists[(page, per_page)] = found
                while len(lists) > LISTS_KEPT:
                    lists.popitem(last=False)
        return found

    def brief_html(self, document: dict[str, Any] | None) -> Markup | None:
        """The story page's HTML of a brief (`views.story_detail`'s document of it)."""
        if document is None:
            return None
        key = (document["event_id"], document["version"], document["written_at"])
        with self._briefs_lock:
            if key in self._briefs:
                self._briefs.move_to_end(key)
                return self._briefs[key]
        html = _brief_html(from_document(document))
        with self._briefs_lock:
            self._briefs[key] = html
            while len(self._briefs) > BRIEFS_KEPT:
                self._briefs.popitem(last=False)
        return html


def _store(request: Request) -> Store:
    return request.app.state.reader.get()


def _templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=HERE / "templates")
    templates.env.autoescape = True
    templates.env.filters["when"] = _when
    templates.env.filters["snippet"] = _snippet
    templates.env.globals["quote"] = lambda text: quote(text, safe="")
    return templates


def _brief_html(brief: Brief) -> Markup:
    # html_article escapes every text it writes.
    return Markup(html_article(brief, article_link=_evidence_link))


def _evidence_link(evidence: Evidence) -> str:
    return f"/articles/{quote(evidence.article_id)}?mark={evidence.start}-{evidence.end}#mark"


def _marked_text(text: str, mark: str | None) -> Markup:
    """The article's paragraphs, escaped, with the characters `mark` ("start-end") names in a
    <mark>; a malformed or out-of-range mark is ignored."""
    start, end = _span(mark, len(text))
    before, marked, after = text[:start], text[start:end], text[end:]
    html = escape(before) + (Markup('<mark id="mark">') + escape(marked) + Markup("</mark>"))
    html = html + escape(after) if marked else escape(text)
    paragraphs = [p for p in str(html).split("\n") if p.strip()]
    return Markup("".join(f"<p>{p}</p>" for p in paragraphs))


def _span(mark: str | None, length: int) -> tuple[int, int]:
    try:
        start, end = (int(part) for part in (mark or "").split("-"))
    except ValueError:
        return 0, 0
    return (start, end) if 0 <= start < end <= length else (0, 0)


def _snippet(hit: dict[str, Any]) -> Markup:
    """A search hit's snippet, escaped, its matches in <mark>s."""
    text, html, done = hit["snippet"], Markup(), 0
    for start, end in hit["matches"]:
        html += escape(text[done:start]) + Markup("<mark>") + escape(text[start:end])
        html += Markup("</mark>")
        done = end
    return html + escape(text[done:])


def _when(value: str | None, shown: str = "relative") -> Markup:
    """An ISO time as a <time> element showing it in UTC, which the page's script
    (static/times.js) shows in the reader's terms: `relative` ("2 hours ago", the local time
    on hover) or `absolute` (the local date and time, for a timeline)."""
    if not value:
        return Markup("undated")
    shown_utc = value[:16].replace("T", " ") + " UTC"
    return Markup('<time datetime="{}" class="{}">{}</time>').format(value, shown, shown_utc)


def _feed_stories(store: Store, events: Sequence[Event]) -> list[FeedStory]:
    """The stories of `events` that have a brief, the FEED_ENTRIES latest by the news."""
    briefed = store.get_brief_keys()
    latest = latest_events(e for e in events if e.event_id in briefed)
    documents = ((event, store.get_brief(event.event_id)) for event in latest)
    return [FeedStory(event, from_document(d)) for event, d in documents if d is not None]


def _feed_info(request: Request, feed_id: str, title: str, page_path: str) -> FeedInfo:
    base = str(request.base_url).rstrip("/")
    return FeedInfo(
        feed_id=feed_id,
        title=title,
        subtitle="",
        self_url=str(request.url),
        page_url=base + page_path,
        site_url=base + "/",
        icon_url=base + ICON_PATH,
    )


def _atom(request: Request, info: FeedInfo, stories: list[FeedStory], what: str) -> Response:
    base = str(request.base_url).rstrip("/")
    info = replace(info, subtitle=f"Neutral, cited briefs of {what}")
    body = atom_feed(info, stories, lambda event_id: f"{base}/stories/{quote(event_id)}")
    return Response(body, media_type=ATOM_TYPE)
