"""The FastAPI application: one :class:`~api.service.Service`, thin routers, errors mapped in one place.

``create_app(service)`` is what ``samspill serve`` runs and what the tests drive with
FastAPI's ``TestClient``. OpenAPI docs at ``/docs``; ``/health`` answers without a token.
"""

from __future__ import annotations

from fastapi import Depends, FastAPI, Request

from api import errors
from api.auth import current_viewer
from api.body import JSONRoute, RequestGuard
from api.routers import ideas, match, network, organisations
from api.schemas import Me
from api.service import Service
from data.models import Viewer

DESCRIPTION = """Partner matchmaking for an industry cluster: rank partners for a project idea, submit ideas,
read and update organisations, download the collaboration network and the annual report.

Every route but `/health` needs `Authorization: Bearer <token>`; make a token with
`samspill token add USERNAME`. A token acts as its account: a company's token submits and reads
only that company's ideas; an adviser's reads all ideas, ranks partners and updates profiles."""


def create_app(service: Service, *, warm: bool = True) -> FastAPI:
    """The API over ``service``; ``warm`` starts loading the model and the index at once."""
    app = FastAPI(title="Samspill", version="1", description=DESCRIPTION)
    app.router.route_class = JSONRoute
    app.state.service = service
    app.add_middleware(RequestGuard)
    errors.install(app)
    for module in (match, ideas, organisations, network):
        app.include_router(module.router)

    @app.api_route("/health", methods=["GET", "HEAD"], tags=["service"])
    async def health(request: Request) -> dict:
        """Up, and whether the model and the index are loaded (no token needed).

        Answered on the server's event loop, not a worker thread: it answers while every worker is busy.
        """
        return {"status": "ok", "ready": request.app.state.service.ready}

    @app.get("/me", response_model=Me, tags=["service"])
    def me(viewer: Viewer = Depends(current_viewer)) -> dict:
        """The account this token acts as."""
        return {"username": viewer.username, "role": viewer.role, "org_id": viewer.org_id}

    if warm:
        service.warm()
    return app
