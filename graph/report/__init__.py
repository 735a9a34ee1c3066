"""The annual report: content built once, rendered by document tools as PDF, Word and HTML.

* :mod:`graph.report.content` -- :func:`build_report` measures the year and
  returns the report as a tree of plain blocks (a story first, then sections
  of paragraphs, tables, pictures and one-line explanations);
* :mod:`graph.report.charts` -- the pictures, drawn once by matplotlib;
* one renderer per format: :mod:`graph.report.pdf` (reportlab's Platypus),
  :mod:`graph.report.docx` (python-docx) and :mod:`graph.report.html`
  (a Jinja2 template).

A new format adds a renderer; the content code does not change. All words
come from :mod:`data.text`; the cluster's name, logo and colours from
:mod:`graph.cluster`.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from graph.report.content import Bullets, Cell, Figure, Paragraph, Report, Section, Table, build_report

__all__ = [
    "REPORT_FORMATS",
    "Bullets",
    "Cell",
    "Figure",
    "Paragraph",
    "Report",
    "Section",
    "Table",
    "build_report",
    "render_html",
    "report_bytes",
    "write_docx",
    "write_pdf",
    "write_report",
]

REPORT_FORMATS: tuple[str, ...] = ("pdf", "docx", "html")

#: What a browser should call each format.
MIME_TYPES: dict[str, str] = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "html": "text/html",
}


def render_html(report: Report) -> str:
    """The report as one self-contained HTML document (see :mod:`graph.report.html`)."""
    from graph.report.html import render_html as render

    return render(report)


def write_pdf(report: Report, path: str | Path) -> int:
    """Write the report as PDF; returns the number of pages (see :mod:`graph.report.pdf`)."""
    from graph.report.pdf import write_pdf as write

    return write(report, path)


def write_docx(report: Report, path: str | Path) -> None:
    """Write the report as a Word document (see :mod:`graph.report.docx`)."""
    from graph.report.docx import write_docx as write

    write(report, path)


def report_format(path: str | Path, fmt: str | None = None) -> str:
    """The format named by ``fmt`` or by the file's extension.

    >>> report_format("rapport.PDF"), report_format("r.htm"), report_format("x", "docx")
    ('pdf', 'html', 'docx')
    >>> report_format("r.odt")
    Traceback (most recent call last):
    ...
    ValueError: cannot write a report as 'odt'; name it .pdf, .docx or .html
    """
    fmt = (fmt or Path(path).suffix.lstrip(".")).lower()
    if fmt == "htm":
        fmt = "html"
    if fmt not in REPORT_FORMATS:
        raise ValueError(f"cannot write a report as {fmt or 'a file without extension'!r}; "
                         "name it .pdf, .docx or .html")
    return fmt


def write_report(report: Report, path: str | Path, *, fmt: str | None = None) -> str:
    """Write ``report`` as PDF, DOCX or HTML (default from the extension); returns the format.

    Raises
    ------
    ValueError
        For any other format.
    """
    fmt = report_format(path, fmt)
    if fmt == "pdf":
        write_pdf(report, path)
    elif fmt == "docx":
        write_docx(report, path)
    else:
        Path(path).write_text(render_html(report), encoding="utf-8")
    return fmt


def report_bytes(report: Report, fmt: str) -> bytes:
    """The report written as ``fmt`` into memory, for a download button.

    Raises
    ------
    ValueError
        For a format not in :data:`REPORT_FORMATS`.
    """
    fmt = report_format("", fmt)
    with tempfile.TemporaryDirectory(prefix="samspill-report-") as tmp:
        path = Path(tmp) / f"report.{fmt}"
        write_report(report, path, fmt=fmt)
        return path.read_bytes()
