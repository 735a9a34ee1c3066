"""The collaboration network: exports and the annual report as downloads (every token, as in the app)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from api.auth import current_viewer
from api.errors import NotFound

router = APIRouter(prefix="/network", tags=["network"], dependencies=[Depends(current_viewer)])

MEDIA = {
    "gexf": ("application/xml", "gexf"), "graphml": ("application/xml", "graphml"),
    "kumu": ("application/json", "json"), "csv": ("text/csv", "csv"), "png": ("image/png", "png"),
    "svg": ("image/svg+xml", "svg"), "pdf": ("application/pdf", "pdf"), "gif": ("image/gif", "gif"),
    "mp4": ("video/mp4", "mp4"), "html": ("text/html; charset=utf-8", "html"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
}


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
    with tempfile.TemporaryDirectory(prefix="samspill-export-") as folder:
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
    from data.introductions import introductions_per_year
    from graph.build import project_years
    from graph.cluster import load_cluster
    from graph.report import build_report, write_report
    from matching.similarity import competence_similarity

    store = request.app.state.service.store
    records = _records(store)
    year = project_years(records[1])[-1] if year is None else year
    built = build_report(*records, year=year, lang=lang, similarity=competence_similarity(store),
                         cluster=load_cluster(request.app.state.service.settings.cluster),
                         introductions=introductions_per_year(store).get(year))
    with tempfile.TemporaryDirectory(prefix="samspill-report-") as folder:
        path = Path(folder) / f"report.{format}"
        write_report(built, path, fmt=format)
        return _file(path, format, f"report-{year}")
