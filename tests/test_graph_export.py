"""graph.export and graph.draw: files read back by the tools they are for, names intact and escaped."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx
import numpy as np
import pytest
from click.testing import CliRunner
from PIL import Image

from data.models import Organisation, Participation, Project
from graph import draw
from graph.build import build_collaboration_graph
from graph.draw import save_animation, save_drawing, stable_layout
from graph.export import export_network, format_for, write_edge_csv, write_gexf, write_graphml, write_kumu
from graph.glyphs import drawable

REPO = Path(__file__).resolve().parents[1]
SVG = "{http://www.w3.org/2000/svg}"

HOSTILE = {
    "a": "<script>alert(1)</script>",
    "b": 'Fisk "og" Co\'s',
    "c": "Blåbær Ærlig Øst 🐟 AS",
    "d": "Cash $x$ & <b>Tech</b>",
    "e": "=SUM(A1:A2)",
    "f": "Bell\x07Co",  # a control character XML cannot carry
}


def hostile_records():
    kinds = {"a": "company", "b": "research", "c": "", "d": "support", "e": "company", "f": "public"}
    orgs = [Organisation(k, v, kinds[k], region="Trøndelag" if k in "ab" else "") for k, v in HOSTILE.items()]
    orgs[0] = Organisation("a", HOSTILE["a"], "company", region="Trøndelag", employees=12)
    projects = [
        Project("p1", "Hydrogen", start_year=2016),
        Project("p2", "Salmon", start_year=2017),
        Project("p3", "Wind", start_year=2018),
        Project("p4", "Steel", start_year=2018),
    ]
    parts = [Participation("p1", x) for x in "ab"] + [Participation("p2", x) for x in "bcd"]
    parts += [Participation("p3", x) for x in "cef"] + [Participation("p4", x) for x in "ae"]
    return orgs, projects, parts


@pytest.fixture
def G():
    return build_collaboration_graph(*hostile_records())


def clean(name: str) -> str:
    return name.replace("\x07", "")


# -- GEXF ----------------------------------------------------------------------------------------


def test_gexf_reads_back_with_dynamic_years(G, tmp_path):
    path = tmp_path / "net.gexf"
    pos = stable_layout(G)
    write_gexf(G, path, pos=pos)
    raw = path.read_text(encoding="utf-8")
    assert "<script>" not in raw and "&lt;script&gt;alert(1)&lt;/script&gt;" in raw
    root = ET.fromstring(raw.encode("utf-8"))  # well-formed XML despite the control character
    graph = root.find("{http://www.gexf.net/1.2draft}graph")
    assert graph.get("mode") == "dynamic" and graph.get("timeformat") == "date"
    H = nx.read_gexf(path)
    assert sorted(H) == sorted(G)
    for v in G:
        assert H.nodes[v]["label"] == clean(HOSTILE[v]) == H.nodes[v]["name"]
        assert H.nodes[v]["kind"] == G.nodes[v]["kind"]
        assert H.nodes[v]["start"] == f"{G.nodes[v]['first_year']}-01-01"
        assert H.nodes[v]["first_year"] == G.nodes[v]["first_year"]
        assert H.nodes[v]["viz"]["position"]["x"] == pytest.approx(1000 * pos[v][0], abs=0.01)
    assert H.nodes["a"]["size"] == 12 and H.nodes["a"]["region"] == "Trøndelag"
    assert H.nodes["a"]["viz"]["color"] == {"r": 230, "g": 159, "b": 0, "a": 1.0}
    assert H["a"]["e"]["weight"] == 1 and H["a"]["e"]["start"] == "2018-01-01"
    assert H["b"]["c"]["years"] == "2017" and H["b"]["c"]["projects"] == "p2"


def test_positions_are_the_same_in_every_year(tmp_path):
    for year in (2017, 2018):
        export_network(*hostile_records(), tmp_path / f"{year}.gexf", year=year)
    early, late = nx.read_gexf(tmp_path / "2017.gexf"), nx.read_gexf(tmp_path / "2018.gexf")
    for v in set(early) & set(late):
        assert early.nodes[v]["viz"]["position"] == late.nodes[v]["viz"]["position"]


# -- GraphML, Kumu, CSV --------------------------------------------------------------------------


def test_graphml_reads_back_with_attributes(G, tmp_path):
    path = tmp_path / "net.graphml"
    write_graphml(G, path)
    H = nx.read_graphml(path)
    assert sorted(H) == sorted(G)
    for v, data in G.nodes(data=True):
        got = H.nodes[v]
        assert got["name"] == clean(data["name"])
        assert (got["kind"], got["region"], got["projects"], got["first_year"]) == (
            data["kind"], data["region"], data["projects"], data["first_year"])
    assert H.nodes["a"]["size"] == 12 and "size" not in H.nodes["b"]
    for u, v, data in G.edges(data=True):
        assert H[u][v]["weight"] == data["weight"]
        assert H[u][v]["years"] == ";".join(map(str, data["years"]))
        assert H[u][v]["projects"] == ";".join(data["projects"])


def test_kumu_blueprint(G, tmp_path):
    path = tmp_path / "net.json"
    write_kumu(G, path)
    raw = path.read_text(encoding="utf-8")
    assert "<" not in raw and ">" not in raw and "&" not in raw  # safe to paste into a web page
    blueprint = json.loads(raw)
    elements = {e["id"]: e for e in blueprint["elements"]}
    assert {v: e["label"] for v, e in elements.items()} == HOSTILE  # intact, control character too
    assert elements["a"]["type"] == "company" and elements["c"]["type"] == "unknown"
    assert elements["a"]["employees"] == 12 and elements["a"]["first year"] == 2016
    assert len(blueprint["connections"]) == G.number_of_edges()
    for c in blueprint["connections"]:
        assert G.has_edge(c["from"], c["to"])
        assert c["direction"] == "undirected" and c["joint projects"] == G[c["from"]][c["to"]]["weight"]
    assert len({c["id"] for c in blueprint["connections"]}) == G.number_of_edges()


def test_csv_edge_list(G, tmp_path):
    path = tmp_path / "edges.csv"
    write_edge_csv(G, path)
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == G.number_of_edges()
    names = {r["source"]: r["source_name"] for r in rows} | {r["target"]: r["target_name"] for r in rows}
    assert names["a"] == HOSTILE["a"] and names["b"] == HOSTILE["b"] and names["c"] == HOSTILE["c"]
    assert names["d"] == HOSTILE["d"] and names["f"] == HOSTILE["f"]
    assert names["e"] == "'" + HOSTILE["e"]  # a spreadsheet would run "=SUM(...)"
    ab = next(r for r in rows if {r["source"], r["target"]} == {"a", "b"})
    assert (ab["weight"], ab["first_year"], ab["years"], ab["projects"]) == ("1", "2016", "2016", "p1")


@pytest.mark.parametrize(
    ("path", "fmt", "expected"),
    [("x.gexf", None, "gexf"), ("x.GRAPHML", None, "graphml"), ("x.json", None, "kumu"), ("x.csv", None, "csv"),
     ("x.png", None, "png"), ("x.gif", None, "gif"), ("x.out", "svg", "svg"), ("x.out", "json", "kumu")],
)
def test_format_for(path, fmt, expected):
    assert format_for(path, fmt) == expected


@pytest.mark.parametrize(("path", "fmt"), [("x.docx", None), ("x", None), ("x.png", "bmp")])
def test_format_for_refuses(path, fmt):
    with pytest.raises(ValueError):
        format_for(path, fmt)


# -- drawings ------------------------------------------------------------------------------------


def svg_node_markers(path: Path) -> dict[str, int]:
    """Markers drawn per ``nodes-<kind>`` group: <use> references plus inline paths outside <defs>."""

    def count(element, in_defs=False):
        n = 0
        for child in element:
            tag = child.tag.removeprefix(SVG)
            if tag == "defs":
                continue
            if tag == "use" or (tag == "path" and not in_defs):
                n += 1
            n += count(child)
        return n

    root = ET.parse(path).getroot()
    return {g.get("id"): count(g) for g in root.iter(f"{SVG}g") if (g.get("id") or "").startswith("nodes-")}


def svg_texts(path: Path) -> list[str]:
    root = ET.parse(path).getroot()
    return ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]


@pytest.mark.parametrize("size", [4, 30, 120])
def test_svg_draws_every_node(tmp_path, size):
    G = nx.relabel_nodes(nx.barabasi_albert_graph(size, 2, seed=size), lambda v: f"org{v:03d}")
    kinds = ["company", "research", "education", ""]
    for i, v in enumerate(G):
        G.nodes[v]["kind"] = kinds[i % 4]
    drawing = save_drawing(G, tmp_path / "g.svg", labels=5)
    markers = svg_node_markers(tmp_path / "g.svg")
    assert sum(markers.values()) == len(G) == drawing.nodes
    assert markers["nodes-company"] == sum(1 for v in G if G.nodes[v]["kind"] == "company")
    assert len(drawing.labels) == min(5, len(G))


def test_svg_keeps_hostile_names_as_escaped_text(G, tmp_path):
    path = tmp_path / "g.svg"
    drawing = save_drawing(G, path, labels=10, title="Samarbeid 2018")
    raw = path.read_text(encoding="utf-8")
    assert "<script>" not in raw and "&lt;script&gt;" in raw
    texts = svg_texts(path)
    for v in drawing.labels:  # what DejaVu Sans cannot draw is written out (graph.glyphs): 🐟 is [fish]
        assert set(draw.label_text(drawable(clean(HOSTILE[v]))).split("\n")) <= set(texts)
    assert set(drawing.labels) == set(G)  # six nodes, all labelled
    assert "Samarbeid 2018" in texts
    assert sum(svg_node_markers(path).values()) == len(G)


def test_png_is_a_picture_with_every_node(G, tmp_path):
    path = tmp_path / "g.png"
    drawing = save_drawing(G, path, background=None, size=5, dpi=80)
    image = Image.open(path).convert("RGB")
    assert image.size == (400, 400)
    colours = image.getcolors(maxcolors=1 << 20)
    assert len(colours) > 20  # not a blank canvas
    assert drawing.nodes == len(G) and drawing.edges == G.number_of_edges()
    # Every kind present has its colour somewhere in the picture.
    pixels = {rgb for _, rgb in colours}
    for kind in {G.nodes[v]["kind"] for v in G}:
        colour = draw.KIND_COLOURS[kind].lstrip("#")
        rgb = tuple(int(colour[i : i + 2], 16) for i in (0, 2, 4))
        assert rgb in pixels


def test_year_drawing_with_background(tmp_path):
    records = hostile_records()
    year = build_collaboration_graph(*records, since=2018, until=2018)
    everything = build_collaboration_graph(*records)
    drawing = save_drawing(year, tmp_path / "y.svg", pos=stable_layout(everything), background=everything)
    assert (drawing.nodes, drawing.background_nodes) == (len(year), len(everything) - len(year))
    assert sum(svg_node_markers(tmp_path / "y.svg").values()) == len(year)


def test_pdf_drawing(G, tmp_path):
    save_drawing(G, tmp_path / "g.pdf")
    assert (tmp_path / "g.pdf").read_bytes().startswith(b"%PDF")


def test_drawing_needs_positions_for_every_node(G, tmp_path):
    with pytest.raises(nx.NodeNotFound):
        save_drawing(G, tmp_path / "g.png", pos={"a": (0, 0)})


def test_layout_is_the_same_in_every_process():
    """Seeded layouts must not depend on Python's per-process string hashing (large graphs take the backbone path)."""
    script = textwrap.dedent(
        """
        import networkx as nx
        from graph.draw import stable_layout
        G = nx.relabel_nodes(nx.barabasi_albert_graph(900, 2, seed=1), lambda v: f"org{v:04d}")
        G.add_nodes_from(["alone1", "alone2"])
        pos = stable_layout(G, seed=3)
        print([tuple(round(c, 9) for c in pos[v]) for v in sorted(G)[::37]])
        """
    )
    outputs = {
        subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, check=True,
                       env={"PYTHONHASHSEED": seed, "PATH": ""}).stdout
        for seed in ("1", "2")
    }
    assert len(outputs) == 1


def test_layout_puts_isolated_nodes_on_the_ring():
    G = nx.path_graph(["a", "b", "c"])
    G.add_node("z")
    pos = stable_layout(G)
    assert max(abs(x) for v in "abc" for x in pos[v]) <= 1.0 + 1e-9
    assert pos["z"][0] ** 2 + pos["z"][1] ** 2 == pytest.approx(1.15**2)
    assert stable_layout(nx.Graph()) == {}


# -- animations ----------------------------------------------------------------------------------


def test_gif_has_one_frame_per_year(tmp_path):
    path = tmp_path / "growth.gif"
    assert export_network(*hostile_records(), path) == "gif"
    with Image.open(path) as image:
        assert image.n_frames == 3  # 2016, 2017, 2018


def test_mp4_without_ffmpeg_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setattr(draw, "ffmpeg_path", lambda: None)
    with pytest.raises(RuntimeError, match="MP4 needs ffmpeg"):
        export_network(*hostile_records(), tmp_path / "growth.mp4")


@pytest.mark.skipif(draw.ffmpeg_path() is None, reason="no ffmpeg (imageio-ffmpeg or a binary) installed")
def test_mp4(tmp_path):
    path = tmp_path / "growth.mp4"
    save_animation([(2017, build_collaboration_graph(*hostile_records(), until=2017)),
                    (2018, build_collaboration_graph(*hostile_records(), until=2018))], path)
    assert path.stat().st_size > 1000 and path.read_bytes()[4:8] == b"ftyp"


def test_animation_needs_frames(tmp_path):
    with pytest.raises(ValueError, match="no frames"):
        save_animation([], tmp_path / "x.gif")


# -- export_network and the CLI ------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["gexf", "graphml", "json", "csv", "png", "svg", "pdf"])
def test_export_every_format(tmp_path, fmt):
    path = tmp_path / f"net.{fmt}"
    export_network(*hostile_records(), path, year=2018, cumulative=True)
    assert path.stat().st_size > 100


def test_export_refuses_years_outside_the_data(tmp_path):
    with pytest.raises(ValueError, match="no data for 2030"):
        export_network(*hostile_records(), tmp_path / "x.csv", year=2030)
    with pytest.raises(ValueError, match="nothing to export"):
        export_network([], [], [], tmp_path / "x.csv")


@pytest.fixture
def db(tmp_path):
    from data.store import PartnerStore

    path = tmp_path / "cluster.duckdb"
    with PartnerStore(path) as store:
        store.upsert(*hostile_records())
    return path


def run_cli(*args):
    from samspill_cli import main

    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def test_cli_export(db, tmp_path):
    out = tmp_path / "out" / "net.graphml"
    result = run_cli("--db", db, "graph", "export", "--year", 2018, "--cumulative", "-o", out)
    assert result.exit_code == 0, result.output
    assert f"wrote graphml to {out}" in result.output
    assert len(nx.read_graphml(out)) == 6
    result = run_cli("--db", db, "graph", "export", "--year", 2018, "--format", "json", "-o", tmp_path / "k.txt")
    assert result.exit_code == 0 and json.loads((tmp_path / "k.txt").read_text(encoding="utf-8"))["elements"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--year", "1999", "-o", "x.csv"], "no data for 1999"),
        (["-o", "x.docx"], "cannot tell the format"),
    ],
)
def test_cli_export_errors(db, tmp_path, args, message):
    result = run_cli("--db", db, "graph", "export", *[a if not a.startswith("x.") else tmp_path / a for a in args])
    assert result.exit_code == 1 and message in result.output


def test_cli_metrics_and_suggest(db):
    result = run_cli("--db", db, "graph", "metrics")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "network: each year alone" and len(lines) == 2 + 3
    assert lines[2].split()[:3] == ["2016", "2", "1"]
    result = run_cli("--db", db, "graph", "metrics", "--cumulative", "--from", "2017")
    assert result.exit_code == 0 and result.output.splitlines()[-1].split()[:1] == ["2018"]
    result = run_cli("--db", db, "graph", "suggest", "-k", "3", "--lang", "en")
    assert result.exit_code == 0, result.output
    assert "both work with" in result.output
    result = run_cli("--db", db, "graph", "suggest", "--org", "nope")
    assert result.exit_code == 1 and "'nope' has no projects" in result.output


def test_cli_without_database(tmp_path):
    result = run_cli("--db", tmp_path / "missing.duckdb", "graph", "metrics")
    assert result.exit_code == 1 and "no database" in result.output
    assert not (tmp_path / "missing.duckdb").exists()


def test_environment_is_not_touched_by_exports(tmp_path):
    before = dict(os.environ)
    export_network(*hostile_records(), tmp_path / "x.svg")
    assert dict(os.environ) == before


@pytest.mark.parametrize("writer, reader", [(write_gexf, nx.read_gexf), (write_graphml, nx.read_graphml)])
def test_xml_exports_keep_numbers_booleans_and_mixed_types(tmp_path, writer, reader):
    G = nx.Graph()
    G.add_node("a", name="A", active=True, share=0.25, n=3, note=None)
    G.add_node("b", name="B", active=False, share=1, n=4, note="x")
    G.add_edge("a", "b", weight=2.5, first_year=2019, tag=7)
    G.add_edge("b", "c", weight=1, first_year=2020, tag="seven")
    path = tmp_path / "g.xml"
    writer(G, path)
    H = reader(path)
    assert H.nodes["a"]["active"] is True and H.nodes["b"]["active"] is False
    assert H.nodes["a"]["share"] == 0.25 and H.nodes["b"]["share"] == 1.0  # long and double -> double
    assert H.nodes["a"]["n"] == 3 and "note" not in H.nodes["a"] and H.nodes["b"]["note"] == "x"
    assert H["a"]["b"]["weight"] == 2.5 and H["a"]["b"]["first_year"] == 2019
    assert (H["a"]["b"]["tag"], H["b"]["c"]["tag"]) == ("7", "seven")  # mixed -> text


def test_many_ties_are_drawn_in_chunks_and_none_is_lost(monkeypatch):
    # Agg refuses one path of ~750,000 ties ("Exceeded cell block limit"); draw splits them.
    import matplotlib.pyplot as plt
    from matplotlib.patches import PathPatch

    rng = np.random.default_rng(0)
    G = nx.Graph()
    while G.number_of_edges() < 6500:
        u, v = (f"n{i}" for i in rng.integers(0, 400, 2))
        if u != v:
            G.add_edge(u, v)
    pos = {v: tuple(rng.random(2)) for v in G}
    monkeypatch.setattr(draw, "PATH_SEGMENTS", 1000)
    fig, ax = plt.subplots()
    try:
        draw.draw_network(G, pos, ax=ax, labels=0, legend=False)
        paths = [a.get_path() for a in ax.get_children() if isinstance(a, PathPatch) and a.get_gid() == "edges"]
    finally:
        plt.close(fig)
    assert [len(path.vertices) // 2 for path in paths] == [1000] * 6 + [500]
    drawn = np.vstack([path.vertices for path in paths])
    expected = np.array([(pos[u], pos[v]) for u, v in G.edges()]).reshape(-1, 2)
    np.testing.assert_allclose(drawn, expected)  # every tie once, in order
