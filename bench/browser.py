"""Real browser sessions against a real app, for benchmarks: ``streamlit run`` on localhost and
Debian's Chromium driven through Playwright (never a downloaded browser).

Building blocks for bench scripts that time what a person waits for:

* :func:`h2020_db` -- the real H2020 set imported, indexed with the real model and given the demo
  accounts, built once into the bench cache (the first build embeds ~2,200 texts: minutes);
* :class:`App` -- the app serving one database on a free local port;
* :class:`Session` -- one signed-in browser session; :meth:`Session.step` runs one named action,
  waits until the app has settled and records its wall time, the bytes the server sent over the
  websocket meanwhile, and how long the server took to answer (:attr:`Step.served`).

A browser here stands in for an adviser's own computer, but runs on the server's cores. With
``Session(nice=19)`` the browser yields those cores to the server, so :attr:`Step.served` shows the
wait the server causes; :attr:`Step.seconds` still includes drawing the page on a shared machine.

Several sessions at once are several :class:`Session` objects, each in its own thread with its own
Playwright (Playwright's sync API is per thread); see bench/bench_network_views.py.
"""

from __future__ import annotations

import base64
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

REPO = common.REPO
CHROMIUM = os.environ.get("SAMSPILL_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def h2020_db(*, log=print) -> Path:
    """The real H2020 set as the app would hold it after ``samspill import`` and ``samspill index``.

    The projects' vectors are the real e5 vectors of bench/common.py's cache (embedded once, shared
    with the other benches), written with the content hashes ``samspill index`` computes; the index
    run that follows then finds them current and only records its state and the TF-IDF fit.
    """
    import numpy as np

    from data.accounts import ensure_demo_accounts
    from data.importers import import_path
    from data.store import PartnerStore, remove_database_files
    from matching.embedder import e5_embedder
    from matching.index import index_store
    from matching.profiles import content_hash, iter_profile_items

    folder = common.shared_data()
    embedder = e5_embedder()
    path = common.bench_cache() / f"h2020-app-{embedder.model_id.replace('/', '_')}.duckdb"
    if path.exists():
        return path
    tmp = path.with_suffix(".building")
    remove_database_files(tmp)
    log(f"   building {path.name} once: import, the real project vectors, demo accounts ...")
    start = time.perf_counter()
    with PartnerStore(tmp) as store:
        import_path(store, folder)
        real = common.real_project_vectors(store.projects(), embedder, log=log)
        items = [(i, t) for kind, i, t in iter_profile_items(store.organisations(), store.projects())
                 if kind == "project" and i in real]
        store.ensure_embedding_space(embedder.model_id, embedder.dim)
        ids = [i for i, _ in items]
        matrix = np.vstack([real[i] for i in ids]).astype(np.float32)
        store.replace_embeddings({"project": (ids, [content_hash(embedder.model_id, t) for _, t in items], matrix,
                                              ids)})
        report = index_store(store, embedder)  # anything else (profiles, passages) is embedded here
        ensure_demo_accounts(store)
    tmp.replace(path)
    remove_database_files(tmp, keep_database=True)
    log(f"   ... {time.perf_counter() - start:.0f} s ({report.embedded} texts embedded besides the cached ones)")
    return path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class App:
    """``streamlit run streamlit_app.py`` on a copy of ``db``, on 127.0.0.1 only.

    ``repo`` is the code tree to serve (default: this one); another checkout (``git worktree add``)
    lets a bench serve the code before and after a change in one run.
    """

    def __init__(self, db: Path, work: Path, *, env: dict[str, str] | None = None, repo: Path = REPO,
                 server_log: Path | None = None):
        self.work = work
        # bench/server_timing.py: the server logs when each script run was asked for, started and ended
        self.server_log = server_log
        self.repo = Path(repo)
        self.db = work / "app.duckdb"
        shutil.copy(db, self.db)
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = work / "streamlit.log"
        # PYTHONPATH: the venv's editable install points at this tree; the served tree must win.
        self.env = os.environ | {"SAMSPILL_DB": str(self.db), "PYTHONUNBUFFERED": "1",
                                 "PYTHONPATH": str(self.repo)} | (env or {})
        self.env.pop("SAMSPILL_MODEL", None)
        self.proc: subprocess.Popen | None = None

    def __enter__(self) -> App:
        with open(self.log, "w") as out:
            launcher = ["-m", "streamlit"] if self.server_log is None else [
                str(Path(__file__).with_name("server_timing.py")), str(self.server_log)]
            self.proc = subprocess.Popen(
                [sys.executable, *launcher, "run", str(self.repo / "streamlit_app.py"), "--server.port",
                 str(self.port), "--server.address", "127.0.0.1", "--server.headless", "true",
                 "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
                cwd=self.repo, env=self.env, stdout=out, stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"streamlit exited:\n{self.log.read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as response:
                    if response.read().strip() == b"ok":
                        return self
            except OSError:
                pass
            time.sleep(0.5)
        raise RuntimeError("streamlit did not start in 180 s")

    def __exit__(self, *exc) -> None:
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


@dataclass
class Step:
    name: str
    seconds: float  # from the action until the page is drawn and settled
    received: int  # bytes the server sent over the websocket during the step
    # From the browser's first request to run the script until the server's last "run finished"
    # reached it, by the browser's own clock for websocket frames: the server's part of the wait.
    served: float | None = None
    # time.monotonic() at the action and when the page had settled: laid beside the server's own log
    began: float = 0.0
    ended: float = 0.0


@dataclass
class Session:
    """One browser session (its own profile), signed in as ``username``."""

    url: str
    profile: Path
    username: str = "radgiver"
    locale: str = "nb-NO"
    viewport: tuple[int, int] = (1440, 1000)
    nice: int = 0  # the browser's niceness: 19 lets the server have the cores first
    steps: list[Step] = field(default_factory=list)

    def __enter__(self) -> Session:
        from playwright.sync_api import sync_playwright

        if not Path(CHROMIUM).exists():
            raise RuntimeError(f"Chromium not found at {CHROMIUM}: apt-get install chromium")
        self._pw = sync_playwright().start()
        self.context = self._pw.chromium.launch_persistent_context(
            str(self.profile), executable_path=self._executable(), headless=True, args=CHROMIUM_ARGS,
            viewport={"width": self.viewport[0], "height": self.viewport[1]}, locale=self.locale)
        self.page = self.context.pages[0] if self.context.pages else self.context.new_page()
        self._received = 0
        self.page.on("websocket", self._watch)
        self._frames: list[tuple[float, str]] = []  # (browser's timestamp, "rerun" or "finished")
        self._cdp = self.context.new_cdp_session(self.page)
        self._cdp.on("Network.webSocketFrameSent", lambda e: self._frame(e, "sent"))
        self._cdp.on("Network.webSocketFrameReceived", lambda e: self._frame(e, "received"))
        self._cdp.send("Network.enable")
        return self

    def _executable(self) -> str:
        if not self.nice:
            return CHROMIUM
        # Every process Chromium starts inherits the niceness of the first. Playwright starts the browser
        # in a session of its own, and Linux's autogroup scheduling shares the cores between sessions
        # before niceness counts: so the session's group is made nice too (/proc/self/autogroup), or
        # each browser would get as much of the cores as the whole server.
        wrapper = self.profile.parent / f"chromium-nice-{self.nice}-group.sh"
        if not wrapper.exists():
            wrapper.parent.mkdir(parents=True, exist_ok=True)
            wrapper.write_text(f'#!/bin/sh\necho {int(self.nice)} > /proc/self/autogroup 2>/dev/null\n'
                               f'exec nice -n {int(self.nice)} "{CHROMIUM}" "$@"\n')
            wrapper.chmod(0o755)
        return str(wrapper)

    def _frame(self, event: dict, direction: str) -> None:
        """Note the browser's time of each script run asked for and each run the server finished."""
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        response = event.get("response", {})
        payload = response.get("payloadData", "")
        if response.get("opcode") != 2 or len(payload) > 4096:  # the two messages wanted are small
            return
        try:
            data = base64.b64decode(payload)
            if direction == "sent" and BackMsg.FromString(data).WhichOneof("type") == "rerun_script":
                self._frames.append((event["timestamp"], "rerun"))
            elif direction == "received" and ForwardMsg.FromString(data).WhichOneof("type") == "script_finished":
                self._frames.append((event["timestamp"], "finished"))
        except Exception:  # noqa: BLE001 - a frame that is not one of these is not ours to judge
            return

    def _watch(self, ws) -> None:
        def count(payload):
            self._received += len(payload) if payload is not None else 0

        ws.on("framereceived", count)

    def __exit__(self, *exc) -> None:
        self.context.close()
        self._pw.stop()

    def sign_in(self, password: str) -> None:
        page = self.page
        page.goto(self.url)
        page.get_by_role("textbox", name="Brukernavn").wait_for(timeout=120_000)
        page.get_by_role("textbox", name="Brukernavn").fill(self.username)
        page.get_by_role("textbox", name="Passord").fill(password)
        page.get_by_role("button", name="Logg inn").click()
        page.get_by_text("Logget inn som").wait_for(timeout=120_000)
        self.settle()

    def settle(self, timeout: float = 600_000) -> None:
        """Wait until Streamlit has finished its run: no 'running' widget and no stale elements left."""
        page = self.page
        try:  # the run indicator may take a moment to show up, or be gone already
            page.locator('[data-testid="stStatusWidget"]').wait_for(state="attached", timeout=300)
        except Exception:  # noqa: BLE001 - Playwright's TimeoutError: the run was quicker than that
            pass
        page.locator('[data-testid="stStatusWidget"]').wait_for(state="detached", timeout=timeout)
        page.wait_for_function("() => !document.querySelector('[data-stale=\"true\"]')", timeout=timeout)

    def step(self, name: str, action: Callable, done: Callable | None = None) -> Step:
        """Run ``action(page)``, wait for ``done(page)`` (default: the app settles); record the step."""
        self._received = 0
        first = len(self._frames)
        start, began = time.perf_counter(), time.monotonic()
        action(self.page)
        if done is not None:
            done(self.page)
        self.settle()
        step = Step(name, time.perf_counter() - start, self._received, began=began, ended=time.monotonic())
        self._cdp.send("Runtime.evaluate", {"expression": "0"})  # a round trip: every earlier event is in
        frames = self._frames[first:]
        asked = next((ts for ts, kind in frames if kind == "rerun"), None)
        finished = [ts for ts, kind in frames if kind == "finished" and asked is not None and ts >= asked]
        if finished:
            step.served = finished[-1] - asked
        self.steps.append(step)
        return step

    def shot(self, path: Path, *, full: bool = True) -> None:
        """A screenshot of the whole app (Streamlit scrolls inside its own container: grow the window)."""
        page = self.page
        if full:
            height = page.evaluate("() => Math.max(...[...document.querySelectorAll("
                                   "'[data-testid=\"stMain\"], section.main, body')].map(e => e.scrollHeight))")
            page.set_viewport_size({"width": self.viewport[0], "height": min(max(int(height) + 40, 1000), 6000)})
            page.wait_for_timeout(400)
        path.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=path, full_page=full)
        page.set_viewport_size({"width": self.viewport[0], "height": self.viewport[1]})
