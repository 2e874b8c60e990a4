"""Copy groups and independent-source counts, on the sample corpus and on hand-made texts."""

from __future__ import annotations

import random
from collections import defaultdict

import numpy as np
import pytest

from conftest import GOLD
from newsweave.saved_state import pack
from newsweave.stories.dedupe import (
    STATE_FORMAT,
    CopyIndex,
    independent_source_groups,
    independent_sources,
)

# Independent sources per gold event, counted by hand from gold.json and sources.toml: the two
# CPA stories count once each, and so do the outlets of one family (Meridian Media Group:
# Harbour Herald, Evening Post, Business Daily; Vantage Press Holdings: Brask Tribune, Korvania
# Today). E04: Korvania Today's own report (Vantage), the CPA story (Northern Dispatch, Global
# Ledger, Brask Tribune) and Meridian's two reports are three sources, not two: Brask Tribune
# running the wire story does not make Korvania Today's own report a copy of it.
EXPECTED_SOURCES = {
    "E01": 4,  # Saltmere Courier, HBN, Vantage, Veldra Observer
    "E02": 5,  # CPA (3 outlets), HBN, Saltmere Courier, Veldra Observer, Teskarian Voice
    "E03": 6,  # Vantage (2 outlets), Northern Dispatch, Meridian, Veldra Observer, HBN, TV
    "E04": 3,
    "E05": 3,  # Northern Dispatch, Meridian (2 outlets), Global Ledger
    "E06": 2,  # Northern Dispatch, Meridian (2 outlets)
    "E07": 4,
    "E08": 3,
    "E09": 2,  # Meridian (2 outlets), Global Ledger
    "E10": 3,
    "E11": 3,
    "E12": 1,
}

REPORT = """\
Police in Port Casimir have arrested the operations director of Brennick Polymers on suspicion
of gross negligence manslaughter after Monday's fire at the company's chemical plant.
Officers detained the 54-year-old at his home in the Westfield area early on Friday and took him
to the central police station for questioning, a police spokeswoman said.
The fire, which started in a solvent storage hall, killed nine night-shift workers and injured
23 others. It burned for more than seven hours before firefighters brought it under control.
Industry Minister Paul Achterberg told parliament that a public inquiry would examine safety
at the plant, which was fined in 2023 for failing to maintain its fire doors.
The company said it was cooperating fully with the police and had suspended the director on
full pay. Its shares fell by six per cent in early trading in Dunmore.
Relatives of the dead gathered outside the plant gates on Friday evening to lay flowers."""

SAME_TOPIC_REPORT = """\
A senior manager at the Brennick Polymers chemical works was being questioned by detectives on
Friday, four days after nine workers died in the blaze that tore through the Port Casimir site.
The man, whom police did not name, was arrested at a house in the city in a dawn raid. Families
of the victims said they wanted answers, not arrests, and called for the plant to stay closed.
The government has promised an independent inquiry led by a retired judge. Brennick's chief
executive said the company would publish its own review of the night of the fire within a month.
Union officials said they had warned managers about the storage of solvents last year, a claim
the company denied. Trading in Brennick shares was briefly suspended after a sharp fall."""


@pytest.fixture(scope="module")
def sample_articles(sample_store):
    return list(sample_store.articles)


@pytest.fixture(scope="module")
def sample_groups(sample_articles):
    index = CopyIndex()
    for article in sample_articles:
        index.add(article.article_id, article.text)
    return index.groups()


def _url(article) -> str:
    return article.url or article.canonical_url


def test_sample_copy_groups_are_exactly_the_gold_wire_copies(sample_articles, sample_groups):
    members = defaultdict(set)
    for article in sample_articles:
        members[sample_groups[article.article_id]].add(_url(article))
    found = {frozenset(urls) for urls in members.values() if len(urls) > 1}
    assert found == {frozenset(wire["articles"]) for wire in GOLD["wire_copies"]}


def test_a_group_is_named_after_its_earliest_added_member(sample_articles, sample_groups):
    seen: dict[str, str] = {}
    for article in sample_articles:
        group = sample_groups[article.article_id]
        seen.setdefault(group, article.article_id)
        assert seen[group] == group


def test_independent_sources_per_gold_event(sample_articles, sample_groups):
    rows = defaultdict(list)
    for article in sample_articles:
        event = GOLD["articles"][_url(article)]["event"]
        source = article.source
        group = sample_groups[article.article_id]
        rows[event].append((article.article_id, source.name, source.family, group))
    assert {event: independent_sources(rows[event]) for event in rows} == EXPECTED_SOURCES


def test_a_wire_story_is_one_source_that_credits_every_outlet(sample_articles, sample_groups):
    rows = [
        (a.article_id, a.source.name, a.source.family, sample_groups[a.article_id])
        for a in sample_articles
        if GOLD["articles"][_url(a)]["event"] == "E02"
    ]
    copies = [s for s in independent_source_groups(rows) if s.key.startswith("copies:")]
    assert len(copies) == 1
    assert set(copies[0].outlets) == {"The Harbour Herald", "Korvania Today", "Marvonia Daily News"}


def test_independent_source_rules():
    rows = [
        ("a1", "Harbour Herald", "Meridian", "w"),  # a wire story run by three outlets
        ("a2", "Brask Tribune", "Vantage", "w"),
        ("a3", "Global Ledger", None, "w"),
        ("a4", "Korvania Today", "Vantage", None),  # Vantage's own report
        ("a5", "Meridian Post", "Meridian", "m"),  # one family's story in two of its outlets
        ("a6", "Meridian Business", "Meridian", "m"),
        ("a7", "Saltmere Courier", None, None),
        ("a8", "Saltmere Courier", None, "a8"),  # a second report of one outlet
    ]
    sources = {s.key: s for s in independent_source_groups(rows)}
    assert set(sources) == {"copies:w", "Vantage", "Meridian", "Saltmere Courier"}
    assert sources["copies:w"].outlets == ("Harbour Herald", "Brask Tribune", "Global Ledger")
    assert sources["Meridian"].outlets == ("Meridian Post", "Meridian Business")
    assert sources["Saltmere Courier"].article_ids == ("a7", "a8")
    assert independent_sources(rows) == 4
    assert independent_sources([]) == 0


def test_a_lightly_edited_copy_joins_and_a_same_topic_report_does_not():
    sentences = REPORT.split(".\n")
    assert sentences[2].startswith("The fire, which started")
    sentences[2] = "The blaze began in a store for solvents and killed nine night-shift workers"
    edited = "\n".join(
        [
            "Brennick director held over deadly plant fire",  # a different headline
            "By Jana Novak, Continental Press Agency",  # a different byline
            ".\n".join(sentences),  # one sentence rewritten
        ]
    )
    index = CopyIndex()
    original = "\n".join(["Police arrest Brennick director", "By CPA staff", REPORT])
    assert index.add("original", original) == "original"
    assert index.add("edited", edited) == "original"
    assert index.add("other", SAME_TOPIC_REPORT) == "other"


def test_case_punctuation_and_spacing_do_not_matter():
    index = CopyIndex()
    index.add("a", REPORT)
    shouted = REPORT.upper().replace(",", "").replace("\n", "   ").replace("'", "’")
    assert index.add("b", shouted) == "a"


def test_short_ledes_on_one_topic_are_not_copies():
    ledes = [
        "Nine killed in Port Casimir plant fire. At least nine people were killed when fire tore "
        "through the Brennick Polymers chemical plant in Port Casimir on Monday night, fire "
        "officials said. Twenty-three others were injured.",
        "Port Casimir chemical plant blaze kills nine. Fire and explosions ripped through a "
        "chemical plant in Port Casimir overnight, killing at least nine people, officials said "
        "on Tuesday. The cause is not yet known.",
        "Deadly fire at Brennick Polymers plant. Nine night-shift workers died in a fire at the "
        "Brennick Polymers plant in Port Casimir on Monday night, the company said. The plant "
        "was fined in 2023 over fire doors.",
    ]
    index = CopyIndex()
    assert [index.add(str(i), lede) for i, lede in enumerate(ledes)] == ["0", "1", "2"]
    # ...while the same lede with one word changed is a copy.
    assert index.add("3", ledes[0].replace("Monday", "Sunday")) == "0"


def test_texts_too_short_to_shingle_stand_alone():
    index = CopyIndex()
    assert index.add("a", "More details to follow.") == "a"
    assert index.add("b", "More details to follow.") == "b"
    assert index.add("c", "") == "c"


def _paragraphs(count: int) -> list[str]:
    rng = random.Random(3)
    return [" ".join(f"w{rng.randrange(10**6)}" for _ in range(40)) for _ in range(count)]


def test_transitive_copies_merge_under_the_oldest_name():
    p = _paragraphs(17)
    a, b, c = "\n".join(p[0:12]), "\n".join(p[2:14]), "\n".join(p[5:17])
    index = CopyIndex()
    assert index.add("a", a) == "a"
    assert index.add("c", c) == "c"  # shares 7 of 17 paragraphs with a: not a copy
    assert index.add("b", b) == "a"  # a copy of both: the two groups merge under the older name
    assert index.groups() == {"a": "a", "c": "a", "b": "a"}


def test_adding_an_article_twice_changes_nothing():
    index = CopyIndex()
    index.add("a", REPORT)
    assert index.add("a", SAME_TOPIC_REPORT) == "a"
    assert index.add("b", SAME_TOPIC_REPORT) == "b"


def test_restore_keeps_stored_groups_and_later_copies_join_them():
    copy = REPORT.replace("Friday evening", "Friday night")
    # Stored as separate groups (say, by an older version): restore must not regroup them.
    rows = [("a", REPORT, "a"), ("b", copy, "b"), ("c", SAME_TOPIC_REPORT, "c")]
    index = CopyIndex.restore(rows)
    assert index.groups() == {"a": "a", "b": "b", "c": "c"}
    assert index.add("d", copy) == "b"  # an exact copy joins the stored group of its twin
    # A near copy of a and b joins both, and their groups merge under the older name.
    assert index.add("e", REPORT.replace("early on Friday", "on Friday")) == "a"
    assert index.groups() == {"a": "a", "b": "a", "c": "c", "d": "a", "e": "a"}


def test_restore_round_trips_groups_named_after_missing_articles():
    # "gone" was a member that is no longer stored (its article was revised): its name stays.
    index = CopyIndex.restore([("a", REPORT, "gone"), ("b", SAME_TOPIC_REPORT, "b")])
    assert index.groups() == {"a": "gone", "b": "b"}
    assert index.add("c", REPORT + " Flowers.") == "gone"


def test_a_saved_and_loaded_index_finds_what_the_original_finds():
    copy = REPORT.replace("Friday evening", "Friday night")
    # Restored groups named after an article no longer stored, a text too short to shingle,
    # an exact copy and a near one: everything the index keeps.
    rows = [("a", REPORT, "gone"), ("b", SAME_TOPIC_REPORT, "b"), ("s", "Too short.", "s")]
    original = CopyIndex.restore(rows)
    original.add("d", copy)
    loaded = CopyIndex.load(original.save())
    assert loaded.groups() == original.groups()
    later = [
        ("e", REPORT.replace("early on Friday", "on Friday")),
        ("f", SAME_TOPIC_REPORT.upper()),
        ("g", "Too short."),
        ("h", REPORT.replace("Relatives", "Families")),
    ]
    assert [loaded.add(*row) for row in later] == [original.add(*row) for row in later]
    assert loaded.groups() == original.groups()
    assert CopyIndex.load(CopyIndex().save()).groups() == {}


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"not an index",
        b"PK\x03\x04",
        # A zip of the right format whose numbers point nowhere, as a damaged store might hold.
        pack(
            {"nodes": [], "parents": [], "articles": [5], "exact": [], "shingled": []},
            {"shingles_counts": np.empty(0), "shingles_keys": np.empty(0), "bands": np.empty(0)},
            STATE_FORMAT,
        ),
    ],
)
def test_loading_what_is_not_a_saved_index_is_a_value_error(data):
    with pytest.raises(ValueError, match="not a saved copy index"):
        CopyIndex.load(data)
