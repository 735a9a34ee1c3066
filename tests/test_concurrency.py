"""Many users at once: nothing acknowledged is lost, nothing is stored twice.

Threads: one :class:`PartnerStore` and one :class:`Matcher` shared by 18 threads, as
Streamlit shares them between sessions: companies submit ideas (and retry some with the
same request key), advisers edit profiles and re-index through ``Matcher.refresh``, give
feedback, update ideas and match, and a company keeps reading its idea list, for a bounded
time. Afterwards every acknowledged write is there exactly once, the vectors agree with
the profiles and ``samspill check`` passes. A long run uses the hashing fake embedder (so
the threads, not the model, are the bottleneck); a short one the real model.

Processes: DuckDB lets one process hold a file. Several worker processes share a file by
holding it briefly (open, write, close), waiting with backoff while another holds it; the
same accounting applies. And a second app process on a file the first holds shows a clear
message instead of a traceback, and recovers once the file is free.

Durations: ``SAMSPILL_STRESS_SECONDS`` (default 20) scales the runs; the figures of each run
go to ``tests/artifacts/reliability.json`` (see docs/reliability.md).
"""

from __future__ import annotations

import collections
import json
import os
import random
import shutil
import subprocess
import sys
import threading
import time
import traceback
from dataclasses import dataclass, field, replace
from pathlib import Path

import pytest
from click.testing import CliRunner
from reliability_support import ADVISER, COMPANY_A, COMPANY_B, WORKER, build_db, record_figures

from data.models import Viewer
from data.store import PartnerStore
from matching.index import stale_items
from matching.matcher import Matcher
from matching.testing import HashingEmbedder
from samspill_cli import main

STRESS_SECONDS = float(os.environ.get("SAMSPILL_STRESS_SECONDS", "20"))

IDEAS = [
    "Hydrogen og brenselceller på fôrflåter i havbruket",
    "Autonomous electric ferries with shore charging in the fjords",
    "Sensorer for fiskevelferd i merder med maskinlæring",
    "Recycling of aluminium from offshore structures",
    "Batteries for work boats and feed barges",
]


@dataclass
class Ledger:
    """What the threads were told succeeded (acknowledged), and what went wrong."""

    ideas: dict[str, int] = field(default_factory=dict)  # request key -> idea id
    retries: int = 0
    feedback: dict[int, tuple[str, str, str]] = field(default_factory=dict)  # id -> (org, verdict, given_by)
    profiles: dict[str, str] = field(default_factory=dict)  # org id -> last acknowledged description
    notes: dict[int, str] = field(default_factory=dict)  # idea id -> last acknowledged notes
    matches: int = 0
    refreshes: int = 0
    reads: int = 0
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def run_threads(store: PartnerStore, matcher: Matcher, seconds: float, *, seed: int = 7) -> Ledger:
    """18 threads of users against one store and matcher for ``seconds``; returns the ledger."""
    ledger = Ledger()
    deadline = time.monotonic() + seconds
    orgs = [o.org_id for o in store.organisations()]
    editable = [o for o in orgs if o not in (COMPANY_A[2], COMPANY_B[2])]
    company_a = Viewer(COMPANY_A[0], "company", COMPANY_A[2])

    def submitter(n: int, rng: random.Random) -> None:
        mine: list[tuple[str, tuple]] = []
        i = 0
        while time.monotonic() < deadline:
            if mine and rng.random() < 0.15:  # a retried request (double click, reconnect): same key, same sender
                key, sender = rng.choice(mine)
                idea = store.add_idea(title="retry", text="retry", submitted_by=sender[0], request_key=key)
                with ledger.lock:
                    ledger.retries += 1
                assert idea.idea_id == ledger.ideas[key], f"retry of {key} gave idea {idea.idea_id}"
                continue
            key = f"t{n}-{i}"
            who = COMPANY_A if n % 2 else COMPANY_B
            idea = store.add_idea(
                title=f"Idé {key}", text=f"{rng.choice(IDEAS)} ({key})", submitted_by=who[0], org_id=who[2],
                wanted_kinds=["research"], request_key=key,
            )
            with ledger.lock:
                ledger.ideas[key] = idea.idea_id
            mine.append((key, who))
            i += 1

    def editor(n: int, rng: random.Random) -> None:
        own = editable[n::3][:6]  # disjoint per editor, so "last acknowledged" is well defined
        i = 0
        while time.monotonic() < deadline:
            org = store.organisation(rng.choice(own))
            text = f"Redigert av tråd {n} gang {i}: {rng.choice(IDEAS)}. Kompetanse på {rng.choice(IDEAS).lower()}."
            store.update_organisation(replace(org, description=text))
            with ledger.lock:
                ledger.profiles[org.org_id] = text
            matcher.refresh()
            with ledger.lock:
                ledger.refreshes += 1
            i += 1

    def feedback_giver(n: int, rng: random.Random) -> None:
        while time.monotonic() < deadline:
            org, verdict = rng.choice(orgs), rng.choice(("useful", "not_useful", "contacted"))
            fb = store.add_feedback(org_id=org, verdict=verdict, given_by=f"adviser{n}", query=rng.choice(IDEAS))
            with ledger.lock:
                ledger.feedback[fb.feedback_id] = (org, verdict, f"adviser{n}")

    def matcher_user(n: int, rng: random.Random) -> None:
        while time.monotonic() < deadline:
            result = matcher.match(rng.choice(IDEAS), top=5, as_org=rng.choice((None, *orgs[:5])))
            assert result.organisations, "a match without results"
            with ledger.lock:
                ledger.matches += 1

    def idea_updater(n: int, rng: random.Random) -> None:
        i = 0
        while time.monotonic() < deadline:
            with ledger.lock:
                known = list(ledger.ideas.values())
            if not known:
                time.sleep(0.01)
                continue
            idea_id = rng.choice(known)
            notes = f"notat {n}-{i}"
            store.update_idea(idea_id, status=rng.choice(("new", "in_progress", "matched")), notes=notes)
            with ledger.lock:
                ledger.notes[idea_id] = notes
            i += 1

    def company_reader(n: int, rng: random.Random) -> None:
        while time.monotonic() < deadline:
            seen = store.ideas(company_a)
            leaked = [i.idea_id for i in seen if i.submitted_by != COMPANY_A[0] and i.org_id != COMPANY_A[2]]
            assert not leaked, f"company A read other ideas {leaked}"
            with ledger.lock:
                ledger.reads += 1

    roles = [submitter] * 5 + [editor] * 3 + [feedback_giver] * 3 + [matcher_user] * 4 + [idea_updater, company_reader]
    roles += [feedback_giver]  # 18 threads

    def guarded(fn, n: int) -> None:
        rng = random.Random(seed * 1000 + n)
        try:
            fn(n if fn is not editor else sum(1 for r in roles[:n] if r is editor), rng)
        except Exception:  # noqa: BLE001 - every failure is reported by the test
            with ledger.lock:
                ledger.errors.append(f"{fn.__name__}[{n}]: {traceback.format_exc()}")

    threads = [threading.Thread(target=guarded, args=(fn, n), name=f"{fn.__name__}-{n}") for n, fn in enumerate(roles)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=seconds + 120)
        assert not t.is_alive(), f"{t.name} did not finish"
    return ledger


def verify(store: PartnerStore, ledger: Ledger) -> dict:
    """Every acknowledged write present exactly once; vectors current; integrity holds."""
    assert not ledger.errors, "\n".join(ledger.errors[:3])
    ideas = store.ideas(Viewer(ADVISER[0], "adviser"))
    by_id = {i.idea_id: i for i in ideas}
    assert len(by_id) == len(ideas)
    titles = collections.Counter(i.title for i in ideas)
    for key, idea_id in ledger.ideas.items():
        assert titles[f"Idé {key}"] == 1, f"idea {key} stored {titles[f'Idé {key}']} times"
        assert by_id[idea_id].title == f"Idé {key}"
    assert len(ideas) == len(ledger.ideas), "ideas stored that no one was told about"
    for idea_id, notes in ledger.notes.items():
        assert by_id[idea_id].notes == notes
    feedback = {f.feedback_id: f for f in store.feedback()}
    assert len(feedback) == len(ledger.feedback)
    for fid, (org, verdict, given_by) in ledger.feedback.items():
        f = feedback[fid]
        assert (f.org_id, f.verdict, f.given_by) == (org, verdict, given_by)
    for org_id, text in ledger.profiles.items():
        assert store.organisation(org_id).description == text
    assert stale_items(store) == [], "vectors disagree with the profiles"
    assert store.integrity_problems() == []
    return {
        "ideas_acknowledged": len(ledger.ideas),
        "ideas_found_once": sum(1 for k in ledger.ideas if titles[f"Idé {k}"] == 1),
        "retried_submissions": ledger.retries,
        "feedback_acknowledged": len(ledger.feedback),
        "profile_edits_final": len(ledger.profiles),
        "idea_updates_final": len(ledger.notes),
        "refreshes": ledger.refreshes,
        "matches": ledger.matches,
        "company_reads": ledger.reads,
    }


def test_threads_share_one_store_and_lose_nothing(tmp_path):
    db = build_db(tmp_path / "threads.duckdb")
    started = time.perf_counter()
    with PartnerStore(db) as store:
        matcher = Matcher(store, HashingEmbedder(), lang="en")
        ledger = run_threads(store, matcher, STRESS_SECONDS)
        figures = verify(store, ledger)
    assert CliRunner().invoke(main, ["--db", str(db), "check"]).exit_code == 0
    # Every kind of user got work done (throughput itself depends on the machine).
    assert figures["ideas_acknowledged"] > 10 and figures["feedback_acknowledged"] > 10
    assert figures["refreshes"] >= 3 and figures["matches"] >= 10 and figures["retried_submissions"] >= 1
    record_figures("threads_fake_embedder", {"threads": 18, "seconds": STRESS_SECONDS, **figures,
                                             "wall_seconds": round(time.perf_counter() - started, 1)})


def test_threads_with_the_real_model(tmp_path, sample_db_file, real_embedder):
    db = tmp_path / "threads-e5.duckdb"
    shutil.copy(sample_db_file, db)
    started = time.perf_counter()
    with PartnerStore(db) as store:
        matcher = Matcher(store, real_embedder, lang="nb")
        ledger = run_threads(store, matcher, max(STRESS_SECONDS / 3, 5), seed=11)
        figures = verify(store, ledger)
    assert figures["ideas_acknowledged"] > 5 and figures["refreshes"] >= 2 and figures["matches"] >= 2
    record_figures("threads_real_model", {"threads": 18, "seconds": max(STRESS_SECONDS / 3, 5), **figures,
                                          "wall_seconds": round(time.perf_counter() - started, 1)})


# -- several processes ---------------------------------------------------------------------------


def test_processes_take_turns_and_lose_nothing(tmp_path):
    """Four processes write to one file for a bounded time, each holding it only per write."""
    db = build_db(tmp_path / "procs.duckdb")
    seconds = max(STRESS_SECONDS * 0.6, 6)
    own_orgs = ["sintef", "ntnu", "nord-universitet", "proneo"]
    with PartnerStore(db) as store:
        assert all(store.has_organisation(o) for o in own_orgs)
    workers = [
        subprocess.Popen(
            [sys.executable, str(WORKER), "writer", str(db), f"p{n}", str(seconds), "60", own_orgs[n]],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for n in range(4)
    ]
    outputs = []
    for w in workers:
        out, err = w.communicate(timeout=seconds + 180)
        assert w.returncode == 0, err[-2000:]
        outputs.append(out)

    acks = collections.defaultdict(list)
    stats = []
    for out in outputs:
        for line in out.splitlines():
            if line.startswith("ack "):
                _, kind, key = line.split(" ", 2)
                acks[kind].append(key)
            elif line.startswith("stats "):
                stats.append(json.loads(line[6:]))
    with PartnerStore(db) as store:
        ideas = collections.Counter(i.title for i in store.ideas(Viewer(ADVISER[0], "adviser")))
        for key in acks["idea"]:
            assert ideas[f"Idé {key}"] == 1, key
        assert sum(ideas.values()) == len(acks["idea"])
        feedback = {str(f.feedback_id): f for f in store.feedback()}
        assert sorted(feedback) == sorted(acks["feedback"])
        for fid in acks["feedback"]:
            assert feedback[fid].given_by == feedback[fid].query  # the worker's key, both fields
        for n, org_id in enumerate(own_orgs):
            last = [k for k in acks["profile"] if k.startswith(f"p{n}-")]
            if last:
                assert store.organisation(org_id).description.endswith(f" | {max(last, key=_seq)}")
        assert store.integrity_problems() == []
    writes = sum(len(v) for v in acks.values())
    assert sum(s["busy"] for s in stats) == 0, stats  # with a 60 s wait nobody gave up
    # Turns are not strictly fair (waiters poll), but on a loaded machine too every process gets some.
    assert sum(1 for s in stats if s["writes"] > 0) >= 3 and writes >= 12, stats
    record_figures("processes", {
        "processes": 4, "seconds": seconds, "writes_acknowledged": writes, "writes_found": writes,
        "per_process": [s["writes"] for s in stats], "waited_seconds": [s["waited"] for s in stats],
        "writes_per_second": round(writes / seconds, 1),
    })


def _seq(key: str) -> int:
    return int(key.rsplit("-", 1)[1])


def test_a_process_that_cannot_wait_gets_store_busy(tmp_path):
    from data.store import StoreBusy

    db = build_db(tmp_path / "held.duckdb", index=False, accounts=False)
    holder = _hold(db)
    try:
        started = time.monotonic()
        with pytest.raises(StoreBusy, match="in use by another process after waiting 0.5 s"):
            PartnerStore(db, wait=0.5)
        assert time.monotonic() - started >= 0.5  # it did wait before giving up
        result = CliRunner().invoke(main, ["--db", str(db), "--wait", "0", "stats"])
        assert result.exit_code == 1 and "in use by another process" in result.output
    finally:
        _release(holder)
    with PartnerStore(db, wait=0.5) as store:  # free again
        assert store.counts()["organisations"] == 89


def _lock_file_is_free(db: Path, *, shared: bool) -> bool:
    """Whether another process could take ``<db>.lock`` now (exclusively, or shared)."""
    mode = "fcntl.LOCK_SH" if shared else "fcntl.LOCK_EX"
    code = (
        "import fcntl, sys\n"
        "f = open(sys.argv[1], 'ab')\n"
        f"try:\n    fcntl.flock(f, {mode} | fcntl.LOCK_NB)\nexcept BlockingIOError:\n    sys.exit(1)\n"
    )
    return subprocess.run([sys.executable, "-c", code, f"{db}.lock"], timeout=60).returncode == 0


@pytest.mark.skipif(sys.platform == "win32", reason="the process lock uses fcntl")
def test_the_process_lock_spans_the_whole_life_of_a_store(tmp_path):
    """Held from before DuckDB opens the file until after it closed it (docs/reliability.md:
    DuckDB's own lock ends while its close still works on the WAL)."""
    db = build_db(tmp_path / "lock.duckdb", index=False, accounts=False)
    assert _lock_file_is_free(db, shared=False)
    store = PartnerStore(db)
    assert not _lock_file_is_free(db, shared=False)
    assert not _lock_file_is_free(db, shared=True)  # DuckDB lets no reader in beside a writer either
    store.close()
    assert _lock_file_is_free(db, shared=False)
    with PartnerStore(db, read_only=True) as reader:
        assert reader.counts()["organisations"] == 89
        assert _lock_file_is_free(db, shared=True)  # readers share
        assert not _lock_file_is_free(db, shared=False)
    assert _lock_file_is_free(db, shared=False)


def _hold(db: Path) -> subprocess.Popen:
    """Another process holding ``db`` open for writing (like a running app) until released."""
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys; sys.path.insert(0, sys.argv[2]); from data.store import PartnerStore; "
         "s = PartnerStore(sys.argv[1]); print('held', flush=True); sys.stdin.read(); s.close()",
         str(db), str(WORKER.parents[1])],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    assert holder.stdout.readline().strip() == "held"
    return holder


def _release(holder: subprocess.Popen) -> None:
    holder.stdin.close()
    holder.wait(timeout=60)


@pytest.mark.skipif(sys.platform == "win32", reason="the process lock uses fcntl")
def test_a_brief_store_lets_other_processes_in_between_its_operations(tmp_path):
    """The app's way of holding the file: only while an operation (or a held() block) runs. Another
    process writes between two operations, and the brief store sees that write in the next one."""
    db = build_db(tmp_path / "brief.duckdb", index=False)
    with PartnerStore(db, brief=True) as app:
        assert app.counts()["ideas"] == 0
        _wait_until_free(db)  # let go of once idle
        assert not app.is_open
        result = CliRunner().invoke(main, ["--db", str(db), "--wait", "0", "account", "add", "kari", "--role",
                                           "adviser", "--password-stdin"], input="long-enough-password\n")
        assert result.exit_code == 0, result.output  # no wait needed: nobody holds the file
        writer = subprocess.run(
            [sys.executable, str(WORKER), "one-idea", str(db), "Skrevet ved siden av appen", "0"],
            capture_output=True, text=True, timeout=120,
        )
        assert writer.returncode == 0 and writer.stdout.split()[-2] == "ack", writer.stderr
        assert app.counts()["ideas"] == 1 and app.account("kari") is not None  # seen at once

        revision = app.revision()
        with app.held():  # several operations that must see one state keep the file between them
            app.organisations()
            assert not _lock_file_is_free(db, shared=True)
            app.projects()
        _wait_until_free(db)
        with PartnerStore(db, wait=5) as command:
            command.update_organisation(replace(command.organisation("sintef"), description="Endret av en kommando."))
        assert app.revision() == revision + 1  # how the app notices that the register changed


def _wait_until_free(db: Path, timeout: float = 60) -> None:
    """Until no process holds ``<db>.lock`` (a brief store lets go after IDLE_SECONDS)."""
    deadline = time.monotonic() + timeout
    while not _lock_file_is_free(db, shared=False):
        assert time.monotonic() < deadline, "the brief store never let go of the file"
        time.sleep(0.1)


def test_second_app_process_on_the_same_file_says_so_and_recovers(tmp_path, monkeypatch):
    """Measured: what the app shows when another process (another app) holds its database."""
    from streamlit.testing.v1 import AppTest

    db = build_db(tmp_path / "app.duckdb", index=False)
    monkeypatch.setenv("SAMSPILL_DB", str(db))
    monkeypatch.setenv("SAMSPILL_WAIT", "0.5")
    app = str(Path(__file__).resolve().parents[1] / "streamlit_app.py")
    holder = _hold(db)
    try:
        at = AppTest.from_file(app, default_timeout=120).run()
        assert not at.exception, [e.value for e in at.exception]
        shown = " ".join(e.value for e in at.error)
        assert "in use by another process" in shown
    finally:
        _release(holder)
    at.run()  # the next page load opens the file, now free
    assert not at.exception and not at.error
    assert at.text_input(key="signin_username") is not None


def test_overlapping_index_runs_never_leave_an_older_vector_last(tmp_path):
    """Two index runs over one store (the app's matchers for two languages may overlap): the
    second sees a newer profile text; the first, slower one must not write its older vector last."""
    db = build_db(tmp_path / "overlap.duckdb")
    first_embedding, release = threading.Event(), threading.Event()

    class Slow(HashingEmbedder):
        def embed_passages(self, texts):
            if any("versjon 1" in t for t in texts):
                first_embedding.set()
                assert release.wait(30)
            return super().embed_passages(texts)

    from matching.index import index_store

    with PartnerStore(db) as store:
        org = store.organisation("sintef")
        store.update_organisation(replace(org, description="SINTEF versjon 1: hydrogen og havbruk."))
        slow = threading.Thread(target=index_store, args=(store, Slow()))
        slow.start()
        assert first_embedding.wait(30)
        store.update_organisation(replace(org, description="SINTEF versjon 2: batterier og landstrøm."))
        fast = threading.Thread(target=index_store, args=(store, HashingEmbedder()))
        fast.start()
        fast.join(timeout=2)  # with one index run at a time per store it waits for the slow one
        release.set()
        slow.join(timeout=60)
        fast.join(timeout=60)
        assert stale_items(store) == []
