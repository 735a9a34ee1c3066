"""The bundled sample cluster in data/sample/: well-formed, consistent and shaped as documented."""

from __future__ import annotations

import csv
import importlib.util
import re
from collections import Counter
from pathlib import Path

import pytest

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "sample"

HEADERS = {
    "organisations.csv": [
        "org_id",
        "name",
        "kind",
        "country",
        "region",
        "org_number",
        "description",
        "competences",
        "municipality",
        "employees",
    ],
    "projects.csv": ["project_id", "title", "summary", "start_year", "programme", "budget_nok", "funding_source"],
    "participations.csv": ["project_id", "org_id", "role"],
}
KINDS = {"company", "research", "education", "public", "support", "other"}

# Common function words; "for" is left out because both languages use it.
NORWEGIAN_WORDS = {"og", "med", "til", "av", "på", "er", "vi", "som", "fra", "det", "en", "et", "i", "har"}
ENGLISH_WORDS = {"the", "and", "of", "with", "to", "in", "we", "our", "is", "are", "from", "that", "a"}


def read(name: str) -> list[dict[str, str]]:
    with open(SAMPLE / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def language(text: str) -> str:
    words = re.findall(r"[a-zæøå]+", text.lower())
    no = sum(w in NORWEGIAN_WORDS for w in words)
    en = sum(w in ENGLISH_WORDS for w in words)
    return "no" if no > en else "en" if en > no else "?"


@pytest.fixture(scope="module")
def orgs() -> list[dict[str, str]]:
    return read("organisations.csv")


@pytest.fixture(scope="module")
def projects() -> list[dict[str, str]]:
    return read("projects.csv")


@pytest.fixture(scope="module")
def participations() -> list[dict[str, str]]:
    return read("participations.csv")


@pytest.mark.parametrize("name", sorted(HEADERS))
def test_file_is_utf8_csv_with_exact_header(name):
    raw = (SAMPLE / name).read_bytes()
    text = raw.decode("utf-8")  # raises if not UTF-8
    assert not text.startswith("\ufeff"), "no byte-order mark"
    rows = list(csv.reader(text.splitlines()))
    assert rows[0] == HEADERS[name]
    assert len(rows) > 1
    assert all(len(row) == len(HEADERS[name]) for row in rows), "every row has every column"


def test_org_ids_are_unique_readable_slugs(orgs):
    ids = [o["org_id"] for o in orgs]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", i) for i in ids)


def test_organisation_fields(orgs):
    assert 85 <= len(orgs) <= 100
    assert {o["kind"] for o in orgs} == KINDS
    for o in orgs:
        assert o["name"].strip() and o["description"].strip(), o["org_id"]
        assert o["country"] in {"NO", "SE", "DK", "DE"}, o["org_id"]
        assert o["org_number"] == "", "no invented organisation numbers"
        assert 4 <= len(o["competences"].split(";")) <= 8, o["org_id"]
        assert all(c.strip() for c in o["competences"].split(";")), o["org_id"]
        assert o["employees"] == "" or int(o["employees"]) > 0, o["org_id"]
    companies = [o for o in orgs if o["kind"] == "company"]
    assert 65 <= len(companies) <= 80


def test_descriptions_are_mostly_norwegian_some_english(orgs, projects):
    for texts in ([o["description"] for o in orgs], [p["summary"] for p in projects]):
        langs = Counter(language(t) for t in texts)
        assert langs["no"] >= 0.7 * len(texts), langs
        assert langs["en"] >= 0.1 * len(texts), langs


def test_members_without_projects_and_in_other_nordic_languages(orgs, participations):
    """What a real cluster has and the benchmark needs: new members known only by a profile,
    some written in Swedish or Danish."""
    from matching.lexical import guess_language

    active = {r["org_id"] for r in participations}
    without = [o for o in orgs if o["org_id"] not in active]
    assert len(without) >= 10
    languages = Counter(guess_language(o["description"]) for o in without)
    assert languages["sv"] >= 2 and languages["da"] >= 2 and languages["en"] >= 3, languages


def test_language_of_probe_profiles(orgs):
    """The matcher's cross-language probes rely on these profiles' languages (see README.md)."""
    by_id = {o["org_id"]: o for o in orgs}
    assert language(by_id["innherred-hydrogen"]["description"]) == "no"
    assert language(by_id["circular-polymers"]["description"]) == "en"
    assert language(by_id["merdvision"]["description"]) == "en"


def test_projects(projects):
    assert 55 <= len(projects) <= 70
    ids = [p["project_id"] for p in projects]
    assert len(ids) == len(set(ids))
    for p in projects:
        assert p["title"].strip() and p["summary"].strip(), p["project_id"]
        assert p["budget_nok"].isdigit() and int(p["budget_nok"]) > 0, p["project_id"]
        assert p["funding_source"].strip() and p["programme"].strip(), p["project_id"]
        assert p["project_id"].startswith(f"S{p['start_year']}-")


def test_network_grows_over_the_years(projects):
    per_year = Counter(int(p["start_year"]) for p in projects)
    assert min(per_year) == 2016 and max(per_year) == 2026
    assert set(per_year) == set(range(2016, 2027)), "every year has projects"
    early = sum(n for year, n in per_year.items() if year <= 2020)
    late = sum(n for year, n in per_year.items() if year >= 2022)
    assert late > early
    assert per_year[2016] < per_year[2021] < per_year[2026]


def test_participations_point_to_known_rows(orgs, projects, participations):
    org_ids = {o["org_id"] for o in orgs}
    project_ids = {p["project_id"] for p in projects}
    for row in participations:
        assert row["project_id"] in project_ids, row
        assert row["org_id"] in org_ids, row
        assert row["role"] in {"coordinator", "partner"}, row
    pairs = [(r["project_id"], r["org_id"]) for r in participations]
    assert len(pairs) == len(set(pairs)), "an organisation takes part in a project once"


def test_each_project_has_one_coordinator_and_two_to_seven_participants(projects, participations):
    members = Counter(r["project_id"] for r in participations)
    coordinators = Counter(r["project_id"] for r in participations if r["role"] == "coordinator")
    for p in projects:
        pid = p["project_id"]
        assert 2 <= members[pid] <= 7, pid
        assert coordinators[pid] == 1, pid


def test_collaboration_graph_has_brokers(participations):
    per_org = Counter(r["org_id"] for r in participations)
    assert per_org["sintef"] >= 15
    assert per_org["proneo"] >= 5


def test_csv_files_match_the_generator():
    spec = importlib.util.spec_from_file_location("build_sample", SAMPLE / "build_sample.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for name, (columns, rows) in module.TABLES.items():
        assert HEADERS[name] == columns
        assert read(name) == rows(), f"{name} is stale: run data/sample/build_sample.py"
