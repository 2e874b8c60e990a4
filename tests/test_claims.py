"""Claims and disagreements on the sample corpus, against its gold disagreements and wire copies.

Articles are grouped by their gold event (by URL), so these tests measure the analysis alone,
not the clustering before it. Copy groups come from `dedupe` over the whole corpus, as the
stories stage stores them.

Matching a planted disagreement: same kind (gold's "attendance" and "confirmation" are yes_no,
with values read as "no" when they begin with a negation), values equal after normalisation
(counts as numbers, dates as ISO days), and each gold side's articles equal, as a set, to the
articles of the found side with that value.
"""

from __future__ import annotations

from collections import defaultdict

import pytest

from conftest import GOLD, planted_disagreements, reports
from newsweave.analysis.claims import align_claims, copy_groups_of, read_event
from newsweave.analysis.disagreements import find_disagreements

pytestmark = pytest.mark.slow  # every test reads claims, which parse with spaCy

KINDS = {"count": "count", "date": "date", "attendance": "yes_no", "confirmation": "yes_no"}


def url_of(article) -> str:
    return article.url or article.canonical_url


@pytest.fixture(scope="module")
def analysed(sample_store):
    articles = list(sample_store.articles)
    groups = copy_groups_of(articles)
    by_event = defaultdict(list)
    for article in articles:
        by_event[GOLD["articles"][url_of(article)]["event"]].append(article)
    out = {}
    for event_id, members in by_event.items():
        event = read_event(members, copy_groups=groups)
        claims = align_claims(event)
        out[event_id] = (event, claims, find_disagreements(event, claims))
    return out


def gold_value(kind: str, value: str) -> str:
    if kind == "yes_no":
        return "no" if value.split()[0] in ("not", "did") else "yes"
    return value


def side_urls(event, side) -> set[str]:
    return {url_of(event.article(article_id)) for article_id in side.article_ids}


def found_match(analysed, planted, *, whole: bool = True) -> bool:
    """Whether the planted disagreement is found: its values, each side with exactly the gold
    side's articles (or, not `whole`, some of them and no other)."""
    event, _, disagreements = analysed[planted["event"]]
    kind = KINDS[planted["kind"]]
    gold = {gold_value(kind, side["value"]): set(side["articles"]) for side in planted["sides"]}
    for found in disagreements:
        sides = {side.value: side_urls(event, side) for side in found.sides}
        if (
            found.kind == kind
            and sides.keys() == gold.keys()
            and all(sides[v] == gold[v] if whole else sides[v] <= gold[v] for v in gold)
        ):
            return True
    return False


PLANTED = GOLD["disagreements"]


@pytest.mark.parametrize("planted", planted_disagreements())
def test_planted_disagreement_is_found_with_its_sides(analysed, planted):
    assert found_match(analysed, planted)


def test_no_false_disagreements_on_the_sample_corpus(analysed):
    """Measured: 5 disagreements over 12 events, all planted (7 false ones before plans and
    articles giving two values were left out); a planted one with a side short of an article
    is not false."""
    planted = defaultdict(int)
    for p in PLANTED:
        planted[p["event"]] += found_match(analysed, p, whole=False)
    false = {
        event_id: len(disagreements) - planted[event_id]
        for event_id, (_, _, disagreements) in analysed.items()
    }
    assert sum(false.values()) == 0, false


def test_sides_count_independent_sources(analysed):
    _, _, disagreements = analysed["E04"]
    (toll,) = [d for d in disagreements if d.kind == "count"]
    assert toll.about == "dead"
    sides = {side.value: side.independent_sources for side in toll.sides}
    # three wire copies (one source), Korvania Today, Meridian Evening Post against the Herald
    assert sides == {"9": 3, "11": 1}


def test_claim_sentences_are_exact_and_one_per_article(analysed):
    for event, claims, _ in analysed.values():
        for claim in claims:
            assert len(set(claim.article_ids)) == len(claim.article_ids)
            for sentence in claim.sentences:
                assert event.article(sentence.article_id).text[sentence.start : sentence.end] == (
                    sentence.text
                )


@pytest.mark.parametrize("wire", GOLD["wire_copies"], ids=lambda w: w["event"])
def test_a_claim_of_the_three_wire_copies_counts_once(analysed, wire):
    event, claims, _ = analysed[wire["event"]]
    wire_urls = set(wire["articles"])
    backed_by_wire_only = [
        claim
        for claim in claims
        if {url_of(event.article(a)) for a in claim.article_ids} == wire_urls
    ]
    assert backed_by_wire_only
    assert all(claim.independent_sources == 1 for claim in backed_by_wire_only)
    assert all(claim.single_source for claim in backed_by_wire_only)
    assert all(len(claim.outlets) == 3 for claim in backed_by_wire_only)


def test_claims_across_outlets_count_each_source(analysed):
    _, claims, _ = analysed["E04"]
    multi = [claim for claim in claims if claim.independent_sources > 1]
    assert multi and not any(claim.single_source for claim in multi)
    lead = next(c for c in claims if any("At least nine people" in s.text for s in c.sentences))
    # the wire lead and Korvania Today's own bulletin: two sources, four outlets
    assert lead.independent_sources == 2 and len(lead.outlets) == 4


class _NoEmbedder:
    name, dimensions = "none", 1

    def embed(self, texts):
        raise AssertionError("one article's sentences have nothing to be aligned with")


def test_one_article_gives_one_claim_per_sentence_without_embedding(analysed):
    event, _, _ = analysed["E04"]
    alone = read_event(event.articles[:1], event.docs[:1])
    claims = align_claims(alone, embedder=_NoEmbedder())
    assert claims and all(len(claim.sentences) == 1 for claim in claims)
    assert all(claim.single_source and claim.independent_sources == 1 for claim in claims)


LED_BY_KORDA = (
    "The Harbour Herald",
    "Korvania's delegation was led by Deputy Foreign Minister Vesna Korda, officials said on "
    "Thursday.",
)


@pytest.mark.parametrize(
    "kind, first, second, values",
    [
        (
            "person",
            LED_BY_KORDA,
            (
                "Veldra Observer",
                "Korvania was instead represented by Matej Orlov, a senior adviser in the "
                "presidential office, officials said.",
            ),
            {"Vesna Korda", "Matej Orlov"},
        ),
        (
            "place",
            ("Casimir Daily", "The two presidents met in Geneva on Wednesday, officials said."),
            ("The Harbour Herald", "The two presidents met in Vienna on Wednesday, aides said."),
            {"Geneva", "Vienna"},
        ),
        (
            "place",
            ("Casimir Daily", "The two presidents met in Oman on Wednesday, officials said."),
            ("The Harbour Herald", "The two presidents met in Romania on Wednesday, aides said."),
            {"Oman", "Romania"},
        ),
    ],
    ids=["who led", "where they met", "a place whose name is inside another's"],
)
def test_a_person_or_a_place_told_two_ways_is_a_disagreement(tmp_path, kind, first, second, values):
    (disagreement,) = find_disagreements(reports(tmp_path, first, second))
    assert disagreement.kind == kind
    assert {side.value for side in disagreement.sides} == values


@pytest.mark.parametrize(
    "first, second",
    [
        (
            LED_BY_KORDA,
            (
                "Veldra Observer",
                "Teskaria was represented by Foreign Minister Halyna Moresk, officials said.",
            ),
        ),
        (
            (
                "Veldra Observer",
                "Korvania's delegation will be led by Matej Orlov, a senior adviser, the "
                "presidential office said.",
            ),
            LED_BY_KORDA,
        ),
        (
            ("Casimir Daily", "A team led by Dr. Samantha Hendren found the cases had doubled."),
            ("The Harbour Herald", "A team led by Dr. Paul Ward found the rise was steepest."),
        ),
        (
            ("Casimir Daily", "Three people were shot in Kenosha on Tuesday night, police said."),
            (
                "The Harbour Herald",
                "Three people were shot in Wisconsin on Tuesday night. Police in Kenosha said "
                "they had arrested a teenager.",
            ),
        ),
        (
            ("Casimir Daily", "North Korea's delegation was led by Vesna Korda, officials said."),
            ("Quay Post", "Saudi Arabia's delegation was led by Halyna Moresk, officials said."),
        ),
        (
            ("Casimir Daily", "The United States delegation was led by Antony Blinken."),
            ("Quay Post", "The United Nations delegation was led by Antonio Guterres."),
        ),
        (
            ("Casimir Daily", "Korvania was represented by the Foreign Ministry, officials said."),
            (
                "Veldra Observer",
                "Korvania was instead represented by Matej Orlov, a senior adviser in the "
                "presidential office, officials said.",
            ),
        ),
        (
            ("Casimir Daily", "The talks took place in Geneva on Wednesday, officials said."),
            ("Quay Post", "A protest took place in Vienna on Wednesday, police said."),
        ),
        (
            ("Casimir Daily", "The talks were held in Geneva on Wednesday, officials said."),
            ("Quay Post", "An election was held in Vienna on Wednesday, officials said."),
        ),
        (
            ("Casimir Daily", "The funeral was held on Monday at St Olav church, the family said."),
            ("Quay Post", "A vigil was held on Sunday at the harbour, organisers said."),
        ),
    ],
    ids=[
        "another country's delegation",
        "a plan",
        "two unnamed teams",
        "a city in its state",
        "two countries that share a word",
        "the United States and the United Nations",
        "a ministry is no person",
        "a talk and a protest took place",
        "talks and an election were held",
        "a funeral and a vigil were held",
    ],
)
def test_people_places_and_days_that_can_all_be_true_are_no_disagreement(tmp_path, first, second):
    assert find_disagreements(reports(tmp_path, first, second)) == []


def test_a_person_disagreement_is_kept_beside_a_yes_no_one_about_another_thing(tmp_path):
    """Two reports that split on who led the delegation and on whether a deal was confirmed:
    two conflicts, though the same reports are on each side of both."""
    articles = reports(
        tmp_path,
        (
            "The Harbour Herald",
            f"{LED_BY_KORDA[1]} President Dravenko confirmed the deal on Monday.",
        ),
        (
            "Veldra Observer",
            "Korvania was instead represented by Matej Orlov, a senior adviser in the "
            "presidential office, officials said. President Dravenko did not confirm the deal.",
        ),
    )
    kinds = sorted(disagreement.kind for disagreement in find_disagreements(articles))
    assert kinds == ["person", "yes_no"]
