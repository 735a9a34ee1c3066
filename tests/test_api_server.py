"""`samspill match` through a real `samspill serve` process on a free loopback port (SAMSPILL_SERVER)."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from app_server import wait_api_ready

REPO = Path(__file__).resolve().parents[1]
SAMSPILL = [sys.executable, "-c", "import samspill_cli; samspill_cli.main()"]
IDEA = "Vi vil elektrifisere fôrflåter og arbeidsbåter i havbruket med batterier og landstrøm."


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(api_db, tmp_path):
    """A `samspill serve` subprocess on the API database; yields its URL and the tokens."""
    port = free_port()
    env = {**os.environ, "SAMSPILL_SERVER": "", "SAMSPILL_TOKEN": ""}
    log = open(tmp_path / "server.log", "w")  # noqa: SIM115 - closed below
    proc = subprocess.Popen([*SAMSPILL, "--db", str(api_db["path"]), "serve", "--port", str(port)], cwd=REPO,
                            env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_api_ready(url, proc, tmp_path / "server.log")
        yield {"url": url, "tokens": api_db["tokens"]}
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


def samspill(*args, server="", token="", db=None, stdin=None):
    env = {**os.environ, "SAMSPILL_SERVER": server, "SAMSPILL_TOKEN": token}
    cmd = [*SAMSPILL, *(["--db", str(db)] if db else []), *args]
    return subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, input=stdin, timeout=300)


def test_cli_match_through_the_server_gives_the_in_process_json(server, sample_db_file, tmp_path):
    batch = tmp_path / "ideas.jsonl"
    batch.write_text(
        json.dumps({"id": "a", "text": IDEA}) + "\n"
        + json.dumps({"id": 2, "text": "Sensors for weld inspection in aluminium boats.", "kind": "research"}) + "\n",
        encoding="utf-8",
    )
    args = ["match", "--batch", str(batch), "--top", "4", "--json", "--exclude", "sintef"]
    remote = samspill(*args, server=server["url"], token=server["tokens"]["radgiver"])
    assert remote.returncode == 0, remote.stderr
    local_db = tmp_path / "local.duckdb"  # the server holds its file: the in-process run reads a copy
    shutil.copy(sample_db_file, local_db)
    local = samspill(*args, db=local_db)
    assert local.returncode == 0, local.stderr
    assert remote.stdout == local.stdout
    lines = [json.loads(line) for line in remote.stdout.splitlines()]
    assert [line["id"] for line in lines] == ["a", 2] and {o["kind"] for o in lines[1]["organisations"]} == {"research"}


def test_text_output_through_the_server(server):
    remote = samspill("match", IDEA, "--top", "3", server=server["url"], token=server["tokens"]["radgiver"])
    assert remote.returncode == 0, remote.stderr
    assert " 1. " in remote.stdout and "Consortia" in remote.stdout


def test_the_servers_refusals_are_one_line(server):
    company = samspill("match", IDEA, server=server["url"], token=server["tokens"]["bedrift1"])
    assert company.returncode == 1 and "answered 403: this needs an adviser's token" in company.stderr
    wrong = samspill("match", IDEA, server=server["url"], token="ssp_000000000000_" + "A" * 43)
    assert wrong.returncode == 1 and "answered 401" in wrong.stderr
    empty = samspill("match", "   ", server=server["url"], token=server["tokens"]["radgiver"])
    assert empty.returncode == 1 and "the idea is empty" in empty.stderr
    for run in (company, wrong, empty):
        assert "Traceback" not in run.stderr and len(run.stderr.strip().splitlines()) == 1


def test_no_server_there_and_no_token_are_one_line():
    gone = samspill("match", IDEA, server=f"http://127.0.0.1:{free_port()}", token="x")
    assert gone.returncode == 1 and "cannot reach the Samspill server" in gone.stderr
    no_token = samspill("match", IDEA, server="http://127.0.0.1:1")
    assert no_token.returncode == 1 and "SAMSPILL_TOKEN is not" in no_token.stderr
    bad_url = samspill("match", IDEA, server="127.0.0.1:8000", token="x")
    assert bad_url.returncode == 1 and "SAMSPILL_SERVER must be an http" in bad_url.stderr
    for run in (gone, no_token, bad_url):
        assert "Traceback" not in run.stderr
