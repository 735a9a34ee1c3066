"""Memory (and cold start) with a large register: peak RSS of a process serving 100k organisations.

Two fresh processes on the synthetic 100k store (bench/common.py):

* bench/phases.py: what the app's resources hold (store, model, MatchIndex) built the way
  `samspill match` builds them, and one answered match; RSS after each step and the peak;
* bench/app_first_match.py: the app's own script (Streamlit AppTest) signing in and
  answering one match, peak RSS of that process.

Peak RSS is the kernel's VmHWM. The Streamlit web server itself adds its own modules on
top of the AppTest process (a few tens of MB; not measured here).

Run:  .venv/bin/python bench/bench_memory.py [--size 100000]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402
from bench_cold import IDEA, app_db_copy, app_first_match, child_json  # noqa: E402


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    args = parser.parse_args(argv)
    path, meta = common.synthetic_store(args.size)
    common.print_machine(f"4. Memory with {meta['organisations']:,} organisations "
                         f"({meta['projects']:,} projects, {meta['passages']:,} profile passages)")
    phases = child_json([sys.executable, "bench/phases.py", str(path), IDEA])
    names = ["import CLI", "import matcher", "open store + find model", "load model", "load index", "first match"]
    print(common.table(["step (one fresh process)", "seconds", "RSS after"],
                       [[n, f"{phases[n]:.1f}", f"{phases['rss_after_mb'][n]:,.0f} MB"] for n in names]
                       + [["total / peak", f"{phases['total']:.1f}", f"{phases['peak_rss_mb']:,.0f} MB"]]))
    with tempfile.TemporaryDirectory() as folder:
        db = app_db_copy(path, Path(folder))
        app = app_first_match(db, IDEA, 0.0)
    print(f"   the app (AppTest, fresh process): first answered match {app['answered']:.1f} s after start, "
          f"peak RSS {app['peak_rss_mb']:,.0f} MB")
    return {"phases": phases, "app": app, "meta": meta}


if __name__ == "__main__":
    main()
