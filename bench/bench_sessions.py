"""Several advisers at once, in real browsers: sign-in, a match and each network view, for 1 and N sessions.

    .venv/bin/python bench/bench_sessions.py                                  # this tree, 1 and 6 sessions
    .venv/bin/python bench/bench_sessions.py --tree before=/tmp/main --tree after=.   # before/after, one run

The real H2020 set (bench/browser.py's :func:`~browser.h2020_db`, with the advisers
``bench-adviser-1..N`` added to a copy) is served by ``streamlit run`` on localhost for each code
tree in turn (``--tree NAME=PATH``; a checkout made with ``git worktree add``). Per tree: one warm
round with one session (the model, the index, the year's network and the caches), then
``--repeats`` times a round of one session and a round of N sessions. In a round every session is
its own headless Chromium (own profile, own thread), and the sessions are released together by a
barrier before each timed step:

* ``sign_in``: from pressing "Logg inn" until the signed-in page has settled;
* ``match``: from pressing "Finn partnere" until the ranked organisations are drawn and the run ended;
* ``network``: opening the network page (the year's network is kept per data revision: warm);
* ``members``, ``communities``, ``organisation``: switching to each view (``--view-repeats`` times
  per round), after the network as it stands and an organisation were chosen.

Three times per step: until the page is drawn and settled; ``served``, from the browser's request
to run the script until the server's "run finished" reached it (the browser's own clock for
websocket frames); and ``on_server``, from the request's arrival until the run's end on the
server's own clock (``bench/server_timing.py`` starts the app and logs each run; a table shows
where that time went). The browsers stand in for advisers' own computers but share the server's
two cores, so they run at niceness 19 (``--browser-nice``), their session group too
(``bench/browser.py``), and yield the cores to the server.

Prints p50/p95 per tree, step and number of sessions, and the ratio of N sessions to one per tree;
writes every timing to ``--out`` (JSON). ``--cycles 2`` serves the trees twice in alternating order
(before, after, after, before) so drift in the machine's load falls on both. Loopback only; every
wait is bounded.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import browser  # noqa: E402
import common  # noqa: E402
import server_timing  # noqa: E402
from bench_network_views import VIEW_STEPS, choose_org  # noqa: E402

PASSWORD = "bench-password-1"
IDEAS = [
    "Hydrogen production with electrolysis for ferries and fuel cells on ships",
    "Offshore wind turbine foundations: fatigue analysis and corrosion protection",
    "Battery storage for the grid with second-life batteries from electric cars",
    "Carbon capture from cement plants and storage under the North Sea",
    "Smart grid flexibility: demand response for households and heat pumps",
    "Biogas from food waste and manure as fuel for heavy transport",
]
ORG = "STIFTELSEN SINTEF"
STEPS = ["sign_in", "match", "network"] + [name for name, _, _ in VIEW_STEPS]
WAIT_MS = 600_000
SHOTS: Path | None = None  # where a failed session leaves a picture of its page (--shots)
BROWSER_NICE = 19  # --browser-nice


def prepare_db(work: Path, advisers: int) -> Path:
    """A copy of the H2020 bench database with ``advisers`` adviser accounts added."""
    from data.accounts import create_account, viewer_for
    from data.store import PartnerStore

    db = work / "sessions.duckdb"
    shutil.copy(browser.h2020_db(), db)
    with PartnerStore(db) as store:
        for i in range(advisers):
            if viewer_for(store, f"bench-adviser-{i + 1}") is None:
                create_account(store, f"bench-adviser-{i + 1}", PASSWORD, "adviser")
    return db


def one_session(url: str, profile: Path, username: str, idea: str, barrier: threading.Barrier,
                view_repeats: int, out: list, errors: list) -> None:
    try:
        with browser.Session(url, profile, username=username, nice=BROWSER_NICE) as s:
            try:
                _steps(s, url, username, idea, barrier, view_repeats)
            except Exception:
                if SHOTS is not None:
                    SHOTS.mkdir(parents=True, exist_ok=True)
                    s.page.screenshot(path=SHOTS / f"failed-{username}.png")
                raise
            out.append({"user": username, "steps": [(st.name, st.seconds, st.served, st.began, st.ended)
                                                    for st in s.steps]})
    except Exception as exc:  # noqa: BLE001 - reported by the round; the others must not wait for this one
        errors.append(f"{username}: {exc!r}")
        barrier.abort()


def _steps(s: browser.Session, url: str, username: str, idea: str, barrier: threading.Barrier,
           view_repeats: int) -> None:
    page = s.page
    page.set_default_timeout(WAIT_MS)  # Playwright's 30 s per click is too short for six browsers on two cores
    page.goto(url)
    page.get_by_role("textbox", name="Brukernavn").wait_for(timeout=WAIT_MS)
    page.get_by_role("textbox", name="Brukernavn").fill(username)
    page.get_by_role("textbox", name="Passord").fill(PASSWORD)
    s.settle()

    def timed(name, action, done):
        barrier.wait(timeout=WAIT_MS / 1000)
        s.step(name, action, done)

    timed("sign_in", lambda p: p.get_by_role("button", name="Logg inn").click(),
          lambda p: p.get_by_role("textbox", name="Beskriv prosjektidéen").wait_for(timeout=WAIT_MS))
    page.get_by_role("textbox", name="Beskriv prosjektidéen").fill(idea)
    s.settle()
    timed("match", lambda p: p.get_by_role("button", name="Finn partnere").click(),
          lambda p: p.get_by_role("tab", name="Organisasjoner (").wait_for(timeout=WAIT_MS))
    timed("network", lambda p: p.get_by_role("link", name="Nettverket").click(),
          lambda p: p.get_by_text("Nøkkeltall").first.wait_for(timeout=WAIT_MS))
    s.step("up to the year", lambda p: p.get_by_text("Til og med året", exact=True).click(),
           lambda p: p.get_by_text("Alt samarbeid til og med").first.wait_for(timeout=WAIT_MS))
    s.step("choose organisation", lambda p: choose_org(p, ORG))
    for _ in range(view_repeats):
        for name, label, caption in VIEW_STEPS:
            timed(name, lambda p, label=label: p.get_by_role("radio", name=label, exact=True).click(),
                  lambda p, caption=caption: p.get_by_text(caption).first.wait_for(timeout=WAIT_MS))


def run_round(url: str, work: Path, n: int, view_repeats: int, barrier: threading.Barrier | None = None) -> list[dict]:
    barrier, out, errors = barrier or threading.Barrier(n), [], []
    stamp = time.monotonic_ns()
    # A new text each round: the matcher keeps recent ideas' vectors, and an adviser's idea is new.
    ideas = [f"{IDEAS[i % len(IDEAS)]} (partners wanted, bench round {stamp % 100_000}-{i})" for i in range(n)]
    threads = [threading.Thread(target=one_session, args=(url, work / f"profile-{stamp}-{i}", f"bench-adviser-{i + 1}",
                                                          ideas[i], barrier, view_repeats, out, errors))
               for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise RuntimeError("a session failed: " + "; ".join(errors))
    return out


def serve(name: str, tree: Path, db: Path, work: Path, sessions: int, repeats: int, view_repeats: int,
          solo_repeats: int, log=print) -> list[dict]:
    """The rounds for one code tree: rows of (tree, sessions, round, user, step, seconds)."""
    rows = []
    commit = subprocess.run(["git", "-C", str(tree), "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip()
    dirty = subprocess.run(["git", "-C", str(tree), "status", "--porcelain", "--untracked-files=no"],
                           capture_output=True, text=True).stdout.strip()
    app_work = work / f"app-{name}-{time.monotonic_ns()}"
    app_work.mkdir()
    server_log = app_work / "server-timing.jsonl"
    with browser.App(db, app_work, repo=tree, server_log=server_log) as app:
        log(f"   {name}: {tree} at {commit}{' (with changes)' if dirty else ''}, pid {app.proc.pid}")
        started = time.perf_counter()
        run_round(app.url, app_work, 1, 1)  # warm
        log(f"   {name}: warm round {time.perf_counter() - started:.0f} s")
        # one session, then N, then one, ...: the rounds of each kind are spread over the time
        plan = [1] * solo_repeats
        for r in range(repeats):
            plan.insert(min(len(plan), 2 * r + 1), sessions)
        for r, n in enumerate(plan):
            started = time.perf_counter()
            try:
                results = run_round(app.url, app_work, n, view_repeats)
            except RuntimeError as exc:  # one stuck browser must not cost the other rounds: say so, go on
                log(f"   {name}: round {r + 1} of {len(plan)}, {n} session(s) FAILED and left out: {exc}")
                continue
            for result in results:
                for step, seconds, served, began, ended in result["steps"]:
                    if step in STEPS:
                        rows.append({"tree": name, "commit": commit, "sessions": n, "round": r,
                                     "user": result["user"], "step": step, "seconds": round(seconds, 3),
                                     "served": None if served is None else round(served, 3),
                                     "began": began, "ended": ended})
            log(f"   {name}: round {r + 1} of {len(plan)}, {n} session(s): {time.perf_counter() - started:.0f} s")
    add_server_times(rows, server_timing.runs(server_timing.read(server_log)))
    shutil.rmtree(app_work, ignore_errors=True)
    return rows


def add_server_times(rows: list[dict], runs: list[dict]) -> None:
    """Per step, what the server's own log says of the runs the step's browser asked for during it.

    ``on_server``: from the first run asked for until the last one's end was handled; ``running``: the
    runs' own time; ``cpu``: the CPU time of the runs' threads (a run that waits for the interpreter
    lock or the disk has ``running`` well above ``cpu``); ``messages``: what the runs sent the
    browser; ``queued``: from asked until started; ``loop``: from a run's end until the event loop
    handled it; ``between``: the rest of ``on_server``, the browser's time between two runs.
    """
    by_user: dict[str, list[dict]] = {}
    for run in runs:
        if run["user"] is not None:
            by_user.setdefault(run["user"], []).append(run)
    for row in rows:
        # a user name comes back each round: the runs of this row are the ones asked for in its window
        mine = [run for run in by_user.get(row["user"], []) if row["began"] <= run["asked"] <= row["ended"]]
        if not mine:
            continue
        on_server = max(run["handled"] for run in mine) - min(run["asked"] for run in mine)
        answered = sum(run["handled"] - run["asked"] for run in mine)
        row |= {"runs": len(mine), "on_server": round(on_server, 3),
                "running": round(sum(run["stopped"] - run["started"] for run in mine), 3),
                "cpu": round(sum(run["cpu"] for run in mine), 3), "messages": sum(run["messages"] for run in mine),
                "queued": round(sum(run["started"] - run["asked"] for run in mine), 3),
                "loop": round(sum(run["handled"] - run["stopped"] for run in mine), 3),
                "between": round(max(on_server - answered, 0.0), 3)}


def summarise(rows: list[dict], trees: list[str], sessions: int, measure: str = "seconds") -> str:
    """p50/p95 per step, tree and number of sessions of ``measure``: "seconds" (until drawn) or "served"."""
    table = []
    for step in STEPS:
        for tree in trees:
            cells = [step, tree]
            p50 = {}
            for n in (1, sessions):
                values = [r[measure] for r in rows if r["tree"] == tree and r["step"] == step and r["sessions"] == n
                          and r.get(measure) is not None]
                if not values:
                    cells += ["", "", ""]
                    continue
                p50[n] = statistics.median(values)
                cells += [len(values), f"{p50[n]:.2f}", f"{common.percentile(values, 95):.2f}"]
            cells.append(f"{p50[sessions] / p50[1]:.1f}x" if len(p50) == 2 and p50[1] else "")
            table.append(cells)
    headers = ["step", "tree", "n x1", "p50 x1 s", "p95 x1 s", f"n x{sessions}", f"p50 x{sessions} s",
               f"p95 x{sessions} s", f"x{sessions}/x1 p50"]
    return common.table(headers, table)


def print_tables(rows: list[dict], trees: list[str], sessions: int) -> None:
    print("   until the page is drawn and settled (seconds):")
    print(summarise(rows, trees, sessions))
    if any(r.get("served") is not None for r in rows):
        print("   served: from the browser's request to run until the server's run finished reached it (seconds):")
        print(summarise(rows, trees, sessions, "served"))
    if any(r.get("on_server") is not None for r in rows):
        print("   on the server, by its own clock: from the first run asked for until the last one's end (seconds):")
        print(summarise(rows, trees, sessions, "on_server"))
        print("   where the time on the server went, p50 per step (seconds):")
        print(breakdown(rows, trees, sessions))


def breakdown(rows: list[dict], trees: list[str], sessions: int) -> str:
    """p50 of the runs per step and the parts of ``on_server`` (see :func:`add_server_times`)."""
    parts = ["runs", "messages", "running", "cpu", "queued", "loop", "between"]
    table = []
    for step in STEPS:
        for tree in trees:
            for n in (1, sessions):
                mine = [r for r in rows if r["tree"] == tree and r["step"] == step and r["sessions"] == n
                        and r.get("on_server") is not None]
                if mine:
                    medians = [f"{statistics.median(r[part] for r in mine):.2f}" for part in parts]
                    table.append([step, tree, n, *medians])
    return common.table(["step", "tree", "sessions", *parts], table)


def main() -> None:
    global WAIT_MS, SHOTS, BROWSER_NICE
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tree", action="append", default=[], metavar="NAME=PATH",
                        help="a code tree to serve (repeatable; default: this one, as 'this')")
    parser.add_argument("--sessions", type=int, default=6)
    parser.add_argument("--repeats", type=int, default=2, help="rounds of 1 and of N sessions per tree and cycle")
    parser.add_argument("--solo-repeats", type=int, default=None,
                        help="rounds of one session per tree and cycle (default: --repeats)")
    parser.add_argument("--view-repeats", type=int, default=2, help="switches to each view per session and round")
    parser.add_argument("--cycles", type=int, default=1, help="serve the trees this often, alternating the order")
    parser.add_argument("--out", type=Path, default=None, help="write every timing here (JSON)")
    parser.add_argument("--wait", type=float, default=600, help="seconds any one step may take")
    parser.add_argument("--shots", type=Path, default=None, help="a failed session's page is pictured here")
    parser.add_argument("--browser-nice", type=int, default=BROWSER_NICE,
                        help="the browsers' niceness (default 19: they stand in for the advisers' own computers, "
                             "so they yield the cores to the server; 0 lets them compete with it)")
    parser.add_argument("--summarise", type=Path, nargs="+", default=None, metavar="JSON",
                        help="print the table of earlier runs' --out files together (runs nothing)")
    args = parser.parse_args()
    if args.summarise:
        saved = [json.loads(path.read_text()) for path in args.summarise]
        rows = [row for run in saved for row in run["rows"]]
        names = list(dict.fromkeys(row["tree"] for row in rows))
        print_tables(rows, names, saved[0]["sessions"])
        return
    WAIT_MS, SHOTS, BROWSER_NICE = args.wait * 1000, args.shots, args.browser_nice
    trees = [(t.split("=", 1)[0], Path(t.split("=", 1)[1]).resolve()) for t in args.tree] or [("this", common.REPO)]
    common.print_machine(f"{args.sessions} advisers at once in browsers (H2020), trees {[n for n, _ in trees]}")
    rows: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="samspill-sessions-") as tmp:
        work = Path(tmp)
        db = prepare_db(work, args.sessions)
        for cycle in range(args.cycles):
            for name, tree in (trees if cycle % 2 == 0 else trees[::-1]):
                rows += serve(name, tree, db, work, args.sessions, args.repeats, args.view_repeats,
                              args.solo_repeats if args.solo_repeats is not None else args.repeats)
    names = [n for n, _ in trees]
    print(f"   browsers at niceness {BROWSER_NICE}")
    print_tables(rows, names, args.sessions)
    print(f"   load average at the end {common.machine()['load']}")
    if args.out is not None:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps({"machine": common.machine(), "sessions": args.sessions,
                                        "browser_nice": BROWSER_NICE,
                                        "trees": {n: str(p) for n, p in trees}, "rows": rows}, indent=1))


if __name__ == "__main__":
    main()
