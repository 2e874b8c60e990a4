"""The furniture detector's fitted second opinion (ingest.furniture_model): its features, its
weights file, and how the detector asks it only when no rule holds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsweave.ingest import furniture, furniture_model
from newsweave.ingest.furniture import FITTED, furniture_rule
from newsweave.ingest.furniture_model import FurnitureModel, features_of, load_model


def test_a_lines_place_is_a_feature_only_when_the_text_before_it_is_known() -> None:
    line = "Ferry strike ends"
    assert not any(name.startswith("page:") for name in features_of(line, line, None))
    assert "page:first-line" in features_of(line, line, "")
    after_headline = features_of(line, line, "Saltmere port reopens\n")
    assert {"page:first-lines", "page:after-short-line"} <= after_headline
    report = "The strike that closed the port ended after a week of talks with the unions.\n" * 4
    assert not any(name.startswith("page:") for name in features_of(line, line, report))


def test_the_shape_and_words_of_a_sentence_are_its_features() -> None:
    headline = features_of("Ferry Strike Ends In Saltmere", "Ferry Strike Ends In Saltmere", None)
    assert {"alone", "case:title", "end:none", "words<=6", "w:ferry", "first:ferry"} <= headline
    sentence = "The ferry sailed on Monday, the harbour master said."
    news = features_of(sentence, f"{sentence} More ferries will follow.", None)
    assert "alone" not in news and "end:stop" in news and "case:title" not in news
    assert "case:capitals" in features_of("FERRY STRIKE", "FERRY STRIKE", None)


def test_the_models_probability_is_the_logistic_of_its_weights() -> None:
    model = FurnitureModel(bias=-1.0, weights={"alone": 3.0, "end:stop": -0.5}, threshold=0.8)
    assert model.probability(set()) == pytest.approx(0.2689, abs=1e-4)
    assert model.probability({"alone"}) == pytest.approx(0.8808, abs=1e-4)
    assert model.probability({"alone", "end:stop", "unknown"}) == pytest.approx(0.8176, abs=1e-4)


def test_a_weights_file_that_is_not_a_model_is_named_in_the_error(tmp_path: Path) -> None:
    broken = tmp_path / "furniture-model.json"
    broken.write_text(json.dumps({"bias": 0.0, "weights": {}}))  # no threshold
    with pytest.raises(ValueError, match=r"furniture-model\.json: not a furniture model"):
        load_model(broken)


def test_the_shipped_model_reads_its_threshold_and_weights() -> None:
    model = load_model()
    assert 0.5 <= model.threshold < 1.0
    assert model.weights, "bench/furniture_fit.py --write fills the weights"


def test_the_model_is_asked_only_when_no_rule_holds(monkeypatch: pytest.MonkeyPatch) -> None:
    always = FurnitureModel(bias=10.0, weights={}, threshold=0.5)
    monkeypatch.setattr(furniture, "load_model", lambda: always)
    assert furniture_rule("Image caption The ferry at dawn").kind == "caption"  # a rule's
    assert furniture_rule("The ferry sailed on Monday.") is FITTED
    assert furniture_rule("The ferry sailed on Monday.", fitted=False) is None
    never = FurnitureModel(bias=-10.0, weights={}, threshold=0.5)
    monkeypatch.setattr(furniture, "load_model", lambda: never)
    assert furniture_rule("The ferry sailed on Monday.") is None
    assert furniture_model.MODEL.name == "furniture-model.json"
