"""Page furniture: every example of every rule in analysis/furniture.toml, one test each."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from newsweave.analysis.furniture import (
    CHROME,
    RULES_FILE,
    Example,
    FurnitureRule,
    furniture_at,
    furniture_kind,
    furniture_rule,
    load_rules,
)

RULES = load_rules()
MATCHES = [
    pytest.param(rule, example, id=f"{rule.id}-{n}")
    for rule in RULES
    for n, example in enumerate(rule.matches)
]
NOT_MATCHES = [
    pytest.param(rule, example, id=f"{rule.id}-not-{n}")
    for rule in RULES
    for n, example in enumerate(rule.not_matches)
]


@pytest.mark.parametrize(("rule", "example"), MATCHES)
def test_rule_catches_its_example(rule: FurnitureRule, example: Example) -> None:
    assert rule.holds(" ".join(example.sentence.split()), " ".join(example.paragraph.split()))
    assert furniture_kind(example.sentence, paragraph=example.paragraph) is not None


@pytest.mark.parametrize(("rule", "example"), NOT_MATCHES)
def test_news_example_is_left_alone(rule: FurnitureRule, example: Example) -> None:
    found = furniture_rule(example.sentence, paragraph=example.paragraph)
    assert found is None, f"{example.sentence!r} caught by {found.id}"


@pytest.mark.parametrize("rule", RULES, ids=[rule.id for rule in RULES])
def test_every_rule_has_examples_both_ways_and_says_why(rule: FurnitureRule) -> None:
    assert rule.matches, f"{rule.id} has no `matches` examples"
    assert rule.not_matches, f"{rule.id} has no `not_matches` examples"
    assert rule.about.endswith("."), f"{rule.id}: `about` is one sentence"


def test_the_rule_file_is_what_the_detector_reads() -> None:
    with RULES_FILE.open("rb") as file:
        assert [entry["id"] for entry in tomllib.load(file)["rule"]] == [r.id for r in RULES]


def test_clean_stage_chrome_is_furniture_without_a_rule_of_its_own() -> None:
    assert furniture_rule("Share this article") is CHROME
    assert furniture_kind("Read more: Ferry strike ends in Saltmere") == "chrome"


def test_a_sentence_of_news_with_furniture_words_is_news() -> None:
    paragraph = (
        "The minister shared a photo of the flooded harbour on Twitter. "
        "Officials said the video would be published on Monday."
    )
    for sentence in re.split(r"(?<=\.) ", paragraph):
        assert furniture_kind(sentence, paragraph=paragraph) is None


def test_a_sentence_is_read_with_the_paragraph_its_offsets_fall_in() -> None:
    text = (
        "Ferries stopped at Saltmere on Monday after the storm.\n\n"
        "The new ferry leaves Saltmere harbour. (ANA VILK/CPA)\n\n"
        "The port will reopen on Friday, the harbour master said."
    )
    caption = text.index("The new ferry")
    first_end = text.index(".") + 1
    assert furniture_at(text, 0, first_end) is None
    assert furniture_at(text, caption, text.index("harbour.") + len("harbour.")) == "caption"
    last = text.index("The port")
    assert furniture_at(text, last, len(text)) is None


def test_blank_text_is_not_furniture() -> None:
    assert furniture_kind("   ") is None


def test_a_broken_rule_file_names_the_rule_and_its_fault(tmp_path: Path) -> None:
    broken = tmp_path / "furniture.toml"
    broken.write_text('[[rule]]\nid = "x"\nkind = "weather"\nabout = "A."\npatterns = ["a"]\n')
    with pytest.raises(ValueError, match="kind 'weather'"):
        load_rules.__wrapped__(broken)
    broken.write_text('[[rule]]\nid = "x"\nkind = "credit"\nabout = "A."\npatterns = ["("]\n')
    with pytest.raises(ValueError, match="does not compile"):
        load_rules.__wrapped__(broken)
