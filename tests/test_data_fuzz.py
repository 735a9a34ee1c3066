"""Property-based fuzzing (Hypothesis) of every importer and of ``match --batch`` lines.

For any input: the importer either imports it or refuses it with :class:`ImportFileError` (one
message naming the file), never another exception, and a refusal leaves the store exactly as
it was. Batch lines are read into queries or refused with one line (``click.ClickException``),
and the queries read either match or fail with :class:`MatchingError`.

Inputs are built near the formats (their real headers and field names, hostile values: every
Unicode category, surrogates, control characters, numbers out of range, deep nesting, broken
bytes), so most examples reach the parsers instead of failing at the first byte. The number of
examples is bounded (``EXAMPLES`` per format) and the runs are derandomised, so the default
suite stays fast and repeatable; ``SAMSPILL_FUZZ_EXAMPLES`` raises it for a longer hunt.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import tempfile
import zipfile
from pathlib import Path

import click
import hostile_files
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from data.importers import ImportFileError, import_path
from data.importers.cordis import (
    ORGANISATIONS_CSV_COLUMNS,
    PARTICIPANT_RECORD_FIELDS,
    PROJECT_RECORD_FIELDS,
    PROJECTS_CSV_COLUMNS,
)
from data.importers.forskningsradet import COLUMNS as FORSKNINGSRADET_COLUMNS
from data.importers.interchange import OPTIONAL, REQUIRED
from data.models import Organisation, Participation, Project
from data.store import PartnerStore

EXAMPLES = int(os.environ.get("SAMSPILL_FUZZ_EXAMPLES", "25"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,  # nothing written into the checkout
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)

# -- values ------------------------------------------------------------------------------------------

#: Text from every corner of Unicode, surrogates and controls included.
any_text = st.text(st.characters(codec=None, exclude_categories=()), max_size=40)
#: What real cells hold, so rows often get past the header checks to the value checks.
plausible = st.sampled_from(
    [
        "",
        " ",
        "sintef",
        "NTNU",
        "company",
        "research",
        "coordinator",
        "partner",
        "2020",
        "2024-05-01",
        "01.02.2019",
        "923609016",
        "923609017",
        "٩٢٣٦٠٩٠١٦",
        "NaN",
        "-1",
        "1e999",
        "99999999999999",
        "H2020",
        "S2017-01",
        "PRC",
        "Ålesund",
        "A\u030alesund",
        "x\u200by",
        "x\uffff",
        "=HYPERLINK(1)",
        "\x00",
        "\ud800",
        "ORGANISATIONS",
    ]
)
cell = st.one_of(plausible, any_text)


def json_values(depth: int = 3):
    leaves = st.one_of(st.none(), st.booleans(), st.integers(min_value=-(10**30), max_value=10**30), st.floats(), cell)
    return st.recursive(
        leaves,
        lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(cell, inner, max_size=3)),
        max_leaves=8,
    )


def records(fields: tuple[str, ...]):
    """JSON objects with the format's fields (some left out) and hostile values."""
    return st.lists(
        st.fixed_dictionaries({}, optional={f: st.one_of(cell, json_values()) for f in fields}), min_size=0, max_size=4
    )


def table(columns: tuple[str, ...]):
    """A header (the real columns, sometimes one dropped or one added) and rows of hostile cells."""
    header = st.one_of(
        st.just(list(columns)),
        st.lists(st.sampled_from(list(columns)), min_size=1, max_size=len(columns) + 1),
        st.just(list(columns)).flatmap(lambda cols: st.builds(lambda extra: cols + [extra], cell)),
    )
    return header.flatmap(
        lambda cols: st.tuples(
            st.just(cols), st.lists(st.lists(cell, min_size=len(cols) - 1, max_size=len(cols) + 1), max_size=4)
        )
    )


def csv_bytes(header: list[str], rows: list[list[str]], delimiter: str = ",") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8", "surrogatepass")  # lone surrogates as the bytes a broken exporter writes


def mutated(data: bytes):
    """``data`` with a few bytes overwritten, cut short or doubled."""
    return st.one_of(
        st.just(data),
        st.builds(lambda n: data[:n], st.integers(0, len(data))),
        st.lists(st.tuples(st.integers(0, max(len(data) - 1, 0)), st.integers(0, 255)), min_size=1, max_size=8).map(
            lambda edits: _overwrite(data, edits)
        ),
    )


def _overwrite(data: bytes, edits) -> bytes:
    blob = bytearray(data)
    for at, value in edits:
        if blob:
            blob[at % len(blob)] = value
    return bytes(blob)


# -- the property ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def store():
    """One store for all examples: a few records that imports can refer to and merge with."""
    with PartnerStore() as store:
        store.upsert(
            [
                Organisation("sintef", "SINTEF AS", "research", "NO", org_number="923609016"),
                Organisation("N:SINTEF AS", "SINTEF AS"),
            ],
            [Project("S2017-01", "Pilot", start_year=2017), Project("H2020-779469", "Haeolus", start_year=2018)],
            [Participation("S2017-01", "sintef", "coordinator")],
        )
        yield store


def contents(store: PartnerStore) -> tuple:
    return store.organisations(), store.projects(), store.participations(), store.revision()


def imports_or_refuses(store: PartnerStore, files: dict[str, bytes], target: str = "") -> None:
    """Import ``files`` (written into a fresh folder; ``target`` names the file to import, else the
    folder): a report or an ImportFileError of one first line naming the file, and on refusal no change."""
    with tempfile.TemporaryDirectory(prefix="samspill-fuzz-") as tmp:
        folder = Path(tmp) / "fuzz-input"
        folder.mkdir()
        for name, data in files.items():
            (folder / name).write_bytes(data)
        before = contents(store)
        try:
            import_path(store, folder / target if target else folder)
        except ImportFileError as exc:
            first = str(exc).splitlines()[0]
            assert any(first.startswith(name) for name in [*files, folder.name]), f"names no file: {first!r}"
            assert contents(store) == before, "a refused import changed the store"


# -- every importer ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["organisations", "projects", "participations"])
@FUZZ
@given(data=st.data())
def test_interchange_csv(store, kind, data):
    header, rows = data.draw(table(REQUIRED[kind] + OPTIONAL[kind]))
    imports_or_refuses(store, {f"{kind}.csv": csv_bytes(header, rows)}, f"{kind}.csv")


@FUZZ
@given(header_rows=table(REQUIRED["organisations"] + OPTIONAL["organisations"]))
def test_interchange_xlsx(store, header_rows):
    header, rows = header_rows
    legal = [[value for value in row if not _illegal_in_xml(value)] for row in [header, *rows]]
    if not legal[0]:
        legal[0] = ["org_id"]
    imports_or_refuses(store, {"organisations.xlsx": hostile_files.workbook_of(legal)}, "organisations.xlsx")


def _illegal_in_xml(value: str) -> bool:
    """What no XML 1.0 document can hold, so no spreadsheet writer can put it in a workbook."""
    return bool(_NOT_XML.search(value))


# XML 1.0's Char production, negated: controls but tab and newlines, surrogates, U+FFFE and U+FFFF.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


#: Made once: a workbook carries the time it was written, and the examples must not change between runs.
GOOD_XLSX = hostile_files.workbook()


@FUZZ
@given(data=st.data())
def test_interchange_xlsx_with_broken_bytes(store, data):
    imports_or_refuses(store, {"organisations.xlsx": data.draw(mutated(GOOD_XLSX))}, "organisations.xlsx")


@FUZZ
@given(data=st.data())
def test_interchange_folder(store, data):
    files = {}
    for kind in data.draw(st.sets(st.sampled_from(["organisations", "projects", "participations"]), min_size=1)):
        header, rows = data.draw(table(REQUIRED[kind] + OPTIONAL[kind]))
        name = data.draw(st.sampled_from([f"{kind}.csv", f"{kind.upper()}.csv", f"{kind}.CSV"]))
        files[name] = csv_bytes(header, rows)
    imports_or_refuses(store, files)


@pytest.mark.parametrize(
    ("name", "columns", "delimiter"),
    [
        ("cordis-projects.csv", PROJECTS_CSV_COLUMNS + ("frameworkProgramme", "coordinatorCountry"), ","),
        ("cordis-organisations.csv", ORGANISATIONS_CSV_COLUMNS, ","),
        ("forskningsradet.csv", FORSKNINGSRADET_COLUMNS, ";"),
        ("enheter.csv", ("organisasjonsnummer", "navn", "organisasjonsform.kode", "antallAnsatte"), ","),
    ],
    ids=["CORDIS projects CSV", "CORDIS organisations CSV", "Forskningsrådet", "Enhetsregisteret bulk CSV"],
)
@FUZZ
@given(data=st.data())
def test_native_tables(store, name, columns, delimiter, data):
    header, rows = data.draw(table(columns))
    imports_or_refuses(store, {name: csv_bytes(header, rows, delimiter)}, name)


@pytest.mark.parametrize(
    ("name", "fields"),
    [
        ("project.json", PROJECT_RECORD_FIELDS + ("frameworkProgramme", "fundingScheme")),
        ("organization.json", PARTICIPANT_RECORD_FIELDS + ("country", "city")),
        ("enheter.json", ("organisasjonsnummer", "navn", "slettedato", "antallAnsatte", "organisasjonsform")),
    ],
    ids=["CORDIS project.json", "CORDIS organization.json", "Enhetsregisteret bulk JSON"],
)
@FUZZ
@given(data=st.data())
def test_json_records(store, name, fields, data):
    items = data.draw(records(fields))
    imports_or_refuses(
        store, {name: json.dumps(items, ensure_ascii=data.draw(st.booleans())).encode("utf-8", "surrogatepass")}, name
    )


@FUZZ
@given(document=json_values(), wrap=st.sampled_from(["bare", "unit", "search"]))
def test_enhetsregisteret_documents(store, document, wrap):
    if wrap == "unit":
        document = {"organisasjonsnummer": document, "navn": document}
    elif wrap == "search":
        document = {"_embedded": {"enheter": [document]}, "page": {}}
    imports_or_refuses(store, {"enhet.json": json.dumps(document).encode()}, "enhet.json")


@FUZZ
@given(data=st.binary(max_size=300), suffix=st.sampled_from([".csv", ".json", ".xlsx", ".tsv", ".txt"]))
def test_any_bytes_under_any_name(store, data, suffix):
    imports_or_refuses(store, {f"organisations{suffix}": data}, f"organisations{suffix}")


# -- batch lines ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def matcher():
    from matching.matcher import Matcher
    from matching.testing import HashingEmbedder

    with PartnerStore() as store:
        import_path(store, Path(__file__).resolve().parents[1] / "data" / "sample")
        yield Matcher(store, HashingEmbedder(), lang="en")


def batch_line():
    fields = {
        "id": json_values(),
        "text": st.one_of(cell, json_values()),
        "as": json_values(),
        "kind": json_values(),
        "region": json_values(),
        "country": json_values(),
        "exclude": json_values(),
        "other": json_values(),
    }
    line = st.fixed_dictionaries({}, optional=fields).map(lambda item: json.dumps(item))
    return st.one_of(line, json_values().map(json.dumps), cell, st.just('{"text": ' + "[" * 5000 + "]" * 5000 + "}"))


@FUZZ
@given(lines=st.lists(batch_line(), min_size=1, max_size=3))
def test_batch_lines_are_read_or_refused_in_one_line(matcher, lines):
    from matching.cli import read_batch
    from matching.types import MatchingError, MatchQuery

    with tempfile.TemporaryDirectory(prefix="samspill-fuzz-") as tmp:
        path = Path(tmp) / "ideas.jsonl"
        path.write_bytes("\n".join(lines).encode("utf-8", "surrogatepass"))
        try:
            with open(path, encoding="utf-8") as handle:
                _, queries = read_batch(handle, MatchQuery(text="", top=5))
        except click.ClickException as exc:
            assert exc.message.startswith(str(path)) and "\n" not in exc.message, exc.message
            return
    try:
        matcher.match_many(queries)
    except MatchingError as exc:
        assert "\n" not in str(exc)


def test_the_fuzzing_reaches_past_the_header_checks(store, tmp_path):
    """A guard on the strategies: a plausible row among the hostile ones does import."""
    rows = [["fuzz-ok", "Fuzz OK AS", "company", "NO", "", "923609016", ""]]
    header = list((REQUIRED["organisations"] + OPTIONAL["organisations"])[: len(rows[0])])
    (tmp_path / "organisations.csv").write_bytes(csv_bytes(header, rows))
    assert import_path(store, tmp_path / "organisations.csv").organisations.added == 1
    with zipfile.ZipFile(io.BytesIO(hostile_files.workbook())) as archive:
        assert hostile_files.SHEET in archive.namelist()
