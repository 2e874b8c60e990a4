"""The web app's one error shape: `{"error": {"status", "code", "message"}}` for the API and
the feeds, the same message in an HTML page for the pages.

Every error a route raises comes here: a missing thing (`views.NotFound`) is a 404, an id
prefix that starts several ids a 400 (`ambiguous_id`), an invalid parameter a 422 naming it, a
method a route does not answer a 405 with `Allow`, a store that cannot be read a 503, and
anything else a 500 that says it is a bug, never a traceback.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel
from starlette.exceptions import HTTPException

from newsweave.errors import AmbiguousId, NewsweaveError
from newsweave.outward import safe_text
from newsweave.web import views
from newsweave.web.http import security_header_list

__all__ = ["ErrorResponse", "install_errors"]


class ErrorDetail(BaseModel):
    status: int
    code: str  # not_found, invalid_input, server_error, ...
    message: str  # what happened, to which input, and what to try


class ErrorResponse(BaseModel):
    """The shape of every error the API answers."""

    error: ErrorDetail


_CODES = {400: "bad_request", 404: "not_found", 405: "method_not_allowed", 422: "invalid_input"}


def install_errors(app: Any, templates: Jinja2Templates) -> None:
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
        allowed = (error.headers or {}).get("Allow", "").split(", ")
        if error.status_code == 405:  # every route answers HEAD as GET
            allowed += ["HEAD"] if "GET" in allowed else []
            message = f"{request.method} is not answered at {request.url.path}; only " + (
                " and ".join(allowed) + ": newsweave's server only reads"
            )
        response = respond(request, error.status_code, message)
        if error.status_code == 405:
            response.headers["Allow"] = ", ".join(allowed)
        return response

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
        response = respond(request, 500, message)
        for name, value in security_header_list(request.url.path):
            response.headers[name.decode()] = value.decode()
        return response


def _is_page(path: str) -> bool:
    return not path.startswith(("/api/", "/feeds/", "/openapi.json", "/static"))
