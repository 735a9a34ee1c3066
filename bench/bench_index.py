"""Indexing throughput: ``index_store`` next to the bare model, and re-indexing an unchanged register.

1. Throughput. Real H2020 organisations with history (a seeded sample, with every project
   they took part in; real texts), imported into a fresh in-memory store. In the same
   process, torch on every core (bulk), alternating, ``--repeats`` times:

   index_store   ``matching.index.index_store(store, embedder)`` on the fresh store:
                 read the records, cut passages, hash, embed, write the vectors
   bare encode   ``model.encode(texts, prompt="passage: ", batch_size=32,
                 normalize_embeddings=True)`` over the same texts in one call

   Organisations per second = organisations in the sample / median seconds.

2. Re-index of an unchanged register: ``index_store`` again on a store whose vectors are
   complete (the real sample above, and the synthetic 10k/100k stores of bench/common.py).
   The first run on a store checks item by item and records the fingerprint; the timed
   runs after it are the ones a user meets (median of ``--repeats``).

3. Loading the index (``load_match_index``: records, vectors, TF-IDF) on the same synthetic
   stores, median of ``--repeats`` each: fitting the TF-IDF on every load (a read-only copy,
   as before the fit was kept in the store), against reading the fit the first load saved.

Run:  .venv/bin/python bench/bench_index.py [--orgs 40] [--repeats 3] [--sizes 10000,100000]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402


def sample_with_history(records, n_orgs: int, *, seed: int = 0):
    """``n_orgs`` organisations (seeded) with all their projects and those projects' participations."""
    orgs, projects, parts = records
    rng = np.random.default_rng(seed)
    active = sorted({p.org_id for p in parts})
    chosen = set(rng.choice(active, size=min(n_orgs, len(active)), replace=False).tolist())
    project_ids = {p.project_id for p in parts if p.org_id in chosen}
    keep_parts = [p for p in parts if p.org_id in chosen and p.project_id in project_ids]
    return ([o for o in orgs if o.org_id in chosen], [p for p in projects if p.project_id in project_ids], keep_parts)


def throughput(embedder, records, n_orgs: int, repeats: int) -> dict:
    from data.store import PartnerStore
    from matching.index import index_store
    from matching.profiles import iter_profile_items

    sample = sample_with_history(records, n_orgs)
    texts = [t for _, _, t in iter_profile_items(sample[0], sample[1])]
    from matching.embedder import e5_embedder

    model = e5_embedder(backend="torch").model  # the same model in sentence-transformers, for comparison
    prompt = embedder.passage_prompt
    times = {"index_store": [], "bare": [], "torch": []}
    with tempfile.TemporaryDirectory() as folder:
        for n in range(repeats):
            start = time.perf_counter()
            embedder.embed_passages(texts)  # the bare model of the pipeline (onnxruntime)
            times["bare"].append(time.perf_counter() - start)
            start = time.perf_counter()
            model.encode(texts, prompt=prompt, batch_size=embedder.batch_size, convert_to_numpy=True,
                         normalize_embeddings=True, show_progress_bar=False)
            times["torch"].append(time.perf_counter() - start)
            path = Path(folder) / f"run{n}.duckdb"
            with PartnerStore(path) as store:
                store.upsert(*sample)
                start = time.perf_counter()
                report = index_store(store, embedder)
                times["index_store"].append(time.perf_counter() - start)
            assert report.embedded == len(texts), report
        # re-index of this small real store, unchanged
        with PartnerStore(path) as store:
            reindex, _ = common.timed(lambda: index_store(store, embedder), repeats)
    tokens = sum(len(embedder.token_ids(prompt + t)) for t in texts)
    return {"orgs": len(sample[0]), "projects": len(sample[1]), "texts": len(texts), "tokens": tokens,
            "index_store": common.median(times["index_store"]), "bare": common.median(times["bare"]),
            "torch": common.median(times["torch"]),
            "runs": times, "reindex_small": common.median(reindex)}


def reindex_synthetic(embedder, records, sizes, repeats: int) -> list[dict]:
    """Re-index of an unchanged synthetic store (a writable copy, so the fingerprint can be recorded)."""
    from data.store import PartnerStore
    from matching.index import index_store

    out = []
    for size in sizes:
        path, meta = common.synthetic_store(size, records=records, embedder=embedder)
        with tempfile.TemporaryDirectory() as folder:
            copy = Path(folder) / "copy.duckdb"
            shutil.copy(path, copy)
            with PartnerStore(copy) as store:
                start = time.perf_counter()
                first = index_store(store, embedder)  # item by item; records the fingerprint
                first_s = time.perf_counter() - start
                times, report = common.timed(lambda: index_store(store, embedder), repeats)
        assert first.embedded == 0 and report.embedded == 0, (first, report)
        out.append({"meta": meta, "first": first_s, "reindex": common.median(times), "items": report.unchanged})
    return out


def load_synthetic(embedder, records, sizes, repeats: int) -> list[dict]:
    """``load_match_index`` fitting TF-IDF each time (read-only) vs reading the saved fit."""
    from data.store import PartnerStore
    from matching.index import load_match_index

    out = []
    for size in sizes:
        path, meta = common.synthetic_store(size, records=records, embedder=embedder)
        with tempfile.TemporaryDirectory() as folder:
            copy = Path(folder) / "copy.duckdb"
            shutil.copy(path, copy)
            with PartnerStore(copy) as store, store.write() as cur:
                cur.execute("DELETE FROM lexical_index")  # a cache copied along would skew "fit"
            with PartnerStore(copy, read_only=True) as store:
                fit_times, fitted = common.timed(lambda: load_match_index(store, embedder.model_id), repeats)
            with PartnerStore(copy) as store:
                load_match_index(store, embedder.model_id)  # fits once and saves
                saved_times, saved = common.timed(lambda: load_match_index(store, embedder.model_id), repeats)
        same = (fitted.lexical.projects != saved.lexical.projects).nnz == 0 and list(
            fitted.lexical.vocabulary()) == list(saved.lexical.vocabulary())
        assert same, "the saved TF-IDF differs from a fresh fit"
        out.append({"meta": meta, "fit": common.median(fit_times), "saved": common.median(saved_times),
                    "runs": {"fit": fit_times, "saved": saved_times}})
    return out


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orgs", type=int, default=40)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--sizes", default="10000,100000")
    args = parser.parse_args(argv)
    from matching.embedder import e5_embedder, set_threads, set_torch_threads

    records = common.load_h2020()
    embedder = e5_embedder()
    threads = os.cpu_count() or 1
    set_threads(embedder, threads)  # bulk: every core, as `samspill index` does
    set_torch_threads(threads)  # the same for the torch comparison
    embedder.embed_passages(["warm-up"])
    common.print_machine("2. Indexing throughput")
    t = throughput(embedder, records, args.orgs, args.repeats)
    ratio = t["bare"] / t["index_store"]
    print(f"   {t['orgs']} real H2020 organisations with history: {t['projects']} projects, {t['texts']} texts, "
          f"{t['tokens']:,} tokens; {threads} threads; median of {args.repeats} runs")
    print(common.table(
        ["pipeline", "seconds", "organisations/s", "texts/s", "vs bare encode"],
        [["index_store (fresh store)", f"{t['index_store']:.1f}", f"{t['orgs'] / t['index_store']:.2f}",
          f"{t['texts'] / t['index_store']:.1f}", f"{ratio:.2f}x"],
         ["bare encode (onnxruntime)", f"{t['bare']:.1f}", f"{t['orgs'] / t['bare']:.2f}",
          f"{t['texts'] / t['bare']:.1f}", "1.00x"],
         ["torch model.encode (before)", f"{t['torch']:.1f}", f"{t['orgs'] / t['torch']:.2f}",
          f"{t['texts'] / t['torch']:.1f}", f"{t['bare'] / t['torch']:.2f}x"]]))
    print(f"   runs (s): index_store {[round(x, 1) for x in t['runs']['index_store']]}, "
          f"bare {[round(x, 1) for x in t['runs']['bare']]}, torch {[round(x, 1) for x in t['runs']['torch']]}")
    print(f"   goal index_store >= 0.9x bare encode -> {'met' if ratio >= 0.9 else 'NOT met'} ({ratio:.2f}x)")
    rows = [[f"{t['orgs']} (real sample)", f"{t['texts']:,}", "", f"{t['reindex_small'] * 1000:.0f} ms"]]
    synthetic = reindex_synthetic(embedder, records, [int(s) for s in args.sizes.split(",") if s], args.repeats)
    for r in synthetic:
        rows.append([f"{r['meta']['organisations']:,}", f"{r['items']:,}", f"{r['first']:.1f} s",
                     f"{r['reindex'] * 1000:.0f} ms"])
    print("\n   re-index of an unchanged register (median of runs after the first, which records the fingerprint)")
    print(common.table(["organisations", "texts with vectors", "first check (item by item)", "re-index"], rows))
    worst = max([t["reindex_small"]] + [r["reindex"] for r in synthetic])
    print(f"   goal re-index unchanged < 1 s -> {'met' if worst < 1 else 'NOT met'} (worst {worst * 1000:.0f} ms)")
    loads = load_synthetic(embedder, records, [int(s) for s in args.sizes.split(",") if s], args.repeats)
    print(f"\n   loading the index (load_match_index), median of {args.repeats}")
    print(common.table(
        ["organisations", "fitting TF-IDF each load", "reading the saved fit", "ratio"],
        [[f"{r['meta']['organisations']:,}", f"{r['fit']:.1f} s", f"{r['saved']:.1f} s",
          f"{r['saved'] / r['fit']:.2f}x"] for r in loads]))
    return {"throughput": t, "synthetic": synthetic, "loads": loads}


if __name__ == "__main__":
    main()
