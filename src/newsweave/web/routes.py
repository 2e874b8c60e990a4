"""The routes of the outlets, the storylines and a brief's versions, pages and API alike:

    /outlets                                    every outlet: articles, stories, feed health
    /sources/{name}                             one outlet: its articles, stories and feeds
    /storylines/{storyline_id}                  a storyline's events on a dated timeline
    /stories/{event_id}/versions/{version}      what a version of the brief changed
    /api/outlets, /api/sources/{name}, /api/storylines/{storyline_id},
    /api/stories/{event_id}/versions/{version}  the same, as JSON

They sit apart from `web.app`, which builds the app and holds the story, article and search
routes, and follow its rules: every parameter bounded, a page and its API answer rendering the
same dict (`web.outlets`, `web.storylines`, `web.versions`), an unknown id a 404 of the one
error shape, each API answer described by its schema (`web.schemas`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from newsweave.store import Store
from newsweave.web import schemas
from newsweave.web.outlets import outlet_detail, outlet_list
from newsweave.web.params import Identifier, Page, PerPage, VersionNumber, answer
from newsweave.web.storylines import storyline_detail
from newsweave.web.versions import version_changes
from newsweave.web.views import StoryIndex

__all__ = ["install_routes"]

Renderer = Callable[..., Response]


def install_routes(app: Any, render_page: Renderer) -> None:
    """Add the routes above to `app`; `render_page(request, template, data)` renders a page."""

    @app.get("/outlets", response_class=HTMLResponse, include_in_schema=False)
    def outlets_page(request: Request) -> Response:
        store, index = _reading(request)
        return render_page(request, "outlets.html", outlet_list(store, index))

    @app.get("/sources/{name}", response_class=HTMLResponse, include_in_schema=False)
    def source_page(request: Request, name: Identifier, page: Page = 1) -> Response:
        store, index = _reading(request)
        data = outlet_detail(store, name, index, page=page, per_page=50)
        return render_page(request, "source.html", data)

    @app.get("/storylines/{storyline_id}", response_class=HTMLResponse, include_in_schema=False)
    def storyline_page(request: Request, storyline_id: Identifier) -> Response:
        store, index = _reading(request)
        return render_page(request, "storyline.html", storyline_detail(store, storyline_id, index))

    @app.get(
        "/stories/{event_id}/versions/{version}",
        response_class=HTMLResponse,
        include_in_schema=False,
    )
    def version_page(request: Request, event_id: Identifier, version: VersionNumber) -> Response:
        store, index = _reading(request)
        data = version_changes(store, event_id, version, index)
        current = data["story"]["event_id"]
        if current != event_id:  # a merged event's old id, or an id prefix
            return RedirectResponse(
                f"/stories/{quote(current)}/versions/{version}", status_code=308
            )
        return render_page(request, "version.html", data)

    @app.get(
        "/api/outlets",
        tags=["articles"],
        responses=answer(schemas.OutletListAnswer, "Every outlet"),
    )
    def api_outlets(request: Request) -> JSONResponse:
        """Every outlet, by name: what is known of it, its article and story counts, and the
        health of the followed feeds that bring its articles (a failing feed backs off and is
        shown failing); `unread_feeds` are followed feeds no poll has read yet."""
        store, index = _reading(request)
        return JSONResponse(outlet_list(store, index))

    @app.get(
        "/api/sources/{name}",
        tags=["articles"],
        responses=answer(schemas.SourceAnswer, "The outlet, its articles, stories and feeds"),
    )
    def api_source(
        request: Request, name: Identifier, page: Page = 1, per_page: PerPage = 20
    ) -> JSONResponse:
        """An outlet (by its name as stored or as the pages show it): its articles, the newest
        first, its most significant stories and its feeds' health."""
        store, index = _reading(request)
        return JSONResponse(outlet_detail(store, name, index, page=page, per_page=per_page))

    @app.get(
        "/api/storylines/{storyline_id}",
        tags=["stories"],
        responses=answer(schemas.StorylineAnswer, "The storyline"),
    )
    def api_storyline(request: Request, storyline_id: Identifier) -> JSONResponse:
        """A storyline (events that continue one another): its events in date order, each with
        its lead and its sources."""
        store, index = _reading(request)
        return JSONResponse(storyline_detail(store, storyline_id, index))

    @app.get(
        "/api/stories/{event_id}/versions/{version}",
        tags=["stories"],
        responses=answer(schemas.VersionAnswer, "What the version changed"),
    )
    def api_version(request: Request, event_id: Identifier, version: VersionNumber) -> JSONResponse:
        """What one version of a story's brief changed since the one before: the sentences it
        added and removed, the headline and lead it replaced, the figures that changed, the
        sources it added and those it no longer cites."""
        store, index = _reading(request)
        return JSONResponse(version_changes(store, event_id, version, index))


def _reading(request: Request) -> tuple[Store, StoryIndex]:
    """The thread's store and the ranked events (`web.app`'s reader keeps both)."""
    reader = request.app.state.reader
    store = reader.get()
    return store, reader.story_index(store)
