"""The network page in a real browser: each view's wait, warm, for one session (and its bytes).

Serves a real database with ``streamlit run`` and drives Debian's Chromium (bench/browser.py): sign
in as the demo adviser, open the network page (the first visit measures the year once: cold), turn
on "up to the year" (the network as it stands; measured once more: cold), then switch between the
views -- members and partners, communities, one organisation -- ``--repeats`` times and time each
switch from the click until the app has settled. "Warm" means the year's network is measured and
kept (graph.view.year_network, cached per year and data revision); every switch still reruns the
page and cuts the view. Also the bytes the server sent over the websocket per switch.

    .venv/bin/python bench/bench_network_views.py                      # the real H2020 set (5,470 orgs)
    .venv/bin/python bench/bench_network_views.py --data sample        # the bundled sample cluster
    .venv/bin/python bench/bench_network_views.py --shots docs/img     # and a picture of each view

Extending it: a measured action is ``session.step(name, action, done)``; :data:`VIEW_STEPS` lists
this bench's, and ``--sessions N`` runs N sessions at once, one thread each (e.g. for sign-in or a
match, add their steps to a list like VIEW_STEPS).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import browser  # noqa: E402
import common  # noqa: E402

#: (step name, the view's button, text its caption starts with)
VIEW_STEPS = [
    ("members", "Medlemmer og partnere", "Alt samarbeid til og med"),
    ("communities", "Miljøer", "Hvert miljø er én sirkel"),
    ("organisation", "Én aktør", "Den valgte aktøren i midten"),
]
DEFAULT_ORG = {"h2020": "STIFTELSEN SINTEF", "sample": "SINTEF"}


def _view(label: str, caption: str):
    def action(page):
        page.get_by_role("radio", name=label, exact=True).click()

    def done(page):
        page.get_by_text(caption).first.wait_for(timeout=600_000)

    return action, done


def choose_org(page, name: str) -> None:
    box = page.get_by_label("Vis samarbeidet til")
    box.click()
    page.keyboard.type(name)
    page.get_by_role("option", name=name, exact=True).first.click()


def run_session(url: str, work: Path, org: str, repeats: int, shots: Path | None, tag: str, out: list) -> None:
    from data.accounts import DEMO_PASSWORD

    with browser.Session(url, work / f"profile-{threading.get_ident()}") as session:
        session.sign_in(DEMO_PASSWORD)
        page = session.page
        cold = session.step("open network page (cold)", lambda p: p.get_by_role("link", name="Nettverket").click(),
                            lambda p: p.get_by_text("Nøkkeltall").first.wait_for(timeout=900_000))
        # Everything up to the year: the network as it stands (cold again: another window is measured).
        session.step("up to the year (cold)", lambda p: p.get_by_text("Til og med året", exact=True).click(),
                     lambda p: p.get_by_text("Alt samarbeid til og med").first.wait_for(timeout=900_000))
        session.step("choose organisation", lambda p: choose_org(p, org))
        for name, label, caption in VIEW_STEPS:  # the first visit of each view: warms the pictures' caches
            session.step(f"{name} (first)", *_view(label, caption))
            if shots is not None:
                page.wait_for_timeout(500)
                chart = page.locator('[data-testid="stVegaLiteChart"]').first
                chart.screenshot(path=shots / f"network-{tag}-{name}.png")
        for _ in range(repeats):
            for name, label, caption in VIEW_STEPS:
                session.step(name, *_view(label, caption))
        out.append((cold, session.steps))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", choices=("h2020", "sample"), default="h2020")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--sessions", type=int, default=1)
    parser.add_argument("--org", default=None, help="the organisation of the organisation view")
    parser.add_argument("--shots", type=Path, default=None, help="save a picture of each view here")
    args = parser.parse_args()
    common.print_machine(f"network views in a browser ({args.data}, {args.sessions} session(s))")
    db = browser.h2020_db() if args.data == "h2020" else common.sample_db()
    org = args.org or DEFAULT_ORG[args.data]
    env = {"SAMSPILL_CLUSTER": str(common.REPO / "data" / "sample" / "cluster.toml")} if args.data == "sample" else {}
    if args.shots is not None:
        args.shots.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="samspill-bench-") as tmp, browser.App(db, Path(tmp), env=env) as app:
        results: list = []
        threads = [threading.Thread(target=run_session, args=(app.url, Path(tmp), org, args.repeats,
                                                              args.shots if i == 0 else None, args.data, results))
                   for i in range(args.sessions)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    if len(results) != args.sessions:
        sys.exit("a session failed (see above)")
    rows = []
    names = [n for n, _, _ in VIEW_STEPS]
    first = ["open network page (cold)", "up to the year (cold)", "choose organisation"]
    for name in first + [f"{n} (first)" for n in names] + names:
        steps = [s for _, session_steps in results for s in session_steps if s.name == name]
        seconds = [s.seconds for s in steps]
        rows.append([name, len(steps), f"{statistics.median(seconds):.2f}", f"{common.percentile(seconds, 95):.2f}",
                     f"{statistics.median(s.received for s in steps) / 1000:,.0f}"])
    print(common.table(["step", "n", "p50 s", "p95 s", "kB sent"], rows))


if __name__ == "__main__":
    main()
