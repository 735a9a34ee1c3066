"""Shared pieces of the reliability tests: database snapshots, a seeded database, subprocess workers.

Not a test module (pytest does not collect it); the reliability tests import it as
``reliability_support``. Run as a script it is the worker that the crash-safety and
multi-process tests start and kill::

    python tests/reliability_support.py <worker> <db> [args...]

Every worker prints ``ready`` once its imports (and model) are loaded and it is about to
start the operation, then one line per acknowledged write (``ack <kind> <key>``), flushed
at once, so the parent knows exactly which writes were acknowledged before a kill.

Starting Python and importing the matcher (scikit-learn, SciPy) takes seconds on a busy
2-core machine, more than the operations being killed. So the crash tests start one
*zygote* (``python tests/reliability_support.py zygote``) that imports everything once,
opens no database, and forks a fresh child per round; the child is a whole process of
its own, with its own DuckDB instance, and it is the child that gets SIGKILL. For the
real-model rounds a second zygote also imports torch and sentence-transformers; each child
builds the model itself after the fork (torch's thread pools must not cross a fork).
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"
WORKER = Path(__file__).resolve()

if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

ADVISER = ("radgiver", "adviser", None)
COMPANY_A = ("bedrift-a", "company", "innherred-hydrogen")
COMPANY_B = ("bedrift-b", "company", "titran-laks")
PASSWORD = "reliability-test-password"


FIGURES = Path(__file__).resolve().parent / "artifacts" / "reliability.json"


def record_figures(name: str, figures: dict) -> None:
    """Keep the measured figures of a run (tests/artifacts is not committed)."""
    FIGURES.parent.mkdir(exist_ok=True)
    data = json.loads(FIGURES.read_text()) if FIGURES.exists() else {}
    data[name] = figures
    FIGURES.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")


# -- snapshots -------------------------------------------------------------------------------------


def snapshot(path: str | Path) -> dict[str, list[tuple]]:
    """Every row of every table of a closed database file, sorted: equal snapshots, equal contents.

    Opens the file read-only and directly (not through the store), so it sees tables the store
    does not know about too. The database must not be open in this process.
    """
    import duckdb

    conn = duckdb.connect(str(path), read_only=True)
    try:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' ORDER BY table_name"
            ).fetchall()
        ]
        out = {}
        for table in tables:
            # applied_at / created_at are part of the content: a rewrite would change them.
            out[table] = conn.execute(f'SELECT * FROM "{table}" ORDER BY ALL').fetchall()
        # The value each sequence hands out next (a restored one starts there, never used yet).
        out["(sequences)"] = conn.execute(
            "SELECT sequence_name, coalesce(last_value + increment_by, start_value) FROM duckdb_sequences()"
            " ORDER BY ALL"
        ).fetchall()
        return out
    finally:
        conn.close()


def store_snapshot(store) -> dict[str, list]:
    """The same idea through the store's public reads, for a store that stays open."""
    from data.models import Viewer

    return {
        "organisations": store.organisations(),
        "projects": store.projects(),
        "participations": store.participations(),
        "ideas": store.ideas(Viewer("snapshot", "adviser")),
        "feedback": store.feedback(),
        "accounts": [store.account(u) for u in (ADVISER[0], COMPANY_A[0], COMPANY_B[0])],
        "embedding_space": store.embedding_space(),
        "embeddings": {t: store.embedding_hashes(t) for t in ("passage", "project")},
    }


# -- a seeded database -----------------------------------------------------------------------------


def build_db(path: str | Path, *, index: bool = True, accounts: bool = True) -> Path:
    """The sample cluster, three accounts and (optionally) vectors of the hashing fake embedder."""
    from data.accounts import create_account
    from data.importers import import_path
    from data.store import PartnerStore
    from matching.index import index_store
    from matching.testing import HashingEmbedder

    path = Path(path)
    with PartnerStore(path) as store:
        import_path(store, SAMPLE)
        if accounts:
            for username, role, org_id in (ADVISER, COMPANY_A, COMPANY_B):
                create_account(store, username, PASSWORD, role, org_id)
        if index:
            index_store(store, HashingEmbedder())
    return path


def write_bulk_set(folder: Path, n: int, *, prefix: str = "bulk") -> Path:
    """An interchange folder with ``n`` new organisations, ``n // 2`` projects and ``n``
    participations, all new: an import adds exactly those rows or nothing."""
    import csv

    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "organisations.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["org_id", "name", "kind", "country", "region", "org_number", "description", "competences"])
        for i in range(n):
            w.writerow(
                [
                    f"{prefix}-{i:06d}", f"{prefix.title()} {i} AS", "company", "NO", "Trøndelag", "",
                    f"{prefix} organisation {i} makes sensors for aquaculture and hydrogen ferries. "
                    f"It has worked on batch {i % 17} of the cluster's pilots.",
                    "sensorer; havbruk",
                ]
            )
    with open(folder / "projects.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["project_id", "title", "summary", "start_year", "programme"])
        for j in range(n // 2):
            w.writerow([f"{prefix}-p{j:06d}", f"Pilot {j} of {prefix}", f"Sensors in pilot {j}.", 2020 + j % 6, "RIA"])
    with open(folder / "participations.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["project_id", "org_id", "role"])
        for i in range(n):
            role = "coordinator" if i < n // 2 else "partner"
            w.writerow([f"{prefix}-p{i % (n // 2):06d}", f"{prefix}-{i:06d}", role])
    return folder


# -- workers (run in subprocesses) -------------------------------------------------------------------


def _say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def worker_import(db: str, file: str) -> None:
    """Import one file (all or nothing)."""
    from data.importers import import_path
    from data.store import PartnerStore

    class Store(PartnerStore):
        def upsert(self, *args, **kwargs):
            _say("writing")  # parsed and reconciled; the one transaction starts
            return super().upsert(*args, **kwargs)

    with Store(db) as store:
        _say("ready")
        import_path(store, file)
        _say(f"ack import {file}")


def worker_index(db: str, model: str) -> None:
    """Re-index with the hashing fake (``fake``) or the real multilingual-e5-small (``e5``)."""
    from data.store import PartnerStore
    from matching.index import index_store

    if model == "fake":
        from matching.testing import HashingEmbedder

        embedder = HashingEmbedder()
    else:
        from matching.embedder import e5_embedder

        embedder = e5_embedder()
        embedder.embed_passages(["warm-up"])  # load the model before saying ready
    def progress(done: int, total: int, _label: str) -> None:
        if done == total:
            _say("writing")  # everything embedded; the one transaction with the vectors starts

    with PartnerStore(db) as store:
        _say("ready")
        report = index_store(store, embedder, batch_size=16, progress=progress)
        _say(f"ack index {report.embedded}")


def worker_ideas(db: str, prefix: str, seconds: str) -> None:
    """Submit ideas with request keys for ``seconds`` (killed long before, in the crash tests)."""
    from data.store import PartnerStore

    with PartnerStore(db) as store:
        _say("ready")
        deadline = time.monotonic() + float(seconds)
        n = 0
        while time.monotonic() < deadline:
            key = f"{prefix}-{n}"
            store.add_idea(
                title=f"Idé {key}",
                text=f"Idea {key}: hydrogen ferries and aquaculture sensors. " * 20,
                submitted_by=COMPANY_A[0],
                org_id=COMPANY_A[2],
                request_key=key,
            )
            _say(f"ack idea {key}")
            n += 1


def worker_writer(db: str, prefix: str, seconds: str, wait: str, org_id: str) -> None:
    """One of several processes sharing a file: open, write, close, in a loop (the one-writer design).

    Each round opens the store (waiting while another process holds it), does one write
    (idea, feedback or an edit of this worker's own organisation ``org_id``, in turn) and
    closes; ``ack`` follows the close.
    """
    from dataclasses import replace

    from data.store import PartnerStore, StoreBusy

    _say("ready")
    deadline = time.monotonic() + float(seconds)
    n = busy = 0
    waited = 0.0
    while time.monotonic() < deadline:
        kind = ("idea", "feedback", "profile")[n % 3]
        key = f"{prefix}-{n}"
        started = time.monotonic()
        try:
            with PartnerStore(db, wait=float(wait)) as store:
                waited += time.monotonic() - started
                if kind == "idea":
                    store.add_idea(
                        title=f"Idé {key}", text=f"Idea {key}", submitted_by=COMPANY_B[0], request_key=key
                    )
                    ack = key
                elif kind == "feedback":
                    ack = str(
                        store.add_feedback(org_id="sintef", verdict="useful", given_by=key, query=key).feedback_id
                    )
                else:
                    org = store.organisation(org_id)
                    store.update_organisation(replace(org, description=f"{org.description.split(' | ')[0]} | {key}"))
                    ack = key
        except StoreBusy:
            busy += 1
            continue
        _say(f"ack {kind} {ack}")
        n += 1
    _say("stats " + json.dumps({"writes": n, "busy": busy, "waited": round(waited, 3)}))


def worker_one_idea(db: str, title: str, wait: str) -> None:
    """Open the store (waiting up to ``wait`` s for another process), add one idea, say ``ack <id>``."""
    from data.store import PartnerStore

    _say("opening")
    with PartnerStore(db, wait=float(wait), create=False) as store:
        idea = store.add_idea(title=title, text=f"{title}: sensors for fish farms.", submitted_by=COMPANY_B[0])
    _say(f"ack {idea.idea_id}")


WORKERS = {
    "import": worker_import,
    "index": worker_index,
    "ideas": worker_ideas,
    "writer": worker_writer,
    "one-idea": worker_one_idea,
}


def zygote(heavy: str = "") -> None:
    """Import the library once, then fork a worker per command read from stdin.

    ``heavy`` also imports torch and sentence-transformers (most of a model's start-up
    time); the model itself is built in each child, after the fork, as torch needs.

    Commands are JSON lines: ``{"run": [worker, args...], "out": path}`` answers
    ``{"pid": n}`` (the child writes its stdout to ``path`` and stderr to ``path.err``);
    ``{"wait": pid}`` answers ``{"status": code}`` (negative: killed by that signal).
    """
    import data.importers  # noqa: F401 - imported once, before any fork
    import matching.index  # noqa: F401
    import matching.testing  # noqa: F401

    if heavy:
        import sentence_transformers  # noqa: F401
        import torch  # noqa: F401
    _say("zygote ready")
    for line in sys.stdin:
        command = json.loads(line)
        if "wait" in command:
            _, status = os.waitpid(command["wait"], 0)
            _say(json.dumps({"status": os.waitstatus_to_exitcode(status)}))
            continue
        pid = os.fork()
        if pid == 0:  # the child: a worker with its own output files, never back in this loop
            code = 0
            try:
                out = os.open(command["out"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
                err = os.open(command["out"] + ".err", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
                os.dup2(out, 1)
                os.dup2(err, 2)
                sys.stdout = open(1, "w", buffering=1, closefd=False)
                sys.stderr = open(2, "w", buffering=1, closefd=False)
                sys.stdin = open(os.devnull)
                name, *args = command["run"]
                WORKERS[name](*args)
            except BaseException:  # noqa: BLE001 - reported through the exit code and .err
                import traceback

                traceback.print_exc()
                code = 1
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)
        _say(json.dumps({"pid": pid}))


if __name__ == "__main__":
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    if sys.argv[1] == "zygote":
        zygote(*sys.argv[2:])
    else:
        WORKERS[sys.argv[1]](*sys.argv[2:])
