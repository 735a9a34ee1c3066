"""Shared pieces of the benchmarks: the machine, timing, the real H2020 records and their
real e5 vectors, and synthetic stores of any size built from them.

Synthetic scale. Embedding 100k organisations with the real model takes hours on this
machine, so larger registers are made by recombining the real H2020 set:

* organisations are cloned with suffixed ids (``N:SINTEF AS~3``), projects likewise;
* participations are remapped into the clone of their project, and with probability
  ``REWIRE`` to another clone of the same organisation, so the copies form one network
  whose degree distribution keeps the real shape;
* every cloned project keeps its real text and reuses the real e5 vector of the original
  with a little seeded noise (renormalised), so rows are distinct and similarities stay
  realistic;
* ``PROFILE_SHARE`` of the organisations get a description made of two sentences of one
  of their projects (the H2020 set has none), embedded as the real vector of that project
  plus noise, so profile passages, their reasons and their vectors are part of the load.

The vectors are written with the content hashes :func:`matching.index.index_store` would
compute, so re-indexing a synthetic store finds every item unchanged. Built stores are
kept in the bench cache (``$SAMSPILL_CACHE/bench``), keyed by every parameter.

Everything random takes a seed.
"""

from __future__ import annotations

import csv
import gc
import hashlib
import json
import os
import platform
import resource
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from data.models import Organisation, Participation, Project  # noqa: E402

REWIRE = 0.08
PROFILE_SHARE = 0.3
NOISE = 0.02  # std of the noise added to each coordinate of a unit vector before renormalising
BUILD_VERSION = 3  # bump when the synthetic recipe changes (3: whole profiles are embedded too)


def shared_data() -> Path:
    shared = os.environ.get("SAMSPILL_SHARED_DATA") or REPO.parent / "shared" / "data"
    return Path(shared) / "h2020-cleantech"


def bench_cache() -> Path:
    from matching.provision import cache_root

    path = cache_root() / "bench"
    path.mkdir(parents=True, exist_ok=True)
    return path


# -- the machine and how to report ----------------------------------------------------------------


def machine() -> dict[str, str]:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = ""
    try:
        kb = int(next(x for x in Path("/proc/meminfo").read_text().splitlines() if x.startswith("MemTotal")).split()[1])
        ram = f"{kb / 1024**2:.1f} GiB"
    except (OSError, StopIteration):
        pass
    versions = {}
    for name in ("torch", "sentence_transformers", "numpy", "scipy", "sklearn", "duckdb", "networkx", "igraph"):
        try:
            from importlib.metadata import version

            versions[name] = version({"sklearn": "scikit-learn", "sentence_transformers": "sentence-transformers"}
                                     .get(name, name))
        except Exception:  # noqa: BLE001 - informational only
            versions[name] = "?"
    load = os.getloadavg()
    return {
        "cores": str(os.cpu_count()),
        "cpu": cpu,
        "ram": ram,
        "python": platform.python_version(),
        "versions": ", ".join(f"{k} {v}" for k, v in versions.items()),
        "load": f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f}",
    }


def print_machine(title: str) -> None:
    m = machine()
    print(f"== {title}")
    print(f"   {m['cores']} cores ({m['cpu']}), {m['ram']} RAM, Python {m['python']}; load average {m['load']}")


def median(values) -> float:
    return float(statistics.median(values))


def percentile(values, q: float) -> float:
    return float(np.percentile(np.asarray(values, dtype=float), q))


def timed(fn: Callable, repeats: int) -> tuple[list[float], object]:
    """Wall times of ``repeats`` calls and the last result."""
    times, result = [], None
    for _ in range(repeats):
        gc.collect()
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return times, result


def peak_rss_mb() -> float:
    """Peak resident set size of this process (VmHWM), MB."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def table(headers: list[str], rows: list[list], *, indent: str = "   ") -> str:
    """A Markdown table (also readable as plain text)."""
    cells = [[str(c) for c in headers]] + [[str(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = []
    for n, r in enumerate(cells):
        lines.append(indent + "| " + " | ".join(c.rjust(w) if n and _numeric(c) else c.ljust(w)
                                                for c, w in zip(r, widths, strict=True)) + " |")
        if n == 0:
            lines.append(indent + "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def _numeric(text: str) -> bool:
    return bool(text) and (text[0].isdigit() or text[0] in "-+.") and not text.startswith("--")


# -- the real records ------------------------------------------------------------------------------


def load_h2020(folder: Path | None = None) -> tuple[list[Organisation], list[Project], list[Participation]]:
    folder = folder or shared_data()
    with open(folder / "organisations.csv", newline="", encoding="utf-8") as f:
        orgs = [Organisation(r["org_id"], r["name"], r["kind"], r["country"], r["region"], r["org_number"],
                             r["description"]) for r in csv.DictReader(f)]
    with open(folder / "projects.csv", newline="", encoding="utf-8") as f:
        projects = [Project(r["project_id"], r["title"], r["summary"],
                            int(r["start_year"]) if r["start_year"] else None, r["programme"])
                    for r in csv.DictReader(f)]
    with open(folder / "participations.csv", newline="", encoding="utf-8") as f:
        parts = [Participation(r["project_id"], r["org_id"], r["role"]) for r in csv.DictReader(f)]
    return orgs, projects, parts


def query_ideas(projects: list[Project], n: int, *, seed: int = 0) -> list[str]:
    """``n`` real 2018 H2020 abstracts as ideas (``title. summary``), chosen with a seed."""
    from matching.profiles import project_document

    pool = sorted((p for p in projects if p.start_year == 2018 and len(p.summary) > 200), key=lambda p: p.project_id)
    rng = np.random.default_rng(seed)
    chosen = rng.choice(len(pool), size=min(n, len(pool)), replace=False)
    return [project_document(pool[i]) for i in sorted(chosen)]


def real_project_vectors(projects: list[Project], embedder=None, *, log=print) -> dict[str, np.ndarray]:
    """The real e5 passage vector of every H2020 project text, embedded once and cached.

    The cache file is keyed by the model id and a hash of the texts; the first run embeds
    about 2,200 texts (several minutes on this machine), later runs read a .npy file.
    """
    from matching.profiles import project_document

    docs = [(p.project_id, project_document(p)) for p in sorted(projects, key=lambda p: p.project_id)]
    docs = [(i, t) for i, t in docs if t]
    if embedder is None:
        from matching.embedder import e5_embedder

        embedder = e5_embedder()
    digest = hashlib.sha256("\x00".join(f"{i}\x01{t}" for i, t in docs).encode()).hexdigest()[:16]
    key = hashlib.sha256(embedder.model_id.encode()).hexdigest()[:8]
    path = bench_cache() / f"h2020-project-vectors-{key}-{digest}.npy"
    if path.exists():
        matrix = np.load(path)
    else:
        from matching.embedder import set_threads

        set_threads(embedder, os.cpu_count() or 1)
        log(f"   embedding {len(docs):,} real H2020 project texts once (cached in {path}) ...")
        start = time.perf_counter()
        matrix = embedder.embed_passages([t for _, t in docs])
        log(f"   ... {time.perf_counter() - start:.0f} s")
        tmp = path.with_suffix(".tmp.npy")
        np.save(tmp, matrix)
        tmp.replace(path)
    return {i: matrix[k] for k, (i, _) in enumerate(docs)}


# -- synthetic registers ---------------------------------------------------------------------------


def _first_sentences(text: str, n: int = 2) -> str:
    from matching.profiles import split_passages

    parts = split_passages(text)
    return " ".join(parts[:n])


def synthesise(records, n_orgs: int, *, seed: int = 0):
    """Records of about ``n_orgs`` organisations, recombined from the real ones.

    Returns ``(organisations, projects, participations, source)`` where ``source`` maps a
    cloned project id to the real project it copies, and an organisation id with a made-up
    description to the real project the description was taken from (for their vectors).
    """
    orgs, projects, parts = records
    rng = np.random.default_rng(seed)
    copies = max(1, -(-n_orgs // len(orgs)))
    by_project: dict[str, list[Participation]] = {}
    for p in parts:
        by_project.setdefault(p.project_id, []).append(p)
    project_by_id = {p.project_id: p for p in projects}
    first_project: dict[str, str] = {}
    for p in sorted(parts, key=lambda p: (p.org_id, p.project_id)):
        first_project.setdefault(p.org_id, p.project_id)

    def suffix(item_id: str, k: int) -> str:
        return item_id if k == 0 else f"{item_id}~{k}"

    # Which organisations exist: all copies of every org, then cut to n_orgs (seeded).
    all_orgs = [(o, k) for k in range(copies) for o in orgs]
    keep = np.sort(rng.choice(len(all_orgs), size=min(n_orgs, len(all_orgs)), replace=False))
    chosen = [all_orgs[i] for i in keep]
    kept_ids = {suffix(o.org_id, k) for o, k in chosen}
    out_orgs, source = [], {}
    for o, k in chosen:
        description = ""
        if rng.random() < PROFILE_SHARE and o.org_id in first_project:
            description = _first_sentences(project_by_id[first_project[o.org_id]].summary)
            source[suffix(o.org_id, k)] = first_project[o.org_id]
        out_orgs.append(replace(o, org_id=suffix(o.org_id, k), name=o.name if k == 0 else f"{o.name} ({k})",
                                description=description))
    out_projects, out_parts = [], []
    for k in range(copies):
        for p in projects:
            pid = suffix(p.project_id, k)
            members = []
            for part in by_project.get(p.project_id, []):
                c = k
                if k and rng.random() < REWIRE:
                    c = int(rng.integers(copies))
                org_id = suffix(part.org_id, c)
                if org_id not in kept_ids:
                    org_id = suffix(part.org_id, k)
                if org_id in kept_ids and all(m.org_id != org_id for m in members):
                    members.append(Participation(pid, org_id, part.role))
            if not members:
                continue
            out_projects.append(replace(p, project_id=pid))
            out_parts.extend(members)
            source[pid] = p.project_id
    return out_orgs, out_projects, out_parts, source


def _noisy(base: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    out = base + rng.normal(0.0, NOISE, size=base.shape).astype(np.float32)
    return (out / np.linalg.norm(out, axis=1, keepdims=True)).astype(np.float32)


def synthetic_store(n_orgs: int, *, seed: int = 0, records=None, embedder=None, log=print) -> tuple[Path, dict]:
    """A DuckDB file with about ``n_orgs`` organisations and their vectors (built once, cached)."""
    from data.store import PartnerStore, remove_database_files
    from matching.embedder import e5_embedder
    from matching.profiles import content_hash, iter_profile_items

    embedder = embedder or e5_embedder()
    model_id = embedder.model_id
    key = hashlib.sha256(f"{BUILD_VERSION}|{n_orgs}|{seed}|{REWIRE}|{PROFILE_SHARE}|{NOISE}|{model_id}".encode())
    path = bench_cache() / f"synthetic-{n_orgs}-{key.hexdigest()[:10]}.duckdb"
    meta_path = path.with_suffix(".json")
    if path.exists() and meta_path.exists():
        _record_index_state(path, embedder)
        return path, json.loads(meta_path.read_text())
    records = records or load_h2020()
    real = real_project_vectors(records[1], embedder, log=log)
    start = time.perf_counter()
    orgs, projects, parts, source = synthesise(records, n_orgs, seed=seed)
    rng = np.random.default_rng(seed + 1)
    items = list(iter_profile_items(orgs, projects))
    ids = {"profile": [], "passage": [], "project": []}
    hashes = {"profile": [], "passage": [], "project": []}
    bases = {"profile": [], "passage": [], "project": []}
    for item_type, item_id, text in items:
        # a project: the real one it copies; a profile or a passage: the real project its description comes from
        owner = {"project": item_id, "profile": item_id}.get(item_type, item_id.rsplit("#", 1)[0])
        base = real[source[owner]]
        ids[item_type].append(item_id)
        hashes[item_type].append(content_hash(model_id, text))
        bases[item_type].append(base)
    tmp = path.with_suffix(".building")
    remove_database_files(tmp)
    with PartnerStore(tmp) as store:
        store.upsert(orgs, projects, parts)
        store.ensure_embedding_space(model_id, embedder.dim)
        changes = {}
        for t in ("profile", "passage", "project"):
            matrix = _noisy(np.vstack(bases[t]), rng) if bases[t] else np.zeros((0, embedder.dim), np.float32)
            changes[t] = (ids[t], hashes[t], matrix, ids[t])
        store.replace_embeddings(changes)
    _record_index_state(tmp, embedder)
    tmp.replace(path)
    remove_database_files(tmp, keep_database=True)
    meta = {"organisations": len(orgs), "projects": len(projects), "participations": len(parts),
            "passages": len(ids["passage"]), "seconds_to_build": round(time.perf_counter() - start, 1)}
    meta_path.write_text(json.dumps(meta))
    log(f"   built synthetic store {path.name}: {meta}")
    return path, meta


def _record_index_state(path: Path, embedder) -> None:
    """Let one index run check the store item by item, record its fingerprint and keep the fitted
    TF-IDF, as a deployed register that has been indexed once has them (a no-op when it has)."""
    from data.store import PartnerStore
    from matching.index import index_store

    with PartnerStore(path) as store:
        if store.index_state() is None or store.lexical_index_digest() is None:
            report = index_store(store, embedder)
            assert report.embedded == 0, report


def sample_db(embedder=None, *, log=print) -> Path:
    """The bundled sample cluster (data/sample) imported, indexed with the real model and with the
    demo accounts, as `make run` builds it; kept in the bench cache."""
    from data.accounts import ensure_demo_accounts
    from data.importers import import_path
    from data.store import PartnerStore, remove_database_files
    from matching.embedder import e5_embedder
    from matching.index import index_store

    embedder = embedder or e5_embedder()
    folder = REPO / "data" / "sample"
    digest = hashlib.sha256(embedder.model_id.encode())
    for name in sorted(p.name for p in folder.glob("*.csv")):
        digest.update((folder / name).read_bytes())
    path = bench_cache() / f"sample-{digest.hexdigest()[:10]}.duckdb"
    if not path.exists():
        log(f"   building the sample cluster database {path.name} (embeds ~300 texts once) ...")
        tmp = path.with_suffix(".building")
        remove_database_files(tmp)
        with PartnerStore(tmp) as store:
            import_path(store, folder)
            index_store(store, embedder)
            ensure_demo_accounts(store)
        tmp.replace(path)
        remove_database_files(tmp, keep_database=True)
    return path
