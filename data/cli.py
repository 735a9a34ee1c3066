"""Data commands: import files into the store, show what it holds, check it, back it up and restore it."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from data.store import StoreError
from data.text import printable


@click.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@click.pass_obj
def import_command(ctx, paths: tuple[Path, ...], quiet: bool) -> None:
    """Import PATHS: an interchange folder or file (CSV/XLSX), a CORDIS CSV or JSON
    export, a Forskningsrådet participation CSV, or Enhetsregisteret JSON.

    Each path is all-or-nothing: a bad file changes nothing and says which file,
    row and column are wrong.
    """
    from data.importers import ImportFileError, import_path

    store = ctx.store()
    for path in paths:
        try:
            report = import_path(store, path, progress=not quiet)
        except (ImportFileError, StoreError) as exc:
            raise click.ClickException(str(exc)) from exc
        click.echo("\n".join(map(printable, report.summary().split("\n"))))  # file names' escapes stay out


@click.command("stats")
@click.pass_obj
def stats_command(ctx) -> None:
    """Counts per table and per kind of organisation."""
    store = ctx.store(create=False)
    counts = store.counts()
    width = max(len(name) for name in counts)
    click.echo(f"database: {store.path}")
    for name, n in counts.items():
        click.echo(f"  {name:<{width}}  {n:>8,}")
    click.echo("organisations by kind:")
    for kind, n in store.counts_by_kind().items():
        click.echo(f"  {kind or '(unknown)':<{width}}  {n:>8,}")
    years = store.year_range()
    if years:
        click.echo(f"projects start {years[0]}–{years[1]}")
    space = store.embedding_space()
    if space:
        click.echo(f"vectors: {space[0]} ({space[1]} dimensions)")


@click.command("check")
@click.pass_obj
def check_command(ctx) -> None:
    """Check the database: references between tables, values, and that every profile
    text has a vector of the stored model for its current content. Exit code 1 lists
    the problems."""
    store = ctx.store(create=False)
    try:
        problems = store.integrity_problems()
    except StoreError as exc:
        raise click.ClickException(str(exc)) from exc
    counts = store.counts()
    click.echo(f"database: {store.path}")
    click.echo("  " + ", ".join(f"{n:,} {table}" for table, n in counts.items()))
    for check in ctx.more_checks():  # layers above data/ add theirs (the vectors: matching/)
        lines, found = check(store)
        for line in lines:
            click.echo(line)
        problems.extend(found)
    if problems:
        click.echo(f"{len(problems)} problem(s):")
        for problem in problems:
            click.echo(f"  - {problem}")
        raise click.ClickException("the database is not consistent")
    click.echo("ok")


@click.command("backup")
@click.argument("directory", type=click.Path(file_okay=False, allow_dash=True))
@click.pass_obj
def backup_command(ctx, directory: str) -> None:
    """Write a backup of the database into the new folder DIRECTORY (Parquet files, the
    schema and a manifest with the counts). The folder appears only once it is complete."""
    from data.store import write_backup

    if directory == "-":  # ./- is a folder named -
        raise click.ClickException(
            "a backup is a folder of binary (Parquet) files and cannot go to standard output; give a folder name"
        )
    directory = Path(directory)
    try:
        counts = write_backup(ctx.store(create=False), directory)
    except (StoreError, OSError) as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"backup written to {directory}: " + ", ".join(f"{n:,} {t}" for t, n in counts.items()))


@click.command("restore")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace a database that holds content.")
@click.pass_obj
def restore_command(ctx, directory: Path, force: bool) -> None:
    """Replace the database by the backup in DIRECTORY, all or nothing. Stop the app first.
    A database with content is only replaced with --force."""
    from data.store import restore_database

    try:
        counts = restore_database(directory, ctx.db, force=force, wait=ctx.wait)
    except (StoreError, OSError) as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"restored {ctx.db} from {directory}: " + ", ".join(f"{n:,} {t}" for t, n in counts.items()))


@click.group("account")
def account_group() -> None:
    """Local sign-in accounts for the app (advisers and company users)."""


@account_group.command("add")
@click.argument("username")
@click.option("--role", type=click.Choice(["adviser", "company"]), required=True, help="What the account may see.")
@click.option("--org", "org_id", default=None, help="The company's organisation id (company accounts).")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of stdin.")
@click.option(
    "--no-password",
    is_flag=True,
    help="No local password: the account only gives a role to someone who signs in through the identity provider "
    "(USERNAME is then their e-mail address).",
)
@click.pass_obj
def account_add_command(ctx, username: str, role: str, org_id: str | None, password_stdin: bool, no_password: bool):
    """Add the account USERNAME. The password is prompted for (never given on the command line)."""
    from data.accounts import account_problem, create_account

    if password_stdin and no_password:
        raise click.UsageError("--password-stdin and --no-password exclude each other")
    problem = account_problem(role, (org_id or "").strip() or None)  # before asking for a password in vain
    if problem:
        raise click.ClickException(problem)
    if no_password:
        password = None
    elif password_stdin:
        line = sys.stdin.buffer.readline()  # bytes: a password that is not UTF-8 gets a message, not a traceback
        try:
            password = line.decode("utf-8").rstrip("\r\n")
        except UnicodeDecodeError as exc:
            raise click.ClickException(
                f"the password on standard input is not UTF-8 text (byte 0x{line[exc.start]:02x} at offset "
                f"{exc.start}); nothing was changed"
            ) from exc
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        viewer = create_account(ctx.store(), username, password, role, org_id)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from exc
    org = f" for {viewer.org_id}" if viewer.org_id else ""
    click.echo(f"added {viewer.role} account {viewer.username}{org}")


@click.command("demo-accounts")
@click.pass_obj
def demo_accounts_command(ctx) -> None:
    """Create the demo accounts (one adviser, two companies) if they are missing.

    They share a published password, shown on the app's sign-in page while
    they keep it: for trying Samspill on the sample cluster, never for real data.
    """
    from data.accounts import DEMO_ACCOUNTS, ensure_demo_accounts

    try:
        viewers = ensure_demo_accounts(ctx.store())
    except StoreError as exc:
        raise click.ClickException(str(exc)) from exc
    for viewer in viewers:
        org = f" ({viewer.org_id})" if viewer.org_id else ""
        click.echo(f"  {viewer.username:<10} {viewer.role}{org}")
    made = {viewer.username for viewer in viewers}
    for account in DEMO_ACCOUNTS:
        if account.username not in made:
            click.echo(f"  {account.username:<10} not made: no company left in the register for it")


commands = [
    import_command,
    stats_command,
    check_command,
    backup_command,
    restore_command,
    account_group,
    demo_accounts_command,
]
