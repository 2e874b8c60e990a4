"""The parameters the web routes take, each bounded, and how an API route's 200 is described.

Every bound keeps a value the store cannot take from reaching it: a value out of bounds is a
422 naming the parameter (`web.errors`), never a 500. Shared by `web.app` and `web.routes`.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import Path, Query
from pydantic import BaseModel

__all__ = [
    "Identifier",
    "Kind",
    "Mark",
    "Page",
    "PerPage",
    "Version",
    "VersionNumber",
    "Words",
    "answer",
]

MAX_PER_PAGE = 100
MAX_PAGE = 1_000_000  # a page number past this is refused: offsets stay within SQLite's integers
MAX_VERSION = 1_000_000
MAX_QUERY_CHARS = 500
MAX_ID_CHARS = 500

Page = Annotated[int, Query(ge=1, le=MAX_PAGE, description="page number, from 1")]
PerPage = Annotated[int, Query(ge=1, le=MAX_PER_PAGE, description="items per page")]
Kind = Annotated[Literal["articles", "briefs"], Query(description="what to search")]
Version = Annotated[
    int | None, Query(ge=1, le=MAX_VERSION, description="a brief version (default: the latest)")
]
VersionNumber = Annotated[int, Path(ge=1, le=MAX_VERSION, description="a brief version")]
Mark = Annotated[str | None, Query(max_length=40, description="characters to mark: start-end")]
Identifier = Annotated[str, Path(max_length=MAX_ID_CHARS, description="an id or a name")]
Words = Annotated[str, Query(max_length=MAX_QUERY_CHARS, description="the words to find")]


def answer(model: type[BaseModel], description: str) -> dict[int | str, dict[str, Any]]:
    """An API route's 200, described by `model` (the route sends the views' dict itself)."""
    return {200: {"model": model, "description": description}}
