"""The ``samspill`` program as a shell starts it: Ctrl-C at any moment is one line and exit code 130.

Loading the command's modules (DuckDB, NumPy, networkx, the commands of every area) takes a second or
more, and a Ctrl-C then printed a traceback of whichever import it hit. Until the command runs nothing
has been read or written, so a Ctrl-C while loading ends the process at once. Once it runs, Ctrl-C is
Python's ``KeyboardInterrupt`` again: writes are transactions or scratch files put in place at the
end, so the command stops where it is and leaves what was there (``samspill_cli.SamspillGroup`` says
so in one line). While the interpreter shuts down afterwards, Ctrl-C is ignored.

This module imports nothing heavy; ``pyproject.toml`` names :func:`run` as the command.
"""

from __future__ import annotations

import os
import signal

#: The exit code of a command stopped by Ctrl-C: 128 + SIGINT, as shells report it.
INTERRUPTED = 130


def _while_loading(_signum, _frame) -> None:
    os.write(2, b"\nAborted!\n")  # the newline ends the terminal's ^C
    os._exit(INTERRUPTED)


def run() -> None:
    """Load the command with Ctrl-C ending the process, then run it with Ctrl-C as KeyboardInterrupt."""
    ignored = signal.getsignal(signal.SIGINT) == signal.SIG_IGN  # started in the background: stay deaf
    if not ignored:
        signal.signal(signal.SIGINT, _while_loading)
    from samspill_cli import main

    if not ignored:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        main(prog_name="samspill")
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)


if __name__ == "__main__":
    run()
