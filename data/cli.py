"""Data commands: import files into the store and show what it holds."""

from __future__ import annotations

from pathlib import Path

import click

from data.store import StoreError


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
        click.echo(report.summary())


@click.command("stats")
@click.pass_obj
def stats_command(ctx) -> None:
    """Counts per table and per kind of organisation."""
    store = ctx.store()
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


commands = [import_command, stats_command]
