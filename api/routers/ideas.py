"""Project ideas: submit one (with the first suggestions, as the app gives them), read them, update their status.

A company's token submits for its own organisation and reads only that company's ideas; an
adviser's reads and updates every idea. An idea another account may not read answers 404, as
one that does not exist.
"""

from __future__ import annotations

import logging
from dataclasses import asdict

from fastapi import APIRouter, Depends, Request

from api.auth import adviser, current_viewer
from api.body import JSONRoute
from api.errors import Forbidden
from api.schemas import IdeaIn, IdeaOut, IdeaUpdate, SubmittedOut
from data.models import Viewer
from data.store import StoreError
from matching.serialise import result_as_json
from matching.types import MatchingError, MatchQuery

router = APIRouter(route_class=JSONRoute, prefix="/ideas", tags=["ideas"])
logger = logging.getLogger(__name__)
FIRST_SUGGESTIONS = 5


def idea_json(idea, viewer: Viewer) -> dict:
    """An idea as the viewer may read it: the advisers' notes are for advisers only (as in the app)."""
    data = asdict(idea)
    data["created_at"] = str(data["created_at"])
    if not viewer.is_adviser:
        data["notes"] = ""
    return data


def account_request_key(viewer: Viewer, request_key: str | None) -> str | None:
    """The client's retry key, kept per account: the store looks keys up across every idea, and a
    key another account chose (``form-1``) must store a new idea, not answer with that account's."""
    return None if request_key is None else f"api:{viewer.username}:{request_key}"


@router.post("", response_model=SubmittedOut, status_code=201)
def submit(idea: IdeaIn, request: Request, viewer: Viewer = Depends(current_viewer)) -> dict:
    """Submit an idea for the advisers' inbox; answers with it and the matcher's first suggestions."""
    service = request.app.state.service
    org_id = idea.org_id
    if not viewer.is_adviser:
        if org_id is not None and org_id != viewer.org_id:
            raise Forbidden("a company's token submits ideas for its own organisation only")
        org_id = viewer.org_id
    stored = service.store.add_idea(
        title=idea.title, text=idea.text, submitted_by=viewer.username, org_id=org_id, contact=idea.contact,
        wanted_kinds=idea.wanted_kinds, confidential=idea.confidential,
        request_key=account_request_key(viewer, idea.request_key),
    )
    suggestions, notes = [], []
    try:
        result = service.matcher.match(
            MatchQuery(
                text=f"{stored.title}\n\n{stored.text}", top=FIRST_SUGGESTIONS, kinds=tuple(idea.wanted_kinds),
                as_org=org_id, exclude=(org_id,) if org_id else (),
            )
        )
        suggestions = result_as_json(None, result)["organisations"]
        stored = service.store.update_idea(stored.idea_id, suggestions=[s["org_id"] for s in suggestions])
    except (MatchingError, StoreError) as exc:  # the idea is stored: say why there are no suggestions
        notes.append(f"no suggestions: {exc}")
        logger.warning("suggestions for idea %s failed: %s", stored.idea_id, type(exc).__name__)
    return {"idea": idea_json(stored, viewer), "suggestions": suggestions, "notes": notes}


@router.get("", response_model=list[IdeaOut])
def list_ideas(request: Request, viewer: Viewer = Depends(current_viewer)) -> list[dict]:
    """The ideas this token's account may read, newest first."""
    return [idea_json(i, viewer) for i in request.app.state.service.store.ideas(viewer)]


@router.get("/{idea_id}", response_model=IdeaOut)
def get_idea(idea_id: int, request: Request, viewer: Viewer = Depends(current_viewer)) -> dict:
    return idea_json(request.app.state.service.store.idea(idea_id, viewer), viewer)


@router.patch("/{idea_id}", response_model=IdeaOut)
def update_idea(idea_id: int, update: IdeaUpdate, request: Request, viewer: Viewer = Depends(adviser)) -> dict:
    """Set an idea's status or notes (advisers)."""
    return idea_json(
        request.app.state.service.store.update_idea(idea_id, status=update.status, notes=update.notes), viewer
    )
