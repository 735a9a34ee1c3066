"""Load: 16 concurrent API clients against one `samspill serve` on loopback, bounded in time.

On a copy of the sample cluster (the database `make run` serves), one server process:

1. alone: one client, ``--alone`` requests of each kind one after another (the baseline);
2. under load: ``--clients`` threads for ``--seconds`` seconds (and at most ``--max-requests``
   each), every client alternating ``POST /match`` (an adviser's token, a real 2018 H2020
   title and the first sentences of its abstract) and ``POST /ideas`` (a company's token,
   a unique ``request_key``);
3. afterwards, with the server stopped: every idea the server acknowledged (201) must be in the
   database exactly once, found by its request key.

Reports p50/p95 per kind alone and under load, their ratio, throughput, errors and lost ideas.
Only 127.0.0.1 is contacted; every request has a timeout and the run stops by itself.

Run:  .venv/bin/python bench/bench_load.py [--clients 16] [--seconds 60] [--alone 10]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

TIMEOUT = 120.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def call(url: str, path: str, body: dict, token: str) -> tuple[int, dict | None, float]:
    request = urllib.request.Request(url + path, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"})
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as answer:
            status, data = answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as exc:
        status, data = exc.code, None
    except OSError:
        status, data = 0, None
    return status, data, time.perf_counter() - start


def ideas_from_h2020(n: int) -> list[str]:
    _, projects, _ = common.load_h2020()
    ideas = common.query_ideas(projects, n)
    return [idea[:600] for idea in ideas]  # a form's idea: a title and a paragraph


def start_server(db: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    proc = subprocess.Popen([str(Path(sys.executable).parent / "samspill"), "--db", str(db), "serve", "--port",
                             str(port)], cwd=common.REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "/health", timeout=2) as answer:
                if json.loads(answer.read())["ready"]:
                    return proc, url
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("the server did not start")


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--max-requests", type=int, default=200, help="per client")
    parser.add_argument("--alone", type=int, default=10)
    args = parser.parse_args(argv)
    from data.accounts import ensure_demo_accounts
    from data.models import Viewer
    from data.store import PartnerStore
    from data.tokens import create_token

    ideas = ideas_from_h2020(40)
    common.print_machine(f"6. Load: {args.clients} concurrent API clients, one server (loopback)")
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "load.duckdb"
        shutil.copy(common.sample_db(), db)
        with PartnerStore(db) as store:
            ensure_demo_accounts(store)
            adviser = create_token(store, "radgiver", label="bench")[0]
            company = create_token(store, "bedrift1", label="bench")[0]
        proc, url = start_server(db)
        acknowledged: list[str] = []
        lock = threading.Lock()
        try:
            def match(i):
                # a text of its own per request: no answer comes from the matcher's cache of recent ideas
                return call(url, "/match", {"text": f"{ideas[i % len(ideas)]} (request {i})", "top": 10}, adviser)

            def submit(i):
                key = uuid.uuid4().hex
                body = {"title": f"Idé {i}", "text": ideas[i % len(ideas)], "request_key": key}
                status, data, seconds = call(url, "/ideas", body, company)
                if status == 201:
                    with lock:
                        acknowledged.append(key)
                return status, data, seconds

            for i in range(3):  # warm-up (ideas not asked later): first calls map the word table's pages
                match(len(ideas) - 1 - i)
            alone = {"match": [match(i)[2] for i in range(args.alone)],
                     "submit": [submit(i)[2] for i in range(args.alone)]}
            times = {"match": [], "submit": []}
            errors: dict[str, int] = {}
            deadline = time.monotonic() + args.seconds

            def client(c: int) -> None:
                for n in range(args.max_requests):
                    if time.monotonic() >= deadline:
                        return
                    kind = "match" if (n + c) % 2 == 0 else "submit"
                    status, _, seconds = (match if kind == "match" else submit)(c * 1000 + n)
                    with lock:
                        if status in (200, 201):
                            times[kind].append(seconds)
                        else:
                            errors[f"{kind} {status}"] = errors.get(f"{kind} {status}", 0) + 1

            start = time.perf_counter()
            threads = [threading.Thread(target=client, args=(c,)) for c in range(args.clients)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            wall = time.perf_counter() - start
        finally:
            proc.terminate()
            proc.wait(timeout=60)
        with PartnerStore(db, read_only=True) as store:
            stored = [i for i in store.ideas(Viewer("bench", "adviser"))]
        keys = _request_keys(db)
    found = {k: keys.count(k) for k in acknowledged}
    lost = sum(1 for k in acknowledged if found[k] == 0)
    doubled = sum(1 for k in acknowledged if found[k] > 1)
    rows = []
    for kind in ("match", "submit"):
        a50, l50, l95 = (common.percentile(alone[kind], 50), common.percentile(times[kind], 50),
                         common.percentile(times[kind], 95))
        rows.append([kind, f"{a50 * 1000:.0f}", f"{common.percentile(alone[kind], 95) * 1000:.0f}",
                     f"{len(times[kind]):,}", f"{l50 * 1000:.0f}", f"{l95 * 1000:.0f}", f"{l50 / a50:.1f}x"])
    total = len(times["match"]) + len(times["submit"])
    print(f"   sample cluster ({len(ideas)} H2020 ideas, 600 characters each); {args.clients} clients for "
          f"{args.seconds:.0f} s (at most {args.max_requests} requests each); server: one process, one thread "
          "per request in onnxruntime")
    print(common.table(["request", "alone p50 ms", "alone p95 ms", "under load: done", "p50 ms", "p95 ms",
                        "p50 load/alone"], rows))
    print(f"   {total:,} requests in {wall:.1f} s ({total / wall:.1f}/s); errors: "
          f"{', '.join(f'{k}: {v}' for k, v in errors.items()) or 'none'}")
    print(f"   ideas acknowledged (201): {len(acknowledged):,}; in the database afterwards: "
          f"{len(acknowledged) - lost:,} (lost {lost}, stored twice {doubled}); ideas in the database: {len(stored):,}")
    print(f"   goal: no submitted idea lost -> {'met' if lost == 0 and doubled == 0 else 'NOT met'}")
    return {"lost": lost, "doubled": doubled, "rows": rows, "errors": errors}


def _request_keys(db: Path) -> list[str]:
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        return [r[0] for r in con.execute("SELECT request_key FROM ideas WHERE request_key IS NOT NULL").fetchall()]
    finally:
        con.close()


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
