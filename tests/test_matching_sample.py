"""The real model on the bundled sample cluster: concrete top results, across languages,
and the CLI contract (`samspill match --json` and `--batch`).

Probe ideas come from data/sample/README.md. Profiles there are mostly Norwegian with a
few in English, so these also show English ideas finding Norwegian profiles and the reverse.
"""

import json
import shutil

import pytest
from click.testing import CliRunner

from data.models import Organisation
from data.store import PartnerStore
from matching.matcher import Matcher

PROBES = [
    # (idea, organisation expected in the top 3, idea language -> profile language)
    ("Hydrogen production with electrolysis for ferries", "innherred-hydrogen", "en->nb"),
    ("resirkulering av plastavfall fra fiskeoppdrett", "circular-polymers", "nb->en"),
    ("kamera og kunstig intelligens for telling av lakselus i merd", "merdvision", "nb->en"),
    ("robotcelle med 3D-maskinsyn for automatisk kvalitetskontroll i produksjonslinje", "robotsyn", "nb->nb"),
    ("fleretasjes boligblokk bygget i massivtre og CLT-elementer", "innherred-massivtre", "nb->nb"),
    ("Insect protein from food by-products as an ingredient in salmon feed", "insektfor", "en->nb"),
    ("biogass fra matavfall og fiskeslam som drivstoff for lastebiler", "mare-biogass", "nb->nb"),
    ("digital twin of a fabrication yard for production planning", "twinmark", "en->en"),
]


@pytest.fixture(scope="module")
def sample_matcher(sample_db_file, real_embedder, tmp_path_factory):
    path = tmp_path_factory.mktemp("probe") / "sample.duckdb"
    shutil.copy(sample_db_file, path)
    store = PartnerStore(path)
    yield Matcher(store, real_embedder, lang="en")
    store.close()


@pytest.mark.parametrize("idea, expected, direction", PROBES, ids=[p[1] for p in PROBES])
def test_probe_idea_finds_its_organisation_in_the_top_3(sample_matcher, idea, expected, direction):
    result = sample_matcher.match(idea, top=3)
    assert expected in [s.org_id for s in result.organisations], (direction, result.organisations)
    assert all(s.reasons for s in result.organisations)


def test_english_idea_quotes_the_norwegian_profile_as_its_reason(sample_matcher):
    top = sample_matcher.match("Insect protein from food by-products as an ingredient in salmon feed", top=1)
    reasons = top.organisations[0].reasons
    assert any(r.startswith("Profile says:") and "soldatflue" in r or "insekt" in r.lower() for r in reasons)


def test_pairings_and_consortia_on_a_real_idea(sample_matcher):
    result = sample_matcher.match(
        "Vi vil bygge et anlegg for hydrogenproduksjon ved industriparken. "
        "Vi trenger forskning på elektrolyse og hjelp til forretningsmodell og finansiering. "
        "Overskuddsvarme og oksygen skal brukes i landbasert oppdrett."
    )
    assert result.pairings and result.consortia
    assert any(p.partner.org_id in ("sintef", "ntnu", "proneo") for p in result.pairings)
    best = result.consortia[0]
    assert 3 <= len(best.members) <= 5 and best.reasons


def test_editing_a_profile_changes_its_matches(sample_db_file, real_embedder, tmp_path):
    path = tmp_path / "edit.duckdb"
    shutil.copy(sample_db_file, path)
    with PartnerStore(path) as store:
        matcher = Matcher(store, real_embedder)
        idea = "Autonome undervannsdroner som inspiserer oppdrettsnøter"
        before = [s.org_id for s in matcher.match(idea, top=10).organisations]
        org = store.organisation("ogndal-sag")
        assert "ogndal-sag" not in before  # a sawmill: rank 26 before the edit
        store.update_organisation(
            Organisation(
                **{
                    **org.__dict__,
                    "description": "Ogndal Sag utvikler autonome undervannsdroner som inspiserer og rengjør "
                    "oppdrettsnøter i sjø, med kamera og sonar.",
                }
            )
        )
        report = matcher.refresh()
        assert report.embedded >= 1
        after = [s.org_id for s in matcher.match(idea, top=5).organisations]
        # Its history still says sawmill, so partners with drone and net projects stay ahead.
        assert "ogndal-sag" in after


# -- the CLI contract --------------------------------------------------------------------------


@pytest.fixture
def cli(sample_db_file, real_embedder, tmp_path, monkeypatch):
    """Run `samspill --db <copy of the sample> ...` in-process with the session's model."""
    import matching.cli
    from samspill_cli import main

    path = tmp_path / "cli.duckdb"
    shutil.copy(sample_db_file, path)
    calls = []

    class Counting:
        model_id, dim = real_embedder.model_id, real_embedder.dim

        def embed_queries(self, texts):
            calls.append(len(texts))
            return real_embedder.embed_queries(texts)

        def embed_passages(self, texts):
            return real_embedder.embed_passages(texts)

    monkeypatch.setattr(matching.cli, "_embedder", lambda: Counting())
    runner = CliRunner()

    def run(*args, input=None):
        return runner.invoke(main, ["--db", str(path), *args], input=input, catch_exceptions=False)

    run.calls = calls
    run.tmp = tmp_path
    return run


def test_match_json_contract(cli):
    result = cli(
        "match", "--top", "4", "--json", "--kind", "company",
        "kamera og kunstig intelligens for telling av lakselus i merd",
    )
    assert result.exit_code == 0, result.output
    line = json.loads(result.output)
    assert set(line) >= {"id", "organisations", "pairings", "consortia"}
    orgs = line["organisations"]
    assert len(orgs) == 4 and orgs[0]["org_id"] == "merdvision"
    assert all(set(o) == {"org_id", "name", "kind", "score", "reasons"} and o["reasons"] for o in orgs)
    assert all(o["kind"] == "company" for o in orgs)
    assert [o["score"] for o in orgs] == sorted((o["score"] for o in orgs), reverse=True)


def test_match_batch_loads_the_model_once_and_answers_each_line(cli):
    batch = cli.tmp / "ideas.jsonl"
    batch.write_text(
        "\n".join(
            json.dumps(item, ensure_ascii=False)
            for item in [
                {"id": "a", "text": "Hydrogen production with electrolysis for ferries"},
                {"id": 7, "text": "resirkulering av plastavfall fra fiskeoppdrett", "kind": "company"},
                {"id": "c", "text": "digital tvilling for verft", "as": "aker-solutions-verdal"},
            ]
        ),
        encoding="utf-8",
    )
    result = cli("match", "--batch", str(batch), "--top", "5", "--json")
    assert result.exit_code == 0, result.output
    lines = [json.loads(x) for x in result.output.splitlines()]
    assert [x["id"] for x in lines] == ["a", 7, "c"]
    assert lines[0]["organisations"][0]["org_id"] == "innherred-hydrogen"
    assert all(o["kind"] == "company" for o in lines[1]["organisations"])
    assert "aker-solutions-verdal" not in [o["org_id"] for o in lines[2]["organisations"]]
    assert len(cli.calls) == 1  # one model call for the whole batch


@pytest.mark.parametrize(
    "args, message",
    [
        (["match", "--as", "no-such-org", "hydrogen"], "unknown organisation 'no-such-org'"),
        (["match", "   "], "the idea is empty"),
        (["match"], "give either an idea TEXT or --batch FILE"),
    ],
)
def test_cli_errors_are_one_clear_line(cli, args, message):
    result = cli(*args)
    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output


def test_batch_with_a_bad_line_names_the_line(cli):
    batch = cli.tmp / "bad.jsonl"
    batch.write_text('{"id": 1, "text": "hydrogen"}\n{"id": 2, "txt": "oops"}\n', encoding="utf-8")
    result = cli("match", "--batch", str(batch), "--json")
    assert result.exit_code != 0
    assert "bad.jsonl, line 2" in result.output
