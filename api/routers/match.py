"""POST /match and /match/batch: ranked partners, pairings and consortia, the JSON of ``samspill match --json``."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from api.auth import adviser
from api.body import JSONRoute
from api.schemas import BatchRequest, MatchOut, MatchRequest
from matching.serialise import result_as_json
from matching.types import MatchQuery

router = APIRouter(route_class=JSONRoute, tags=["match"], dependencies=[Depends(adviser)])


def query_of(item: MatchRequest) -> MatchQuery:
    return MatchQuery(
        text=item.text, top=item.top, kinds=tuple(item.kind), regions=tuple(item.region),
        countries=tuple(item.country), as_org=item.as_org, exclude=tuple(item.exclude), lang=item.lang,
    )


@router.post("/match", response_model=MatchOut)
def match(item: MatchRequest, request: Request) -> dict:
    """Rank partners for one idea (advisers)."""
    result = request.app.state.service.matcher.match(query_of(item))
    return result_as_json(item.id, result)


@router.post("/match/batch", response_model=list[MatchOut])
def match_batch(batch: BatchRequest, request: Request) -> list[dict]:
    """Rank partners for up to 100 ideas at once, in order (advisers)."""
    results = request.app.state.service.matcher.match_many([query_of(i) for i in batch.ideas])
    return [result_as_json(i.id, r) for i, r in zip(batch.ideas, results, strict=True)]
