"""Do processes that take turns on one database file lose acknowledged writes?

Each run builds the sample cluster into a fresh file, starts ``--writers`` processes that
for ``--seconds`` open the store, add one feedback row, close it and only then print an
acknowledgement, and finally counts the acknowledged rows that are missing. Writers that
crash (DuckDB errors) are counted too. ``--repo`` picks the code under test, so a checkout
of an earlier commit measures the baseline in the same session:

    git worktree add /tmp/before <commit>
    for i in 1 2 3 4; do timeout 400 yes > /dev/null & done   # load makes the race show
    .venv/bin/python bench/lost_writes.py --repo /tmp/before
    .venv/bin/python bench/lost_writes.py

docs/reliability.md has what this measured ("A lock of our own around DuckDB's").
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]


def writer(root: str, db: str, name: str, seconds: float) -> None:
    sys.path.insert(0, root)
    from data.store import PartnerStore, StoreBusy

    deadline, n = time.monotonic() + seconds, 0
    while time.monotonic() < deadline:
        key = f"{name}-{n}"
        try:
            with PartnerStore(db, wait=60) as store:
                store.add_feedback(org_id="sintef", verdict="useful", given_by=key, query=key)
        except StoreBusy:
            continue
        print(f"ack {key}", flush=True)
        n += 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repo", default=str(HERE), help="checkout whose data/store.py is tested")
    parser.add_argument("--trials", type=int, default=30)
    parser.add_argument("--writers", type=int, default=6)
    parser.add_argument("--seconds", type=float, default=6.0)
    args = parser.parse_args()
    root = str(Path(args.repo).resolve())
    sys.path.insert(0, root)
    from data.importers import import_path
    from data.store import PartnerStore

    env = {**os.environ, "PYTHONPATH": root}
    acked = lost = crashed = 0
    for trial in range(args.trials):
        folder = Path(tempfile.mkdtemp(prefix="samspill-lost-writes-"))
        try:
            db = folder / "turns.duckdb"
            with PartnerStore(db) as store:
                import_path(store, Path(root) / "data" / "sample")
            procs = [
                subprocess.Popen(
                    [sys.executable, __file__, "--writer", root, str(db), f"w{n}", str(args.seconds)],
                    stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env,
                )
                for n in range(args.writers)
            ]
            keys = []
            for proc in procs:
                out, _ = proc.communicate()
                keys += [line.split()[1] for line in out.splitlines() if line.startswith("ack ")]
                crashed += proc.returncode != 0
            with PartnerStore(db, read_only=True) as store:
                stored = {f.given_by for f in store.feedback()}
            missing = [k for k in keys if k not in stored]
            acked, lost = acked + len(keys), lost + len(missing)
            print(f"run {trial + 1}/{args.trials}: {len(keys)} acknowledged, missing {missing or 'none'}", flush=True)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    print(f"{root}: {args.trials} runs, {acked} writes acknowledged, {lost} lost, {crashed} writers crashed")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--writer"]:
        writer(sys.argv[2], sys.argv[3], sys.argv[4], float(sys.argv[5]))
    else:
        main()
