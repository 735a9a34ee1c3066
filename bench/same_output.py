"""Guard for performance work: the matcher's output must not change.

Builds a store from the bundled sample cluster plus 3,000 synthetic organisations from
the H2020 records (bench/common.py), indexes it with the deterministic hashing embedder
(no model, seconds), and runs ideas in every mode (filters by kind, region and country,
exclusions, seeded ``--as``). It records the fused scores and every evidence array of
``score_organisations`` and the full JSON of each ``match`` (organisations, reasons,
pairings, consortia).

    .venv/bin/python bench/same_output.py save  /tmp/before.pkl   # before a change
    .venv/bin/python bench/same_output.py check /tmp/before.pkl   # after: exit 1 on any difference

Arrays must be bit-identical; JSON must be equal.

The network part (``network_outputs``) records, for the sample cluster and the real H2020 set:
every year's metrics (network up to the year), suggested introductions with and without a
competence similarity, the stable layout, the network page's view, and the bytes of the GEXF,
GraphML, Kumu and CSV exports. ``--part network`` (or ``matching``) runs one part alone:

    .venv/bin/python bench/same_output.py save  /tmp/net-before.pkl --part network
"""

from __future__ import annotations

import pickle
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402


def outputs() -> dict:
    from data.importers import import_path
    from data.store import PartnerStore
    from matching.cli import result_as_json
    from matching.lexical import guess_language
    from matching.matcher import Matcher
    from matching.scoring import score_organisations
    from matching.testing import HashingEmbedder
    from matching.types import MatchQuery

    records = common.load_h2020()
    orgs, projects, parts, _ = common.synthesise(records, 3000, seed=7)
    store = PartnerStore()
    import_path(store, common.REPO / "data" / "sample")
    store.upsert(orgs, projects, parts)
    embedder = HashingEmbedder(dim=64)
    ideas = [
        "Vi vil utvikle hydrogen som drivstoff for ferjer og hurtigbåter i Trøndelag, med lagring i havn. "
        "Prosjektet skal teste brenselceller om bord og bygge en fyllestasjon for grønt hydrogen.",
        "Sensorer og maskinlæring for å overvåke fiskehelse i oppdrettsanlegg.",
        *common.query_ideas(records[1], 6, seed=3),
    ]
    some_org = sorted(o.org_id for o in orgs)[17]
    sample_org = "proneo"
    queries = []
    for text in ideas:
        queries += [
            MatchQuery(text, top=10),
            MatchQuery(text, top=25, kinds=("company",)),
            MatchQuery(text, top=10, regions=("Trøndelag",)),
            MatchQuery(text, top=10, countries=("DE",), exclude=(some_org,)),
            MatchQuery(text, top=10, as_org=some_org),
            MatchQuery(text, top=5, as_org=sample_org, kinds=("research",)),
        ]
    out = {"json": {}, "evidence": {}}
    for lang in ("en", "nb"):
        matcher = Matcher(store, embedder, lang=lang)
        for n, result in enumerate(matcher.match_many(queries)):
            out["json"][(lang, n)] = result_as_json(n, result)
    index = matcher.index
    vectors = embedder.embed_queries(ideas)
    terms = index.lexical.transform(ideas)
    for n, text in enumerate(ideas):
        for as_row in (None, index.row(some_org), index.row(sample_org)):
            ev = score_organisations(index, vectors[n], terms[n], query_language=guess_language(text), as_row=as_row)
            out["evidence"][(n, as_row)] = {k: np.asarray(v) for k, v in vars(ev).items()}
    return out


def network_outputs() -> dict:
    import dataclasses
    import tempfile

    from data.importers import import_path
    from data.store import PartnerStore
    from graph.build import build_collaboration_graph
    from graph.export import export_network
    from graph.metrics import yearly_metrics
    from graph.suggest import suggest_introductions
    from graph.terms import organisation_terms

    try:
        from graph.view import layout, network_view
    except ImportError:  # before graph.view existed, the page's adapter lived in app_pages
        from app_pages.network_data import layout, network_view

    store = PartnerStore()
    import_path(store, common.REPO / "data" / "sample")
    sets = {"sample": (store.organisations(), store.projects(), store.participations()),
            "h2020": common.load_h2020()}
    out: dict = {}
    for name, records in sets.items():
        orgs, projects, parts = records
        years = sorted({p.start_year for p in projects if p.start_year is not None})
        chosen = years if name == "sample" else years[-2:]
        out[(name, "metrics")] = [dataclasses.asdict(m) for m in
                                  yearly_metrics(*records, years=chosen, cumulative=True)]
        G = build_collaboration_graph(*records, until=years[-1])
        terms = organisation_terms(*records, until=years[-1])
        for lang in ("nb", "en"):
            out[(name, "suggest", lang)] = [dataclasses.asdict(i) for i in
                                            suggest_introductions(G, org_terms=terms, k=30, lang=lang)]
        position = {v: i for i, v in enumerate(sorted(G))}

        def similarity(a, b, position=position):
            return ((position[a] * 7919 + position[b] * 104729) % 1000) / 1000

        out[(name, "suggest", "similarity")] = [dataclasses.asdict(i) for i in
                                                suggest_introductions(G, similarity=similarity,
                                                                      org_terms=terms, k=30)]
        pos = layout(*records)
        out[(name, "layout")] = pos
        view = network_view(*records, year=years[-1], cumulative=False, pos=pos, lang="nb")
        out[(name, "view")] = {"nodes": view.nodes, "edges": view.edges, "ties": view.ties,
                               "communities": view.communities, "introductions": view.introductions}
        with tempfile.TemporaryDirectory() as tmp:
            for fmt in ("gexf", "graphml", "kumu", "csv"):
                path = Path(tmp) / f"net.{fmt}"
                export_network(*records, path, fmt=fmt, year=years[-1], cumulative=True)
                out[(name, "export", fmt)] = path.read_bytes()
    return out


def compare(before: dict, after: dict) -> list[str]:
    problems = []
    for key, value in before.get("network", {}).items():
        if after.get("network", {}).get(key) != value:
            problems.append(f"network {key} differs")
    if "evidence" not in before or "evidence" not in after:
        return problems
    for key, ev in before["evidence"].items():
        for name, value in ev.items():
            new = after["evidence"][key][name]
            if value.dtype != new.dtype or value.shape != new.shape or not np.array_equal(value, new):
                problems.append(f"evidence {key} {name} differs")
    for key, value in before["json"].items():
        if after["json"][key] != value:
            problems.append(f"match {key} differs")
    return problems


def main() -> None:
    args = sys.argv[1:]
    part = "all"
    if len(args) == 4 and args[2] == "--part" and args[3] in ("all", "matching", "network"):
        part = args[3]
        args = args[:2]
    if len(args) != 2 or args[0] not in ("save", "check"):
        sys.exit(__doc__)
    result = outputs() if part in ("all", "matching") else {}
    if part in ("all", "network"):
        result["network"] = network_outputs()
    path = Path(args[1])
    counts = (f"{len(result.get('json', ()))} matches, {len(result.get('evidence', ()))} evidence sets "
              f"and {len(result.get('network', ()))} network outputs")
    if args[0] == "save":
        path.write_bytes(pickle.dumps(result))
        print(f"saved {counts} to {path}")
        return
    problems = compare(pickle.loads(path.read_bytes()), result)
    for p in problems[:20]:
        print(p)
    print(f"{len(problems)} differences in {counts}")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
