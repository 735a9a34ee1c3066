"""The command line's side of ``SAMSPILL_SERVER``: send ideas to a running ``samspill serve``.

Standard library only (``urllib``), so ``samspill match`` through a server starts in well under a
second: it imports neither the model nor the index.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Sequence

from matching.types import MatchQuery

BATCH = 100  # ideas per request (the API's limit)
#: Bytes of ideas per request: half the server's limit on a body (``api.body.MAX_BODY_BYTES``, 16 MB),
#: so 100 long ideas go in several requests instead of being refused.
BATCH_BYTES = 8 * 1024 * 1024
TIMEOUT = 600.0


class ClientError(RuntimeError):
    """The server could not be reached or refused the request; the message says which and why."""


def match_request(idea_id, query: MatchQuery, lang: str) -> dict:
    """One idea as the API's ``MatchRequest``."""
    return {
        "id": idea_id, "text": query.text, "top": query.top, "kind": list(query.kinds), "region": list(query.regions),
        "country": list(query.countries), "as": query.as_org, "exclude": list(query.exclude), "lang": lang,
    }


def match_batch(server: str, token: str, ids: Sequence, queries: Sequence[MatchQuery], lang: str) -> list[dict]:
    """Each idea's match (the JSON contract of ``samspill match --json``), in order."""
    out: list[dict] = []
    items = [match_request(i, q, lang) for i, q in zip(ids, queries, strict=True)]
    for batch in batches(items):
        out.extend(post(server, "/match/batch", {"ideas": batch}, token))
    return out


def batches(items: Sequence[dict], *, most: int = BATCH, most_bytes: int = BATCH_BYTES):
    """``items`` in order, in lists of at most ``most`` items and ``most_bytes`` bytes of JSON (an item
    larger than that goes alone).

    >>> [len(b) for b in batches([{"t": "x"}] * 5, most=2)], [len(b) for b in batches([{"t": "x"}] * 3, most_bytes=25)]
    ([2, 2, 1], [2, 1])
    """
    batch, size = [], 0
    for item in items:
        n = len(_encoded(item)) + 1
        if batch and (len(batch) >= most or size + n > most_bytes):
            yield batch
            batch, size = [], 0
        batch.append(item)
        size += n
    if batch:
        yield batch


def _encoded(body) -> bytes:
    return json.dumps(body, ensure_ascii=False).encode("utf-8")


def post(server: str, path: str, body: dict, token: str):
    request = urllib.request.Request(
        server + path,
        data=_encoded(body),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            return json.loads(response.read().decode("utf-8"))
    except urllib.error.HTTPError as exc:
        raise ClientError(f"the server at {server} answered {exc.code}: {_detail(exc)}") from exc
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise ClientError(
            f"cannot reach the Samspill server at {server} (SAMSPILL_SERVER): {reason}; "
            "start it with `samspill serve`, or unset SAMSPILL_SERVER to match in this process"
        ) from exc
    except ValueError as exc:
        raise ClientError(f"the server at {server} did not answer with JSON") from exc


def _detail(exc: urllib.error.HTTPError) -> str:
    try:
        detail = json.loads(exc.read().decode("utf-8")).get("detail")
    except (ValueError, AttributeError, OSError):
        detail = None
    return " ".join(str(detail or exc.reason).split())
