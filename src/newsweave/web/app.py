"""The web server: story pages, the JSON API and Atom feeds over one store.

`create_app(settings)` builds a FastAPI app. Pages and the API render the same dicts
(`web.views`): a page is its dict through a Jinja2 template, the API is the dict as JSON. The
routes:

    /                            front page: stories ranked by significance
    /stories/{event_id}          a story: brief with citation evidence, versions, storyline
    /articles/{article_id}       an article's clean text, metadata and quality flags
    /sources/{name}              an outlet and its articles
    /search?q=&kind=             full-text search over articles or briefs
    /api/stories, /api/stories/{event_id}, /api/articles/{article_id},
    /api/sources/{name}, /api/search         the same, as JSON, paginated
    /feeds/stories.atom, /feeds/storylines/{storyline_id}.atom      Atom feeds of briefs
    /docs, /openapi.json         the API's documentation, served from this server

Every error of the API has one shape, `{"error": {"status", "code", "message"}}`; pages show
the same message in an HTML page. An id prefix that starts several ids is a 400
(`ambiguous_id`) naming how many and the first few. Every parameter is bounded (page numbers,
versions, the search query's length), so no value reaches the store that it cannot take.

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
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from fastapi_offline import FastAPIOffline
from markupsafe import Markup, escape
from pydantic import BaseModel
from starlette.exceptions import HTTPException

from newsweave.briefs.model import Brief, Evidence, from_document
from newsweave.briefs.render import html_article
from newsweave.errors import AmbiguousId, NewsweaveError, StoreError
from newsweave.outward import safe_text
from newsweave.settings import Settings
from newsweave.store import Store, open_store, shown_location, store_exists
from newsweave.store.base import MATCH_END, MATCH_START
from newsweave.stories import list_events
from newsweave.web import views
from newsweave.web.feeds import atom_feed

__all__ = ["create_app"]

HERE = Path(__file__).parent
MAX_PER_PAGE = 100
MAX_PAGE = 1_000_000  # a page number past this is refused: offsets stay within SQLite's integers
MAX_VERSION = 1_000_000
MAX_QUERY_CHARS = 500
URL_FIELDS = (
    "Every `url` and `canonical_url` (a brief's sources' too) is an http(s) link without "
    "credentials, or null when the stored address is anything else: safe to use as a link."
)
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
# Swagger UI starts itself with an inline script and styles: allowed on /docs alone.
DOCS_POLICY = (
    "default-src 'none'; style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; base-uri 'none'; frame-ancestors 'none'"
)


class ErrorDetail(BaseModel):
    status: int
    code: str  # not_found, invalid_input, server_error, ...
    message: str  # what happened, to which input, and what to try


class ErrorResponse(BaseModel):
    """The shape of every error the API answers."""

    error: ErrorDetail


Page = Annotated[int, Query(ge=1, le=MAX_PAGE, description="page number, from 1")]
PerPage = Annotated[int, Query(ge=1, le=MAX_PER_PAGE, description="items per page")]
Kind = Annotated[Literal["articles", "briefs"], Query(description="what to search")]
Version = Annotated[
    int | None, Query(ge=1, le=MAX_VERSION, description="a brief version (default: the latest)")
]
Mark = Annotated[str | None, Query(max_length=40, description="characters to mark: start-end")]
Words = Annotated[str, Query(max_length=MAX_QUERY_CHARS, description="the words to find")]


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
    templates = _templates()
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    _install_errors(app, templates)

    @app.middleware("http")
    async def security_headers(request: Request, call_next: Callable) -> Response:
        return _with_security_headers(request, await call_next(request))

    def render_page(
        request: Request, template: str, data: dict[str, Any], **extra: Any
    ) -> Response:
        return templates.TemplateResponse(request, template, {"data": data, **extra})

    # -- pages ---------------------------------------------------------------------------

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def front_page(request: Request, page: Page = 1) -> Response:
        store = _store(request)
        index = request.app.state.reader.story_index(store)
        data = views.story_list(store, page=page, per_page=20, index=index)
        return render_page(request, "front.html", data)

    @app.get("/stories/{event_id}", response_class=HTMLResponse, include_in_schema=False)
    def story_page(request: Request, event_id: str, version: Version = None) -> Response:
        store = _store(request)
        data = views.story_detail(store, event_id, version=version)
        current = data["story"]["event_id"]
        if current != event_id:  # a merged event's old id, or an id prefix
            suffix = f"?version={version}" if version else ""
            return RedirectResponse(f"/stories/{quote(current)}{suffix}", status_code=308)
        brief = from_document(data["brief"]) if data["brief"] else None
        return render_page(request, "story.html", data, brief_html=_brief_html(brief))

    @app.get("/articles/{article_id}", response_class=HTMLResponse, include_in_schema=False)
    def article_page(request: Request, article_id: str, mark: Mark = None) -> Response:
        store = _store(request)
        data = views.article_detail(store, article_id)
        return render_page(
            request, "article.html", data, text_html=_marked_text(data["text"], mark)
        )

    @app.get("/sources/{name}", response_class=HTMLResponse, include_in_schema=False)
    def source_page(request: Request, name: str, page: Page = 1) -> Response:
        store = _store(request)
        data = views.source_detail(store, name, page=page, per_page=50)
        return render_page(request, "source.html", data)

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

    # -- API -----------------------------------------------------------------------------
    # The views' dicts are plain JSON already and go out as they are: FastAPI's own encoding
    # would walk them again, a third of a story's serving time.

    @app.get("/api/stories", tags=["stories"])
    def api_stories(request: Request, page: Page = 1, per_page: PerPage = 20) -> JSONResponse:
        """Stories, the most significant first, with each one's headline and lead."""
        store = _store(request)
        index = request.app.state.reader.story_index(store)
        return JSONResponse(views.story_list(store, page=page, per_page=per_page, index=index))

    @app.get("/api/stories/{event_id}", tags=["stories"])
    def api_story(request: Request, event_id: str, version: Version = None) -> JSONResponse:
        """A story (by id or unique id prefix): its brief (the latest version, or `version`),
        each source with the sentences it supports and the supporting passage, every
        version's changes, the storyline's timeline and the event's articles with their
        quality flags. Every `url` is an http(s) link, or null when the stored address is
        not one."""
        store = _store(request)
        return JSONResponse(views.story_detail(store, event_id, version=version))

    @app.get("/api/articles/{article_id}", tags=["articles"])
    def api_article(request: Request, article_id: str) -> JSONResponse:
        """An article (by id or unique id prefix): clean text, metadata, flags, revisions.
        `url` and `canonical_url` are http(s) links, or null when the stored address is not
        one."""
        store = _store(request)
        return JSONResponse(views.article_detail(store, article_id))

    @app.get("/api/sources/{name}", tags=["articles"])
    def api_source(
        request: Request, name: str, page: Page = 1, per_page: PerPage = 20
    ) -> JSONResponse:
        """An outlet (by its name as stored or as the pages show it) and its articles, the
        newest first."""
        store = _store(request)
        return JSONResponse(views.source_detail(store, name, page=page, per_page=per_page))

    @app.get("/api/search", tags=["search"])
    def api_search(
        request: Request, q: Words, kind: Kind = "briefs", page: Page = 1, per_page: PerPage = 20
    ) -> JSONResponse:
        """Full-text search; every word is required, the last also as a prefix, and control
        characters are ignored. Matches in a snippet are between the characters U+0002 and
        U+0003, the only control characters an answer holds."""
        store = _store(request)
        return JSONResponse(views.search(store, q, kind=kind, page=page, per_page=per_page))

    # -- feeds ---------------------------------------------------------------------------

    @app.get("/feeds/stories.atom", tags=["feeds"], response_class=Response)
    def stories_feed(request: Request) -> Response:
        """An Atom feed of the latest briefs: an entry updates with each new version."""
        store = _store(request)
        briefs = _latest_briefs(store, None)
        return _atom(request, "urn:newsweave:stories", "newsweave: all stories", briefs)

    @app.get("/feeds/storylines/{storyline_id}.atom", tags=["feeds"], response_class=Response)
    def storyline_feed(request: Request, storyline_id: str) -> Response:
        """An Atom feed of one storyline's briefs."""
        store = _store(request)
        if storyline_id not in set(store.get_storylines().values()):
            raise views.NotFound(f"no storyline has the id {storyline_id!r}")
        briefs = _latest_briefs(store, storyline_id)
        title = f"newsweave: storyline {storyline_id}"
        return _atom(request, f"urn:newsweave:storyline:{storyline_id}", title, briefs)

    return app


# -- helpers of the routes --------------------------------------------------------------------


class _StoreReader:
    """One store connection per server thread (SQLite's and PostgreSQL's are cheap to keep,
    and a thread never waits on another's query), and the ranked events, which every front page
    needs and which cost a read of every article, kept until the store changes."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._local = threading.local()
        self._index: tuple[int, views.StoryIndex | None] = (-1, None)
        self._index_lock = threading.Lock()

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


def _store(request: Request) -> Store:
    return request.app.state.reader.get()


def _templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=HERE / "templates")
    templates.env.autoescape = True
    templates.env.filters["day"] = _day
    templates.env.filters["snippet"] = _snippet
    templates.env.globals["quote"] = lambda text: quote(text, safe="")
    return templates


def _brief_html(brief: Brief | None) -> Markup | None:
    if brief is None:
        return None
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


def _snippet(text: str) -> Markup:
    return Markup(str(escape(text)).replace(MATCH_START, "<mark>").replace(MATCH_END, "</mark>"))


def _day(value: str | None) -> str:
    return value[:16].replace("T", " ") + " UTC" if value else "undated"


def _latest_briefs(store: Store, storyline_id: str | None) -> list[Brief]:
    storylines = store.get_storylines()
    if storyline_id is None:
        event_ids = list(store.get_brief_keys())
    else:
        event_ids = [e for e, s in storylines.items() if s == storyline_id]
    documents = (store.get_brief(event_id) for event_id in event_ids)
    return [from_document(d) for d in documents if d is not None]


def _atom(request: Request, feed_id: str, title: str, briefs: list[Brief]) -> Response:
    base = str(request.base_url).rstrip("/")
    body = atom_feed(
        feed_id=feed_id,
        title=title,
        self_url=str(request.url),
        site_url=base + "/",
        briefs=briefs,
        story_url=lambda event_id: f"{base}/stories/{quote(event_id)}",
    )
    return Response(body, media_type="application/atom+xml; charset=utf-8")


def _with_security_headers(request: Request, response: Response) -> Response:
    docs = request.url.path.startswith(("/docs", "/static-offline-docs"))
    response.headers["Content-Security-Policy"] = DOCS_POLICY if docs else CONTENT_SECURITY_POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


# -- errors -----------------------------------------------------------------------------------

_CODES = {400: "bad_request", 404: "not_found", 405: "method_not_allowed", 422: "invalid_input"}


def _install_errors(app: Any, templates: Jinja2Templates) -> None:
    """One error shape: JSON for the API and feeds, an HTML page for the pages. A message can
    quote what the request gave, so it goes out through `safe_text`."""

    def respond(request: Request, status: int, message: str, code: str | None = None) -> Response:
        code = code or _CODES.get(status, "server_error" if status >= 500 else "error")
        message = safe_text(message)
        if _is_page(request.url.path):
            context = {"status": status, "message": message}
            return templates.TemplateResponse(request, "error.html", context, status_code=status)
        error = {"status": status, "code": code, "message": message}
        return JSONResponse({"error": error}, status_code=status)

    @app.exception_handler(views.NotFound)
    async def not_found(request: Request, error: views.NotFound) -> Response:
        return respond(request, 404, str(error))

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, error: HTTPException) -> Response:
        message = str(error.detail)
        if error.status_code == 404:
            message = f"nothing at {request.url.path}; the front page lists the stories"
        return respond(request, error.status_code, message)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, error: RequestValidationError) -> Response:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'][1:]) or 'request'}: {e['msg']}"
            for e in error.errors()
        )
        return respond(request, 422, f"invalid request: {problems}")

    @app.exception_handler(AmbiguousId)
    async def ambiguous(request: Request, error: AmbiguousId) -> Response:
        return respond(request, 400, str(error), code="ambiguous_id")

    @app.exception_handler(NewsweaveError)
    async def store_error(request: Request, error: NewsweaveError) -> Response:
        return respond(request, 503, str(error))

    # Starlette answers an unhandled exception from its outermost layer, outside every
    # middleware, so this response gets the security headers here.
    @app.exception_handler(Exception)
    async def internal(request: Request, error: Exception) -> Response:
        message = f"internal error ({type(error).__name__}); this is a bug in newsweave"
        return _with_security_headers(request, respond(request, 500, message))


def _is_page(path: str) -> bool:
    return not path.startswith(("/api/", "/feeds/", "/openapi.json", "/static"))
