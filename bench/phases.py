"""One cold `samspill match`, phase by phase, in this (fresh) process; prints one JSON line.

Run by bench_cold.py and bench_memory.py as a child process:

    .venv/bin/python bench/phases.py DB "idea text" [--threads N]

Phases (seconds since the interpreter started, from /proc/self/stat, so interpreter
start-up counts): imports of the CLI, of the matcher (scipy, scikit-learn), the model
(onnxruntime: the graph, the memory-mapped word table, the tokenizer), the index (re-index check, records,
vectors, TF-IDF), the first match; then peak RSS (VmHWM).
"""

from __future__ import annotations

import json
import os
import sys
import time


def since_start() -> float:
    """Seconds since this process started (kernel start time, clock ticks since boot)."""
    with open("/proc/self/stat") as f:
        start_ticks = int(f.read().rsplit(")", 1)[1].split()[19])
    with open("/proc/uptime") as f:
        uptime = float(f.read().split()[0])
    return uptime - start_ticks / os.sysconf("SC_CLK_TCK")


def current_rss_mb() -> float:
    with open("/proc/self/status") as f:
        return next(int(x.split()[1]) for x in f if x.startswith("VmRSS")) / 1024


def main() -> None:
    db, idea = sys.argv[1], sys.argv[2]
    threads = int(sys.argv[sys.argv.index("--threads") + 1]) if "--threads" in sys.argv else None
    marks = {"interpreter": since_start()}
    t = time.perf_counter()

    rss: dict[str, float] = {}

    def mark(name: str) -> None:
        nonlocal t
        now = time.perf_counter()
        marks[name] = now - t
        rss[name] = current_rss_mb()
        t = now

    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    import samspill_cli  # noqa: F401  (what `samspill` imports before any command)

    mark("import CLI")
    from matching.matcher import Matcher
    from matching.types import MatchQuery

    mark("import matcher")
    from data.store import PartnerStore
    from matching.embedder import load_embedder, set_threads

    embedder = load_embedder()
    store = PartnerStore(db, read_only=True)
    mark("open store + find model")
    if threads:
        set_threads(embedder, threads)
    if hasattr(embedder, "load"):
        embedder.load()  # onnxruntime
    else:
        _ = embedder.model  # sentence-transformers (a SAMSPILL_MODEL of one's own)
    mark("load model")
    matcher = Matcher(store, embedder, lang="en")
    _ = matcher.index
    mark("load index")
    result = matcher.match(MatchQuery(idea, top=10))
    mark("first match")
    assert result.organisations
    marks["total"] = since_start()
    with open("/proc/self/status") as f:
        marks["peak_rss_mb"] = next(int(x.split()[1]) for x in f if x.startswith("VmHWM")) / 1024
    marks["rss_after_mb"] = rss
    marks["modules"] = {m: m in sys.modules for m in ("torch", "sentence_transformers", "sklearn", "networkx",
                                                      "onnxruntime")}
    print(json.dumps(marks))


if __name__ == "__main__":
    main()
