"""Online event clustering on small handmade articles with deterministic fake vectors."""

from __future__ import annotations

import dataclasses
import hashlib
from datetime import datetime, timedelta

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsweave.saved_state import pack
from newsweave.stories.cluster import (
    STATE_FORMAT,
    ClusterItem,
    ClusterSettings,
    OnlineClusterer,
    event_id_for,
)
from newsweave.stories.cluster_features import split_lead, term_counts

DIM = 32
DAY = datetime(2025, 3, 1, 8, 0)


def fake_vector(topic: str, item_id: str, noise: float = 0.05) -> np.ndarray:
    """The same direction for one topic, plus a little per-article noise."""

    def seeded(key: str) -> np.random.Generator:
        return np.random.default_rng(int(hashlib.sha1(key.encode()).hexdigest()[:8], 16))

    vec = seeded(topic).normal(size=DIM) + noise * seeded(item_id).normal(size=DIM)
    return vec / np.linalg.norm(vec)


# Two different shootings: a same-topic corpus whose embeddings all point the same way.
SHOOTINGS = {
    "dunmore": [
        (
            "Gunman opens fire at Dunmore Valley Mall, 4 injured",
            "A gunman opened fire at the Dunmore Valley Mall on Saturday, injuring four shoppers. "
            "Police chief Ellen Marsh said the suspect, Travis Goodale, was arrested near the food "
            "court.",
        ),
        (
            "Dunmore mall shooting suspect Travis Goodale charged",
            "Prosecutors charged Travis Goodale with attempted murder after the shooting at "
            "Dunmore Valley Mall. Chief Ellen Marsh said four people remain in hospital.",
        ),
        (
            "Shoppers recall panic at Dunmore Valley Mall",
            "Witnesses at the Dunmore Valley Mall described the moment Travis Goodale began firing "
            "near the food court, before police led by Ellen Marsh arrived.",
        ),
    ],
    "carver": [
        (
            "Two killed in shooting at Carver High School in Wexley",
            "Two students were killed when a former pupil opened fire at Carver High School in "
            "Wexley on Tuesday. Sheriff Omar Beltran said the shooter, 19, died at the scene.",
        ),
        (
            "Wexley mourns Carver High School victims",
            "Hundreds gathered in Wexley for a vigil for the two Carver High School students "
            "killed on Tuesday. Sheriff Omar Beltran thanked teachers who sheltered pupils.",
        ),
        (
            "Sheriff Beltran: Carver High shooter bought rifle legally",
            "The 19-year-old who attacked Carver High School in Wexley bought the rifle legally, "
            "Sheriff Omar Beltran told reporters, as classes stayed cancelled.",
        ),
    ],
}


TOWNS = ["Ashby", "Brennick", "Corlow", "Dellam", "Esterby", "Fallowmere", "Gantry", "Holloway"]
PLACES = ["a petrol station", "a nightclub", "a car park", "a church", "a bus depot", "a gym"]


def incident_vector(incident: str, item_id: str) -> np.ndarray:
    """Every article shares the 'shooting' direction; an incident adds its own, weaker one."""
    return fake_vector("shooting", item_id, noise=0.3) + 0.5 * fake_vector(incident, item_id, 0.3)


def background_items() -> list[ClusterItem]:
    """Other shootings, one report each, the day before: the corpus is all one topic."""
    items = []
    for n, town in enumerate(TOWNS):
        place = PLACES[n % len(PLACES)]
        text = (
            f"Police in {town} said a man opened fire at {place} on Monday, injuring {n + 2} "
            f"people. Officers arrested a suspect and witnesses told reporters they heard shots."
        )
        item_id = f"news{n}-0"
        title = f"{n + 2} hurt in {town} shooting"
        at = DAY - timedelta(days=1)
        items.append(ClusterItem(item_id, at, title, text, incident_vector(f"news{n}", item_id)))
    return items


def shooting_items() -> list[ClusterItem]:
    items = background_items()
    for incident, articles in SHOOTINGS.items():
        for n, (title, text) in enumerate(articles):
            item_id = f"{incident}-{n}"
            at = DAY + timedelta(hours=n * 5 + (0 if incident == "dunmore" else 2))
            items.append(ClusterItem(item_id, at, title, text, incident_vector(incident, item_id)))
    return items


def partition(events: dict[str, list[str]]) -> set[frozenset[str]]:
    return {frozenset(members) for members in events.values()}


def gold_partition(items: list[ClusterItem]) -> set[frozenset[str]]:
    groups: dict[str, set[str]] = {}
    for item in items:
        if item.item_id.startswith("news"):
            continue
        groups.setdefault(item.item_id.split("-")[0], set()).add(item.item_id)
    return {frozenset(g) for g in groups.values()}


def test_same_topic_different_incidents_stay_apart():
    items = shooting_items()
    clusterer = OnlineClusterer()
    clusterer.add(items)
    found = {p for p in partition(clusterer.events()) if not any(i.startswith("news") for i in p)}
    assert found == gold_partition(items)


@settings(max_examples=25, deadline=None)
@given(st.permutations(shooting_items()))
def test_input_order_does_not_matter(shuffled):
    reference = OnlineClusterer()
    reference.add(shooting_items())
    clusterer = OnlineClusterer()
    update = clusterer.add(shuffled)
    assert clusterer.events() == reference.events()
    assert sorted(a.item_id for a in update.assignments) == sorted(i.item_id for i in shuffled)


def test_event_ids_are_stable_across_runs_and_come_from_the_founding_article():
    first, second = OnlineClusterer(), OnlineClusterer()
    a = first.add(shooting_items()).event_of()
    b = second.add(list(reversed(shooting_items()))).event_of()
    assert a == b
    assert a["dunmore-1"] == event_id_for("dunmore-0")
    assert a["carver-2"] == event_id_for("carver-0")


def test_a_late_article_joins_the_older_event():
    clusterer = OnlineClusterer()
    clusterer.add(shooting_items())
    late = ClusterItem(
        "dunmore-late",
        DAY + timedelta(days=3),
        "Travis Goodale pleads not guilty over Dunmore Valley Mall shooting",
        "Travis Goodale pleaded not guilty on Tuesday to charges over the Dunmore Valley Mall "
        "shooting. Police chief Ellen Marsh attended the hearing.",
        fake_vector("shooting", "dunmore-late"),
    )
    update = clusterer.add([late])
    (assignment,) = update.assignments
    assert assignment.event_id == event_id_for("dunmore-0")
    assert not assignment.is_new_event
    assert update.merges == []


def test_readding_an_article_changes_nothing():
    clusterer = OnlineClusterer()
    before = clusterer.add(shooting_items()).event_of()
    again = clusterer.add(shooting_items())
    assert again.assignments == [] and again.merges == []
    assert {i.item_id: clusterer.event_of(i.item_id) for i in shooting_items()} == before


def late_items() -> list[ClusterItem]:
    """Two more reports on the Dunmore shooting, a day and two days after the stored ones."""
    texts = [
        (
            "Travis Goodale pleads not guilty over Dunmore Valley Mall shooting",
            "Travis Goodale pleaded not guilty on Tuesday to charges over the Dunmore Valley Mall "
            "shooting. Police chief Ellen Marsh attended the hearing.",
        ),
        (
            "Dunmore Valley Mall reopens after shooting",
            "The Dunmore Valley Mall reopened on Wednesday, a week after Travis Goodale opened "
            "fire near the food court. Chief Ellen Marsh said patrols would stay.",
        ),
    ]
    return [
        ClusterItem(
            f"dunmore-late{n}",
            DAY + timedelta(days=1 + n),
            title,
            text,
            incident_vector("dunmore", f"dunmore-late{n}"),
        )
        for n, (title, text) in enumerate(texts)
    ]


def test_restore_then_add_matches_adding_everything_at_once():
    at_once = OnlineClusterer()
    at_once.add(shooting_items() + late_items())

    stored = OnlineClusterer().add(shooting_items()).event_of()
    restored = OnlineClusterer()
    restored.restore(reversed(shooting_items()), stored)
    update = restored.add(late_items())

    assert restored.events() == at_once.events()  # same events, same ids
    assert {a.event_id for a in update.assignments} == {event_id_for("dunmore-0")}
    assert update.merges == []


def test_restore_keeps_stored_ids_and_a_late_article_joins_its_event():
    stored = {i.item_id: i.item_id.split("-")[0] for i in shooting_items()}  # any stored ids
    clusterer = OnlineClusterer()
    clusterer.restore(shooting_items(), stored)
    assert {i.item_id: clusterer.event_of(i.item_id) for i in shooting_items()} == stored

    # Older than every stored article, yet it belongs with the Dunmore reports.
    early = dataclasses.replace(late_items()[0], published_at=DAY - timedelta(hours=1))
    (assignment,) = clusterer.add([early]).assignments
    assert assignment.event_id == "dunmore" and not assignment.is_new_event
    assert clusterer.event_of("dunmore-2") == "dunmore"


def test_an_article_linking_two_events_merges_them():
    # Embedding only, so the geometry is exact: a and b are unrelated, the bridge sits between.
    rule = ClusterSettings(
        embedding_weight=1.0, scale_alpha=0.0, join_threshold=0.5, merge_threshold=0.3
    )
    rng = np.random.default_rng(7)
    basis = np.linalg.qr(rng.normal(size=(DIM, DIM)))[0]
    e1, e2 = basis[0], basis[1]
    fillers = [
        ClusterItem(f"filler-{n:02d}", DAY, None, f"filler {n}", rng.normal(size=DIM))
        for n in range(20)
    ]
    a = ClusterItem("a", DAY + timedelta(days=1), None, "a", e1)
    b = ClusterItem("b", DAY + timedelta(days=1, hours=1), None, "b", e2)
    bridge = ClusterItem("bridge", DAY + timedelta(days=2), None, "bridge", e1 + e2)
    clusterer = OnlineClusterer(rule)
    first = clusterer.add([*fillers, a, b])
    assert first.event_of()["a"] != first.event_of()["b"]
    update = clusterer.add([bridge])
    assert update.merges == [(event_id_for("b"), event_id_for("a"))]
    assert clusterer.event_of("b") == clusterer.event_of("a") == event_id_for("a")
    assert update.assignments[0].event_id == event_id_for("a")


def test_lead_names_and_numbers():
    text = "Police in Wexley arrested 1,500 men. He was 19. Later the NATO envoy came."
    assert (
        split_lead("Title here", text)
        == "Title here\nPolice in Wexley arrested 1,500 men. He was 19."
    )
    counts = term_counts(None, text)
    assert {t for t in counts if t[0] in "@#"} == {
        "@police",
        "@wexley",
        "@later",
        "@nato",
        "#1500",
        "#19",
    }
    assert "he" not in counts and "@he" not in counts  # stop words stay out, capitalised or not
    assert counts["wexley"] > counts["envoy"]  # lead terms count extra


RERUNS = 20  # runs of every report, 20 days apart, all before the window


def test_reruns_of_stories_outside_the_window_do_not_crowd_out_their_neighbours():
    """Earlier runs of the same reports, months back, are each article's nearest texts by far;
    the search widens past them to the reports inside the window, which still group right."""
    settings = ClusterSettings()
    old = [
        dataclasses.replace(
            item,
            item_id=f"rerun{n}-{item.item_id}",
            published_at=item.published_at - timedelta(days=settings.window_days + 10 + 20 * n),
        )
        for n in range(RERUNS)
        for item in shooting_items()
    ]
    clusterer = OnlineClusterer(settings)
    clusterer.add(old)
    current = shooting_items()
    update = clusterer.add(current)
    events: dict[str, set[str]] = {}
    for item_id, event_id in update.event_of().items():
        events.setdefault(event_id, set()).add(item_id)
    found = {frozenset(p) for p in events.values() if not any(i.startswith("news") for i in p)}
    assert found == gold_partition(current)
    assert settings.neighbours < RERUNS * 3  # each article has more reruns than neighbours


def test_a_saved_and_loaded_clusterer_decides_as_the_original():
    undated = ClusterItem(
        "dunmore-undated",
        None,
        "Dunmore Valley Mall shooting: what we know",
        "Travis Goodale is accused of opening fire at the Dunmore Valley Mall.",
        incident_vector("dunmore", "dunmore-undated"),
    )
    original = OnlineClusterer()
    original.add([*shooting_items(), undated])
    loaded = OnlineClusterer.load(original.save())
    assert loaded.events() == original.events()

    more = late_items()
    assert loaded.add(more) == original.add(more)  # the same events, scores and merges
    assert OnlineClusterer.load(loaded.save()).events() == original.events()


def test_a_loaded_clusterer_merges_as_the_original():
    rule = ClusterSettings(
        embedding_weight=1.0, scale_alpha=0.0, join_threshold=0.5, merge_threshold=0.3
    )
    rng = np.random.default_rng(7)
    basis = np.linalg.qr(rng.normal(size=(DIM, DIM)))[0]
    fillers = [
        ClusterItem(f"filler-{n:02d}", DAY, None, f"filler {n}", rng.normal(size=DIM))
        for n in range(20)
    ]
    a = ClusterItem("a", DAY + timedelta(days=1), None, "a", basis[0])
    b = ClusterItem("b", DAY + timedelta(days=1, hours=1), None, "b", basis[1])
    bridge = ClusterItem("bridge", DAY + timedelta(days=2), None, "bridge", basis[0] + basis[1])
    original = OnlineClusterer(rule)
    original.add([*fillers, a, b])
    loaded = OnlineClusterer.load(original.save())
    assert loaded.settings == rule
    update = loaded.add([bridge])
    assert update == original.add([bridge])
    assert update.merges == [(event_id_for("b"), event_id_for("a"))]
    assert loaded.events() == original.events()


def test_an_empty_clusterer_saves_and_loads():
    loaded = OnlineClusterer.load(OnlineClusterer().save())
    assert len(loaded) == 0
    assert loaded.add(shooting_items()) == OnlineClusterer().add(shooting_items())


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"not a state",
        OnlineClusterer().save()[:100],
        pack({}, {}, STATE_FORMAT + 1),  # a state some other newsweave saved
    ],
)
def test_loading_what_is_not_a_saved_state_is_a_value_error(data):
    with pytest.raises(ValueError, match="not a saved clusterer state"):
        OnlineClusterer.load(data)
