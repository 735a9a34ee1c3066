"""Exports of the collaboration network for Gephi, yEd/Cytoscape, Kumu and spreadsheets.

=========  =====================================================================
format     what is written
=========  =====================================================================
gexf       GEXF 1.2 for Gephi: node ``start`` = first year, edge ``start`` =
           first joint year (dates ``YYYY-01-01``, ``timeformat="date"``), so
           Gephi's timeline plays the network's growth; colours, sizes and
           positions of :mod:`graph.draw` as ``viz`` attributes.
graphml    GraphML with every node and edge attribute (lists joined by ``;``).
kumu       Kumu JSON blueprint ``{"elements": [...], "connections": [...]}``;
           elements keyed by org id (names may repeat), connections undirected.
csv        Edge list (``source,target,weight,...``) with names, kinds, years
           and projects; Gephi's spreadsheet import reads it.
png svg    Static drawings (:mod:`graph.draw`).
pdf
gif mp4    The network growing year by year (MP4 only with an ffmpeg).
=========  =====================================================================

Names are data, never markup: XML writers escape them, JSON escapes ``<``,
``>`` and ``&`` as ``\\u003c`` etc. (so a blueprint pasted into a web page
cannot close a ``<script>``), and CSV cells that a spreadsheet would run as a
formula (starting ``=``, ``+``, ``-``, ``@``) get a leading ``'``. Control
characters that XML 1.0 cannot carry are dropped from XML exports; everything
else (quotes, æøå, emoji) comes out unchanged.
"""

from __future__ import annotations

import csv
import json
import re
import tempfile
from collections.abc import Sequence
from pathlib import Path
from xml.sax.saxutils import escape

import networkx as nx

from data.export import neutralise_cell
from data.models import Organisation, Participation, Project
from graph.build import collaboration_graph_of, index_records, project_years, window

__all__ = [
    "EXPORT_FORMATS",
    "MIME_TYPES",
    "export_bytes",
    "export_network",
    "format_for",
    "write_edge_csv",
    "write_gexf",
    "write_graphml",
    "write_kumu",
]

EXPORT_FORMATS: tuple[str, ...] = ("gexf", "graphml", "kumu", "csv", "png", "svg", "pdf", "gif", "mp4")
_EXTENSIONS = {"gexf": "gexf", "graphml": "graphml", "json": "kumu", "csv": "csv", "png": "png", "svg": "svg",
               "pdf": "pdf", "gif": "gif", "mp4": "mp4"}

#: What a browser should call each export (and the annual report's HTML).
MIME_TYPES: dict[str, str] = {
    "gexf": "application/xml", "graphml": "application/xml", "kumu": "application/json", "csv": "text/csv",
    "png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf", "gif": "image/gif", "mp4": "video/mp4",
}

# Characters XML 1.0 cannot carry even escaped (and lone surrogates).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def format_for(path: str | Path, fmt: str | None = None) -> str:
    """The export format named by ``fmt`` or, failing that, by the file extension.

    >>> format_for("net.gexf"), format_for("net.json"), format_for("x.out", "csv")
    ('gexf', 'kumu', 'csv')
    """
    if fmt:
        fmt = fmt.lower()
        if fmt == "json":
            fmt = "kumu"
        if fmt not in EXPORT_FORMATS:
            raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(EXPORT_FORMATS)}")
        return fmt
    suffix = Path(path).suffix.lstrip(".").lower()
    if suffix not in _EXTENSIONS:
        raise ValueError(
            f"cannot tell the format from {Path(path).name!r}; give one of {', '.join(EXPORT_FORMATS)}"
        )
    return _EXTENSIONS[suffix]


def _xml_text(value: str) -> str:
    return _NOT_XML.sub("", value)


def _plain(value):
    """A value XML writers accept: lists joined with ';', None dropped (returns None)."""
    if value is None:
        return None
    if isinstance(value, (list, tuple, set, frozenset)):
        return ";".join(_xml_text(str(v)) for v in value)
    if isinstance(value, str):
        return _xml_text(value)
    if isinstance(value, (bool, int, float)):
        return value
    return _xml_text(str(value))


def write_graphml(G: nx.Graph, path: str | Path) -> None:
    """GraphML with all attributes; lists become ``;``-joined strings.

    >>> import io, tempfile, os
    >>> G = nx.Graph([("a", "b", {"weight": 2, "years": (2016, 2017)})])
    >>> G.nodes["a"]["name"] = "Aker <ASA> & «co»"
    >>> with tempfile.TemporaryDirectory() as d:
    ...     write_graphml(G, os.path.join(d, "g.graphml"))
    ...     H = nx.read_graphml(os.path.join(d, "g.graphml"))
    >>> H.nodes["a"]["name"], H["a"]["b"]["weight"], H["a"]["b"]["years"]
    ('Aker <ASA> & «co»', 2, '2016;2017')

    Written line by line like :func:`write_gexf` (``nx.write_graphml`` builds the whole tree
    in memory first; BENCHMARKS.md), and reads back the same with ``nx.read_graphml``.
    """
    keys = {
        "graph": _xml_attributes([G.graph]),
        "node": _xml_attributes(data for _, data in G.nodes(data=True)),
        "edge": _xml_attributes(data for _, _, data in G.edges(data=True)),
    }
    ids = {cls: {key: f"d{n}" for n, key in enumerate(attrs, start=offset)}
           for cls, attrs, offset in (("graph", keys["graph"], 0),
                                      ("node", keys["node"], len(keys["graph"])),
                                      ("edge", keys["edge"], len(keys["graph"]) + len(keys["node"])))}
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        write = out.write
        write("<?xml version='1.0' encoding='utf-8'?>\n"
              '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
              'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
              'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
              'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n')
        for cls, attrs in keys.items():
            for key, (_, kind) in attrs.items():
                write(f'  <key id="{ids[cls][key]}" for="{cls}" attr.name={_attr(key)} attr.type="{kind}" />\n')
        write('  <graph edgedefault="undirected">\n')
        _write_data(write, G.graph, ids["graph"], "    ")
        for v, data in G.nodes(data=True):
            write(f"    <node id={_attr(v)}>\n")
            _write_data(write, data, ids["node"], "      ")
            write("    </node>\n")
        for u, v, data in G.edges(data=True):
            write(f"    <edge source={_attr(u)} target={_attr(v)}>\n")
            _write_data(write, data, ids["edge"], "      ")
            write("    </edge>\n")
        write("  </graph>\n</graphml>\n")


def _write_data(write, data: dict, ids: dict[str, str], indent: str) -> None:
    for key, value in data.items():
        if key in ids and value is not None:
            write(f'{indent}<data key="{ids[key]}">{_xml_escape(_xml_value(_plain(value)))}</data>\n')


def _hex_to_rgb(colour: str) -> tuple[int, int, int]:
    colour = colour.lstrip("#")
    return int(colour[0:2], 16), int(colour[2:4], 16), int(colour[4:6], 16)


def write_gexf(G: nx.Graph, path: str | Path, *, pos=None) -> None:
    """GEXF for Gephi with dynamic ``start`` dates, colours by kind and (optionally) positions.

    Parameters
    ----------
    G : nx.Graph
        A collaboration graph; node ``first_year`` and edge ``first_year``
        become ``start``.
    path : path
    pos : mapping, optional
        node -> (x, y) written as ``viz`` positions (scaled ×1000) so Gephi
        opens with Samspill's stable layout.

    Written line by line rather than with ``nx.write_gexf``, which builds the whole XML tree
    in memory first: at 50,000 organisations and 780,000 ties that took minutes and gigabytes
    (BENCHMARKS.md). The file is what ``nx.write_gexf`` writes and reads back with
    ``nx.read_gexf`` (tests/test_graph_export.py).
    """
    from graph.draw import KIND_COLOURS

    strength = dict(G.degree(weight="weight"))
    node_attrs = _xml_attributes(data for _, data in G.nodes(data=True))
    edge_attrs = _xml_attributes(
        ({k: v for k, v in data.items() if k != "weight"} for _, _, data in G.edges(data=True))
    )
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        write = out.write
        write("<?xml version='1.0' encoding='utf-8'?>\n"
              '<gexf xmlns="http://www.gexf.net/1.2draft" xmlns:viz="http://www.gexf.net/1.2draft/viz" '
              'version="1.2">\n  <meta>\n    <creator>Samspill</creator>\n  </meta>\n'
              '  <graph defaultedgetype="undirected" mode="dynamic" timeformat="date">\n')
        for cls, attrs in (("node", node_attrs), ("edge", edge_attrs)):
            write(f'    <attributes class="{cls}" mode="static">\n')
            for key, (number, kind) in attrs.items():
                write(f'      <attribute id="{number}" title={_attr(key)} type="{kind}" />\n')
            write("    </attributes>\n")
        write("    <nodes>\n")
        for v, data in G.nodes(data=True):
            label = _plain(data.get("name"))
            write(f"      <node id={_attr(v)} label={_attr(v if label is None else label)}{_start(data)}>\n")
            r, g, b = _hex_to_rgb(KIND_COLOURS.get(data.get("kind", ""), KIND_COLOURS[""]))
            size = 2.0 + float(strength.get(v, 0)) ** 0.5 * 2
            write(f'        <viz:color r="{r}" g="{g}" b="{b}" a="1.0" />\n        <viz:size value="{size!r}" />\n')
            if pos is not None and v in pos:
                x, y = pos[v]
                write(f'        <viz:position x="{round(1000 * x, 2)!r}" y="{round(1000 * y, 2)!r}" z="0.0" />\n')
            _write_attvalues(write, data, node_attrs)
            write("      </node>\n")
        write("    </nodes>\n    <edges>\n")
        for number, (u, v, data) in enumerate(G.edges(data=True)):
            weight = data.get("weight")
            weight = f' weight="{weight!r}"' if isinstance(weight, int | float) and weight is not True else ""
            write(f'      <edge id="{number}" source={_attr(u)} target={_attr(v)}{weight}{_start(data)}>\n')
            _write_attvalues(write, data, edge_attrs)
            write("      </edge>\n")
        write("    </edges>\n  </graph>\n</gexf>\n")


# Beyond saxutils' &, < and >: quotes (values sit in double quotes) and the whitespace an XML
# parser would otherwise normalise to a space inside an attribute.
_XML_ENTITIES = {'"': "&quot;", "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"}


def _xml_escape(value) -> str:
    """Text or attribute content, escaped, with what XML cannot carry dropped."""
    return escape(_xml_text(value if isinstance(value, str) else str(value)), _XML_ENTITIES)


def _attr(value) -> str:
    """An XML attribute value in double quotes."""
    return f'"{_xml_escape(value)}"'


def _xml_value(value):
    """How GEXF and GraphML spell a value: booleans as true/false, numbers by repr."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value) if isinstance(value, float) else value


def _start(data: dict) -> str:
    year = data.get("first_year")
    return f' start="{year:04d}-01-01"' if isinstance(year, int) and not isinstance(year, bool) else ""


def _xml_type(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "long"
    if isinstance(value, float):
        return "double"
    return "string"  # text, and lists joined with ';' (see _plain)


def _xml_attributes(rows) -> dict[str, tuple[int, str]]:
    """Attribute key -> (id, GEXF type), in first-seen order; a key with mixed types is a string."""
    kinds: dict[str, str] = {}
    for data in rows:
        for key, value in data.items():
            kind = _xml_type(value)
            if kind is None:
                continue
            seen = kinds.setdefault(key, kind)
            if seen != kind:
                kinds[key] = "double" if {seen, kind} == {"long", "double"} else "string"
    return {key: (number, kind) for number, (key, kind) in enumerate(kinds.items())}


def _write_attvalues(write, data: dict, attrs: dict[str, tuple[int, str]]) -> None:
    values = [(attrs[k][0], _plain(v)) for k, v in data.items() if k in attrs and v is not None]
    if not values:
        return
    write("        <attvalues>\n")
    for number, value in values:
        write(f'          <attvalue for="{number}" value={_attr(_xml_value(value))} />\n')
    write("        </attvalues>\n")


def _json_safe(text: str) -> str:
    # Valid JSON either way; escaped so the file can sit inside HTML/JS unharmed.
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def write_kumu(G: nx.Graph, path: str | Path) -> None:
    """A Kumu JSON blueprint: elements with id, label, type and fields; undirected connections.

    >>> import tempfile, os
    >>> G = nx.Graph([("a", "b", {"weight": 1, "years": (2017,), "projects": ("p1",)})])
    >>> G.nodes["a"].update(name="<b>Aker</b>", kind="company")
    >>> with tempfile.TemporaryDirectory() as d:
    ...     write_kumu(G, os.path.join(d, "k.json"))
    ...     raw = open(os.path.join(d, "k.json"), encoding="utf-8").read()
    >>> "<b>" in raw, json.loads(raw)["elements"][0]["label"]
    (False, '<b>Aker</b>')
    """
    elements = []
    for v, data in G.nodes(data=True):
        element = {"id": str(v), "label": str(data.get("name", v)), "type": data.get("kind") or "unknown"}
        for key, field in (("region", "region"), ("country", "country"), ("size", "employees"),
                           ("first_year", "first year"), ("projects", "projects")):
            if data.get(key) not in (None, ""):
                element[field] = data[key]
        elements.append(element)
    connections = []
    for i, (u, v, data) in enumerate(G.edges(data=True), start=1):
        connection = {
            "id": f"c{i}",
            "from": str(u),
            "to": str(v),
            "type": "collaboration",
            "direction": "undirected",
            "joint projects": data.get("weight", 1),
        }
        if data.get("years"):
            connection["years"] = [str(y) for y in data["years"]]
        if data.get("first_year") is not None:
            connection["first year"] = data["first_year"]
        if data.get("projects"):
            connection["project ids"] = list(data["projects"])
        connections.append(connection)
    # No indent: json's C encoder only serves compact output (indented, 50k organisations took minutes).
    text = json.dumps({"elements": elements, "connections": connections}, ensure_ascii=False)
    Path(path).write_text(_json_safe(text), encoding="utf-8")


def write_edge_csv(G: nx.Graph, path: str | Path) -> None:
    """Edge list as UTF-8 CSV, one row per tie.

    Columns: ``source, target, weight, source_name, target_name, source_kind,
    target_kind, first_year, years, projects`` (lists joined by ``;``).
    Isolated organisations do not appear (an edge list has no rows for them).

    >>> import tempfile, os
    >>> G = nx.Graph([("a", "b", {"weight": 2, "years": (2016, 2017), "projects": ("p1", "p2"), "first_year": 2016})])
    >>> G.nodes["a"]["name"] = '=HYPERLINK("x")'
    >>> with tempfile.TemporaryDirectory() as d:
    ...     write_edge_csv(G, os.path.join(d, "e.csv"))
    ...     rows = list(csv.DictReader(open(os.path.join(d, "e.csv"), encoding="utf-8", newline="")))
    >>> rows[0]["source_name"], rows[0]["weight"], rows[0]["years"]
    ('\\'=HYPERLINK("x")', '2', '2016;2017')
    """
    columns = ["source", "target", "weight", "source_name", "target_name", "source_kind", "target_kind",
               "first_year", "years", "projects"]
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(columns)
        for u, v, data in G.edges(data=True):
            writer.writerow([
                neutralise_cell(str(u)),
                neutralise_cell(str(v)),
                data.get("weight", 1),
                neutralise_cell(str(G.nodes[u].get("name", u))),
                neutralise_cell(str(G.nodes[v].get("name", v))),
                G.nodes[u].get("kind", ""),
                G.nodes[v].get("kind", ""),
                data.get("first_year", ""),
                ";".join(str(y) for y in data.get("years", ())),
                ";".join(neutralise_cell(str(p)) for p in data.get("projects", ())),
            ])


def export_network(
    organisations: Sequence[Organisation],
    projects: Sequence[Project],
    participations: Sequence[Participation],
    path: str | Path,
    *,
    fmt: str | None = None,
    year: int | None = None,
    cumulative: bool = False,
    lang: str = "nb",
    seed: int = 0,
) -> str:
    """Build the network of a year (or up to it) and write it in one of :data:`EXPORT_FORMATS`.

    Parameters
    ----------
    organisations, projects, participations : sequences of records
    path : path
    fmt : str, optional
        Default from the extension (``.json`` is Kumu).
    year : int, optional
        Default: the last year with projects. Animations run from the first
        year to this one.
    cumulative : bool
        Everything up to ``year`` instead of the year alone. Drawings of a
        single year show the earlier network in grey behind it.
    lang : {"nb", "en"}
        Language of titles and legends in drawings.
    seed : int
        Layout seed; the layout is computed on the network of all years, so
        one organisation sits in the same place in every year's export.

    Returns
    -------
    str
        The format written.

    Raises
    ------
    ValueError
        For an unknown format, a year outside the data or bad records.
    RuntimeError
        For MP4 without ffmpeg.
    """
    from data.text import t
    from graph import draw

    fmt = format_for(path, fmt)
    index = index_records(organisations, projects, participations)
    years = project_years(index.projects)
    if not years:
        raise ValueError("no project has a start year: nothing to export")
    if year is None:
        year = years[-1]
    if not years[0] <= year <= years[-1]:
        raise ValueError(f"no data for {year}: projects start {years[0]}–{years[-1]}")
    since, until = window(year, cumulative=cumulative)
    G = collaboration_graph_of(index, since, until)
    if fmt in ("graphml", "kumu", "csv"):
        {"graphml": write_graphml, "kumu": write_kumu, "csv": write_edge_csv}[fmt](G, path)
        return fmt
    # Up to the last year, the network exported is the whole one: build it once (seconds at 50k).
    everything = G if (since, until) == (None, years[-1]) else collaboration_graph_of(index, None, years[-1])
    pos = draw.stable_layout(everything, seed=seed)
    if fmt == "gexf":
        write_gexf(G, path, pos=pos)
    elif fmt in draw.DRAWING_FORMATS:
        background = None if cumulative else collaboration_graph_of(index, None, year)
        title = t(lang, "draw.title_cumulative" if cumulative else "draw.title_year", year=year)
        draw.save_drawing(G, path, pos=pos, fmt=fmt, background=background, title=title, lang=lang)
    else:
        frames = [(y, collaboration_graph_of(index, None, y)) for y in range(years[0], year + 1)]
        draw.save_animation(frames, path, pos=pos, fmt=fmt, lang=lang)
    return fmt


def export_bytes(
    organisations: Sequence[Organisation],
    projects: Sequence[Project],
    participations: Sequence[Participation],
    fmt: str,
    **options,
) -> bytes:
    """:func:`export_network` into memory: the file's bytes, for a download button.

    ``options`` are those of :func:`export_network` (``year``, ``cumulative``,
    ``lang``, ``seed``). Written through a scratch folder, since the drawing and
    animation writers want a path.

    >>> from data.models import Organisation, Participation, Project
    >>> data = export_bytes([Organisation("a", "A"), Organisation("b", "B")], [Project("p1", "P", start_year=2020)],
    ...                     [Participation("p1", "a"), Participation("p1", "b")], "csv")
    >>> data.decode().splitlines()[1]
    'a,b,1,A,B,,,2020,2020,p1'
    """
    fmt = format_for("", fmt)
    suffix = {"kumu": "json"}.get(fmt, fmt)
    with tempfile.TemporaryDirectory(prefix="samspill-export-") as tmp:
        path = Path(tmp) / f"network.{suffix}"
        export_network(organisations, projects, participations, path, fmt=fmt, **options)
        return path.read_bytes()
