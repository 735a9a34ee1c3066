"""Query latency: one match end to end, next to its floor and to sentence-transformers' semantic_search.

For each register size (synthetic stores built from the real H2020 records, see
bench/common.py), in one process with torch set to one thread (serving):

match     ``Matcher.match(idea, top=10)``: embed the idea (its parts' vectors from the same pass),
          rank, reasons, pairings, consortia (the model and the index are loaded before timing)
2 passes  the same match the way it was before: the idea, then its parts, through the model
          (an embedder without ``embed_query_with_parts``)
again     the same idea at once again with ``kinds=("company",)`` (an adviser narrowing the list):
          the matcher keeps the vectors of recent ideas, so this is the ranking alone.
          Before every timed ``match`` that cache is emptied: ``match`` always embeds.
floor     ``embedder.embed_queries([idea])`` + one exact top-10 (``np.argpartition``)
          over ``project_vectors @ q``: what any semantic search must at least do
st        ``embed_queries([idea])`` + ``sentence_transformers.util.semantic_search`` over
          the same stored vectors (projects and profile passages), organisations ranked by
          their best hit, and the same reasons for the top 10 (``matching.reasons.Explainer``)

The four are run back to back for each idea (real 2018 H2020 abstracts), ``--repeats``
times; each idea's time is the median of its repeats, and the table gives p50/p95
over ideas and the ratio to the floor measured the same way in the same run.

Run:  .venv/bin/python bench/bench_query.py [--sizes 1000,10000,100000] [--ideas 20] [--repeats 3]
      [--profile SIZE]   (cProfile of the match at that size, top functions)
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

TOP = 10


def floor(embedder, index, idea: str) -> np.ndarray:
    q = embedder.embed_queries([idea])[0]
    scores = index.project_vectors @ q
    part = np.argpartition(-scores, TOP - 1)[:TOP]
    return part[np.argsort(-scores[part])]


class SemanticSearchBaseline:
    """Embed, ``util.semantic_search`` over the stored vectors, best hit per organisation, same reasons."""

    def __init__(self, index, embedder):
        import torch

        from matching.reasons import Explainer
        from matching.scoring import Evidence

        self.index, self.embedder, self._Evidence, self._Explainer = index, embedder, Evidence, Explainer
        self.corpus = torch.from_numpy(np.vstack([index.project_vectors, index.passage_vectors]))
        self.n_projects = index.project_vectors.shape[0]
        # organisation row of every corpus row's participants: projects through the incidence, passages directly
        members = index.members
        self.owner_ptr = np.r_[members.indptr, members.indptr[-1] + np.arange(1, index.passage_org.size + 1)]
        self.owner = np.r_[members.indices, index.passage_org]

    def __call__(self, idea: str):
        import torch
        from sentence_transformers import util

        index = self.index
        q = self.embedder.embed_queries([idea])
        hits = util.semantic_search(torch.from_numpy(q), self.corpus, top_k=200)[0]
        ids = np.array([h["corpus_id"] for h in hits], dtype=np.int64)
        sims = np.array([h["score"] for h in hits], dtype=np.float32)
        scores = np.zeros(index.n_orgs, np.float32)
        counts = self.owner_ptr[ids + 1] - self.owner_ptr[ids]
        rows = np.concatenate([self.owner[self.owner_ptr[i]:self.owner_ptr[i + 1]] for i in ids])
        np.maximum.at(scores, rows, np.repeat(sims, counts))
        sem_p = np.zeros(self.n_projects, np.float32)
        sem_s = np.zeros(index.passage_org.size, np.float32)
        proj, pas = ids < self.n_projects, ids >= self.n_projects
        sem_p[ids[proj]] = sims[proj]
        sem_s[ids[pas] - self.n_projects] = sims[pas]
        best = np.full(index.n_orgs, -1, np.int64)
        pas_ids = ids[pas] - self.n_projects
        best[index.passage_org[pas_ids[::-1]]] = pas_ids[::-1]  # the best hit wins (written last)
        top = np.argsort(-scores, kind="stable")[:TOP]
        zeros = np.zeros(index.n_orgs, np.float32)
        evidence = self._Evidence(scores, sem_p, np.zeros_like(sem_p), sem_s, best, scores > 0, zeros, zeros)
        qterms = index.lexical.transform([idea])[0]
        explainer = self._Explainer(index, evidence, qterms, query_text=idea, query_language="", as_row=None, lang="en")
        return [explainer.suggestion(int(r)) for r in top]


class TwoPasses:
    """The embedder as the matcher saw it before: no parts from the idea's own pass."""

    def __init__(self, embedder):
        self.inner, self.model_id, self.dim = embedder, embedder.model_id, embedder.dim

    def embed_queries(self, texts):
        return self.inner.embed_queries(texts)

    def embed_passages(self, texts):
        return self.inner.embed_passages(texts)


def measure_size(n_orgs: int, embedder, records, ideas, repeats: int, log=print) -> dict:
    from data.store import PartnerStore
    from matching.matcher import Matcher
    from matching.types import MatchQuery

    path, meta = common.synthetic_store(n_orgs, records=records, embedder=embedder, log=log)
    store = PartnerStore(path, read_only=True)
    matcher = Matcher(store, embedder, lang="en")
    start = time.perf_counter()
    index = matcher.index
    load = time.perf_counter() - start
    baseline = SemanticSearchBaseline(index, embedder)
    for idea in ideas[:2]:  # warm-up: first calls allocate, fill caches
        matcher.match(MatchQuery(idea, top=TOP))
        floor(embedder, index, idea)
        baseline(idea)
    def two_passes(idea):
        matcher.embedder = TwoPasses(embedder)
        try:
            return matcher.match(MatchQuery(idea, top=TOP))
        finally:
            matcher.embedder = embedder

    runs = {
        "match": lambda idea: matcher.match(MatchQuery(idea, top=TOP)),
        "two": two_passes,
        # the same idea right after, filtered: its vectors come from the matcher's idea cache
        "again": lambda idea: matcher.match(MatchQuery(idea, top=TOP, kinds=("company",))),
        "floor": lambda idea: floor(embedder, index, idea),
        "st": lambda idea: baseline(idea),
    }
    per = {k: [] for k in runs}
    for idea in ideas:
        times = {k: [] for k in runs}
        for _ in range(repeats):
            for name, fn in runs.items():
                if name in ("match", "two"):
                    matcher.forget_ideas()  # every timed first match embeds its idea
                gc.collect()
                t = time.perf_counter()
                fn(idea)
                times[name].append(time.perf_counter() - t)
        for name in runs:
            per[name].append(common.median(times[name]))
    store.close()
    ratios = np.array(per["match"]) / np.array(per["floor"])
    out = {
        "size": n_orgs,
        "meta": meta,
        "load": load,
        "p50": {k: common.percentile(v, 50) for k, v in per.items()},
        "p95": {k: common.percentile(v, 95) for k, v in per.items()},
        "ratio_floor": float(np.median(ratios)),
        "ratio_st": float(np.median(np.array(per["match"]) / np.array(per["st"]))),
        "ratio_two": float(np.median(np.array(per["two"]) / np.array(per["floor"]))),
    }
    return out


def report(results: list[dict], n_ideas: int, repeats: int) -> str:
    rows = []
    for r in results:
        m = r["meta"]
        rows.append([
            f"{m['organisations']:,}", f"{m['projects']:,}", f"{m['passages']:,}",
            f"{r['p50']['match'] * 1000:.0f} / {r['p95']['match'] * 1000:.0f}",
            f"{r['p50']['floor'] * 1000:.0f} / {r['p95']['floor'] * 1000:.0f}",
            f"{r['p50']['st'] * 1000:.0f} / {r['p95']['st'] * 1000:.0f}",
            f"{r['ratio_floor']:.2f}x", f"{r['ratio_st']:.2f}x",
            f"{r['p50']['two'] * 1000:.0f} ({r['ratio_two']:.2f}x)",
            f"{r['p50']['again'] * 1000:.0f} / {r['p95']['again'] * 1000:.0f}", f"{r['load']:.1f} s",
        ])
    head = (f"   {n_ideas} ideas (real 2018 H2020 abstracts), median of {repeats} runs per idea, one thread "
            "(onnxruntime; torch for semantic_search); times in ms (p50 / p95 over ideas); ratios are medians over "
            "ideas of match/floor and match/st;\n"
            "   2 passes = the match as before (idea and parts through the model separately), p50 and its ratio to "
            "the floor;\n"
            "   again = the same idea asked again with kinds=(company,) (its vectors from the matcher's idea cache)")
    return head + "\n" + common.table(
        ["organisations", "projects", "passages", "match p50/p95", "floor p50/p95", "st+reasons p50/p95",
         "match/floor", "match/st", "2 passes", "again p50/p95", "index load"], rows)


def profile(n_orgs: int, embedder, records, ideas) -> None:
    import cProfile
    import pstats

    from data.store import PartnerStore
    from matching.matcher import Matcher
    from matching.types import MatchQuery

    path, _ = common.synthetic_store(n_orgs, records=records, embedder=embedder)
    matcher = Matcher(PartnerStore(path, read_only=True), embedder, lang="en")
    _ = matcher.index
    matcher.match(MatchQuery(ideas[0]))
    prof = cProfile.Profile()
    prof.enable()
    for idea in ideas:
        matcher.match(MatchQuery(idea, top=TOP))
    prof.disable()
    pstats.Stats(prof).sort_stats("cumulative").print_stats(40)


def main(argv=None) -> list[dict]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--ideas", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--profile", type=int, default=None, metavar="SIZE")
    args = parser.parse_args(argv)
    from matching.embedder import e5_embedder, set_threads, set_torch_threads

    records = common.load_h2020()
    ideas = common.query_ideas(records[1], args.ideas)
    embedder = e5_embedder()
    common.real_project_vectors(records[1], embedder)  # before threads drop to 1: embeds only on the first run
    set_threads(embedder, 1)  # serving: one thread per query
    set_torch_threads(1)  # the same for semantic_search
    embedder.embed_queries(["warm-up"])
    if args.profile:
        profile(args.profile, embedder, records, ideas)
        return []
    common.print_machine("1. Query latency")
    results = []
    for size in (int(s) for s in args.sizes.split(",")):
        results.append(measure_size(size, embedder, records, ideas, args.repeats))
        print(f"   ... {size:,} done (load average {os.getloadavg()[0]:.1f})", flush=True)
    print(report(results, len(ideas), args.repeats))
    last = results[-1]
    print(f"   goal at {last['meta']['organisations']:,}: match within 1.5x of the floor -> "
          f"{'met' if last['ratio_floor'] <= 1.5 else 'NOT met'} ({last['ratio_floor']:.2f}x); "
          f"faster than semantic_search + reasons -> {'met' if last['ratio_st'] < 1 else 'NOT met'} "
          f"({last['ratio_st']:.2f}x)")
    return results


if __name__ == "__main__":
    main()
