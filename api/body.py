"""Request bodies: checked at the door, parsed strictly, and every refusal one line.

Two parts, both installed by :func:`api.application.create_app`:

* :class:`RequestGuard`, an ASGI middleware in front of the app. A request that carries a body
  must first show a valid token (401 otherwise, *before* a byte of the body is read: FastAPI reads
  and parses the body before it checks the token, so without this anyone could make the server hold
  a body of any size), declare JSON (415), stay within :data:`MAX_BODY_BYTES` (413, from the
  declared length before reading, or as the bytes arrive) and not carry both ``Content-Length``
  and ``Transfer-Encoding`` (400: two framings a proxy in front may read differently).
* :class:`JSONRoute`, the routers' route class: the body is read as JSON by :func:`strict_json`,
  which refuses what :func:`json.loads` lets through or fails on without a word: a key twice in
  one object (the last silently won), ``NaN`` and ``Infinity`` and numbers out of range, half a
  UTF-16 character (``"\\ud800"``: a 500 from the database), bytes that are not UTF-8, and
  nesting too deep or numbers too long (both a bare "error parsing the body" before).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable

from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import JSONResponse

from api.auth import UNAUTHORISED, bearer_token

__all__ = ["MAX_BODY_BYTES", "PUBLIC_PATHS", "BodyError", "JSONRoute", "RequestGuard", "strict_json"]

#: A request body's limit: 100 ideas of 20,000 characters with room to spare (the matcher reads
#: no more of an idea); ``samspill match`` through a server sends its batches in parts below it.
MAX_BODY_BYTES = 16 * 1024 * 1024

#: Paths that answer without a token (none of them takes a body).
PUBLIC_PATHS = frozenset({"/health", "/docs", "/docs/oauth2-redirect", "/redoc", "/openapi.json"})


class BodyError(json.JSONDecodeError):
    """A body that is not the JSON this API reads; FastAPI answers it as a 422 like any bad JSON."""

    def __init__(self, msg: str, pos: int | None = None):
        ValueError.__init__(self, msg)
        self.msg, self.doc, self.pos, self.lineno, self.colno = msg, "", pos, None, None

    def __reduce__(self):
        return type(self), (self.msg, self.pos)


def _unique_keys(pairs: list[tuple[str, object]]) -> dict:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        seen = set()
        twice = next(key for key, _ in pairs if key in seen or seen.add(key))
        raise BodyError(f"the key {_shown(twice)} appears twice in one object")
    return obj


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise BodyError(f"the number {text[:40]} is out of range")
    return value


def _no_constant(name: str):
    raise BodyError(f"{name} is not a number JSON allows")


def _shown(key: str) -> str:
    return json.dumps(key[:60])


def strict_json(body: bytes):
    """``body`` as JSON, or :class:`BodyError` saying in one line what is wrong with it.

    >>> strict_json(b'{"top": 3}')
    {'top': 3}
    >>> strict_json(b'{"text": "a", "text": ""}')
    Traceback (most recent call last):
    ...
    api.body.BodyError: the key "text" appears twice in one object
    """
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BodyError(f"not UTF-8 text (byte 0x{body[exc.start]:02x} at offset {exc.start})") from None
    try:
        value = json.loads(text, object_pairs_hook=_unique_keys, parse_float=_finite, parse_constant=_no_constant)
    except BodyError:
        raise
    except json.JSONDecodeError as exc:
        raise BodyError(exc.msg, exc.pos) from None
    except RecursionError:
        raise BodyError("nested too deeply") from None
    except ValueError:  # Python reads integers of at most 4,300 digits
        raise BodyError("a number of more than 4,300 digits") from None
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError as exc:
        raise BodyError(
            f"holds {exc.object[exc.start]!r}, half of a UTF-16 character (a lone surrogate), which is not text"
        ) from None
    return value


class _StrictJSONRequest(Request):
    async def json(self):
        if not hasattr(self, "_json"):
            self._json = strict_json(await self.body())
        return self._json


class JSONRoute(APIRoute):
    """FastAPI's route, with the body read by :func:`strict_json`."""

    def get_route_handler(self) -> Callable:
        handler = super().get_route_handler()

        async def strict(request: Request):
            return await handler(_StrictJSONRequest(request.scope, request.receive))

        return strict


def _is_json(content_type: str) -> bool:
    kind = content_type.split(";", 1)[0].strip().lower()
    return kind == "application/json" or (kind.startswith("application/") and kind.endswith("+json"))


class RequestGuard:
    """ASGI middleware: token, framing, type and size of a request body, checked before it is read."""

    def __init__(self, app, *, max_body_bytes: int = MAX_BODY_BYTES):
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        length = headers.get("content-length")
        chunked = "transfer-encoding" in headers
        if not chunked and (length is None or length.strip() == "0"):
            await self.app(scope, receive, send)  # no body
            return
        refusal = await self._refusal(scope, headers, length, chunked)
        if refusal is None:
            body, refusal = await self._read(receive)
        if refusal is not None:
            # The body may be unread: the connection ends with the answer instead of waiting for it.
            status, detail, extra = refusal
            headers = {"Connection": "close", **(extra or {})}
            await JSONResponse({"detail": detail}, status_code=status, headers=headers)(scope, receive, send)
            return
        await self.app(scope, _replay(body, receive), send)

    async def _refusal(self, scope, headers: Headers, length: str | None, chunked: bool):
        if chunked and length is not None:
            return 400, "a request may not carry both Content-Length and Transfer-Encoding", None
        if scope["path"] not in PUBLIC_PATHS:
            service = scope["app"].state.service
            token = bearer_token(headers.get("authorization"))
            viewer = await run_in_threadpool(service.viewer_for, token) if token else None
            if viewer is None:
                return 401, UNAUTHORISED, {"WWW-Authenticate": "Bearer"}
            scope.setdefault("state", {})["viewer"] = viewer
        if length is not None and int(length) > self.max_body_bytes:
            return 413, self._too_large(f"{int(length):,} bytes"), None
        content_type = headers.get("content-type", "")
        if not _is_json(content_type):
            shown = f"not {content_type[:60]!r}" if content_type else "none was given"
            return 415, f"the body must be JSON, sent with Content-Type: application/json ({shown})", None
        return None

    async def _read(self, receive) -> tuple[bytes, tuple | None]:
        parts, size = [], 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return b"", (400, "the client went away before sending the whole body", None)
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_bytes:
                return b"", (413, self._too_large(f"more than {self.max_body_bytes:,} bytes"), None)
            parts.append(chunk)
            if not message.get("more_body", False):
                return b"".join(parts), None

    def _too_large(self, size: str) -> str:
        return (f"the body has {size}; at most {self.max_body_bytes:,} "
                "(send a batch of ideas in several requests)")


def _replay(body: bytes, receive):
    """``receive`` for the app: the body read already, then the client's own messages (disconnect)."""
    sent = False

    async def replay():
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay
