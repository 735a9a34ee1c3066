"""The ``samspill`` command: one root group; each library area adds its commands.

``data/cli.py``, ``matching/cli.py``, ``graph/cli.py`` and ``api/cli.py`` hold the commands of
their area; this module only wires them under one group with the shared
``--db`` option. Commands check their input, open the store, call the library,
print, and turn the library's errors into short messages (exit code 1).
"""

from __future__ import annotations

import errno
import math
import os
import sys
from dataclasses import replace
from pathlib import Path

import click

from data.settings import Settings, SettingsError
from data.store import PartnerStore, StoreError
from samspill_entry import INTERRUPTED


class Context:
    """What every command shares: the settings, and the database they name, opened on first use."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.db = settings.db
        self.wait = settings.wait
        self._store: PartnerStore | None = None

    def store(self, *, read_only: bool = False, create: bool = True) -> PartnerStore:
        """The database, opened on first use; ``create=False`` for commands that only read it, so a
        mistyped ``--db`` is an error instead of a new empty database.

        The store holds the file only while it works (``brief``): a command beside the running app
        takes turns with it instead of locking it out for the command's whole run.
        """
        if self._store is None:
            try:
                self._store = PartnerStore(self.db, read_only=read_only, wait=self.wait, create=create, brief=True)
            except StoreError as exc:
                raise click.ClickException(str(exc)) from exc
        return self._store

    def competence_similarity(self):
        """A ``(org_a, org_b) -> float`` competence similarity for graph/ commands, or None.

        graph/ takes similarity as a function and never imports a model; this is
        where the matching side supplies it, from the stored vectors (None before
        the first ``samspill index``).
        """
        from matching.similarity import competence_similarity

        return competence_similarity(self.store(read_only=True))

    def more_checks(self) -> list:
        """What ``samspill check`` runs after data/'s integrity rules: ``store -> (lines, problems)``.

        data/ knows nothing of vectors' meaning; the matching side checks them (stale vectors).
        """
        from matching.cli import vector_check

        return [vector_check]

    def remote_matcher(self):
        """``match(ids, queries, lang) -> answers`` through a running ``samspill serve``, or None.

        The CLI is where the layers meet: matching/ asks for this function and never imports the
        HTTP client itself.
        """
        if not self.settings.server:
            return None
        from api.client import ClientError, match_batch

        settings = self.settings
        if not settings.token:
            raise click.ClickException(
                f"SAMSPILL_SERVER is set ({settings.server}) but SAMSPILL_TOKEN is not: "
                "make a token with `samspill token add USERNAME` and set SAMSPILL_TOKEN to it"
            )

        def match(ids, queries, lang):
            try:
                return match_batch(settings.server, settings.token, ids, queries, lang)
            except ClientError as exc:
                raise click.ClickException(str(exc)) from exc

        return match

    def close(self) -> None:
        if self._store is not None:
            self._store.close()


def _interrupted() -> click.exceptions.Exit:
    """Ctrl-C: one line, and the exit code shells give a command stopped by it (click's is 1)."""
    click.echo("\nAborted!", err=True)  # the newline ends the terminal's ^C
    return click.exceptions.Exit(INTERRUPTED)


#: What DuckDB raises when Ctrl-C comes during a query: it takes the signal itself, and Python's
#: KeyboardInterrupt never comes (a plain RuntimeError, in DuckDB 2.0).
DUCKDB_INTERRUPTED = "Query interrupted"


def _stopped_by_ctrl_c(exc: BaseException) -> bool:
    """Whether ``exc`` is Ctrl-C, or was raised while handling it (a prompt's Abort, a store's error)."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, KeyboardInterrupt) or (isinstance(exc, RuntimeError) and str(exc) == DUCKDB_INTERRUPTED):
            return True
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return False


class _RootContext(click.Context):
    def close(self) -> None:
        try:
            super().close()  # the store lets go of the file
        except (KeyboardInterrupt, RuntimeError) as exc:
            if _stopped_by_ctrl_c(exc):
                raise _interrupted() from None
            raise


class SamspillGroup(click.Group):
    """The root group: whatever a command leaves uncaught from the library or the system ends as one
    line and exit code 1, never a traceback -- a store error (the file busy, damaged or gone), or an
    output that cannot be written (a full disk, a read-only folder, stdout on a full device). Ctrl-C
    at any moment is one line and exit code 130 (``samspill_entry`` covers the loading before); what
    the command was writing is a transaction or a scratch file, and stays as it was."""

    context_class = _RootContext

    def make_context(self, info_name, args, parent=None, **extra) -> click.Context:
        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except KeyboardInterrupt:
            raise _interrupted() from None

    def invoke(self, ctx: click.Context):
        try:
            return self._invoke(ctx)
        except click.exceptions.Exit:
            raise
        except (KeyboardInterrupt, Exception) as exc:
            if _stopped_by_ctrl_c(exc):
                raise _interrupted() from None
            raise

    def _invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except StoreError as exc:
            raise click.ClickException(str(exc)) from exc
        except (click.ClickException, click.Abort):
            raise
        except Exception as exc:
            if _stopped_by_ctrl_c(exc):
                raise
            io_error = _io_error_behind(exc)
            if io_error is None:
                raise  # a bug: let it show
            if io_error.errno == errno.EPIPE:
                raise  # a closed pipe (| head): click ends quietly
            raise click.ClickException(_os_error_message(io_error)) from exc


def _io_error_behind(exc: BaseException) -> OSError | None:
    """The OSError an exception is, or was raised while handling (a writer's cleanup after a full disk
    often fails in its own way, e.g. zlib's "inconsistent stream state" in a PDF writer)."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, OSError):
            return exc
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return None


def _os_error_message(exc: OSError) -> str:
    """One line for an I/O failure; stdout itself failing is silenced so the error line gets out."""
    what = exc.strerror or str(exc)
    if exc.filename is None:
        try:
            sys.stdout.flush()
        except OSError:
            devnull = os.open(os.devnull, os.O_WRONLY)  # what is still buffered would fail again at exit
            os.dup2(devnull, sys.stdout.fileno())
        return f"cannot write the output: {what}"
    return f"cannot write {exc.filename}: {what}"


@click.group(cls=SamspillGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db",
    type=click.Path(dir_okay=False, allow_dash=True),
    default=None,
    help="DuckDB file (default: $SAMSPILL_DB or data/samspill.duckdb).",
)
@click.option(
    "--wait",
    type=click.FloatRange(min=0),
    default=None,
    help="Seconds to wait while another process (the app, another command) holds the database "
    "(default: $SAMSPILL_WAIT or 5).",
)
@click.version_option(package_name="samspill")
@click.pass_context
def main(ctx: click.Context, db: str | None, wait: float | None) -> None:
    """Samspill: find the partners for a project idea in an industry cluster."""
    if db == "-":  # ./- is a file named -
        raise click.BadParameter("a database is a file DuckDB opens by name, not standard input or output; "
                                 "give a file name", param_hint="'--db'")
    if wait is not None and not math.isfinite(wait):
        raise click.BadParameter(f"{wait} is not a number of seconds", param_hint="'--wait'")
    try:
        settings = Settings.from_env()
    except SettingsError as exc:
        raise click.ClickException(str(exc)) from exc
    settings = replace(settings, db=settings.db if db is None else Path(db),
                       wait=settings.wait if wait is None else wait)
    try:
        str(Path(settings.db).resolve()).encode("utf-8")
    except UnicodeEncodeError:  # bytes that are not UTF-8 in the name: DuckDB failed with "std::bad_cast"
        shown = os.fsencode(str(settings.db)).decode("utf-8", "replace")
        raise click.BadParameter(f"{shown}: the file name is not UTF-8 text, and DuckDB opens only such names",
                                 param_hint="'--db' / SAMSPILL_DB") from None
    state = Context(settings)
    ctx.obj = state
    ctx.call_on_close(state.close)


def _register() -> None:
    from api.cli import commands as api_commands
    from data.cli import commands as data_commands
    from graph.cli import commands as graph_commands
    from matching.cli import commands as matching_commands

    for command in (*data_commands, *matching_commands, *graph_commands, *api_commands):
        main.add_command(command)


_register()
