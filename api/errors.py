"""The library's errors as HTTP answers, in one place: ``{"detail": "<one line>"}`` and a status code.

Most specific first: the first class in :data:`STATUS` that an error is an instance of decides.
"""

from __future__ import annotations

import networkx as nx
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from data.store import IdeaNotFound, OrganisationNotFound, StoreBusy, StoreError
from matching.embedder import ModelUnavailable
from matching.types import MatchingError


class Forbidden(Exception):
    """The token's account may not do this (a company token on an adviser route)."""


class NotFound(Exception):
    """Nothing there (or nothing this account may see: the two are never told apart)."""


class Busy(Exception):
    """The server is doing as much of this kind of work as it takes at once; try again shortly."""


STATUS: tuple[tuple[type[BaseException], int], ...] = (
    (Forbidden, 403),
    (NotFound, 404),
    (OrganisationNotFound, 404),
    (IdeaNotFound, 404),
    (nx.NodeNotFound, 404),
    (Busy, 503),
    (StoreBusy, 503),
    (ModelUnavailable, 503),
    (MatchingError, 422),
    (StoreError, 422),
    (ValueError, 422),
)


def status_of(exc: BaseException) -> int:
    return next(code for kind, code in STATUS if isinstance(exc, kind))


def _message(exc: BaseException) -> str:
    text = str(exc) if not isinstance(exc, KeyError) else str(exc.args[0] if exc.args else exc)
    return " ".join(text.split()) or type(exc).__name__


def _validation_message(exc: RequestValidationError) -> str:
    """The first problems of a request that does not fit its schema, as one line."""
    problems = []
    for error in exc.errors():
        loc, kind = tuple(error.get("loc", ())), error.get("type")
        msg = str(error.get("msg", "invalid")).removeprefix("Value error, ")
        if kind == "json_invalid":
            at = f" (at character {loc[1]})" if len(loc) > 1 and isinstance(loc[1], int) else ""
            problems.append(f"the body is not JSON this API reads: {(error.get('ctx') or {}).get('error', msg)}{at}")
            continue
        where = ".".join(str(p) for p in loc if p not in ("body", "query", "path"))
        if where:
            problems.append(f"{where}: {msg}")
        elif loc[:1] == ("body",) and kind == "missing":
            problems.append("the request needs a JSON body")
        elif loc[:1] == ("body",):
            problems.append(f"the body must be a JSON object ({msg})")
        else:
            problems.append(str(msg))
    return "; ".join(" ".join(p.split()) for p in problems[:3]) or "the request does not fit the API's schema"


def install(app: FastAPI) -> None:
    """Register the handlers on ``app``."""

    async def library_error(_request: Request, exc: Exception) -> JSONResponse:
        headers = {"Retry-After": "30"} if isinstance(exc, Busy | StoreBusy) else None
        return JSONResponse({"detail": _message(exc)}, status_code=status_of(exc), headers=headers)

    async def validation_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse({"detail": _validation_message(exc)}, status_code=422)

    for kind, _ in STATUS:
        app.add_exception_handler(kind, library_error)
    app.add_exception_handler(RequestValidationError, validation_error)
