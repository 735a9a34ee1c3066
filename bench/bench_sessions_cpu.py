"""Where the CPU goes while advisers work: server, browsers, Playwright, everything else.

    .venv/bin/python bench/bench_sessions_cpu.py --sessions 6 [--tree PATH] [--browser-nice 19]

Serves the real H2020 set like bench_sessions.py (one warm round, then a round of one session and
a round of N), samples every process's CPU time from /proc every 0.25 s, and prints per step the
CPU seconds each kind of process used between the barriers that release the step. The result of
2026-12-01 is in bench/results/issue20-cpu.txt. Linux only.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_sessions  # noqa: E402
import browser  # noqa: E402
import common  # noqa: E402

KINDS = ("server", "browser", "driver", "other")
TICK = os.sysconf("SC_CLK_TCK")


def _kind(cmdline: str) -> str:
    if "streamlit" in cmdline:
        return "server"
    if "chrom" in cmdline or "headless_shell" in cmdline:
        return "browser"
    if "playwright" in cmdline:
        return "driver"
    return "other"


class Sampler(threading.Thread):
    """Cumulative CPU seconds per kind of process since it started, every 0.25 s."""

    def __init__(self):
        super().__init__(daemon=True)
        self.seen: dict[int, list] = {}  # pid -> [kind, first, last]
        self.series: list[tuple[float, dict[str, float]]] = []
        self.done = threading.Event()
        self._sample(start=True)

    def _sample(self, start: bool = False) -> None:
        for name in os.listdir("/proc"):
            if not name.isdigit():
                continue
            pid = int(name)
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                cpu = (int(fields[11]) + int(fields[12])) / TICK
                if pid not in self.seen:
                    cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
                    self.seen[pid] = [_kind(cmd), cpu, cpu]
                self.seen[pid][2] = cpu
            except (OSError, IndexError, ValueError):
                continue
        totals = dict.fromkeys(KINDS, 0.0)
        for kind, first, last in self.seen.values():
            totals[kind] += last - first
        self.series.append((time.time(), totals))

    def run(self) -> None:
        while not self.done.wait(0.25):
            self._sample()

    def at(self, when: float) -> dict[str, float]:
        return next((totals for t, totals in self.series if t >= when), self.series[-1][1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=6)
    parser.add_argument("--tree", type=Path, default=common.REPO, help="the code tree to serve")
    parser.add_argument("--browser-nice", type=int, default=bench_sessions.BROWSER_NICE)
    args = parser.parse_args()
    bench_sessions.BROWSER_NICE = args.browser_nice
    released: list[float] = []

    class Barrier(threading.Barrier):  # notes when each step is released
        def wait(self, timeout=None):
            index = super().wait(timeout)
            if index == 0:
                released.append(time.time())
            return index

    common.print_machine(f"CPU per kind of process, 1 and {args.sessions} sessions, tree {args.tree}")
    with tempfile.TemporaryDirectory(prefix="samspill-cpu-") as tmp:
        work = Path(tmp)
        db = bench_sessions.prepare_db(work, args.sessions)
        with browser.App(db, work, repo=args.tree) as app:
            bench_sessions.run_round(app.url, work, 1, 1)  # warm
            sampler = Sampler()
            sampler.start()
            for n in (1, args.sessions):
                released.clear()
                bench_sessions.run_round(app.url, work, n, 1, barrier=Barrier(n))
                ends = released[1:] + [time.time()]
                time.sleep(0.5)
                print(f"   {n} session(s), browsers at niceness {args.browser_nice}: CPU seconds per step")
                for step, start, end in zip(bench_sessions.STEPS, released, ends, strict=False):
                    a, b = sampler.at(start), sampler.at(end)
                    used = "  ".join(f"{k} {b[k] - a[k]:5.1f}" for k in KINDS)
                    print(f"   {step:13s} wall {end - start:6.1f}  {used}")
            sampler.done.set()


if __name__ == "__main__":
    main()
