"""The cluster benchmark (data/sample/benchmark.toml): its shape, its loader, its measures, and the
matcher on its tuning half with the real model.

Only the tuning half is asserted on here: the test half is for reporting (README), never for
choosing anything, and a test that held its numbers would be a choice.
"""

from __future__ import annotations

import csv
import shutil
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from matching.benchmark import (
    BENCHMARK_FILE,
    SAMPLE_DIR,
    BenchmarkIdea,
    benchmark_results,
    first_rank,
    load_benchmark,
    ndcg_at,
    summarise,
    top_overlap,
)
from matching.types import MatchingError

AREAS = {"energy", "aquaculture", "food", "circular", "building", "industry", "competence"}


@pytest.fixture(scope="module")
def members() -> dict[str, dict[str, str]]:
    with open(SAMPLE_DIR / "organisations.csv", encoding="utf-8", newline="") as f:
        return {row["org_id"]: row for row in csv.DictReader(f)}


@pytest.fixture(scope="module")
def projects_per_member() -> Counter:
    with open(SAMPLE_DIR / "participations.csv", encoding="utf-8", newline="") as f:
        return Counter(row["org_id"] for row in csv.DictReader(f))


@pytest.fixture(scope="module")
def ideas(members) -> tuple[BenchmarkIdea, ...]:
    return load_benchmark(known=list(members))


def test_benchmark_has_enough_ideas_in_both_languages_and_every_area(ideas):
    assert len(ideas) >= 80
    languages = Counter(i.lang for i in ideas)
    assert abs(languages["nb"] - languages["en"]) <= 2, languages
    assert AREAS <= {i.area for i in ideas}
    assert all(i.translation.strip() and i.translation != i.text for i in ideas)


def test_ideas_run_from_one_line_to_a_page(ideas):
    words = [len(i.text.split()) for i in ideas]
    assert sum(w <= 20 for w in words) >= 30, "one-liners"
    assert sum(w >= 150 for w in words) >= 10, "a page"


def test_most_ideas_cross_the_language_of_the_member_to_call_first(ideas, members):
    from data.models import Organisation
    from matching.benchmark import profile_language

    def language(org_id):
        row = members[org_id]
        return profile_language(Organisation(org_id, row["name"], description=row["description"]))

    crossing = [i for i in ideas if any(language(org) != i.lang for org in i.first_choice)]
    assert len(crossing) > len(ideas) / 2
    assert {"sv", "da"} <= {language(org) for i in ideas for org in i.first_choice}


def test_members_without_history_are_first_choice_for_several_ideas(ideas, projects_per_member):
    without = [i for i in ideas if all(projects_per_member[org] == 0 for org in i.first_choice)]
    assert len(without) >= 10


def test_the_split_is_two_balanced_halves(ideas):
    for half in ("tune", "test"):
        chosen = [i for i in ideas if i.split == half]
        assert 0.45 <= len(chosen) / len(ideas) <= 0.55
        assert AREAS <= {i.area for i in chosen}
        assert {"nb", "en"} == {i.lang for i in chosen}


def test_traps_are_in_the_benchmark(ideas):
    """A fish farm is not a wind farm; welding is not weld inspection."""
    by_id = {i.idea_id: i for i in ideas}
    assert by_id["energy-04"].grades.get("titran-laks", 0) == 0  # icing on wind turbines
    assert by_id["industry-01"].first_choice == {"ndt-midt"}  # ultrasonic weld testing
    assert "innherred-sveis" not in by_id["industry-01"].grades
    assert by_id["industry-14"].first_choice == {"innherred-sveis"}  # welding itself
    assert by_id["aqua-03"].grades.get("innherred-vindpark", 0) == 0


def _in_idea(idea_id: str, old: str, new: str):
    """A change to one field line of one idea's block."""

    def change(text: str) -> str:
        head, _, rest = text.partition(f'id = "{idea_id}"\n')
        block, sep, tail = rest.partition("[[idea]]")
        return head + f'id = "{idea_id}"\n' + block.replace(old, new, 1) + sep + tail

    return change


@pytest.mark.parametrize(
    "change, message",
    [
        (_in_idea("industry-01", "ndt-midt = 3", "no-such-member = 3"), "unknown organisation 'no-such-member'"),
        (_in_idea("industry-01", "ndt-midt = 3", "ndt-midt = 4"), "grades are 1, 2 or 3"),
        (_in_idea("industry-01", "split = ", 'split = "later"\nold_split = '), "split"),
        (lambda s: s.replace('id = "industry-02"', 'id = "industry-01"'), "used twice"),
        (_in_idea("industry-01", "ndt-midt = 3", "ndt-midt = 2"), "no member is graded 3"),
        (lambda s: s + "\n[[idea\n", "cannot read the benchmark"),
        (_in_idea("industry-01", 'lang = "en"', 'lang = "de"'), "lang"),
    ],
    ids=["unknown member", "grade 4", "bad split", "duplicate id", "no first choice", "broken TOML", "language"],
)
def test_a_broken_benchmark_is_refused_with_the_idea_named(tmp_path, members, change, message):
    text = BENCHMARK_FILE.read_text(encoding="utf-8")
    broken = change(text)
    assert broken != text, "the change must apply"
    path = tmp_path / "benchmark.toml"
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(MatchingError, match=message) as raised:
        load_benchmark(path, known=list(members))
    assert "benchmark.toml" in str(raised.value)


def test_measures_by_hand():
    grades = {"a": 3, "b": 2, "c": 1}
    assert ndcg_at(["a", "b", "c"], grades) == pytest.approx(1.0)
    assert ndcg_at(["x", "y"], grades) == 0.0
    # gains 7, 3, 1 at ranks 1-3 ideally; here 3 at rank 1 and 7 at rank 2
    ideal = 7 + 3 / 1.5849625 + 1 / 2
    assert ndcg_at(["b", "a"], grades) == pytest.approx((3 + 7 / 1.5849625) / ideal)
    assert first_rank(["x", "b", "a"], frozenset({"a"})) == 3
    assert first_rank(["x"], frozenset({"a"})) is None
    assert top_overlap(list("abcdef"), list("fedcba"), k=5) == 4


# -- the matcher on the tuning half, real model ---------------------------------------------------


@pytest.fixture(scope="module")
def tune_results(sample_db_file, real_embedder, tmp_path_factory, ideas):
    from data.store import PartnerStore
    from matching.index import load_match_index

    path = tmp_path_factory.mktemp("benchmark") / "sample.duckdb"
    shutil.copy(sample_db_file, path)
    with PartnerStore(path) as store:
        index = load_match_index(store, real_embedder.model_id)
    return benchmark_results(index, real_embedder, [i for i in ideas if i.split == "tune"])


def test_matcher_beats_the_model_on_descriptions_on_the_tuning_half(tune_results):
    by = {(s.ranker, s.group): s for s in summarise(tune_results)}
    matcher, model = by[("matcher", "all")], by[("model-descriptions", "all")]
    assert matcher.ndcg_10 > model.ndcg_10
    assert matcher.hit_3 >= 0.85 and matcher.mrr >= 0.75
    assert by[("matcher", "without history")].mrr >= by[("matcher", "with history")].mrr


def test_an_idea_and_its_translation_share_most_of_their_top_5(tune_results):
    by = {(s.ranker, s.group): s for s in summarise(tune_results)}
    assert by[("matcher", "all")].overlap_5 >= 3.0
    assert by[("matcher", "all")].overlap_5 > by[("model-descriptions", "all")].overlap_5


def test_evaluate_cluster_command_prints_both_tables(real_embedder, monkeypatch, tmp_path):
    import matching.cli
    from samspill_cli import main

    small = tmp_path / "small.toml"
    text = BENCHMARK_FILE.read_text(encoding="utf-8")
    blocks = text.split("\n[[idea]]\n")
    small.write_text("\n[[idea]]\n".join(blocks[:5]), encoding="utf-8")  # the header and four ideas
    monkeypatch.setattr(matching.cli, "_embedder", lambda: real_embedder)
    result = CliRunner().invoke(main, ["evaluate", "cluster", "--benchmark", str(small)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "nDCG@10" in result.output and "model-descriptions" in result.output and "matcher" in result.output
    assert any(line.startswith(("tune half", "test half")) for line in result.output.splitlines())


def test_benchmark_path_is_shipped_with_the_sample():
    assert BENCHMARK_FILE.parent == Path(SAMPLE_DIR)
    assert BENCHMARK_FILE.is_file()
