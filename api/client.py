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
    for start in range(0, len(items), BATCH):
        out.extend(post(server, "/match/batch", {"ideas": items[start : start + BATCH]}, token))
    return out


def post(server: str, path: str, body: dict, token: str):
    request = urllib.request.Request(
        server + path,
        data=json.dumps(body).encode("utf-8"),
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
