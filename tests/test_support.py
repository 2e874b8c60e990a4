"""The support checker on edits we wrote ourselves, its NLI plug-in, and `newsweave eval support`.

The article and its edits below are ours: one sentence copied or paraphrased is supported; a
changed number, a swapped name, a flipped negation or a different month is not, and is
contradicted. The NLI path runs a real (tiny) ONNX model built here when the onnx package is
installed, and a fake model through the protocol always.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import numpy as np
import pytest

from conftest import newsweave_in_process
from newsweave.analysis.nli import NliModel, OnnxNli, load_nli
from newsweave.analysis.support import check_support
from newsweave.errors import SettingsError
from newsweave.evaluate.support import read_support_pairs
from newsweave.model import Article, Source

ARTICLE = (
    "The city council voted on Tuesday to build a new bridge over the Arno river. "
    "Mayor Ana Ruiz said construction would start in March and cost 120 million euros. "
    "The old bridge, built in 1952, was closed last year after inspectors found cracks. "
    "Residents welcomed the decision, although some shop owners worried about noise."
)
OTHER = "Heavy snow closed the mountain pass for two days, and drivers were told to wait."
DEV_FILE = Path(__file__).parents[2] / "shared" / "eval" / "dev" / "support-summedits.jsonl"


@pytest.mark.slow
def test_a_copied_and_a_paraphrased_sentence_are_supported():
    copied = check_support("The city council voted on Tuesday to build a new bridge.", [ARTICLE])
    paraphrased = check_support(
        "Mayor Ana Ruiz said the construction would begin in March and cost 120 million euros.",
        [ARTICLE],
    )
    assert copied.verdict == paraphrased.verdict == "supported"
    assert "Ana Ruiz" in paraphrased.evidence[0].text


@pytest.mark.slow
@pytest.mark.parametrize(
    ("claim", "conflict"),
    [
        (
            "Mayor Ana Ruiz said construction would start in March and cost 150 million euros.",
            "150",
        ),
        (
            "Mayor Carlos Diaz said construction would start in March and cost 120 million euros.",
            "ana",
        ),
        ("The city council did not vote on Tuesday to build a new bridge.", "negation"),
        (
            "Mayor Ana Ruiz said construction would start in June and cost 120 million euros.",
            "june",
        ),
    ],
)
def test_a_changed_value_is_contradicted(claim, conflict):
    result = check_support(claim, [ARTICLE])
    assert result.verdict == "contradicted"
    assert any(conflict in text for text in result.conflicts)


@pytest.mark.slow
def test_an_unrelated_sentence_is_not_found():
    result = check_support("The stock market fell sharply in Tokyo on Friday.", [ARTICLE])
    assert result.verdict == "not_found"
    assert result.conflicts == ()


@pytest.mark.slow
def test_evidence_offsets_cut_the_evidence_back_out_of_its_article():
    article = Article(
        article_id="a1",
        key="k",
        source=Source("Example"),
        title="Bridge",
        text=ARTICLE,
        raw_text=ARTICLE,
    )
    result = check_support(
        "The old bridge was closed after inspectors found cracks.", [OTHER, article]
    )
    assert result.evidence
    for span in result.evidence:
        text = [OTHER, ARTICLE][span.article]
        assert text[span.start : span.end] == span.text
    assert (result.evidence[0].article, result.evidence[0].article_id) == (1, "a1")


def test_a_sequence_of_articles_is_required():
    with pytest.raises(TypeError):
        check_support("The council voted.", ARTICLE)


class FakeNli:
    """Entails whatever the premise repeats word for word; contradicts any negated hypothesis."""

    name = "fake"

    def classify(self, pairs):
        rows = []
        for premise, hypothesis in pairs:
            if " not " in hypothesis:
                rows.append([0.05, 0.05, 0.9])
            else:
                rows.append([0.9, 0.05, 0.05] if hypothesis in premise else [0.1, 0.8, 0.1])
        return np.array(rows)


@pytest.mark.slow
def test_a_configured_nli_model_decides_the_verdict():
    nli = FakeNli()
    assert isinstance(nli, NliModel)
    claim = "Residents welcomed the decision"
    assert check_support(claim, [ARTICLE], nli=nli).verdict == "supported"
    negated = check_support("Residents did not welcome the decision.", [ARTICLE], nli=nli)
    assert negated.verdict == "contradicted"
    assert len(negated.evidence) == 1
    unknown = check_support("The river flooded the old town.", [ARTICLE], nli=nli)
    assert unknown.verdict == "not_found"


def test_no_nli_setting_means_no_model_and_a_missing_folder_is_a_clear_error(tmp_path):
    assert load_nli("") is None
    with pytest.raises(SettingsError, match="support_nli"):
        load_nli(tmp_path / "missing")


def _tiny_cross_encoder(folder: Path, weights: list[float]) -> Path:
    """A word-level tokenizer and an ONNX graph: logits = (tokens in the pair) * weights."""
    onnx = pytest.importorskip("onnx")
    from onnx import TensorProto, helper
    from tokenizers import Tokenizer, models, pre_tokenizers, processors

    words = ["[PAD]", "[UNK]", "[CLS]", "[SEP]"]
    tokenizer = Tokenizer(models.WordLevel({w: i for i, w in enumerate(words)}, unk_token="[UNK]"))
    tokenizer.pre_tokenizer = pre_tokenizers.Whitespace()
    tokenizer.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]",
        pair="[CLS] $A [SEP] $B [SEP]",
        special_tokens=[("[CLS]", 2), ("[SEP]", 3)],
    )
    folder.mkdir()
    tokenizer.save(str(folder / "tokenizer.json"))
    graph = helper.make_graph(
        [
            helper.make_node("Cast", ["attention_mask"], ["mask"], to=TensorProto.FLOAT),
            helper.make_node("ReduceSum", ["mask", "axes"], ["length"], keepdims=1),
            helper.make_node("MatMul", ["length", "weights"], ["logits"]),
        ],
        "tiny-nli",
        [
            helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["n", "l"]),
            helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["n", "l"]),
        ],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["n", 3])],
        [
            helper.make_tensor("axes", TensorProto.INT64, [1], [1]),
            helper.make_tensor("weights", TensorProto.FLOAT, [1, 3], weights),
        ],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.save(model, str(folder / "model.onnx"))
    labels = {"0": "CONTRADICTION", "1": "ENTAILMENT", "2": "NEUTRAL"}
    (folder / "config.json").write_text(json.dumps({"id2label": labels}), encoding="utf-8")
    return folder


@pytest.mark.slow
def test_an_onnx_cross_encoder_folder_loads_and_decides(tmp_path):
    entails = load_nli(_tiny_cross_encoder(tmp_path / "entails", [0.0, 1.0, 0.0]))
    contradicts = load_nli(_tiny_cross_encoder(tmp_path / "contradicts", [1.0, 0.0, 0.0]))
    assert isinstance(entails, OnnxNli)
    probabilities = entails.classify([("a premise", "a hypothesis")])
    assert probabilities.shape == (1, 3)
    assert probabilities[0].sum() == pytest.approx(1.0)
    assert probabilities[0, 0] > 0.99  # entailment column, whatever the model's own order
    claim = "The old bridge was closed after inspectors found cracks."
    assert check_support(claim, [ARTICLE], nli=entails).verdict == "supported"
    assert check_support(claim, [ARTICLE], nli=contradicts).verdict == "contradicted"


def newsweave(*args: object) -> subprocess.CompletedProcess:
    return newsweave_in_process(*args, env={"NEWSWEAVE_CONFIG": os.devnull})


def _write_pairs(path: Path, pairs: list[tuple[str, str]]) -> Path:
    lines = [
        json.dumps({"id": f"p{i}", "source": ARTICLE, "claim": claim, "label": label})
        for i, (claim, label) in enumerate(pairs)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.slow  # the support checker parses with spaCy
def test_eval_support_prints_exactly_the_four_scores(tmp_path):
    path = _write_pairs(
        tmp_path / "pairs.jsonl",
        [
            ("The city council voted on Tuesday to build a new bridge.", "supported"),
            ("The old bridge was closed after inspectors found cracks.", "supported"),
            ("The city council voted on Tuesday to build a new tunnel in 1999.", "unsupported"),
            ("Mayor Carlos Diaz said construction would start in June.", "unsupported"),
        ],
    )
    result = newsweave("eval", "support", path, "--json")
    assert result.returncode == 0, result.stderr
    scores = json.loads(result.stdout)
    assert set(scores) == {"balanced_accuracy", "pairs", "supported_recall", "unsupported_recall"}
    assert scores["pairs"] == 4
    assert scores["balanced_accuracy"] == pytest.approx(
        (scores["supported_recall"] + scores["unsupported_recall"]) / 2
    )
    assert scores["unsupported_recall"] == 1.0
    plain = newsweave("eval", "support", path)
    assert "balanced accuracy" in plain.stdout and "pairs/s" in plain.stdout


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, "no such file"),
        ('{"source": "s", "claim": "c", "label": "supported"}\n{not json\n', "pairs.jsonl:2"),
        ('{"source": "s", "label": "supported"}\n', "no claim"),
        ('{"source": "s", "claim": "c", "label": "maybe"}\n', "'maybe'"),
    ],
)
def test_eval_support_names_the_bad_input_in_one_line(tmp_path, content, expected):
    path = tmp_path / "pairs.jsonl"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    result = newsweave("eval", "support", path)
    assert result.returncode == 1
    assert expected in result.stderr
    assert "support schema" in result.stderr or "no such file" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


@pytest.mark.slow
@pytest.mark.skipif(not DEV_FILE.is_file(), reason="the shared evaluation data is not here")
def test_the_dev_file_reads_and_its_evidence_is_cut_from_its_sources():
    pairs = read_support_pairs(DEV_FILE)
    assert len(pairs) > 300
    for pair in pairs[:5]:
        result = check_support(pair.claim, [pair.source])
        assert all(pair.source[s.start : s.end] == s.text for s in result.evidence)
