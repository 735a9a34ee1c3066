"""The cluster benchmark: hand-judged project ideas over the bundled sample cluster.

The H2020 protocol (:mod:`matching.evaluate`) measures the case of long English abstracts and long
histories. A cluster is mostly the other case: members known by a short profile, often written in
another language than the idea, many with few or no projects. This benchmark measures that case.

``data/sample/benchmark.toml`` holds the ideas (Norwegian and English, from one line to a page,
each with its translation) and an adviser's grades of the members: 3 = the one to call first,
2 = a good partner, 1 = plausible. It was split once into a ``tune`` and a ``test`` half; only the
tune half may be used to choose anything.

Reported per ranker, on each half: nDCG@10 over all grades, and hit@3 and MRR of the grade-3
member (the one to call first), overall, per language pair (the idea's language -> the language
of the grade-3 member's profile) and for grade-3 members with and without past projects; and how
many of the top 5 the same idea gets in both languages. Baselines run in the same pass over the
same index: TF-IDF on the profiles, the model on the descriptions alone, and popularity.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from sklearn.preprocessing import normalize

from data.models import Organisation
from matching.evaluate import render_table
from matching.index import MatchIndex
from matching.lexical import guess_language, make_vectorizer
from matching.profiles import profile_document
from matching.scoring import DEFAULT_WEIGHTS, RankingWeights, score_organisations
from matching.types import MatchingError

SAMPLE_DIR = Path(__file__).resolve().parents[1] / "data" / "sample"
BENCHMARK_FILE = SAMPLE_DIR / "benchmark.toml"
SPLITS = ("tune", "test")
LANGUAGES = ("nb", "en")
RANKERS = ("popularity", "tfidf-profiles", "model-descriptions", "model-neutral", "matcher")
#: A profile's language as the pair tables name it: Swedish and Danish profiles count apart.
PROFILE_LANGUAGES = ("nb", "en", "sv", "da")
#: The bundled benchmark is 80 KB; a file past this is not one.
MAX_BENCHMARK_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True)
class BenchmarkIdea:
    idea_id: str
    area: str
    lang: str  # "nb" or "en": the language of ``text``
    split: str  # "tune" or "test"
    text: str
    translation: str  # the same idea in the other language
    grades: Mapping[str, int] = field(default_factory=dict)

    @property
    def first_choice(self) -> frozenset[str]:
        """The members graded 3: whom an adviser would call first."""
        return frozenset(org for org, grade in self.grades.items() if grade == 3)


def load_benchmark(
    path: str | Path = BENCHMARK_FILE, *, known: Sequence[str] | None = None
) -> tuple[BenchmarkIdea, ...]:
    """Read and check the benchmark file; ``known`` org ids, when given, must cover every graded member."""
    path = Path(path)
    try:
        with open(path, "rb") as f:
            data = f.read(MAX_BENCHMARK_BYTES + 1)  # a device never ends
        if len(data) > MAX_BENCHMARK_BYTES:
            raise MatchingError(f"{path}: more than {MAX_BENCHMARK_BYTES:,} bytes; not a benchmark file")
        raw = tomllib.loads(data.decode("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise MatchingError(f"{path}: cannot read the benchmark ({exc})") from exc
    except RecursionError as exc:
        raise MatchingError(f"{path}: cannot read the benchmark (nested too deeply)") from exc
    items = raw.get("idea", [])
    if not isinstance(items, list):
        raise MatchingError(f"{path.name}: idea must be a list of [[idea]] tables, not {type(items).__name__}")
    ideas, seen = [], set()
    for n, item in enumerate(items, start=1):
        where = f"{path.name}, idea {n}"
        if not isinstance(item, dict):
            raise MatchingError(f"{where}: expected an [[idea]] table, not {type(item).__name__}")
        idea = BenchmarkIdea(
            idea_id=_field(item, "id", str, where),
            area=_field(item, "area", str, where),
            lang=_field(item, "lang", str, where),
            split=_field(item, "split", str, where),
            text=_field(item, "text", str, where),
            translation=_field(item, "translation", str, where),
            grades=dict(_field(item, "grades", dict, where)),
        )
        where = f"{path.name}, idea {idea.idea_id!r}"
        if idea.idea_id in seen:
            raise MatchingError(f"{where}: the id is used twice")
        seen.add(idea.idea_id)
        if idea.lang not in LANGUAGES:
            raise MatchingError(f"{where}, field lang: {idea.lang!r} is not one of {', '.join(LANGUAGES)}")
        if idea.split not in SPLITS:
            raise MatchingError(f"{where}, field split: {idea.split!r} is not one of {', '.join(SPLITS)}")
        bad = {org: g for org, g in idea.grades.items() if g not in (1, 2, 3) or isinstance(g, bool)}
        if bad:
            raise MatchingError(f"{where}, field grades: grades are 1, 2 or 3, not {bad}")
        if not idea.first_choice:
            raise MatchingError(f"{where}, field grades: no member is graded 3")
        ideas.append(idea)
    if not ideas:
        raise MatchingError(f"{path}: no [[idea]] in the file")
    if known is not None:
        check_graded_members(ideas, known, path)
    return tuple(ideas)


def check_graded_members(ideas: Sequence[BenchmarkIdea], known: Sequence[str], path: str | Path) -> None:
    """Refuse the first idea that grades an organisation not among ``known`` (``path`` names the file)."""
    known = set(known)
    for idea in ideas:
        unknown = sorted(set(idea.grades) - known)
        if unknown:
            raise MatchingError(
                f"{Path(path).name}, idea {idea.idea_id!r}, field grades: unknown organisation {unknown[0]!r}"
            )


def _field(item: Mapping, name: str, kind: type, where: str):
    value = item.get(name)
    if not isinstance(value, kind) or (kind is str and not value.strip()):
        raise MatchingError(f"{where}, field {name}: missing or not a {kind.__name__}")
    return value


# -- measures -------------------------------------------------------------------------------------


def ndcg_at(ranked: Sequence[str], grades: Mapping[str, int], k: int = 10) -> float:
    """Normalised discounted cumulative gain with gains ``2**grade - 1``.

    >>> ndcg_at(["a", "b"], {"a": 3, "b": 1})
    1.0
    >>> round(ndcg_at(["b", "a"], {"a": 3, "b": 1}), 2)  # (1 + 7/log2 3) / (7 + 1/log2 3)
    0.71
    """
    gains = [2 ** grades.get(org, 0) - 1 for org in ranked[:k]]
    dcg = sum(g / math.log2(i + 2) for i, g in enumerate(gains))
    ideal = sorted((2**g - 1 for g in grades.values()), reverse=True)[:k]
    best = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / best if best else 0.0


def first_rank(ranked: Sequence[str], targets: frozenset[str]) -> int | None:
    """1-based rank of the first target, or None."""
    for position, org in enumerate(ranked, start=1):
        if org in targets:
            return position
    return None


def top_overlap(a: Sequence[str], b: Sequence[str], k: int = 5) -> int:
    """How many of the top ``k`` two rankings share."""
    return len(set(a[:k]) & set(b[:k]))


# -- rankers --------------------------------------------------------------------------------------

#: scores(text, query_vector) -> (n_orgs,) scores aligned with the index's rows
Ranker = Callable[[str, np.ndarray], np.ndarray]


def description_texts(orgs: Sequence[Organisation]) -> list[str]:
    """What the description baselines see of each member: its own description and competences."""
    return [profile_document(o) for o in orgs]


def baseline_rankers(index: MatchIndex, description_vectors: np.ndarray) -> dict[str, Ranker]:
    """The baselines, over ``index.orgs``: popularity (most projects first), TF-IDF on the profiles,
    the model on the descriptions alone, and the same made language-neutral as the matcher's vectors
    are (:meth:`MatchIndex.neutral`), which shows what that projection alone is worth.

    ``description_vectors`` are the model's passage vectors of :func:`description_texts`, row-aligned
    with ``index.orgs``; members without a description get a zero row (and rank last).
    """
    texts = description_texts(index.orgs)
    vectorizer = make_vectorizer(len(texts))
    profiles = normalize(vectorizer.fit_transform(texts)).tocsr()
    popularity = index.activity.astype(np.float64)
    empty = np.array([not t.strip() for t in texts])

    def tfidf(text: str, _vector: np.ndarray) -> np.ndarray:
        return np.asarray((profiles @ vectorizer.transform([text]).T).todense()).ravel()

    neutral_descriptions = index.neutral(description_vectors)

    def model(_text: str, vector: np.ndarray) -> np.ndarray:
        return np.where(empty, -np.inf, description_vectors @ vector)

    def neutral(_text: str, vector: np.ndarray) -> np.ndarray:
        return np.where(empty, -np.inf, neutral_descriptions @ index.neutral(vector))

    return {
        "popularity": lambda _t, _v: popularity,
        "tfidf-profiles": tfidf,
        "model-descriptions": model,
        "model-neutral": neutral,
    }


def matcher_ranker(index: MatchIndex, weights: RankingWeights = DEFAULT_WEIGHTS) -> Ranker:
    """The matcher's own scoring, as served (:func:`matching.scoring.score_organisations`)."""

    def rank(text: str, vector: np.ndarray) -> np.ndarray:
        terms = index.lexical.transform([text])[0]
        return score_organisations(index, vector, terms, query_language=guess_language(text), weights=weights).scores

    return rank


def ranking(index: MatchIndex, scores: np.ndarray) -> list[str]:
    """Org ids best first; ties by id, so a ranking never depends on row order."""
    ids = np.array([o.org_id for o in index.orgs], dtype=object)
    return list(ids[np.lexsort((ids, -np.asarray(scores, dtype=np.float64)))])


# -- the run --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IdeaResult:
    """One ranker on one idea."""

    idea: BenchmarkIdea
    ranker: str
    ndcg_10: float
    first_rank: int | None  # of the grade-3 member
    overlap_5: int  # top 5 shared by the idea and its translation
    pair: str  # e.g. "en→nb": the idea's language -> the grade-3 member's profile language
    first_has_history: bool

    @property
    def hit_3(self) -> float:
        return float(self.first_rank is not None and self.first_rank <= 3)

    @property
    def reciprocal_rank(self) -> float:
        return 1.0 / self.first_rank if self.first_rank else 0.0


def profile_language(org: Organisation) -> str:
    """``nb``, ``en``, ``sv`` or ``da`` of a member's own description (see :func:`guess_language`)."""
    return guess_language(org.description) or "nb"


def run_benchmark(
    index: MatchIndex,
    ideas: Sequence[BenchmarkIdea],
    rankers: Mapping[str, Ranker],
    *,
    query_vectors: np.ndarray,
    translation_vectors: np.ndarray,
) -> list[IdeaResult]:
    """Every ranker on every idea (and on its translation, for the top-5 overlap).

    ``query_vectors`` and ``translation_vectors`` are the model's query vectors of each idea's
    ``text`` and ``translation``, aligned with ``ideas``.
    """
    by_id = {o.org_id: o for o in index.orgs}
    missing = sorted({org for idea in ideas for org in idea.grades} - set(by_id))
    if missing:
        raise MatchingError(f"the benchmark grades {missing[0]!r}, which is not in the store")
    out = []
    for i, idea in enumerate(ideas):
        firsts = sorted(idea.first_choice)
        languages = sorted({profile_language(by_id[org]) for org in firsts})
        pair = f"{idea.lang}→{'/'.join(languages)}"
        history = any(index.activity[index.org_row[org]] > 0 for org in firsts)
        for name, rank in rankers.items():
            ranked = ranking(index, rank(idea.text, query_vectors[i]))
            translated = ranking(index, rank(idea.translation, translation_vectors[i]))
            out.append(
                IdeaResult(
                    idea=idea,
                    ranker=name,
                    ndcg_10=ndcg_at(ranked, idea.grades),
                    first_rank=first_rank(ranked, idea.first_choice),
                    overlap_5=top_overlap(ranked, translated),
                    pair=pair,
                    first_has_history=history,
                )
            )
    return out


@dataclass(frozen=True)
class Summary:
    ranker: str
    group: str
    ideas: int
    ndcg_10: float
    hit_3: float
    mrr: float
    overlap_5: float


def summarise(results: Sequence[IdeaResult], *, split: str | None = None) -> list[Summary]:
    """Means per ranker: over all ideas, per language pair and by the grade-3 member's history."""
    chosen = [r for r in results if split is None or r.idea.split == split]
    groups: dict[tuple[str, str], list[IdeaResult]] = {}
    for r in chosen:
        for group in ("all", r.pair, "with history" if r.first_has_history else "without history"):
            groups.setdefault((r.ranker, group), []).append(r)
    out = []
    for (ranker, group), rows in groups.items():
        out.append(
            Summary(
                ranker,
                group,
                len(rows),
                float(np.mean([r.ndcg_10 for r in rows])),
                float(np.mean([r.hit_3 for r in rows])),
                float(np.mean([r.reciprocal_rank for r in rows])),
                float(np.mean([r.overlap_5 for r in rows])),
            )
        )
    return out


def _group_order(group: str) -> tuple[int, str]:
    if group == "all":
        return (0, "")
    if "→" in group:
        source, target = group.split("→")
        return (1, f"{LANGUAGES.index(source) if source in LANGUAGES else 9}{target}")
    return (2, group)


def format_table(summaries: Sequence[Summary], *, markdown: bool = False) -> str:
    """One row per group and ranker: ideas, nDCG@10, hit@3 and MRR of the grade-3 member, top-5 overlap."""
    header = ["ideas", "ranker", "n", "nDCG@10", "hit@3", "MRR", "same top 5"]
    rows = []
    order = {name: n for n, name in enumerate(RANKERS)}
    for s in sorted(summaries, key=lambda s: (_group_order(s.group), order.get(s.ranker, 99), s.ranker)):
        rows.append(
            [
                s.group,
                s.ranker,
                str(s.ideas),
                f"{s.ndcg_10:.3f}",
                f"{s.hit_3:.2f}",
                f"{s.mrr:.3f}",
                f"{s.overlap_5:.1f}",
            ]
        )
    return render_table(header, rows, markdown=markdown)


def benchmark_results(
    index: MatchIndex, embedder, ideas: Sequence[BenchmarkIdea], *, weights: RankingWeights = DEFAULT_WEIGHTS
) -> list[IdeaResult]:
    """Embed the ideas, their translations and the members' descriptions; run every ranker on ``index``."""
    query_vectors = embedder.embed_queries([i.text for i in ideas])
    translation_vectors = embedder.embed_queries([i.translation for i in ideas])
    description_vectors = embedder.embed_passages([t or " " for t in description_texts(index.orgs)])
    rankers = baseline_rankers(index, description_vectors) | {"matcher": matcher_ranker(index, weights)}
    return run_benchmark(index, ideas, rankers, query_vectors=query_vectors, translation_vectors=translation_vectors)


def evaluate_cluster(
    embedder,
    *,
    sample: str | Path = SAMPLE_DIR,
    benchmark: str | Path = BENCHMARK_FILE,
    weights: RankingWeights = DEFAULT_WEIGHTS,
    progress: Callable[[int, int, str], None] | None = None,
) -> list[IdeaResult]:
    """Load ``sample`` into a scratch in-memory store, index it with ``embedder`` and run every ranker.

    Nothing is written to disk; the matcher is scored as it serves (its own index and scoring).
    """
    from data.importers import import_path
    from data.store import PartnerStore
    from matching.index import index_store, load_match_index

    ideas = load_benchmark(benchmark)  # read once: a broken file is refused before minutes of embedding
    with PartnerStore(":memory:") as store:
        import_path(store, Path(sample))
        index_store(store, embedder, progress=progress)
        index = load_match_index(store, embedder.model_id)
    check_graded_members(ideas, list(index.org_row), benchmark)  # the ideas read above, not the file again
    return benchmark_results(index, embedder, ideas, weights=weights)
