"""The front page's order (`web.views.significance`) on the sample corpus, as an editor would
judge it, and one significance figure per story on every answer."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from newsweave.model import Event
from newsweave.settings import Settings
from newsweave.store import open_store
from newsweave.stories import list_events
from newsweave.web import views
from newsweave.web.app import create_app

pytestmark = pytest.mark.slow

# The sample corpus spans March 3-16, and a story's weight halves every 24 hours after its last
# article, so over two weeks the front page is mostly the latest news first; where two stories'
# last articles are close, sources and growth decide.
EXPECTED_ORDER = [
    "Plant boss sent to crown court",  # Mar 16, the store's newest news
    "Saltmere Rovers crowned",  # Mar 16 morning: three sources, half a day older
    "Two killed as 5.8 quake",  # Mar 13
    "National Bank surprises",  # Mar 12, older than the Almadura quake by 17 hours
    "Rellik rejects Dravenko",  # Mar 11: six sources
    "Lumora Arc hands-on",  # Mar 10, one source: above what ended before March 8 only
    "No ceasefire, but Korvania",  # Mar 7 08:40, five sources
    "Man arrested over Port Casimir",  # Mar 7 08:45: 5 minutes newer, but 3 sources and slower
    "Bank of Estravia raises rates",  # Mar 6
    "Earthquake kills four in Kessel",  # Mar 5
    "Halvenmark invites Korvania",  # Mar 4
    "Nine dead in Port Casimir",  # Mar 3, the oldest
]


@pytest.fixture(scope="module")
def events(pipeline) -> list[Event]:
    with open_store(pipeline.db) as store:
        return list_events(store)


def title_of(event: Event) -> str:
    return next((t for t in EXPECTED_ORDER if event.title.startswith(t)), event.title)


def test_the_sample_front_page_is_in_the_expected_order(events):
    ranked = views.index_stories(events).ranked
    assert [title_of(e) for e in ranked] == EXPECTED_ORDER


def test_at_the_same_age_sources_and_growth_decide_and_one_source_comes_last(events):
    # Each story ranked as if its last article were the newest news: no age between them.
    same_age = sorted(events, key=lambda e: views.significance(e, e.last_seen), reverse=True)
    assert title_of(same_age[0]) == "Nine dead in Port Casimir"  # 6 reports in 11 hours
    assert title_of(same_age[-1]) == "Lumora Arc hands-on"  # one outlet's gadget review
    assert same_age[-1].independent_sources == 1


def test_a_single_article_never_outranks_a_well_sourced_story_of_the_same_age():
    last = datetime(2026, 3, 10, 12, tzinfo=UTC)
    single = Event("ev_one", "review", ("a1",), ("Gadgets",), 1, last, last)
    for hours in (0.01, 1, 6, 24, 72):  # however fast or slowly the other one grew
        sourced = Event(
            "ev_many",
            "fire",
            tuple(f"b{n}" for n in range(6)),
            tuple(f"Outlet {n}" for n in range(6)),
            6,
            last - timedelta(hours=hours),
            last,
        )
        for newest in (last, last + timedelta(hours=30)):
            assert views.significance(single, newest) < views.significance(sourced, newest)
    two_at_once = replace(single, article_ids=("a1", "a2"), independent_sources=2)
    assert views.significance(two_at_once, last) < 4  # two reports a minute apart: no surge


def test_every_answer_gives_a_story_the_same_significance(pipeline):
    client = TestClient(create_app(Settings(db=pipeline.db)))
    listed = client.get("/api/stories", params={"per_page": 100}).json()["stories"]
    for story in listed:
        detail = client.get(f"/api/stories/{story['event_id']}").json()["story"]
        assert detail["significance"] == story["significance"], story["headline"]
        assert detail["storyline"] == story["storyline"], story["headline"]
