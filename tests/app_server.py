"""The real app for the browser tests: ``streamlit run`` on a database file, on a free local port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(url: str, proc: subprocess.Popen, log: Path, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.read().strip() == b"ok":
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"streamlit did not become healthy in {timeout}s:\n{log.read_text()[-3000:]}")


def wait_api_ready(url: str, proc: subprocess.Popen, log: Path, timeout: float = 180) -> None:
    """Until ``samspill serve`` at ``url`` says it is ready (its model and index loaded)."""
    import json

    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2) as answer:
                if json.loads(answer.read())["ready"]:
                    return
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            raise AssertionError(f"server did not start: {log.read_text()[-2000:]}")
        time.sleep(0.2)


@contextmanager
def serving(db: Path, log: Path, extra_env: dict | None = None) -> Iterator[str]:
    """The app on ``db`` (its output in ``log``) until the block ends; yields its URL."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = os.environ | {"SAMSPILL_DB": str(db), "PYTHONUNBUFFERED": "1"} | (extra_env or {})
    env.pop("SAMSPILL_MODEL", None)
    with open(log, "w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(ROOT / "streamlit_app.py"),
             "--server.port", str(port), "--server.address", "127.0.0.1", "--server.headless", "true",
             "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )
    try:
        wait_healthy(url, proc, log)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
