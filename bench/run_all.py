"""Every benchmark of BENCHMARKS.md in one go (`make bench`), each section in its own fresh process.

Two cores, so two lanes. Indexing uses both cores and runs first, alone. Then the network
section (pure Python, one core) runs beside the others (queries on one torch thread, cold
start, memory), which keeps `make bench` under 15 minutes. Ratios are measured within one
process in the same run, so they do not depend on the lanes; absolute times are those of a
two-core machine with one other job on it. ``--serial`` runs every section alone, one after
another (about 25 minutes). Each section's output is printed whole when it ends, to the
terminal and to ``bench/results/latest.txt``; BENCHMARKS.md quotes such a file.

The first run on a new machine also embeds the 2,195 real H2020 project texts once and
builds the synthetic registers from them (cached in ``~/.cache/samspill/bench``); it says
so when it does and reports how long it took. Later runs read the cache.

Run:  .venv/bin/python bench/run_all.py [--only query,index,cold,memory,load,graph] [--quick] [--serial]
      (``--quick``: fewer ideas and repeats, for checking that the scripts still run)
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import common  # noqa: E402

RESULTS = HERE / "results"

# (name, script, arguments for the full run, arguments for --quick), in the order printed
SECTIONS = [
    ("query", "bench_query.py", ["--sizes", "1000,10000,100000", "--ideas", "10", "--repeats", "2"],
     ["--sizes", "1000,10000", "--ideas", "4", "--repeats", "1"]),
    ("index", "bench_index.py", ["--orgs", "16", "--repeats", "3", "--sizes", "10000,100000"],
     ["--orgs", "5", "--repeats", "1", "--sizes", "10000"]),
    ("cold", "bench_cold.py", ["--repeats", "2", "--think", "10"], ["--repeats", "1", "--think", "2"]),
    ("memory", "bench_memory.py", ["--size", "100000"], ["--size", "10000"]),
    ("load", "bench_load.py", ["--clients", "16", "--seconds", "60"], ["--clients", "4", "--seconds", "10"]),
    ("graph", "bench_graph.py", ["--repeats", "2", "--sizes", "5000,20000,50000", "--scale-repeats", "1"],
     ["--repeats", "1", "--skip-prediction", "--sizes", "2000,5000", "--scale-repeats", "1"]),
]
ALONE = ("index",)  # uses every core: nothing beside it
SIDE_LANE = ("graph",)  # one core, beside the rest


@dataclass
class Outcome:
    name: str
    command: str
    output: str
    code: int
    seconds: float


def run_section(name: str, script: str, arguments: list[str], env: dict) -> Outcome:
    command = " ".join(["python", f"bench/{script}", *arguments])
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, str(HERE / script), *arguments], cwd=HERE.parent, env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return Outcome(name, command, proc.stdout, proc.returncode, time.perf_counter() - t0)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="", help="comma-separated sections: " + ",".join(s[0] for s in SECTIONS))
    parser.add_argument("--quick", action="store_true", help="small sizes and one repeat (a smoke run)")
    parser.add_argument("--serial", action="store_true", help="every section alone, one after another")
    parser.add_argument("--out", type=Path, default=RESULTS / "latest.txt")
    args = parser.parse_args(argv)
    wanted = {s.strip() for s in args.only.split(",") if s.strip()}
    unknown = wanted - {s[0] for s in SECTIONS}
    if unknown:
        parser.error(f"unknown section(s) {', '.join(sorted(unknown))}; choose from "
                     + ", ".join(s[0] for s in SECTIONS))
    chosen = {name: (script, quick if args.quick else full)
              for name, script, full, quick in SECTIONS if not wanted or name in wanted}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    outcomes: dict[str, Outcome] = {}
    start = time.perf_counter()
    with open(args.out, "w", encoding="utf-8") as log:
        def emit(line: str) -> None:
            sys.stdout.write(line)
            sys.stdout.flush()
            log.write(line)
            log.flush()

        def finished(outcome: Outcome) -> None:
            outcomes[outcome.name] = outcome
            emit(f"\n$ {outcome.command}\n{outcome.output}")
            if outcome.code:
                emit(f"!! {outcome.name} failed with exit code {outcome.code}\n")

        m = common.machine()
        mode = "serial" if args.serial else "two lanes: index alone, then graph beside query, cold and memory"
        emit(f"# samspill benchmarks, {time.strftime('%Y-%m-%d %H:%M %Z')}"
             f"{' (--quick)' if args.quick else ''}; {mode}\n"
             f"# {m['cores']} cores ({m['cpu']}), {m['ram']} RAM, Python {m['python']}; {m['versions']}\n"
             f"# load average at the start {m['load']}\n")
        if args.serial:
            for name, (script, arguments) in chosen.items():
                finished(run_section(name, script, arguments, env))
        else:
            for name in [n for n in chosen if n in ALONE]:
                finished(run_section(name, *chosen[name], env))
            side = [n for n in chosen if n in SIDE_LANE]
            main_lane = [n for n in chosen if n not in ALONE and n not in SIDE_LANE]
            with ThreadPoolExecutor(max_workers=1) as pool:
                side_lane = pool.submit(lambda: [run_section(n, *chosen[n], env) for n in side])
                for name in main_lane:
                    finished(run_section(name, *chosen[name], env))
                for outcome in side_lane.result():
                    finished(outcome)
        total = time.perf_counter() - start
        emit("\n# time per section: " + ", ".join(f"{o.name} {o.seconds / 60:.1f} min" for o in outcomes.values())
             + f"; total {total / 60:.1f} min\n")
        failed = [o.name for o in outcomes.values() if o.code]
        if failed:
            emit(f"# FAILED: {', '.join(failed)}\n")
    print(f"(written to {args.out})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
