"""Quotes, speakers and statements on the sample corpus's gold, and `newsweave eval attribution`.

The sample corpus is ingested into a temporary store as a user would, and the quotes of every
article the gold names are extracted from the stored text. Figures measured when these tests
were written: 177 of the 181 gold direct quotes found (0.98), 149 with the gold speaker (0.82).
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from conftest import GOLD, newsweave_in_process
from newsweave.analysis.nlp import parse, sentences_of
from newsweave.analysis.people import name_key, opening_referents
from newsweave.analysis.quotes import Quote, extract_quotes
from newsweave.analysis.statements import group_statements, wordings_agree

DIRECT = [quote for quote in GOLD["quotes"] if quote["kind"] == "direct"]


@pytest.fixture(scope="module")
def sample(sample_store):
    """Article text and extracted quotes for every article the gold quotes come from."""
    by_url = {}
    for article in sample_store.articles:
        for url in (article.url, article.canonical_url):
            if url:
                by_url[url] = article.text
    urls = sorted({quote["article"] for quote in GOLD["quotes"]})
    texts = [by_url[url] for url in urls]
    quotes = {
        url: extract_quotes(text, doc)
        for url, text, doc in zip(urls, texts, parse(texts), strict=True)
    }
    return dict(zip(urls, texts, strict=True)), quotes


def found_for(gold: dict, quotes: dict[str, list[Quote]]) -> list[Quote]:
    """The extracted quotes whose content holds the gold quote's words."""
    return [quote for quote in quotes[gold["article"]] if gold["text"] in quote.content]


def test_every_content_is_cut_from_its_text_and_every_gold_quote_is_in_its_article(sample):
    texts, quotes = sample
    for url, found in quotes.items():
        for quote in found:
            start, end = quote.content_span
            assert texts[url][start:end] == quote.content
            assert quote.cue_span[0] < quote.cue_span[1]
    for gold in GOLD["quotes"]:
        assert gold["text"] in texts[gold["article"]], gold


def test_gold_direct_quotes_are_found_with_their_speaker(sample):
    _, quotes = sample
    found = [gold for gold in DIRECT if found_for(gold, quotes)]
    right = [
        gold
        for gold in found
        if any(
            quote.speaker and name_key(quote.speaker) == name_key(gold["speaker"])
            for quote in found_for(gold, quotes)
        )
    ]
    assert len(found) / len(DIRECT) >= 0.95, len(found)
    assert len(right) / len(DIRECT) >= 0.8, len(right)


def speakers(text: str) -> list[tuple[str, str | None, str]]:
    return [(quote.kind, quote.speaker, quote.content) for quote in extract_quotes(text)]


@pytest.mark.slow
def test_a_pronoun_resolves_to_the_person_the_paragraph_is_about():
    text = (
        "Foreign Minister Maelle Trindberg opened the talks with Vesna Korda.\n\n"
        "Halyna Moresk said her government had a plan. "
        "\u201cWe will not sign anything,\u201d she said."
    )
    assert ("direct", "Halyna Moresk", "We will not sign anything,") in speakers(text)


def referents(text: str) -> dict[str, str]:
    """Each sentence opening on a pronoun that `opening_referents` resolves, with the name."""
    doc = next(parse([text]))
    found = opening_referents(doc, sentences_of(doc))
    return {text[start:].split(".")[0]: name for start, name in found.items()}


@pytest.mark.slow
def test_an_opening_pronoun_stands_for_the_one_person_named_before():
    text = (
        "Kyle Rittenhouse was charged with homicide on Thursday. He is held without bail. "
        "His lawyer declined to comment."
    )
    assert referents(text) == {
        "He is held without bail": "Kyle Rittenhouse",
        "His lawyer declined to comment": "Kyle Rittenhouse",
    }


@pytest.mark.slow
@pytest.mark.parametrize(
    "text",
    [
        # the named person is not the subject: the pronoun may stand for the suspect
        "Police said the suspect shot Officer John Smith. He was taken to hospital.",
        # two people named
        "Donald Trump met Joe Biden on Friday. He said little.",
        # a new paragraph
        "Senator Susan Collins voted against the bill.\n\nShe said it was flawed.",
        # the article makes the named person a woman
        "Ms. Anna Berg was elected on Tuesday. He congratulated her.",
        # two people of one surname
        "Jeff Joseph was last seen in May. Vikki Joseph, his sister, hired an investigator. "
        "She said the police had stopped looking.",
        # an unnamed person of the pronoun's gender
        "Mark Gagan said a young woman called the police. She was found an hour later.",
    ],
)
def test_an_opening_pronoun_with_a_doubtful_referent_is_left_alone(text):
    assert referents(text) == {}


@pytest.mark.slow
def test_a_dateline_is_not_the_speaker():
    """The parser takes a dateline for the subject ("VELDRA — ... party ... accused"); the
    remark is the party's, not the city's."""
    text = (
        "VELDRA — Teskaria's main opposition party on Saturday accused the government of walking "
        "into a trap at the talks."
    )
    (quote,) = extract_quotes(text)
    assert quote.speaker == "Teskaria's main opposition party"


@pytest.mark.slow
def test_a_title_resolves_to_the_person_it_describes():
    text = (
        "Korvania sent Deputy Foreign Minister Vesna Korda, and Halvenmark's foreign minister, "
        "Maelle Trindberg, chaired the day. "
        '"We heard proposals," the deputy minister said. '
        '"It was a start," the foreign minister told reporters.'
    )
    found = speakers(text)
    assert ("direct", "Vesna Korda", "We heard proposals,") in found
    assert ("direct", "Maelle Trindberg", "It was a start,") in found


@pytest.mark.slow
def test_a_surname_resolves_to_the_full_name_and_a_split_quote_keeps_its_speaker():
    text = (
        "President Tomas Rellik spoke in Brask. "
        "\u201cPart one,\u201d Rellik said. \u201cPart two.\u201d"
    )
    quotes = extract_quotes(text)
    assert [(q.speaker, q.content) for q in quotes] == [
        ("Tomas Rellik", "Part one,"),
        ("Tomas Rellik", "Part two."),
    ]
    assert quotes[0].cue_span == quotes[1].cue_span
    assert text[slice(*quotes[0].cue_span)] == "said"


@pytest.mark.slow
def test_indirect_according_to_and_described_as():
    text = (
        "Dr Amira Castellan said that the refusal was unsurprising. "
        "According to officials, the talks will resume in April. "
        'Rellik described the letter as "presumptuous".'
    )
    quotes = extract_quotes(text)
    cues = {text[slice(*q.cue_span)]: (q.kind, q.speaker, q.content) for q in quotes}
    assert cues["said"] == ("indirect", "Amira Castellan", "the refusal was unsurprising")
    assert cues["According to"] == ("indirect", "officials", "the talks will resume in April")
    assert cues["described the letter as"] == ("direct", "Rellik", "presumptuous")


@pytest.mark.slow
def test_a_judging_verbs_focus_is_the_judgement_not_its_object():
    text = (
        "Putin described the letter as impolite and noted that it contained mocking remarks. "
        "The mayor called the plan reckless. "
        "She described the decision as a betrayal of voters."
    )
    focus = {q.content: q.focus for q in extract_quotes(text) if q.kind == "indirect"}
    assert focus == {
        "the letter as impolite": "impolite",
        "it contained mocking remarks": "it contained mocking remarks",
        "the plan reckless": "reckless",
        "the decision as a betrayal of voters": "a betrayal of voters",
    }


def test_the_remark_rendered_three_ways_is_one_statement(sample):
    _, quotes = sample
    gold = {variant["article"] for variant in GOLD["statements"]["ST1"]["variants"]}
    statements = group_statements(quotes)
    holding = [s for s in statements if gold & set(s.articles)]
    assert any(set(statement.articles) == gold for statement in holding), holding


def test_the_three_direct_renderings_of_the_remark_are_one_statement(sample):
    _, quotes = sample
    direct = {
        q["article"] for q in GOLD["quotes"] if q["statement"] == "ST1" and q["kind"] == "direct"
    }
    statement = next(
        s
        for s in group_statements(quotes)
        if any(v.quote.content == "presumptuous" for v in s.variants)
    )
    assert direct <= set(statement.articles)
    assert name_key(statement.speaker) == "rellik"


@pytest.mark.xfail(
    strict=True,
    reason="the one paraphrase renders 'I see no reason to meet with him at this time' by "
    "metaphor ('the door to a summit with Dravenko is closed', MiniLM content cosine 0.15): "
    "no packaged model tells that they are one remark",
)
def test_paraphrase_flags_match_the_gold(sample):
    _, quotes = sample
    flagged = {
        (variant.article, variant.quote.content)
        for statement in group_statements(quotes)
        for variant in statement.variants
        if variant.is_paraphrase
    }
    gold = {(q["article"], q["text"]) for q in GOLD["quotes"] if q["is_paraphrase"]}
    assert flagged == gold


class OneTopicEmbedder:
    """Every text the same vector: all of one speaker's quotes become one statement."""

    name, dimensions = "one-topic", 2

    def embed(self, texts):
        return np.tile(np.array([1.0, 0.0], dtype=np.float32), (len(texts), 1))


class TableEmbedder:
    """The vectors a table gives, and one same vector for every other text."""

    name, dimensions = "table", 2

    def __init__(self, table: dict[str, list[float]]) -> None:
        self.table = table

    def embed(self, texts):
        return np.array([self.table.get(text, [1.0, 0.0]) for text in texts], dtype=np.float32)


def quote(content: str, kind: str = "direct", context: str | None = None) -> Quote:
    return Quote(
        kind,
        "Tomas Rellik",
        (0, 6),
        (7, 11),
        (12, 12 + len(content)),
        content,
        content,
        context or content,
    )


def test_the_paraphrase_rule_flags_a_minority_clause_that_matches_no_rendering():
    statements = group_statements(
        {
            "a": [quote("I see no reason to meet with him at this time,")],
            "b": [quote("I see no reason to meet with him at this time,")],
            "c": [quote("at this time")],
            "d": [quote("the door to a summit with Dravenko is closed.")],
            "e": [quote("disrespectful remarks")],
        },
        embedder=OneTopicEmbedder(),
    )
    (statement,) = statements
    flags = {variant.article: variant.is_paraphrase for variant in statement.variants}
    assert flags == {"a": False, "b": False, "c": False, "d": True, "e": False}
    assert wordings_agree("at this time", "I see no reason to meet with him at this time,")
    assert not wordings_agree("presumptuous", "disrespectful remarks")


def test_another_remark_of_the_same_occasion_is_not_flagged():
    """Grouped with the remark by their contexts alone, its content says something else."""
    said = "This was a serious conversation between serious people,"
    other = "The handshake was short. The conversation was not,"
    context = "Trindberg told reporters after the talks."
    (statement,) = group_statements(
        {
            "a": [quote(said, context=context)],
            "b": [quote(said, context=context)],
            "c": [quote(other, context=context)],
        },
        embedder=TableEmbedder({other: [0.0, 1.0]}),
    )
    assert len(statement.variants) == 3
    assert not any(variant.is_paraphrase for variant in statement.variants)


def test_a_remark_one_outlet_quotes_is_never_flagged():
    statements = group_statements(
        {"a": [quote("When there is something to sign, I will be there.")], "b": []},
        embedder=OneTopicEmbedder(),
    )
    assert statements == []


@pytest.mark.slow  # the quote extractor parses with spaCy
def test_eval_attribution_prints_the_json_keys(tmp_path):
    text = "\u201cWe will win,\u201d she said."
    line = {
        "id": "one",
        "text": text,
        "attributions": [{"source": [14, 17], "cue": [18, 22], "content": [1, 12]}],
    }
    path = tmp_path / "attrib.jsonl"
    path.write_text(json.dumps(line) + "\n", encoding="utf-8")
    result = newsweave_in_process("eval", "attribution", path, "--json")
    assert result.returncode == 0, result.stderr
    scores = json.loads(result.stdout)
    assert set(scores) == {"source_f1", "cue_f1", "content_f1", "attribution_f1", "articles"}
    assert scores["articles"] == 1 and scores["attribution_f1"] == 1.0


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ('{"id": "a", "text": "ab", "attributions": [{"source": null, "cue": [0, 5], '
         '"content": [0, 1]}]}', "out of range"),
        ('{"id": "a", "text": "ab"}', "has no attributions"),
        ('{"id": "a", "text": "ab", "attributions": [', "not JSON"),
    ],
)  # fmt: skip
def test_eval_attribution_names_the_bad_line(tmp_path, line, says):
    path = tmp_path / "bad.jsonl"
    path.write_text(line + "\n", encoding="utf-8")
    result = newsweave_in_process("eval", "attribution", path)
    assert result.returncode == 1
    assert f"{path}:1" in result.stderr and says in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_eval_attribution_on_a_missing_file(tmp_path):
    result = newsweave_in_process("eval", "attribution", tmp_path / "nope.jsonl")
    assert result.returncode == 1 and "no such file" in result.stderr
    assert "Traceback" not in result.stderr
