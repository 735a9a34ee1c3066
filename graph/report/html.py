"""The report as one self-contained HTML file, from a Jinja2 template.

Autoescaping is on, so every name is text, never markup; pictures and the
logo are inlined as data URIs, and a Content-Security-Policy forbids scripts
and outside resources. Colours come from the cluster's profile.
"""

from __future__ import annotations

import base64
import functools

from data.text import t
from graph.report.content import Bullets, Figure, Paragraph, Report, Table

__all__ = ["render_html"]


@functools.cache
def _environment():
    from jinja2 import Environment, PackageLoader, select_autoescape

    env = Environment(loader=PackageLoader("graph.report", "templates"), autoescape=select_autoescape(["j2", "html"]),
                      trim_blocks=False, lstrip_blocks=False)
    env.filters["b64"] = lambda data: base64.b64encode(data).decode("ascii")
    env.tests.update(paragraph=lambda b: isinstance(b, Paragraph), bullets=lambda b: isinstance(b, Bullets),
                     table=lambda b: isinstance(b, Table), figure=lambda b: isinstance(b, Figure))
    return env


def render_html(report: Report) -> str:
    """The report as one HTML document (no scripts, no outside resources)."""
    logo = report.cluster.logo
    return _environment().get_template("report.html.j2").render(
        report=report,
        primary=report.cluster.primary,
        accent=report.cluster.accent,
        logo=base64.b64encode(logo).decode("ascii") if logo else "",
        logo_type="image/png" if logo and logo.startswith(b"\x89PNG") else "image/jpeg",
        internal_note=t(report.lang, "rep.internal_note"),
    ) + "\n"
