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
from matching.types import MatchQuery

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
    quoted = [r for r in reasons if r.startswith("Profile says:")]
    assert quoted, reasons
    assert "insekt" in quoted[0].lower() or "soldatflue" in quoted[0].lower()


def test_a_match_across_languages_says_so_instead_of_listing_shared_words(sample_matcher):
    top = sample_matcher.match("Insect protein from food by-products as an ingredient in salmon feed", top=1)
    reasons = top.organisations[0].reasons
    assert any("The profile is in Norwegian and the idea in English" in r for r in reasons)
    assert not any(r.startswith("Shared key terms") for r in reasons)
    norsk = sample_matcher.match(MatchQuery("kamera som teller lakselus i merd", top=3, lang="nb"))
    merdvision = next(s for s in norsk.organisations if s.org_id == "merdvision")
    assert any("Profilen er på engelsk og idéen på norsk" in r for r in merdvision.reasons)


NORWEGIAN_IDEAS = [
    "Spillvarme fra landbasert oppdrett til tørking av fiskefôr. Vi trenger hjelp med prosessdesign.",
    "Vi vil bruke landbasert oppdrett og fiskeslam fra RAS-anlegg til biogass i Innherred.",
    "Energideling i industriparken i Verdal: solkraft fra takene og et felles batterilager for bedriftene.",
    "Lavkarbonbetong med bunnaske fra bioenergianlegg i prefabrikkerte elementer.",
]


@pytest.mark.parametrize("idea", NORWEGIAN_IDEAS)
def test_shared_key_terms_have_no_stop_words_fragments_repeats_or_places(sample_matcher, idea):
    from data.text.stopwords import GENERIC_WORDS, STOP_WORDS

    result = sample_matcher.match(MatchQuery(idea, top=10, lang="nb"))
    places = {"verdal", "innherred", "trøndelag", "levanger", "steinkjer", "frøya"}
    listed = [r for s in result.organisations for r in s.reasons if r.startswith("Felles nøkkelord: ")]
    assert listed, "a Norwegian idea on Norwegian profiles names shared words"
    for reason in listed:
        terms = reason.removeprefix("Felles nøkkelord: ").split(", ")
        words = [w for t in terms for w in t.split()]
        assert len(terms) == len(set(terms))
        assert not set(words) & (STOP_WORDS | GENERIC_WORDS | places), reason
        assert all(len(w) >= 3 for w in words), reason
        for term in terms:  # "landbasert oppdrett", not also "landbasert" or "oppdrett"
            assert not any(term != other and set(term.split()) <= set(other.split()) for other in terms), reason


def test_past_projects_are_quoted_only_when_close_to_the_idea(sample_matcher):
    result = sample_matcher.match("Sukkertare som ingrediens i brød og ost.", top=10)
    sintef = [s for s in result.organisations if s.org_id == "sintef"]
    for s in sintef:  # 27 projects, none on kelp in food: none of them is quoted
        assert not any(r.startswith("Took part in") for r in s.reasons), s.reasons
    tare = next(s for s in result.organisations if s.org_id == "tare-froya")
    assert any("Tare som ingrediens i mat" in r for r in tare.reasons)


def test_specialists_come_before_long_histories(sample_matcher):
    """The cases reported by a new user (issue 14): the member to call first near the top."""
    weld = sample_matcher.match("A robot that inspects the welds on offshore wind foundations with ultrasound.", top=5)
    assert "ndt-midt" in [s.org_id for s in weld.organisations]
    heat = sample_matcher.match("Spillvarme fra landbasert oppdrett til tørking av fiskefôr.", top=3)
    assert heat.organisations[0].org_id == "steinkjer-spillvarme"
    for result in (weld, heat):
        assert result.organisations[0].org_id not in ("sintef", "ntnu")


def test_a_new_member_without_projects_and_an_exact_profile_comes_first(sample_db_file, real_embedder, tmp_path):
    path = tmp_path / "new-member.duckdb"
    shutil.copy(sample_db_file, path)
    with PartnerStore(path) as store:
        store.upsert(
            [
                Organisation(
                    "tarefor-midt", "Tarefôr Midt AS", "company", "NO", "Trøndelag",
                    description="Tarefôr Midt tørker og maler tang og tare til fôrtilskudd for storfe og sau, "
                    "for å redusere metanutslipp fra drøvtyggere.",
                )
            ],
            [],
            [],
        )
        matcher = Matcher(store, real_embedder, lang="en")
        norsk = matcher.match("Tang og tare som fôrtilskudd til kyr for å kutte metanutslipp", top=3)
        assert norsk.organisations[0].org_id == "tarefor-midt", [s.org_id for s in norsk.organisations]
        # Across languages the small model links "seaweed" and "tare" only loosely (README, "Evaluation").
        english = matcher.match("Seaweed as a feed supplement for cattle to cut methane emissions", top=5)
        assert "tarefor-midt" in [s.org_id for s in english.organisations]


def test_pairings_join_members_that_both_fit_the_idea(sample_matcher):
    from matching import teams

    result = sample_matcher.match(
        "Floating offshore wind foundations: we need a yard for fabrication, inspection of the welds by drone "
        "and research on fatigue.",
        top=10,
    )
    assert result.pairings
    ranked = sample_matcher.match(result.query.text, top=40).organisations
    fitting = {s.org_id for s in ranked[: max(teams.MIN_FITTING, int(teams.FIT_SHARE * sample_matcher.index.n_orgs))]}
    for pairing in result.pairings:
        assert {pairing.company.org_id, pairing.partner.org_id} <= fitting, pairing
        assert "norrland-bioinstitut" not in (pairing.company.org_id, pairing.partner.org_id)


def test_three_alternative_consortia_that_differ(sample_matcher):
    result = sample_matcher.match(
        "Vi vil bygge et anlegg for hydrogenproduksjon ved industriparken. "
        "Vi trenger forskning på elektrolyse og hjelp til forretningsmodell og finansiering. "
        "Overskuddsvarme og oksygen skal brukes i landbasert oppdrett."
    )
    assert len(result.consortia) == 3
    members = [frozenset(m.org_id for m in c.members) for c in result.consortia]
    assert len(set(members)) == 3
    leads = {c.members[0].org_id for c in result.consortia}
    assert len(leads) == 3, "each alternative starts from another company"
    for c in result.consortia:
        kinds = {m.kind for m in c.members}
        assert "company" in kinds and kinds & {"research", "education"}


def test_a_pairs_reasons_never_glue_the_title_to_the_text(sample_matcher):
    title = "Energideling i industriparken"
    result = sample_matcher.match(
        f"{title}\n\nBedriftene i industriparken i Verdal betaler hver for seg for strøm og effekt. "
        "Vi vil etablere et lokalt energifellesskap der bedriftene deler solkraft og et felles batterilager. "
        "Vi trenger partnere som kan nettilknytning og et forskningsmiljø som kan modellere energisystemet."
    )
    reasons = [r for p in result.pairings for r in p.reasons] + [r for c in result.consortia for r in c.reasons]
    assert result.pairings
    assert not any(title in r for r in reasons), reasons


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


def test_batch_takes_kind_and_as_from_the_command_line_where_a_line_sets_none(cli):
    batch = cli.tmp / "defaults.jsonl"
    batch.write_text(
        "\n".join(
            json.dumps(item, ensure_ascii=False)
            for item in [
                {"id": "plain", "text": "Robotsveising av stålkonstruksjoner"},
                {"id": "own-kind", "text": "Robotsveising av stålkonstruksjoner", "kind": ["research", "education"]},
                {"id": "own-as", "text": "Robotsveising av stålkonstruksjoner", "as": "robotsyn"},
            ]
        ),
        encoding="utf-8",
    )
    result = cli(
        "match", "--batch", str(batch), "--json", "--top", "5", "--kind", "company", "--as", "verdal-stalmontasje"
    )
    assert result.exit_code == 0, result.output
    plain, own_kind, own_as = (json.loads(x) for x in result.output.splitlines())
    assert all(o["kind"] == "company" for o in plain["organisations"])
    assert "verdal-stalmontasje" not in [o["org_id"] for o in plain["organisations"]]  # --as applies
    assert {o["kind"] for o in own_kind["organisations"]} <= {"research", "education"}
    assert "education" in {o["kind"] for o in own_kind["organisations"]}  # NTNU is a research partner too
    assert all(o["kind"] == "company" for o in own_as["organisations"])
    assert "robotsyn" not in [o["org_id"] for o in own_as["organisations"]]
    assert "verdal-stalmontasje" in [o["org_id"] for o in own_as["organisations"]]


@pytest.mark.parametrize(
    "line, message",
    [
        ('{"id": 1, "text": "hydrogen", "as": 5}', "line 1, field as: expected an organisation id, not 5"),
        ('{"id": 1, "text": "hydrogen", "kind": [1]}', "line 1, field kind: expected text or a list of text"),
        ('{"id": 1, "text": "hydrogen", "kind": "university"}', "line 1, field kind: unknown kind 'university'"),
        ('{"id": 1e400, "text": "hydrogen"}', "line 1, field id: expected text or a whole number"),
        ('{"id": 123456789012345678901234567890, "text": "x"}', "line 1, field id: expected text or a whole number"),
        ('{"id": [1], "text": "hydrogen"}', "line 1, field id"),
        ('{"id": 1, "text": {"a": 1}}', "line 1, field text: expected text"),
        ('{"id": 1, "text": "hydrogen", "kinds": "company"}', "line 1: unknown field 'kinds'"),
        ("[" * 100_000 + "]" * 100_000, "line 1: nested too deeply"),
    ],
    ids=["as-number", "kind-number", "kind-unknown", "id-inf", "id-huge", "id-list", "text-object", "typo", "deep"],
)
def test_batch_lines_of_the_wrong_type_are_refused_in_one_line(cli, line, message):
    batch = cli.tmp / "wrong.jsonl"
    batch.write_text(line + "\n", encoding="utf-8")
    result = cli("match", "--batch", str(batch), "--json")
    assert result.exit_code == 1
    assert message in result.output, result.output
    assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1


def test_batch_with_a_bad_line_names_the_line(cli):
    batch = cli.tmp / "bad.jsonl"
    batch.write_text('{"id": 1, "text": "hydrogen"}\n{"id": 2, "txt": "oops"}\n', encoding="utf-8")
    result = cli("match", "--batch", str(batch), "--json")
    assert result.exit_code != 0
    assert "bad.jsonl, line 2" in result.output
