"""The app's first answered match in a fresh process; prints one JSON line.

Run by bench_cold.py and bench_memory.py as a child process, with ``SAMSPILL_DB`` set to a
database that holds the demo accounts:

    SAMSPILL_DB=... .venv/bin/python bench/app_first_match.py "idea text" [--think SECONDS]

Drives the real app script through Streamlit's AppTest (the app's own code, caches and
pages; not the web server): sign in as the demo adviser, open *Find partners*, type the
idea, press the button, wait for the ranked organisations. ``--think`` waits that long
after signing in, as a person typing the idea would. Times are seconds since the
interpreter started; ``peak_rss_mb`` is this process's VmHWM.
"""

from __future__ import annotations

import json
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from phases import since_start  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main() -> None:
    idea = sys.argv[1]
    think = float(sys.argv[sys.argv.index("--think") + 1]) if "--think" in sys.argv else 0.0
    marks = {"interpreter": since_start()}
    from streamlit.testing.v1 import AppTest

    from data.accounts import DEMO_PASSWORD

    marks["import streamlit"] = since_start()
    at = AppTest.from_file(os.path.join(REPO, "streamlit_app.py"), default_timeout=900).run()
    at.text_input(key="signin_username").input("radgiver")
    at.text_input(key="signin_password").input(DEMO_PASSWORD)
    at.button(key="signin_submit").click()
    at.run()
    marks["signed in"] = since_start()
    time.sleep(think)
    at.switch_page("app_pages/find_partners.py").run()
    at.text_area(key="find_partners_text").input(idea)
    at.button(key="find_partners_run").click()
    start = since_start()
    at.run()
    marks["answered"] = since_start()
    marks["click to answer"] = marks["answered"] - start
    assert not at.exception, [e.value for e in at.exception]
    names = [m.value for m in at.markdown if re.match(r"^\d+\. \*\*", m.value)]
    assert names, "no suggestions shown"
    with open("/proc/self/status") as f:
        marks["peak_rss_mb"] = next(int(x.split()[1]) for x in f if x.startswith("VmHWM")) / 1024
    print(json.dumps(marks))


if __name__ == "__main__":
    main()
