"""The bad-input catalogue: hostile or broken input at every entry point, each refused (or
neutralised) with a clear message, and the database left exactly as it was.

Each row of :data:`CATALOGUE` is ``(entry point, input, expected message fragment)``. The
test runs the input through that entry point -- the importers (what the CLI and the app's
upload both call), the CLI, the store's write methods (what the app's forms call), the
matcher, the app itself (AppTest, as a browser drives it) and the exports -- and asserts

1. the message the user gets contains the expected fragment, and
2. a snapshot of every row of every table (and the sequences) is the same before and after.

docs/reliability.md shows the catalogue as a table. More variants of the importers' refusals
(unknown kind, duplicate participation, row widths, …) are in tests/test_data_import*.py;
escaping in graph drawings in tests/test_graph_export.py.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import hostile_files
import openpyxl
import pytest
from click.testing import CliRunner
from reliability_support import COMPANY_A, build_db

from data.store import PartnerStore, StoreError
from matching.types import MatchingError
from samspill_cli import main

ROOT = Path(__file__).resolve().parents[1]
ORG_HEADER = "org_id,name,kind,country,region,org_number,description"
PROJECT_HEADER = "project_id,title,summary,start_year,programme"

# Names that are valid data but hostile downstream: stored verbatim, escaped or neutralised on the way out.
HOSTILE_ORGS = {
    "obrien-marine": 'O\'Brien "Marine" AS',
    "sql-name": "Robert'); DROP TABLE organisations;--",
    "script-name": "<script>alert('x')</script> Fisk AS",
    "formula-eq": '=HYPERLINK("http://evil.example","klikk")',
    "formula-plus": "+47 Sjømat AS",
    "formula-minus": "-2+3 Tech AS",
    "formula-at": "@SUM(A1:A9) AS",
    "formula-tab": "\t=1+1 Tab AS",
    "emoji-name": "🐟 Laks & Co",
}


@dataclass(frozen=True)
class Env:
    """One case's world: its own copy of the database and a scratch folder."""

    db: Path
    tmp: Path

    def store(self) -> PartnerStore:
        return PartnerStore(self.db)


@dataclass(frozen=True)
class Case:
    entry: str  # import, cli, store, matcher, app, export
    input: str  # what is fed in, in words
    expect: str  # a fragment of what the user is told (or of the output, for exports)
    run: Callable[[Env], str]  # feeds it in; returns the message (or output)
    app: bool = False  # runs the Streamlit app (needs the sample database with real vectors)

    @property
    def id(self) -> str:
        return f"{self.entry}: {self.input}"


# -- how each entry point is driven ------------------------------------------------------------------


def write(env: Env, name: str, data: bytes | str) -> Path:
    path = env.tmp / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


def import_file(name: str, data: Callable[[Env], bytes | str] | bytes | str) -> Callable[[Env], str]:
    """Import one file through :func:`import_path`; the refusal's message."""

    def run(env: Env) -> str:
        from data.importers import ImportFileError, import_path

        path = write(env, name, data(env) if callable(data) else data)
        with env.store() as store, pytest.raises(ImportFileError) as caught:
            import_path(store, path)
        return str(caught.value)

    return run


def cli(*args: str, stdin: str | None = None, files: dict[str, bytes | str] | None = None) -> Callable[[Env], str]:
    """Run ``samspill --db <db> ARGS`` ({tmp} in an argument is the scratch folder); exit code must be 1 or 2."""

    def run(env: Env) -> str:
        for name, data in (files or {}).items():
            write(env, name, data)
        argv = ["--db", str(env.db), *(a.replace("{tmp}", str(env.tmp)) for a in args)]
        result = CliRunner().invoke(main, argv, input=stdin)
        assert result.exit_code in (1, 2), (result.exit_code, result.output, result.exception)
        assert not result.exception or isinstance(result.exception, SystemExit), repr(result.exception)
        return result.output

    return run


def store_call(fn: Callable[[PartnerStore], object]) -> Callable[[Env], str]:
    """Call a store method as the app's forms do; the StoreError's message."""

    def run(env: Env) -> str:
        with env.store() as store, pytest.raises(StoreError) as caught:
            fn(store)
        return str(caught.value)

    return run


def match(query: dict | str, *, refused: bool = True) -> Callable[[Env], str]:
    """Match with the hashing fake against the stored vectors; the MatchingError (or the notes)."""

    def run(env: Env) -> str:
        from matching.matcher import Matcher
        from matching.testing import HashingEmbedder
        from matching.types import MatchQuery

        q = MatchQuery(**query) if isinstance(query, dict) else MatchQuery(text=query)
        with env.store() as store:
            matcher = Matcher(store, HashingEmbedder(), lang="en")
            if refused:
                with pytest.raises(MatchingError) as caught:
                    matcher.match(q)
                return str(caught.value)
            result = matcher.match(q)
            return " | ".join([*result.notes, f"{len(result.organisations)} organisations"])

    return run


def export(fn: Callable[[PartnerStore, Env], str]) -> Callable[[Env], str]:
    def run(env: Env) -> str:
        with env.store() as store:
            return fn(store, env)

    return run


def shortlist(store: PartnerStore, org_ids, *, html: bool = False) -> str:
    from data.export import shortlist_rows, to_csv, to_printable_html
    from matching.types import Suggestion

    suggestions = []
    for org_id in org_ids:
        o = store.organisation(org_id)
        suggestions.append(Suggestion(o.org_id, o.name, o.kind, 1.0, (f"Profile says: {o.description}",)))
    rows = shortlist_rows(suggestions)
    return to_printable_html(rows, title="Kortliste") if html else to_csv(rows)


def csv_cell(org_id: str) -> Callable[[PartnerStore, Env], str]:
    """The shortlist CSV's ``name`` cell of one organisation, as a spreadsheet would read it."""

    def fn(store: PartnerStore, env: Env) -> str:
        rows = list(csv.DictReader(io.StringIO(shortlist(store, [org_id]))))
        return rows[0]["name"]

    return fn


def graph_cli(fmt: str, suffix: str) -> Callable[[PartnerStore, Env], str]:
    def fn(store: PartnerStore, env: Env) -> str:
        store.close()  # the CLI opens the file itself
        out = env.tmp / f"net.{suffix}"
        args = ["--db", str(env.db)]
        args += ["report", "--year", "2024", "-o", str(out)] if fmt == "report" else [
            "graph", "export", "--year", "2024", "--format", fmt, "-o", str(out)]
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 0, result.output
        return out.read_text(encoding="utf-8")

    return fn


# -- inputs --------------------------------------------------------------------------------------


def org_csv(*rows: str, header: str = ORG_HEADER) -> str:
    return "\n".join([header, *rows]) + "\n"


def xlsx_bytes(env: Env) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(ORG_HEADER.split(","))
    for i in range(50):
        sheet.append([f"x{i}", f"X {i} AS", "company", "NO", "", "", "A description of some length " * 5])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def huge_broken_file(env: Env) -> str:
    """100,000 good rows and one bad one at the very end: all or nothing, in bounded time."""
    rows = [f"bulk-{i},Bulk {i} AS,company,NO,,,Makes things" for i in range(100_000)]
    rows.append("bulk-last,Last AS,compnay,NO,,,Typo in the kind")
    return org_csv(*rows)


SQL = "x'); DROP TABLE organisations;--"
SCRIPT = "<script>alert(1)</script>"

CATALOGUE: list[Case] = [
    # -- importers (the CLI's `import` and the app's upload both call import_path) --
    Case("import", "empty file (0 bytes)", "organisations.csv: the file is empty (0 bytes)",
         import_file("organisations.csv", b"")),
    Case("import", "file of blank lines only", "the file holds only whitespace",
         import_file("projects.csv", "\n \n\t\n")),
    Case("import", "100,000 rows, the last one broken", "row 100001 (line 100002), column kind: unknown kind 'compnay'",
         import_file("organisations.csv", huge_broken_file)),
    Case("import", "a 17 MB value in one cell", "not readable as CSV: field larger than field limit",
         import_file("organisations.csv", lambda env: org_csv("a,A,company,NO,,," + "x" * (17 * 2**20)))),
    Case("import", "Latin-1 encoded file", "line 2: not UTF-8 text (byte 0xf8",
         import_file("organisations.csv", org_csv("a,Sjømat AS,company,NO,,,").encode("latin-1"))),
    Case("import", "UTF-16 file with its BOM", "line 1: not UTF-8 text (byte 0xff at offset 0)",
         import_file("organisations.csv", org_csv("a,A,company,NO,,,").encode("utf-16"))),
    Case("import", "UTF-8 BOM and semicolons (Excel's 'CSV')", "the file looks semicolon-separated",
         import_file("organisations.csv", "\ufeff" + org_csv("a;A;company;NO;;;", header=ORG_HEADER.replace(",", ";"))),
         ),
    Case("import", "tab-separated file", "the file looks tab-separated",
         import_file("organisations.csv", org_csv("a\tA\tcompany\tNO\t\t\t", header=ORG_HEADER.replace(",", "\t")))),
    Case("import", "missing column", "missing column 'name'",  # only ids and names are required
         import_file("organisations.csv", org_csv("a,company,NO,,,", header=ORG_HEADER.replace("name,", "")))),
    Case("import", "extra unknown column", "unknown column 'competence' (did you mean 'competences'?",
         import_file("organisations.csv", org_csv("a,A,company,NO,,,,x", header=ORG_HEADER + ",competence"))),
    Case("import", "column twice in the header", "column 'name' appears twice in the header",
         import_file("organisations.csv", org_csv("a,A,company,NO,,,,B", header=ORG_HEADER + ",name"))),
    Case("import", "unterminated quote", "not readable as CSV: unexpected end of data",
         import_file("organisations.csv", org_csv('"a,A,company,NO,,,'))),
    Case("import", "duplicate ids that differ only in spaces", "duplicate org_id 'dup' (first at row 1)",
         import_file("organisations.csv", org_csv("dup,A,company,NO,,,", " dup ,B,company,NO,,,"))),
    Case("import", "id of only spaces", "column org_id: org_id is empty",
         import_file("organisations.csv", org_csv('"   ",A,company,NO,,,'))),
    Case("import", "participation of an unknown organisation named by SQL",
         f"column org_id: unknown organisation \"{SQL}\"",
         import_file("participations.csv", f'project_id,org_id,role\nS2017-01,"{SQL}",partner\n')),
    Case("import", "participation of an unknown project named by <script>",
         f"column project_id: unknown project '{SCRIPT}'",
         import_file("participations.csv", f"project_id,org_id,role\n{SCRIPT},sintef,partner\n")),
    Case("import", "NaN budget", "column budget_nok: bad amount 'NaN': not a finite number",
         import_file("projects.csv", f"{PROJECT_HEADER},budget_nok\np1,T,,2020,,NaN\n")),
    Case("import", "negative budget", "column budget_nok: bad amount '-1500000': negative",
         import_file("projects.csv", f"{PROJECT_HEADER},budget_nok\np1,T,,2020,,-1500000\n")),
    Case("import", "year 0", "column start_year: bad year 0: expected 1900–2100",
         import_file("projects.csv", f"{PROJECT_HEADER}\np1,T,,0,\n")),
    Case("import", "year 3000", "column start_year: bad year 3000: expected 1900–2100",
         import_file("projects.csv", f"{PROJECT_HEADER}\np1,T,,3000,\n")),
    Case("import", "head count beyond 32 bits", "column employees: bad count '99999999999999': larger than",
         import_file("organisations.csv", org_csv("a,A,company,NO,,,,99999999999999",
                                                  header=ORG_HEADER + ",employees"))),
    Case("import", "formula as a kind", "column kind: unknown kind \"=cmd|' /C calc'!A0\"",
         import_file("organisations.csv", org_csv("a,A,=cmd|' /C calc'!A0,NO,,,"))),
    Case("import", "truncated XLSX", "organisations.xlsx: not a readable XLSX workbook (truncated or corrupt?)",
         import_file("organisations.xlsx", lambda env: xlsx_bytes(env)[:1500])),
    Case("import", "PNG renamed to .csv", "not UTF-8 text (byte 0x89 at offset 0)",
         import_file("organisations.csv", b"\x89PNG\r\n\x1a\n" + bytes(range(256)))),
    Case("import", "JSON that is not Enhetsregisteret (keys navn, adresse)",
         "a JSON object with the keys navn, adresse",
         import_file("enhet.json", json.dumps({"navn": "Fisk AS", "adresse": "Kaia 1"}))),
    Case("import", "Enhetsregisteret unit with SQL as its number",
         "field organisasjonsnummer: bad organisation number",
         import_file("enhet.json", json.dumps({"organisasjonsnummer": SQL, "navn": "X"}))),
    Case("import", "Enhetsregisteret roles response", "roles response (rollegrupper) lists roles, not organisations",
         import_file("roller.json", json.dumps({"rollegrupper": []}))),
    Case("import", "JSON nested 100,000 deep", "not importable JSON: nested too deeply",
         import_file("deep.json", "[" * 100_000 + "]" * 100_000)),
    Case("import", "JSON with a 5,000-digit number", "not importable JSON: Exceeds the limit (4300 digits)",
         import_file("big.json", "1" * 5000)),
    Case("import", "unsupported file type", "not a recognised format: .parquet",
         import_file("register.parquet", b"PAR1")),
    # -- the command line --
    Case("cli", "--db pointing at a CSV file", "it is not a valid DuckDB database file",
         cli("stats")),  # the env's db is replaced by a CSV in the test (see test_catalogue)
    Case("cli", "import of a path that does not exist", "Path '/nonexistent/orgs.csv' does not exist",
         cli("import", "/nonexistent/orgs.csv")),
    Case("cli", "import of a Latin-1 file", "Error: organisations.csv: line 2: not UTF-8 text",
         cli("import", "{tmp}/organisations.csv", files={"organisations.csv": org_csv("a,Sjø,company,NO,,,").encode(
             "latin-1")})),
    Case("cli", "match without text", "give either an idea TEXT or --batch FILE", cli("match")),
    Case("cli", "match --top 0", "0 is not in the range 1<=x<=200", cli("match", "hydrogen", "--top", "0")),
    Case("cli", "match --batch with a line that is not JSON", "b.jsonl, line 2: not JSON",
         cli("match", "--batch", "{tmp}/b.jsonl", files={"b.jsonl": '{"text": "ok"}\nDROP TABLE ideas;\n'})),
    Case("cli", "match --batch with kind <script>", "line 1, field kind: unknown kind '<script>'",
         cli("match", "--batch", "{tmp}/b.jsonl", files={"b.jsonl": json.dumps({"text": "x", "kind": "<script>"})})),
    Case("cli", "match --batch in UTF-16", "b.jsonl: not UTF-8 text",
         cli("match", "--batch", "{tmp}/b.jsonl", files={"b.jsonl": '{"text": "x"}\n'.encode("utf-16")})),
    Case("cli", "account with a 5-character password", "the password must have at least 8 characters",
         cli("account", "add", "kari", "--role", "adviser", "--password-stdin", stdin="short\n")),
    Case("cli", "account for an organisation named by SQL", "no organisation with id \"x'); DROP TABLE",
         cli("account", "add", "kari", "--role", "company", "--org", SQL, "--password-stdin", stdin="long-enough\n")),
    Case("cli", "account that exists already", "account 'bedrift-a' exists already",
         cli("account", "add", COMPANY_A[0], "--role", "adviser", "--password-stdin", stdin="long-enough\n")),
    Case("cli", "restore from a folder that is no backup", "is not a complete Samspill backup",
         cli("restore", "--force", "{tmp}/notes", files={"notes/readme.txt": "hi"})),
    Case("cli", "graph export of year 3000", "no data for 3000", cli("graph", "export", "--year", "3000", "-o",
                                                                      "{tmp}/x.gexf")),
    # -- the store's writes (what the app's forms call) --
    Case("store", "idea of 200,000 characters", "the description has 200,000 characters; at most 20,000",
         store_call(lambda s: s.add_idea(title="Stor", text="hydrogen " * 22_222 + "xx", submitted_by="u"))),
    Case("store", "idea title of spaces", "an idea needs a title",
         store_call(lambda s: s.add_idea(title="   ", text="x", submitted_by="u"))),
    Case("store", "idea for an organisation named by SQL", "no organisation with id \"x' OR '1'='1\"",
         store_call(lambda s: s.add_idea(title="t", text="x", submitted_by="u", org_id="x' OR '1'='1"))),
    Case("store", "feedback with verdict <script>", "unknown verdict '<script>alert(1)</script>'",
         store_call(lambda s: s.add_feedback(org_id="sintef", verdict=SCRIPT, given_by="u"))),
    Case("store", "feedback on an idea that does not exist", "no idea 999999",
         store_call(lambda s: s.add_feedback(org_id="sintef", verdict="useful", given_by="u", idea_id=999_999))),
    Case("store", "idea status '; DROP", "unknown status \"'; DROP TABLE ideas;--\"",
         store_call(lambda s: s.update_idea(1, status="'; DROP TABLE ideas;--"))),
    # -- the matcher --
    Case("matcher", "empty idea", "the idea is empty", match("")),
    Case("matcher", "only punctuation", "the idea has no words in it", match("??? !!! ...")),
    Case("matcher", "only emoji", "the idea has no words in it", match("🐟🚢⚡🐟")),
    Case("matcher", "only control characters", "the idea is empty", match("\x00\x00\x00")),
    Case("matcher", "not text (bytes)", "the idea must be text, not bytes", match({"text": b"hydrogen"})),
    Case("matcher", "top = 10^9", "top must be between 1 and 200", match({"text": "hydrogen", "top": 10**9})),
    Case("matcher", "seed organisation named by SQL", "unknown organisation \"x' OR '1'='1\"",
         match({"text": "hydrogen", "as_org": "x' OR '1'='1"})),
    Case("matcher", "kind <script>", "unknown kind '<script>alert(1)</script>'",
         match({"text": "hydrogen", "kinds": (SCRIPT,)})),
    Case("matcher", "idea of 200,000 characters", "The idea was 200,000 characters long; only the first 20,000",
         match(("hydrogen ferries " * 11_765)[:200_000], refused=False)),
    Case("matcher", "SQL and <script> as the idea", "10 organisations",
         match(f"{SQL} {SCRIPT} hydrogen fuel cells for ferries", refused=False)),
    # -- the exports --
    Case("export", "shortlist CSV: name starting with =", "'=HYPERLINK(", export(csv_cell("formula-eq"))),
    Case("export", "shortlist CSV: name starting with +", "'+47 Sjømat AS", export(csv_cell("formula-plus"))),
    Case("export", "shortlist CSV: name starting with -", "'-2+3 Tech AS", export(csv_cell("formula-minus"))),
    Case("export", "shortlist CSV: name starting with @", "'@SUM(A1:A9) AS", export(csv_cell("formula-at"))),
    Case("export", "shortlist CSV: name starting with a tab", "'\t=1+1 Tab AS", export(csv_cell("formula-tab"))),
    Case("export", "shortlist HTML: <script> in a name", "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; Fisk AS",
         export(lambda s, env: shortlist(s, ["script-name", "sql-name"], html=True))),
    Case("export", "graph CSV: formula names", "'=HYPERLINK(", export(graph_cli("csv", "csv"))),
    Case("export", "graph GEXF: <script> in a name", "&lt;script&gt;alert('x')&lt;/script&gt; Fisk AS",
         export(graph_cli("gexf", "gexf"))),
    Case("export", "graph Kumu JSON: <script> in a name", "\\u003cscript\\u003ealert('x')\\u003c/script\\u003e",
         export(graph_cli("kumu", "json"))),
    Case("export", "annual report HTML: <script> in a name", "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;",
         export(graph_cli("report", "html"))),
]


# -- round 2 (issue 15): bounded input, one-line errors, identifiers, secrets ----------------------------


def import_folder(files: dict[str, bytes | str], links: dict[str, str] | None = None) -> Callable[[Env], str]:
    """Import a folder of ``files`` (and symbolic ``links`` name -> target) through import_path."""

    def run(env: Env) -> str:
        from data.importers import ImportFileError, import_path

        folder = env.tmp / "folder"
        for name, data in files.items():
            write(env, f"folder/{name}", data)
        folder.mkdir(exist_ok=True)
        for name, target in (links or {}).items():
            (folder / name).symlink_to(target)
        with env.store() as store, pytest.raises(ImportFileError) as caught:
            import_path(store, folder)
        return str(caught.value)

    return run


def sparse_file(size: int) -> Callable[[Env], str]:
    """Import a CSV of ``size`` bytes made without writing them (a sparse file)."""

    def run(env: Env) -> str:
        from data.importers import ImportFileError, import_path

        path = env.tmp / "organisations.csv"
        with open(path, "wb") as f:
            f.truncate(size)
        with env.store() as store, pytest.raises(ImportFileError) as caught:
            import_path(store, path)
        return str(caught.value)

    return run


def on_a_full_disk(run: Callable[[Env], str]) -> Callable[[Env], str]:
    """Run with the database's write-ahead log pointing at /dev/full, which answers every write
    with ENOSPC as a full disk does; the link is gone again before the database is compared."""

    def wrapped(env: Env) -> str:
        wal = Path(f"{env.db}.wal")
        wal.symlink_to("/dev/full")
        try:
            return run(env)
        finally:
            wal.unlink()

    return wrapped


def with_empty_db(run: Callable[[Env], str]) -> Callable[[Env], str]:
    """Run with an empty database (migrated, no rows) at {tmp}/empty.duckdb."""

    def wrapped(env: Env) -> str:
        PartnerStore(env.tmp / "empty.duckdb").close()
        return run(env)

    return wrapped


def cli_bytes(*args: str, stdin: bytes) -> Callable[[Env], str]:
    return cli(*args, stdin=stdin)  # CliRunner takes bytes as they come, as a pipe gives them


def unit(**fields) -> str:
    return json.dumps({"organisasjonsnummer": "923609016", "navn": "EQUINOR ASA", **fields})


LONG = "Vi lager sensorer. " * 1_400  # 26,600 characters

CATALOGUE += [
    # bounded input
    Case("import", "XLSX of 5 KB declaring A1:XFD1048576 with a cell at XFD1048576",
         "sheet row 1048576 reaches past column 200",
         import_file("organisations.xlsx", lambda env: hostile_files.dimension_bomb())),
    Case("import", "XLSX that claims to unpack to 2 GB", "the workbook unpacks to 2,147,",
         import_file("organisations.xlsx", lambda env: hostile_files.claims_to_unpack_to(
             hostile_files.workbook(), 2**31))),
    Case("import", "file of 300 MB", "the file has 314,572,800 bytes; at most 268,435,456",
         sparse_file(300 * 2**20)),
    Case("import", "CSV with 250 columns", "the header: more than 200 columns",
         import_file("organisations.csv", ",".join(f"c{i}" for i in range(250)) + "\n")),
    Case("import", "description of 26,600 characters", "column description: the description has 26,600 characters",
         import_file("organisations.csv", lambda env: org_csv(f'long,Long AS,company,NO,,,"{LONG}"'))),
    Case("import", "organisation name of 600 characters", "column name: the name has 600 characters; at most 500",
         import_file("organisations.csv", org_csv("n," + "N" * 600 + ",company,NO,,,"))),
    Case("import", "a value of 150,000 characters in a JSON record", "a value of 150,000 characters; at most 100,000",
         import_file("enhet.json", unit(navn="N" * 150_000))),
    # one line, never a traceback
    Case("import", "Enhetsregisteret unit with a lone surrogate in its name",
         "field navn: holds U+D800 (half of a character), which is not text",
         import_file("enhet.json", '{"organisasjonsnummer": "923609016", "navn": "EQUINOR \\ud800"}')),
    Case("import", "CSV with an encoded surrogate (bytes ED A0 80)", "line 2: not UTF-8 text (byte 0xed",
         import_file("organisations.csv", b"org_id,name,kind,country,region,org_number,description\n"
                     b"a,A \xed\xa0\x80,company,NO,,,\n")),
    Case("import", "XLSX whose cell names shared string 999,999 of none", "not a readable XLSX workbook",
         import_file("organisations.xlsx", lambda env: hostile_files.shared_string_out_of_range())),
    Case("import", "XLSX with its sheet's XML cut in half", "not a readable XLSX workbook",
         import_file("organisations.xlsx", lambda env: hostile_files.malformed_sheet())),
    Case("import", "XLSX with an entity expansion bomb (billion laughs)", "limit on input amplification factor",
         import_file("organisations.xlsx", lambda env: hostile_files.entity_bomb())),
    Case("import", "file that is not a zip archive named .xlsx", "not a readable XLSX workbook",
         import_file("organisations.xlsx", "org_id,name\n")),
    # identifiers
    Case("import", "organisation number in Arabic-Indic digits",
         "bad organisation number '٩٢٣٦٠٩٠١٦': expected 9 digits (0-9)",
         import_file("enhet.json", unit(organisasjonsnummer="٩٢٣٦٠٩٠١٦"))),
    Case("import", "organisation number with a wrong check digit",
         "bad organisation number 923609017: the check digit should be 6",
         import_file("enhet.json", unit(organisasjonsnummer="923609017"))),
    Case("import", "interchange org_number of 8 digits", "column org_number: bad organisation number '92360901'",
         import_file("organisations.csv", org_csv("a,A,company,NO,,92360901,"))),
    Case("import", "id with a zero-width space", "column org_id: holds U+200B ZERO WIDTH SPACE",
         import_file("organisations.csv", org_csv("sintef\u200b,SINTEF 2,research,NO,,,"))),
    Case("import", "id with the non-character U+FFFF", "column org_id: holds U+FFFF",
         import_file("organisations.csv", org_csv("x\uffff,X,company,NO,,,"))),
    Case("import", "id with a right-to-left override", "column project_id: holds U+202E RIGHT-TO-LEFT OVERRIDE",
         import_file("projects.csv", f"{PROJECT_HEADER}\np\u202e1,T,,2020,\n")),
    Case("import", "folder with ORGANISATIONS.csv and organisations.csv",
         "names that differ only by case: keep one",
         import_folder({"ORGANISATIONS.csv": org_csv("a,A,company,NO,,,"),
                        "organisations.csv": org_csv("b,B,company,NO,,,")})),
    Case("import", "folder whose organisations.csv links to /etc/passwd",
         "organisations.csv is a link to a file outside the folder",
         import_folder({}, links={"organisations.csv": "/etc/passwd"})),
    # the command line
    Case("cli", "match on a database that does not exist", "no database at",
         cli("--db", "{tmp}/typo/cluster.duckdb", "match", "hydrogen")),
    Case("cli", "stats on a mistyped --db", "no database at", cli("--db", "{tmp}/typo.duckdb", "stats")),
    Case("cli", "match on an empty database", "holds no organisations yet; import some first",
         with_empty_db(cli("--db", "{tmp}/empty.duckdb", "match", "hydrogen"))),
    Case("cli", "match --batch with an id of 5,000 digits", "b.jsonl, line 1: not an idea (Exceeds the limit",
         cli("match", "--batch", "{tmp}/b.jsonl", files={"b.jsonl": '{"id": ' + "9" * 5000 + ', "text": "x"}'})),
    Case("cli", "match --batch with id 1e999", "field id: expected text or a whole number, not Infinity",
         cli("match", "--batch", "{tmp}/b.jsonl", files={"b.jsonl": '{"id": 1e999, "text": "x"}'})),
    Case("cli", "match --batch with as as a list", 'field as: expected an organisation id, not ["sintef"]',
         cli("match", "--batch", "{tmp}/b.jsonl", files={"b.jsonl": '{"text": "x", "as": ["sintef"]}'})),
    Case("cli", "match --batch with kind as an object", "field kind: expected text or a list of text",
         cli("match", "--batch", "{tmp}/b.jsonl", files={"b.jsonl": '{"text": "x", "kind": {"a": 1}}'})),
    Case("cli", "match --batch with a line nested 100,000 deep", "line 1: nested too deeply to be an idea",
         cli("match", "--batch", "{tmp}/b.jsonl",
             files={"b.jsonl": '{"text": ' + "[" * 100_000 + "]" * 100_000 + "}"})),
    Case("cli", "match --batch with a lone surrogate in the text", "line 1: holds half of a UTF-16 character",
         cli("match", "--batch", "{tmp}/b.jsonl", files={"b.jsonl": '{"text": "hydrogen \\udc00"}'})),
    Case("cli", "import into a database whose disk is full", "the disk is full; nothing was changed",
         on_a_full_disk(cli("import", "{tmp}/organisations.csv",
                            files={"organisations.csv": org_csv("full-1,Full AS,company,NO,,,")}))),
    Case("cli", "graph export to a full disk", "cannot write /dev/full: No space left on device",
         cli("graph", "export", "--year", "2024", "--format", "gexf", "-o", "/dev/full")),
    Case("cli", "restore into a folder that does not exist", "the folder",
         cli("--db", "{tmp}/gone/db.duckdb", "restore", "{tmp}")),
    Case("cli", "account with a password of only spaces", "the password cannot be only whitespace",
         cli("account", "add", "kari", "--role", "adviser", "--password-stdin", stdin="          \n")),
    Case("cli", "account name with a Cyrillic а among Latin letters",
         "the username mixes letters of different scripts (CYRILLIC and LATIN)",
         cli("account", "add", "r\u0430dgiver", "--role", "adviser", "--password-stdin", stdin="long-enough\n")),
    Case("cli", "account name with a bell character", "the username holds U+0007",
         cli("account", "add", "kari\x07", "--role", "adviser", "--password-stdin", stdin="long-enough\n")),
    Case("cli", "account name in full-width letters", "compatibility characters",
         cli("account", "add", "ｋａｒｉ", "--role", "adviser", "--password-stdin", stdin="long-enough\n")),
    Case("cli", "account that differs from one only by case", "account 'Bedrift-A' exists already (as 'bedrift-a')",
         cli("account", "add", "Bedrift-A", "--role", "adviser", "--password-stdin", stdin="long-enough\n")),
    Case("cli", "password on stdin that is not UTF-8", "the password on standard input is not UTF-8 text",
         cli_bytes("account", "add", "kari", "--role", "adviser", "--password-stdin", stdin=b"\xff\xfepassord1\n")),
    # the store's writes
    Case("store", "profile description of 26,600 characters", "has 26,600 characters; at most 20,000",
         store_call(lambda s: s.update_organisation(replace(s.organisation("sintef"), description=LONG)))),
    Case("store", "idea on a full disk", "the disk is full; nothing was changed",
         on_a_full_disk(store_call(lambda s: s.add_idea(title="Full", text="Disken er full", submitted_by="u")))),
]


# -- the app, through AppTest -----------------------------------------------------------------------


def _app(env: Env, username: str, password: str):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=300).run()
    at.text_input(key="signin_username").input(username)
    at.text_input(key="signin_password").input(password)
    at.button(key="signin_submit").click()
    return _ok(at.run())


def _ok(at):
    assert not at.exception, [e.value for e in at.exception]
    return at


def _errors(at) -> str:
    return "\n".join(e.value for e in at.error)


def app_sign_in(username: str, password: str) -> Callable[[Env], str]:
    def run(env: Env) -> str:
        at = _app(env, username, password)
        assert at.text_input(key="signin_username") is not None  # still on the sign-in page
        return _errors(at)

    return run


def app_submit(title: str, text: str) -> Callable[[Env], str]:
    def run(env: Env) -> str:
        at = _app(env, "bedrift1", DEMO_PASSWORD)
        at.text_input(key="submit_title").input(title)
        at.text_area(key="submit_text").input(text)
        at.button(key="submit_send").click()
        _ok(at.run())
        assert not at.success
        return _errors(at)

    return run


def app_upload(name: str, data: bytes) -> Callable[[Env], str]:
    def run(env: Env) -> str:
        at = _app(env, "radgiver", DEMO_PASSWORD)
        at.switch_page("app_pages/organisations.py")
        _ok(at.run())
        # the page makes a new uploader after each import (so no file is sent twice): find it by its prefix
        (uploader,) = [u for u in at.file_uploader if (u.key or "").startswith("organisations_upload")]
        uploader.upload(name, data, "application/octet-stream")
        _ok(at.run())
        at.button(key="organisations_import").click()
        _ok(at.run())
        return _errors(at)

    return run


def app_rename(org_id: str, name: str) -> Callable[[Env], str]:
    def run(env: Env) -> str:
        at = _app(env, "radgiver", DEMO_PASSWORD)
        at.switch_page("app_pages/organisations.py")
        _ok(at.run())
        at.selectbox(key="organisations_open").set_value(org_id)
        _ok(at.run())
        at.text_input(key=f"organisations_name_{org_id}").input(name)
        at.button(key=f"organisations_save_{org_id}").click()
        _ok(at.run())
        return _errors(at)

    return run


def app_find(text: str) -> Callable[[Env], str]:
    def run(env: Env) -> str:
        at = _app(env, "radgiver", DEMO_PASSWORD)
        at.text_area(key="find_partners_text").input(text)
        at.button(key="find_partners_run").click()
        _ok(at.run())
        return _errors(at)

    return run


from data.accounts import DEMO_PASSWORD  # noqa: E402 - next to its only users

CATALOGUE += [
    Case("app", "sign-in with ' OR '1'='1' -- as username", "Feil brukernavn eller passord.",
         app_sign_in("' OR '1'='1' --", "anything"), app=True),
    Case("app", "sign-in with <script> as username and no password", "Skriv inn både brukernavn og passord.",
         app_sign_in(SCRIPT, ""), app=True),
    Case("app", "submit an idea without a title", "Idéen trenger en tittel.",
         app_submit("", "Hydrogen på fôrflåter."), app=True),
    # The text area takes at most 20,000 characters and refuses a longer value outright (the
    # store refuses one that gets past a browser: see the store case above).
    Case("app", "submit an idea of 200,000 characters", "Beskriv idéen med noen setninger.",
         app_submit("Stor idé", "fôrflåter " * 20_000), app=True),
    Case("app", "upload a JSON nested 100,000 deep", "deep.json ble avvist, og ingenting ble endret",
         app_upload("deep.json", b"[" * 100_000 + b"]" * 100_000), app=True),
    Case("app", "upload an empty CSV", "organisations.csv ble avvist, og ingenting ble endret",
         app_upload("organisations.csv", b""), app=True),
    Case("app", "save a profile whose name is only spaces", "Organisasjonen må ha et navn.",
         app_rename("sintef", "   "), app=True),
    Case("app", "find partners for an idea of only emoji", "Det gikk ikke: the idea has no words in it",
         app_find("🐟🐟🐟 ⚡⚡"), app=True),
    Case("app", "upload the 5 KB XLSX declaring A1:XFD1048576",
         "organisations.xlsx ble avvist, og ingenting ble endret",
         app_upload("organisations.xlsx", hostile_files.dimension_bomb()), app=True),
    Case("app", "upload Enhetsregisteret JSON with a lone surrogate", "enhet.json ble avvist, og ingenting ble endret",
         app_upload("enhet.json", b'{"organisasjonsnummer": "923609016", "navn": "EQUINOR \\ud800"}'), app=True),
]


# -- the test ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def base_db(tmp_path_factory) -> Path:
    """The sample cluster with hostile names (stored verbatim), accounts, an idea, and fake vectors."""
    from data.importers import import_path
    from matching.index import index_store
    from matching.testing import HashingEmbedder

    folder = tmp_path_factory.mktemp("bad-inputs")
    db = build_db(folder / "base.duckdb", index=False)
    hostile = folder / "hostile"
    hostile.mkdir()
    with open(hostile / "organisations.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(ORG_HEADER.split(","))
        for org_id, name in HOSTILE_ORGS.items():
            w.writerow([org_id, name, "company", "NO", "Trøndelag", "", "Hydrogen og havbruk; sensorer for merder."])
    (hostile / "projects.csv").write_text(f"{PROJECT_HEADER}\nhostile-2024,Pilot,Sensorer,2024,RIA\n")
    (hostile / "participations.csv").write_text(
        "project_id,org_id,role\n" + "".join(f"hostile-2024,{o},partner\n" for o in HOSTILE_ORGS)
        + "hostile-2024,sintef,coordinator\n"
    )
    with PartnerStore(db) as store:
        import_path(store, hostile)
        assert {o: store.organisation(o).name for o in HOSTILE_ORGS} == HOSTILE_ORGS  # verbatim
        store.add_idea(title="Første idé", text="Hydrogen på fôrflåter", submitted_by=COMPANY_A[0],
                       org_id=COMPANY_A[2])
        index_store(store, HashingEmbedder())
    return db


def _snapshot(db: Path) -> dict:
    """Every row, read through the same kind of connection the app holds (so it may stay open)."""
    import duckdb

    conn = duckdb.connect(str(db))
    try:
        tables = [r[0] for r in conn.execute("SELECT table_name FROM information_schema.tables").fetchall()]
        out = {t: conn.execute(f'SELECT * FROM "{t}" ORDER BY ALL').fetchall() for t in sorted(tables)}
        out["(sequences)"] = conn.execute(
            "SELECT sequence_name, coalesce(last_value + increment_by, start_value) FROM duckdb_sequences()"
        ).fetchall()
        return out
    finally:
        conn.close()


@pytest.mark.parametrize("case", CATALOGUE, ids=[c.id for c in CATALOGUE])
def test_catalogue(case: Case, request, tmp_path, monkeypatch):
    tmp = tmp_path / "in"
    tmp.mkdir()
    if case.app:
        db = tmp_path / "app.duckdb"
        shutil.copy(request.getfixturevalue("sample_db_file"), db)
        monkeypatch.setenv("SAMSPILL_DB", str(db))
        monkeypatch.delenv("SAMSPILL_MODEL", raising=False)
    else:
        db = tmp_path / "case.duckdb"
        shutil.copy(request.getfixturevalue("base_db"), db)
    if case.input == "--db pointing at a CSV file":
        db.unlink()
        db.write_text(org_csv("a,A,company,NO,,,"))
        before_bytes = db.read_bytes()
        message = case.run(Env(db, tmp))
        assert case.expect in message
        assert db.read_bytes() == before_bytes and not Path(f"{db}.wal").exists()
        return
    before = _snapshot(db)
    message = case.run(Env(db, tmp))
    assert case.expect in message, f"{case.expect!r} not in {message[:600]!r}"
    assert _snapshot(db) == before, "the database changed"


def test_catalogue_is_big_enough_and_covers_every_entry_point():
    entries = {c.entry for c in CATALOGUE}
    assert entries == {"import", "cli", "store", "matcher", "app", "export"}
    assert len(CATALOGUE) >= 40
    assert len({c.id for c in CATALOGUE}) == len(CATALOGUE)


def catalogue_markdown() -> str:
    """The catalogue as a Markdown table (pasted into docs/reliability.md)."""
    lines = ["| # | entry point | input | expected message (fragment) |", "|---|---|---|---|"]
    for n, c in enumerate(CATALOGUE, start=1):
        expect = c.expect.replace("|", "\\|").replace("\t", "⇥").replace("\n", " ")
        given = c.input.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")  # markup shown, not run
        lines.append(f"| {n} | {c.entry} | {given} | `{expect}` |")
    return "\n".join(lines)


if __name__ == "__main__":  # python tests/test_bad_inputs.py > table.md
    print(catalogue_markdown())
