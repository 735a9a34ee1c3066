"""Several advisers at once, in real browsers: sign-in and a match for 1 and for N concurrent sessions.

    .venv/bin/python bench/bench_sessions.py --db H2020.duckdb [--sessions 6] [--repeats 3]

Starts ``streamlit run`` on the database (which must be indexed; the bench adds adviser accounts
``bench-adviser-1..N`` to a copy of it), warms it with one session, then for 1 and for N sessions
started together (one headless Chromium each, in its own process, released by a barrier) times:

* sign-in: from pressing "Logg inn" until the signed-in page is drawn;
* match: from pressing "Finn partnere" until the ranked organisations are drawn.

Prints p50/p95 per phase and the ratio of N sessions to one (the issue's goal for matching:
N = 6 at most about 3x one). Loopback only; every wait is bounded.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.test_app_browser import CHROMIUM, CHROMIUM_ARGS, _free_port, _wait_healthy  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "bench-password-1"
IDEAS = [
    "Hydrogen production with electrolysis for ferries and fuel cells on ships",
    "Offshore wind turbine foundations: fatigue analysis and corrosion protection",
    "Battery storage for the grid with second-life batteries from electric cars",
    "Carbon capture from cement plants and storage under the North Sea",
    "Smart grid flexibility: demand response for households and heat pumps",
    "Biogas from food waste and manure as fuel for heavy transport",
]
TIMEOUT_MS = 300_000


def session(url: str, username: str, idea: str, barrier, out) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page(locale="nb-NO", viewport={"width": 1440, "height": 1000})
        page.set_default_timeout(TIMEOUT_MS)
        page.goto(url)
        page.get_by_role("textbox", name="Brukernavn").fill(username)
        page.get_by_role("textbox", name="Passord").fill(PASSWORD)
        barrier.wait(timeout=TIMEOUT_MS / 1000)
        started = time.perf_counter()
        page.get_by_role("button", name="Logg inn").click()
        page.get_by_role("heading", name="Finn partnere").wait_for()
        signed_in = time.perf_counter() - started
        page.get_by_role("textbox", name="Beskriv prosjektidéen").fill(idea)
        barrier.wait(timeout=TIMEOUT_MS / 1000)
        started = time.perf_counter()
        page.get_by_role("button", name="Finn partnere").click()
        page.get_by_role("tab", name="Organisasjoner (").wait_for()
        page.locator('[data-testid="stStatusWidget"]').wait_for(state="detached")
        matched = time.perf_counter() - started
        browser.close()
    out.put({"user": username, "sign_in": signed_in, "match": matched})


def run_round(url: str, n: int) -> list[dict]:
    ctx = mp.get_context("spawn")
    barrier, out = ctx.Barrier(n), ctx.Queue()
    procs = [
        ctx.Process(target=session, args=(url, f"bench-adviser-{i + 1}", IDEAS[i % len(IDEAS)], barrier, out))
        for i in range(n)
    ]
    for p in procs:
        p.start()
    results = [out.get(timeout=TIMEOUT_MS / 1000 * 2) for _ in procs]
    for p in procs:
        p.join(timeout=60)
    return results


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", required=True, type=Path, help="an indexed database (e.g. the H2020 set)")
    parser.add_argument("--sessions", type=int, default=6)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="samspill-sessions-"))
    db = work / "bench.duckdb"
    shutil.copy(args.db, db)
    cli = [str(Path(sys.executable).with_name("samspill")), "--db", str(db)]
    for i in range(args.sessions):
        subprocess.run(
            [*cli, "account", "add", f"bench-adviser-{i + 1}", "--role", "adviser", "--password-stdin"],
            input=PASSWORD + "\n", text=True, check=True, capture_output=True, cwd=ROOT,
        )
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = work / "streamlit.log"
    env = os.environ | {"SAMSPILL_DB": str(db), "PYTHONUNBUFFERED": "1"}
    with open(log, "w") as handle:
        server = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(ROOT / "streamlit_app.py"), "--server.port", str(port),
             "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false",
             "--server.fileWatcherType", "none"],
            cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT,
        )
    try:
        _wait_healthy(url, server, log, timeout=300)
        run_round(url, 1)  # warm: the model, the index, the caches
        figures: dict[int, dict[str, list[float]]] = {}
        for _ in range(args.repeats):
            for n in (1, args.sessions):
                for r in run_round(url, n):
                    for phase in ("sign_in", "match"):
                        figures.setdefault(n, {}).setdefault(phase, []).append(r[phase])
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)
    summary = {}
    for n, phases in figures.items():
        for phase, values in phases.items():
            summary[f"{phase} x{n}"] = {
                "p50": round(statistics.median(values), 2),
                "p95": round(percentile(values, 0.95), 2),
                "runs": len(values),
            }
    for phase in ("sign_in", "match"):
        one, many = summary[f"{phase} x1"]["p50"], summary[f"{phase} x{args.sessions}"]["p50"]
        summary[f"{phase} ratio x{args.sessions}/x1"] = round(many / one, 2) if one else None
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
