"""`make run` serves the app on this machine only, unless told otherwise.

The sample database's demo accounts share one password, and the sign-in page prints it: on all
interfaces (Streamlit's default), anyone on the same network could sign in as an adviser.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _run_line(*args: str) -> str:
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    out = subprocess.run(["make", "-n", "run", *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return next(line for line in out.splitlines() if "streamlit run" in line)


def test_make_run_listens_on_localhost_only():
    line = _run_line("PORT=8611")
    assert "--server.port 8611" in line and "--server.address 127.0.0.1" in line


def test_make_run_can_serve_others_when_asked():
    assert "--server.address 0.0.0.0" in _run_line("ADDRESS=0.0.0.0")
