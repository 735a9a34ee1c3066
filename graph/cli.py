"""Network commands: ``samspill graph export|metrics|suggest`` and ``samspill report``.

Each command checks its input, reads the records from the store, calls one
library function and prints; the library's ``ValueError``/``RuntimeError``
and networkx's ``NodeNotFound`` become short messages (exit code 1).
"""

from __future__ import annotations

import os
import shutil
import stat
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
import networkx as nx

from data.text import LANGUAGES, printable
from graph.export import EXPORT_FORMATS


def _records(ctx):
    if not Path(ctx.db).exists():
        raise click.ClickException(f"no database at {ctx.db}; import data first (samspill import PATH)")
    store = ctx.store(read_only=True)
    organisations, projects, participations = store.organisations(), store.projects(), store.participations()
    if not projects:
        raise click.ClickException(f"{ctx.db} holds no projects; import data first (samspill import PATH)")
    return organisations, projects, participations


#: graph.report.REPORT_FORMATS, spelt out: importing the report here would cost every command 0.14 s.
REPORT_FORMATS = ("pdf", "docx", "html")

#: What ``-o -`` names: standard output, as Unix commands take it (``./-`` is a file named ``-``).
STDOUT = "-"

#: Formats that are text, and may go to standard output; the others are binary (PNG, PDF, GIF, MP4, Word).
TEXT_FORMATS = frozenset({"gexf", "graphml", "kumu", "csv", "svg", "html"})


def _output(output: str, fmt: str, example: str) -> Path | None:
    """``-o``'s path, or None for standard output; ``-o -`` for a binary format is refused in one line
    (``example``: a file name to suggest instead, without its extension)."""
    if output != STDOUT:
        return Path(output)
    if sys.stdout is None:  # started with standard output closed (>&-)
        raise click.ClickException("-o -: standard output is closed; give a file name")
    if fmt not in TEXT_FORMATS:
        raise click.ClickException(
            f"-o -: {fmt.upper()} is binary and is not written to standard output (a terminal would show rubbish); "
            f"give a file name, e.g. -o {example}.{fmt}"
        )
    return None


def _not_the_database(path: Path | None, db: Path) -> None:
    """Refuse an output that is the database, its write-ahead log or its lock file, named or linked
    (``-o`` the ``--db`` file replaced the whole register with the export, and a replaced lock file
    lets two writers in at once)."""
    from data.store import database_files

    if path is None:
        return
    what = ("the database", "the database's write-ahead log", "the database's lock file")
    for file, name in zip(database_files(db), what, strict=True):
        try:
            same = path.resolve() == file.resolve() or (path.exists() and os.path.samefile(path, file))
        except OSError:
            same = False
        if same:
            raise click.ClickException(
                f"cannot write {path}: it is {name} ({file}), which the output would replace; give another file name"
            )


@contextmanager
def _to_stdout() -> Iterator[Path]:
    """A scratch file whose content goes to standard output once the block ends without error:
    a refusal or Ctrl-C half-way writes nothing to the pipe."""
    with tempfile.TemporaryDirectory(prefix="samspill-out-") as folder:
        scratch = Path(folder) / "output"
        yield scratch
        sys.stdout.flush()
        with open(scratch, "rb") as f:
            shutil.copyfileobj(f, sys.stdout.buffer)
        sys.stdout.buffer.flush()


def _written_to(path: Path | None):
    return _to_stdout() if path is None else _written(path)


@contextmanager
def _written(path: Path) -> Iterator[Path]:
    """A scratch file to write ``path``'s content into, put in its place when the block ends without error.

    A refusal, a failed write (a full disk) or Ctrl-C leave ``path`` as it was, or absent, and no
    scratch file or new folder behind (before, a report stopped half-way left half a file, and a
    refused export had already made its folders). A device or a pipe (``/dev/stdout``, a FIFO) is
    written in place: it cannot be replaced, and must not be. A link is followed: its target gets
    the new content.
    """
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise click.ClickException(f"cannot write {path}: {exc.strerror or exc}") from exc
    if mode is not None and not stat.S_ISREG(mode):
        try:
            yield path
        except OSError as exc:  # /dev/full: the writer's error names no file
            if exc.filename is not None:
                raise
            raise click.ClickException(f"cannot write {path}: {exc.strerror or exc}") from exc
        return
    target = path.resolve() if path.is_symlink() else path
    made = [p for p in reversed(target.parents) if not p.exists()]
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=target.suffix, dir=target.parent)
        os.close(fd)
    except OSError as exc:
        _remove_folders(made)
        raise click.ClickException(f"cannot write {path}: {exc.strerror or exc}") from exc
    scratch = Path(name)
    try:
        yield scratch
        os.chmod(scratch, stat.S_IMODE(mode) if mode is not None else 0o666 & ~_umask())
        os.replace(scratch, target)
    except BaseException as exc:
        scratch.unlink(missing_ok=True)
        _remove_folders(made)
        if isinstance(exc, OSError) and exc.filename in (None, name):
            raise click.ClickException(f"cannot write {path}: {exc.strerror or exc}") from exc
        raise


def _remove_folders(made: list[Path]) -> None:
    for folder in reversed(made):
        try:
            folder.rmdir()
        except OSError:
            return


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_LANG = click.option("--lang", type=click.Choice(LANGUAGES), default="nb", show_default=True,
                     help="Language of titles, legends and reasons.")


@click.group("graph")
def graph_group() -> None:
    """The collaboration network: exports, yearly metrics, suggested introductions."""


@graph_group.command("export")
@click.option("--year", type=int, default=None, help="Year to export (default: the latest with projects).")
@click.option("--cumulative", is_flag=True, help="Everything up to YEAR instead of YEAR alone.")
@click.option("--format", "fmt", type=click.Choice(EXPORT_FORMATS + ("json",)), default=None,
              help="Output format (default: from the file extension; .json is Kumu).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True), required=True,
              help="The file to write; - is standard output (text formats, with --format).")
@_LANG
@click.pass_obj
def export_command(ctx, year: int | None, cumulative: bool, fmt: str | None, output: str, lang: str) -> None:
    """Write the network as GEXF, GraphML, Kumu JSON, CSV, PNG, SVG, PDF, or an animated GIF/MP4.

    GEXF carries first years for Gephi's timeline; drawings and animations
    keep every organisation in the same place from year to year.
    `-o - --format csv` writes to standard output (GEXF, GraphML, JSON, CSV and SVG).
    """
    from graph.export import export_network, format_for

    if output == STDOUT and fmt is None:
        raise click.UsageError("-o - (standard output) has no extension to tell the format: give --format")
    try:
        fmt = format_for(output, fmt)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    path = _output(output, fmt, "network")
    _not_the_database(path, ctx.db)
    records = _records(ctx)
    try:
        with _written_to(path) as scratch:
            written = export_network(*records, scratch, fmt=fmt, year=year, cumulative=cumulative, lang=lang)
    except (ValueError, RuntimeError) as exc:
        raise click.ClickException(str(exc)) from exc
    if path is not None:  # on standard output, only the export
        click.echo(f"wrote {written} to {output}")


@graph_group.command("metrics")
@click.option("--from", "first", type=int, default=None, help="First year (default: first with projects).")
@click.option("--to", "last", type=int, default=None, help="Last year (default: last with projects).")
@click.option("--cumulative", is_flag=True, help="Measure the network up to each year, not the year alone.")
@click.pass_obj
def metrics_command(ctx, first: int | None, last: int | None, cumulative: bool) -> None:
    """Per-year table: activity, new ties, ties across kinds, density, components, who is central."""
    from graph.build import project_years
    from graph.metrics import yearly_metrics

    organisations, projects, participations = _records(ctx)
    years = project_years(projects)
    first = years[0] if first is None else first
    last = years[-1] if last is None else last
    for option, year in (("--from", first), ("--to", last)):  # --to 1000000000 measured for hours
        if not years[0] <= year <= years[-1]:
            raise click.BadParameter(f"no data for {year}: projects start {years[0]}–{years[-1]}", param_hint=option)
    if first > last:
        raise click.BadParameter(f"{first} is after --to {last}", param_hint="--from")
    try:
        rows = yearly_metrics(organisations, projects, participations, years=range(first, last + 1),
                              cumulative=cumulative, with_terms=False)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    names = {o.org_id: printable(o.name) for o in organisations}  # a terminal never gets a name's escapes
    header = (f"{'year':>4}  {'active':>6}  {'projects':>8}  {'new orgs':>8}  {'ties':>7}  {'new ties':>8}  "
              f"{'cross':>6}  {'nodes':>6}  {'edges':>7}  {'density':>7}  {'parts':>5}  {'largest':>7}  "
              f"{'comm.':>5}  most central / top broker")
    click.echo(f"network: {'everything up to each year' if cumulative else 'each year alone'}")
    click.echo(header)
    for m in rows:
        a, n = m.activity, m.network
        central = names.get(n.centrality[0].org_id, n.centrality[0].org_id) if n.centrality else "–"
        broker = names.get(n.brokers[0].org_id, n.brokers[0].org_id) if n.brokers else "–"
        communities = sum(1 for c in n.communities if c.size >= 3)
        click.echo(
            f"{m.year:>4}  {len(a.organisations):>6}  {len(a.projects):>8}  {len(a.new_organisations):>8}  "
            f"{a.ties:>7}  {len(a.new_ties):>8}  {a.cross_kind_ties:>6}  {n.nodes:>6}  {n.edges:>7}  "
            f"{n.density:>7.4f}  {n.components:>5}  {n.largest_component:>7}  {communities:>5}  "
            f"{central[:30]} / {broker[:30]}"
        )


@graph_group.command("suggest")
@click.option("--year", type=int, default=None, help="Use the network up to this year (default: all).")
@click.option("--org", "orgs", multiple=True, help="Only introductions for this organisation id (repeatable).")
@click.option("-k", "--top", type=click.IntRange(min=1), default=20, show_default=True)
@click.option("--method", type=click.Choice(["adamic_adar", "resource_allocation", "common_neighbours"]),
              default="adamic_adar", show_default=True)
@_LANG
@click.pass_obj
def suggest_command(ctx, year: int | None, orgs: tuple[str, ...], top: int, method: str, lang: str) -> None:
    """Pairs that have never worked together but should meet, with reasons."""
    from graph.build import build_collaboration_graph
    from graph.suggest import suggest_introductions
    from graph.terms import organisation_terms

    organisations, projects, participations = _records(ctx)
    try:
        G = build_collaboration_graph(organisations, projects, participations, until=year)
        terms = organisation_terms(organisations, projects, participations, until=year, lang=lang)
        intros = suggest_introductions(G, similarity=ctx.competence_similarity(), org_terms=terms, k=top,
                                       nodes=orgs or None, method=method, lang=lang)
    except nx.NodeNotFound as exc:
        missing = next(o for o in orgs if o not in G)
        where = "" if year is None else f" up to {year}"
        raise click.ClickException(f"{missing!r} has no projects in the network{where}") from exc
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    if not intros:
        click.echo("no candidates: nobody shares a partner without having worked together")
    for i, intro in enumerate(intros, start=1):
        a, b = G.nodes[intro.org_a]["name"], G.nodes[intro.org_b]["name"]
        click.echo(f"{i:>3}. {a} — {b}  ({intro.score:.3f})")
        click.echo(f"     {intro.reason}")


@click.command("report")
@click.option("--year", type=int, default=None, help="Year of the report (default: the latest with projects).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True), required=True,
              help="report.pdf, report.docx or report.html; - is standard output (HTML, with --format)")
@click.option("--format", "fmt", type=click.Choice(REPORT_FORMATS), default=None,
              help="pdf, docx or html (default: from the file extension).")
@click.option("--cluster", "cluster_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The cluster's TOML file: name, logo, colours, members (default: SAMSPILL_CLUSTER).")
@click.option("--internal", is_flag=True, help="Add the internal appendix (members gone quiet); not for publishing.")
@_LANG
@click.pass_obj
def report_command(ctx, year: int | None, output: str, fmt: str | None, cluster_file: Path | None, internal: bool,
                   lang: str) -> None:
    """The annual collaboration report as PDF, Word (.docx) or self-contained HTML.

    The story counts the introductions the advisers recorded in the year, and how many became joint projects.
    `-o - --format html` writes the HTML to standard output.
    """
    from data.introductions import introductions_per_year
    from graph.build import project_years
    from graph.cluster import load_cluster
    from graph.report import build_report, report_format, write_report

    try:
        if output == STDOUT and fmt is None:
            raise click.UsageError("-o - (standard output) has no extension to tell the format: give --format html")
        fmt = report_format(output, fmt)
        path = _output(output, fmt, "report")
        _not_the_database(path, ctx.db)
        cluster = load_cluster(cluster_file or ctx.settings.cluster)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    organisations, projects, participations = _records(ctx)
    year = project_years(projects)[-1] if year is None else year
    try:
        report = build_report(organisations, projects, participations, year=year, lang=lang,
                              similarity=ctx.competence_similarity(), cluster=cluster,
                              introductions=introductions_per_year(ctx.store(read_only=True)).get(year),
                              internal=internal)
        with _written_to(path) as scratch:
            written = write_report(report, scratch, fmt=fmt)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    if path is not None:  # on standard output, only the report
        click.echo(f"wrote {written} report for {year} to {output}")


commands = [graph_group, report_command]
