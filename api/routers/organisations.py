"""The register: read organisations (every token), update one's profile (advisers; embedded again)."""

from __future__ import annotations

from dataclasses import asdict, replace

from fastapi import APIRouter, Depends, Query, Request

from api.auth import adviser, current_viewer
from api.body import JSONRoute
from api.schemas import OrganisationOut, OrganisationUpdate

router = APIRouter(
    route_class=JSONRoute, prefix="/organisations", tags=["organisations"], dependencies=[Depends(current_viewer)]
)


@router.get("", response_model=list[OrganisationOut])
def list_organisations(
    request: Request,
    q: str | None = Query(None, max_length=200, description="Text in the name, id, description or competences."),
    kind: str | None = Query(None, max_length=20),
    limit: int = Query(100, ge=1, le=10_000),
) -> list[dict]:
    store = request.app.state.service.store
    found = store.search_organisations(q, limit=limit) if q else store.organisations(kind=kind)
    return [asdict(o) for o in found if kind is None or o.kind == kind][:limit]


@router.get("/{org_id}", response_model=OrganisationOut)
def get_organisation(org_id: str, request: Request) -> dict:
    return asdict(request.app.state.service.store.organisation(org_id))


@router.patch("/{org_id}", response_model=OrganisationOut, dependencies=[Depends(adviser)])
def update_organisation(org_id: str, update: OrganisationUpdate, request: Request) -> dict:
    """Change a profile (advisers); the matcher embeds the changed texts before answering."""
    service = request.app.state.service
    changed = replace(service.store.organisation(org_id), **update.model_dump(exclude_unset=True))
    service.store.update_organisation(changed)
    service.refresh()
    return asdict(service.store.organisation(org_id))
