"""Bearer tokens as a FastAPI dependency: each request acts as the token's account.

``Authorization: Bearer ssp_...``; :func:`data.tokens.viewer_for_token` hashes the token and
compares digests with :func:`hmac.compare_digest`. The :class:`~data.models.Viewer` it gives
carries the account's role and organisation, so the API applies the app's confidentiality rules:
a company's token sees only that company's ideas, an adviser's sees all.
"""

from __future__ import annotations

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.errors import Forbidden
from data.models import Viewer
from data.tokens import viewer_for_token

_bearer = HTTPBearer(auto_error=False, description="A token from `samspill token add USERNAME`.")

UNAUTHORISED = "a valid API token is required (Authorization: Bearer <token>; samspill token add USERNAME)"


def bearer_token(authorization: str | None) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header (the scheme in any case), or None."""
    scheme, _, token = (authorization or "").strip().partition(" ")
    if scheme.lower() != "bearer":
        return None
    return token.strip() or None


def current_viewer(
    request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(_bearer)
) -> Viewer:
    """The account the request's token acts as; 401 without a valid token.

    A request with a body had its token checked before the body was read (:mod:`api.body`).
    """
    viewer = getattr(request.state, "viewer", None)
    if viewer is not None:
        return viewer
    token = credentials.credentials if credentials is not None else None
    viewer = viewer_for_token(request.app.state.service.store, token) if token else None
    if viewer is None:
        raise HTTPException(status_code=401, detail=UNAUTHORISED, headers={"WWW-Authenticate": "Bearer"})
    return viewer


def adviser(viewer: Viewer = Depends(current_viewer)) -> Viewer:
    """The account, if it is an adviser's; 403 otherwise."""
    if not viewer.is_adviser:
        raise Forbidden("this needs an adviser's token")
    return viewer
