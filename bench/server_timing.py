"""``streamlit run`` with a log of when each script run was asked for, started and ended, on the server.

    .venv/bin/python bench/server_timing.py LOG run streamlit_app.py [streamlit's options]

Bench code only: the browser bench (``bench/browser.py``'s ``App(server_log=...)``) starts the app
this way to see the server's own part of a wait, on the server's clock. Timestamps are
``time.monotonic()``, which is one clock for every process on the machine, so they can be laid
beside the times the bench took in its own process.

One JSON line per event, ``{"t": seconds, "session": id, "event": name}``:

* ``asked``: a browser's request to run the script reached the server (on the server's event loop,
  so a busy loop shows up here as a late arrival);
* ``started`` / ``stopped``: the script run began and ended (on the run's own thread), with the
  thread's CPU time then (``cpu``: the run's own CPU is the difference); ``stopped`` carries the
  number of messages the run sent to the browser;
* ``handled``: the server's event loop took note of the end, just before it sends "run finished"
  (the gap from ``stopped`` is time the loop was busy with other work);
* ``user``: once per session, the first text widget value that looks like a bench user name
  (``bench-adviser-N``, typed at sign-in), so the bench can tell which browser a session is.

Streamlit is patched by wrapping three ``AppSession`` methods; nothing else changes.
"""

from __future__ import annotations

import json
import re
import sys
import threading
import time


def install(log_path: str) -> None:
    from streamlit.runtime.app_session import AppSession
    from streamlit.runtime.scriptrunner import ScriptRunnerEvent

    out = open(log_path, "a", buffering=1, encoding="utf-8")  # noqa: SIM115 - open for the server's life
    lock = threading.Lock()
    stopped_events = {ScriptRunnerEvent.SCRIPT_STOPPED_WITH_SUCCESS, ScriptRunnerEvent.SCRIPT_STOPPED_FOR_RERUN,
                      ScriptRunnerEvent.SCRIPT_STOPPED_WITH_COMPILE_ERROR,
                      ScriptRunnerEvent.FRAGMENT_STOPPED_WITH_SUCCESS}

    user_name = re.compile(r"bench-adviser-\d+")
    named: set[str] = set()

    def note(session: AppSession, event: str, **extra) -> None:
        line = json.dumps({"t": time.monotonic(), "session": session.id, "event": event} | extra)
        with lock:
            out.write(line + "\n")

    def name_user(session: AppSession, rerun) -> None:
        for widget in rerun.widget_states.widgets:
            if widget.WhichOneof("value") == "string_value" and user_name.fullmatch(widget.string_value):
                named.add(session.id)
                note(session, "user", user=widget.string_value)
                return

    handle_backmsg = AppSession.handle_backmsg
    on_event = AppSession._on_scriptrunner_event
    on_loop = AppSession._handle_scriptrunner_event_on_event_loop

    def timed_handle_backmsg(self, msg):
        if msg.WhichOneof("type") == "rerun_script":
            note(self, "asked")
            if self.id not in named:
                name_user(self, msg.rerun_script)
        return handle_backmsg(self, msg)

    messages: dict[str, int] = {}

    def timed_on_event(self, sender, event, *args, **kwargs):
        if event == ScriptRunnerEvent.ENQUEUE_FORWARD_MSG:
            messages[self.id] = messages.get(self.id, 0) + 1
        elif event == ScriptRunnerEvent.SCRIPT_STARTED:
            messages[self.id] = 0
            note(self, "started", cpu=time.thread_time())
        elif event in stopped_events:
            note(self, "stopped", messages=messages.get(self.id, 0), cpu=time.thread_time())
        return on_event(self, sender, event, *args, **kwargs)

    def timed_on_loop(self, sender, event, *args, **kwargs):
        if event in stopped_events:
            note(self, "handled")
        return on_loop(self, sender, event, *args, **kwargs)

    AppSession.handle_backmsg = timed_handle_backmsg
    AppSession._on_scriptrunner_event = timed_on_event
    AppSession._handle_scriptrunner_event_on_event_loop = timed_on_loop


def runs(lines: list[dict]) -> list[dict]:
    """The log's events joined into runs: ``{"session", "user", "asked", "started", "stopped", "handled",
    "messages", "cpu"}``.

    A request that arrives while a run is going is folded into that session's next run, as
    Streamlit does; ``asked`` is then the first request's time.
    """
    asked: dict[str, float] = {}  # per session, the first request not yet taken up by a run
    current: dict[str, dict] = {}
    users: dict[str, str] = {}
    done = []
    for line in sorted(lines, key=lambda entry: entry["t"]):
        session, event, t = line["session"], line["event"], line["t"]
        if event == "user":
            users[session] = line["user"]
        elif event == "asked":
            asked.setdefault(session, t)
        elif event == "started":
            current[session] = {"session": session, "asked": asked.pop(session, t), "started": t,
                                "cpu": -line.get("cpu", 0.0)}
        elif event == "stopped" and session in current:
            current[session] |= {"stopped": t, "messages": line.get("messages", 0),
                                 "cpu": current[session]["cpu"] + line.get("cpu", 0.0)}
        elif event == "handled" and "stopped" in current.get(session, {}):
            done.append(current.pop(session) | {"handled": t})
    return [run | {"user": users.get(run["session"])} for run in done]


def read(log_path) -> list[dict]:
    with open(log_path, encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


if __name__ == "__main__":
    import os
    if os.environ.get("BENCH_SWITCH_INTERVAL"):  # experiment: the interpreter's thread switch interval
        sys.setswitchinterval(float(os.environ["BENCH_SWITCH_INTERVAL"]))
    install(sys.argv[1])
    from streamlit.web.cli import main

    sys.argv = ["streamlit", *sys.argv[2:]]
    main()
