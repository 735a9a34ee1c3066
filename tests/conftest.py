"""Shared pytest fixtures."""

from __future__ import annotations

import csv
import os
import socket
from pathlib import Path

import pytest

from data.models import Organisation, Participation, Project
from data.settings import Settings

# -- the real data set -------------------------------------------------------------------------------

#: Where the real data set lives: $SAMSPILL_SHARED_DATA, default <repo>/../shared/data (see data.settings).
SHARED_DATA = Settings.from_env().shared_data


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The shared data folder (h2020-cleantech/, raw/); skips the test when it is absent.

    Under ``CI=true`` a missing folder fails instead: CI must measure what the real data says.
    Mark such tests ``@pytest.mark.shared_data``.
    """
    if not SHARED_DATA.is_dir():
        message = f"shared data not found at {SHARED_DATA}; set SAMSPILL_SHARED_DATA to the folder holding raw/"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return SHARED_DATA


@pytest.fixture(scope="session")
def h2020_records(shared_data):
    """The real H2020 interchange set as records (organisations, projects, participations), read straight
    from its CSV files, independent of the importer under test."""
    folder = shared_data / "h2020-cleantech"
    with open(folder / "organisations.csv", newline="", encoding="utf-8") as f:
        orgs = [
            Organisation(
                r["org_id"], r["name"], r["kind"], r["country"], r["region"], r["org_number"], r["description"]
            )
            for r in csv.DictReader(f)
        ]
    with open(folder / "projects.csv", newline="", encoding="utf-8") as f:
        projects = [
            Project(r["project_id"], r["title"], r["summary"], int(r["start_year"]) if r["start_year"] else None,
                    r["programme"])
            for r in csv.DictReader(f)
        ]
    with open(folder / "participations.csv", newline="", encoding="utf-8") as f:
        parts = [Participation(r["project_id"], r["org_id"], r["role"]) for r in csv.DictReader(f)]
    return orgs, projects, parts


# -- embedders ---------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def real_embedder():
    """The built-in multilingual-e5-small, loaded once per test session.

    Provisioned into the normal cache ($SAMSPILL_CACHE or ~/.cache/samspill), not a temporary
    folder, so repeated runs reuse it; it ignores $SAMSPILL_MODEL so results do not depend on the
    developer's setting. Treat it as read-only.
    """
    from matching.embedder import e5_embedder

    embedder = e5_embedder()
    embedder.embed_queries(["warm-up"])  # load now, so the first test's timing is not the model load
    return embedder


@pytest.fixture
def fake_embedder():
    """Deterministic bag-of-words fake for ranking-logic tests (see matching.testing)."""
    from matching.testing import HashingEmbedder

    return HashingEmbedder()


# -- the sample cluster as a ready database ------------------------------------------------------


@pytest.fixture(scope="session")
def sample_db_file(tmp_path_factory, real_embedder) -> Path:
    """A DuckDB file with the bundled sample cluster, its vectors and the demo accounts.

    Built once per session; treat it as read-only and copy it (``shutil.copy``) for a test
    that writes. The copy carries the vectors, so nothing is embedded again.
    """
    from data.accounts import ensure_demo_accounts
    from data.importers import import_path
    from data.store import PartnerStore
    from matching.index import index_store

    path = tmp_path_factory.mktemp("sample-db") / "sample.duckdb"
    with PartnerStore(path) as store:
        import_path(store, Path(__file__).resolve().parents[1] / "data" / "sample")
        index_store(store, real_embedder)
        ensure_demo_accounts(store)
    return path


# -- the HTTP API ----------------------------------------------------------------------------------


@pytest.fixture
def api_db(tmp_path, sample_db_file) -> dict:
    """A copy of the sample database with one API token per demo account: {"path", "tokens"}."""
    import shutil

    from data.store import PartnerStore
    from data.tokens import create_token

    path = tmp_path / "api.duckdb"
    shutil.copy(sample_db_file, path)
    with PartnerStore(path) as store:
        tokens = {name: create_token(store, name)[0] for name in ("radgiver", "bedrift1", "bedrift2")}
    return {"path": path, "tokens": tokens}


@pytest.fixture
def api(api_db, real_embedder):
    """FastAPI's TestClient over the real app, a real DuckDB file and the real model.

    ``api.headers(name)`` gives the Authorization header of a demo account's token;
    ``api.service`` is the app's state (its store, its matcher).
    """
    from fastapi.testclient import TestClient

    from api.application import create_app
    from api.service import Service
    from data.store import PartnerStore

    settings = Settings(db=api_db["path"])
    service = Service(settings, store=PartnerStore(api_db["path"]), embedder=real_embedder)
    with TestClient(create_app(service, warm=False)) as client:
        client.service = service
        client.tokens = api_db["tokens"]
        client.headers_of = lambda name: {"Authorization": f"Bearer {api_db['tokens'][name]}"}
        yield client
    service.close()


class _Mailbox:
    """A real local SMTP server's inbox (aiosmtpd): every message as (sender, recipients, bytes)."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 OK"


@pytest.fixture
def smtp_server():
    """A real SMTP server on a free local port: yields (its inbox, the port)."""
    controller_module = pytest.importorskip("aiosmtpd.controller")
    box = _Mailbox()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    controller = controller_module.Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    yield box, port
    controller.stop()
