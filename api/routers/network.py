"""The collaboration network: exports and the annual report as downloads (every token, as in the app)."""

from __future__ import annotations

import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from api.auth import current_viewer
from api.body import JSONRoute
from api.errors import Busy, NotFound
from api.service import MAX_RENDERS

router = APIRouter(route_class=JSONRoute, prefix="/network", tags=["network"], dependencies=[Depends(current_viewer)])

MEDIA = {
    "gexf": ("application/xml", "gexf"), "graphml": ("application/xml", "graphml"),
    "kumu": ("application/json", "json"), "csv": ("text/csv", "csv"), "png": ("image/png", "png"),
    "svg": ("image/svg+xml", "svg"), "pdf": ("application/pdf", "pdf"), "gif": ("image/gif", "gif"),
    "mp4": ("video/mp4", "mp4"), "html": ("text/html; charset=utf-8", "html"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
}


@contextmanager
def _render_slot(service):
    """One of the service's places for drawings and reports (:data:`api.service.MAX_RENDERS`), or
    :class:`~api.errors.Busy` (a 503) at once when all are taken."""
    if not service.renders.acquire(blocking=False):
        raise Busy(f"the server is writing {MAX_RENDERS} network files or reports already; try again in a minute")
    try:
        yield
    finally:
        service.renders.release()


def _records(store):
    organisations, projects, participations = store.organisations(), store.projects(), store.participations()
    if not projects:
        raise NotFound("the register holds no projects yet: import data first")
    return organisations, projects, participations


def _file(path: Path, fmt: str, stem: str) -> Response:
    media, suffix = MEDIA[fmt]
    return Response(
        path.read_bytes(), media_type=media,
        headers={"Content-Disposition": f'attachment; filename="{stem}.{suffix}"'},
    )


@router.get("/export")
def export(
    request: Request,
    format: Literal["gexf", "graphml", "kumu", "csv", "png", "svg", "pdf", "gif", "mp4"] = "gexf",
    year: int | None = Query(None, ge=1900, le=2200, description="Default: the latest year with projects."),
    cumulative: bool = Query(False, description="Everything up to the year instead of the year alone."),
    lang: Literal["nb", "en"] = "nb",
) -> Response:
    """The network of a year as a file (``samspill graph export``)."""
    from graph.export import export_network

    records = _records(request.app.state.service.store)
    with _render_slot(request.app.state.service), tempfile.TemporaryDirectory(prefix="samspill-export-") as folder:
        path = Path(folder) / f"network.{MEDIA[format][1]}"
        export_network(*records, path, fmt=format, year=year, cumulative=cumulative, lang=lang)
        return _file(path, format, f"network-{year or 'latest'}")


@router.get("/report")
def report(
    request: Request,
    format: Literal["pdf", "docx", "html"] = "pdf",
    year: int | None = Query(None, ge=1900, le=2200, description="Default: the latest year with projects."),
    lang: Literal["nb", "en"] = "nb",
) -> Response:
    """The annual collaboration report (``samspill report``)."""
    from graph.build import project_years

    store = request.app.state.service.store
    records = _records(store)
    year = project_years(records[1])[-1] if year is None else year
    with _render_slot(request.app.state.service):
        return _report(store, records, year, lang, format, request.app.state.service.settings.cluster)


def _report(store, records, year: int, lang: str, format: str, cluster_file) -> Response:
    from data.introductions import introductions_per_year
    from graph.cluster import load_cluster
    from graph.report import build_report, write_report
    from matching.similarity import competence_similarity

    built = build_report(*records, year=year, lang=lang, similarity=competence_similarity(store),
                         cluster=load_cluster(cluster_file),
                         introductions=introductions_per_year(store).get(year))
    with tempfile.TemporaryDirectory(prefix="samspill-report-") as folder:
        path = Path(folder) / f"report.{format}"
        write_report(built, path, fmt=format)
        return _file(path, format, f"report-{year}")
