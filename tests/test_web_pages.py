"""The pages readers expect of a news product, in-process: the outlets with their feeds' health,
a storyline's dated timeline, what a version of a brief changed, times a script can show in the
reader's terms, and the original's link on every article page; each in the JSON API as well,
over the sample corpus' store (`pipeline` in conftest.py) or a small store made here."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from conftest import HOSTILE
from newsweave.model import Source
from newsweave.settings import Settings
from newsweave.store import open_store
from newsweave.web.app import create_app
from test_store import make_article

pytestmark = pytest.mark.slow  # the sample store is built once per session, about a minute


@pytest.fixture(scope="module")
def client(pipeline) -> TestClient:
    return TestClient(create_app(Settings(db=pipeline.db)))


def text_of(html: str) -> str:
    """A page's text without its tags, its entities read."""
    text = re.sub(r"<[^>]+>", " ", html)
    return " ".join(text.replace("&#39;", "'").replace("&#34;", '"').replace("&amp;", "&").split())


# -- storylines ---------------------------------------------------------------------------------


def test_a_storyline_page_shows_its_events_on_a_dated_timeline(client, pipeline):
    story = client.get(f"/api/stories/{pipeline.fire}").json()
    storyline_id = story["story"]["storyline"]["storyline_id"]
    line = client.get(f"/api/storylines/{storyline_id}").json()
    events = line["events"]
    assert line["storyline"]["events"] == len(events) == len(story["timeline"]) >= 2
    assert [e["event_id"] for e in events] == [t["event_id"] for t in story["timeline"]]
    dates = [e["first_seen"] for e in events]
    assert dates == sorted(dates) and line["storyline"]["first_seen"] == dates[0]
    for event in events:
        assert event["lead"] and event["sources"], event["event_id"]
        brief = client.get(f"/api/stories/{event['event_id']}").json()["brief"]
        assert [s["article_id"] for s in event["sources"]] == [
            s["article_id"] for s in brief["sources"]
        ]
    page = client.get(f"/storylines/{storyline_id}").text
    for event in events:  # in date order, each with its lead and its sources
        assert f'href="/stories/{event["event_id"]}"' in page
        assert event["lead"] in text_of(page)
    positions = [page.index(f'href="/stories/{e["event_id"]}"') for e in events]
    assert positions == sorted(positions)
    assert page.count('<time datetime="') >= len(events)
    feed = f"/feeds/storylines/{storyline_id}.atom"
    assert 'rel="alternate" type="application/atom+xml"' in page and f'href="{feed}"' in page
    assert client.get(feed).status_code == 200
    # the story page links to it
    assert f'href="/storylines/{storyline_id}"' in client.get(f"/stories/{pipeline.fire}").text


def test_an_unknown_storyline_is_a_404_page(client):
    response = client.get("/storylines/sl_nothing")
    assert response.status_code == 404 and "no storyline has the id" in response.text


# -- versions -----------------------------------------------------------------------------------


def test_the_version_view_shows_what_a_new_version_added_removed_and_changed(client, pipeline):
    story = client.get(f"/api/stories/{pipeline.fire}", params={"version": 2}).json()
    first = client.get(f"/api/stories/{pipeline.fire}", params={"version": 1}).json()["brief"]
    record = story["versions"][0]["changes"]  # what the briefs stage recorded for version 2
    view = client.get(f"/api/stories/{pipeline.fire}/versions/2").json()
    assert (view["version"], view["previous_version"], view["versions"]) == (2, 1, [1, 2])
    new = [
        sentence["frame"] + sentence["text"]
        for section in story["brief"]["sections"]
        for paragraph in section["paragraphs"]
        for sentence in paragraph
        if sentence["new"]
    ]
    assert [a["sentence"] for a in view["added"]] == new and new  # the late report adds facts
    assert view["removed"] == record["removed"]
    assert view["changed_figures"] == record["changed_figures"]
    assert view["lead"]["before"] == record["previous_lead"]
    assert view["headline"] == {"now": story["brief"]["headline"], "before": None} or (
        view["headline"]["before"] == record["previous_headline"]
    )
    numbers = set(record["new_sources"])
    assert [s["number"] for s in view["new_sources"]] == sorted(numbers) and numbers
    cited = {s["article_id"] for s in story["brief"]["sources"]}
    dropped = [s["article_id"] for s in first["sources"] if s["article_id"] not in cited]
    assert [s["article_id"] for s in view["dropped_sources"]] == dropped
    page = client.get(f"/stories/{pipeline.fire}/versions/2").text
    shown = text_of(page)
    assert "What version 2 changed" in shown and f"Added ({len(new)})" in shown
    assert all(sentence in shown for sentence in new)
    assert all(figure in shown for figure in view["changed_figures"])
    for source in view["new_sources"]:
        assert f'href="/articles/{source["article_id"]}"' in page
    story_page = client.get(f"/stories/{pipeline.fire}").text
    assert f'href="/stories/{pipeline.fire}/versions/2"' in story_page


def test_a_first_version_changed_nothing_and_a_missing_one_is_a_404(client, pipeline):
    first = client.get(f"/api/stories/{pipeline.fire}/versions/1").json()
    assert first["previous_version"] is None
    assert first["added"] == first["removed"] == first["new_sources"] == []
    assert (
        "The first version of this brief" in client.get(f"/stories/{pipeline.fire}/versions/1").text
    )
    missing = client.get(f"/api/stories/{pipeline.fire}/versions/9")
    assert missing.status_code == 404 and "its versions: 1, 2" in missing.json()["error"]["message"]
    prefix = client.get(f"/stories/{pipeline.fire[:8]}/versions/2", follow_redirects=False)
    assert prefix.status_code == 308
    assert prefix.headers["location"] == f"/stories/{pipeline.fire}/versions/2"


# -- outlets and their feeds --------------------------------------------------------------------


def test_the_outlets_page_lists_every_outlet_with_its_articles_and_stories(client):
    outlets = client.get("/api/outlets").json()
    assert outlets["unread_feeds"] == []  # the sample store follows no feed
    listed = outlets["outlets"]
    total = client.get("/api/search", params={"q": "the", "kind": "articles"}).json()["total"]
    assert sum(o["articles"] for o in listed) >= total and len(listed) >= 10
    stories = client.get("/api/stories", params={"per_page": 100}).json()["stories"]
    for outlet in listed:
        assert outlet["stories"] == sum(outlet["name"] in s["outlets"] for s in stories)
        detail = client.get(f"/api/sources/{outlet['name']}", params={"per_page": 100}).json()
        assert detail["total"] == outlet["articles"] == len(detail["articles"])
        assert detail["story_count"] == outlet["stories"]
        ranks = [s["significance"] for s in detail["stories"]]
        assert ranks == sorted(ranks, reverse=True)
    page = client.get("/outlets").text
    for outlet in listed:
        assert outlet["name"] in text_of(page)


@pytest.fixture
def followed_store(store_location) -> str:
    """A store with one article and three followed feeds: one read, one failing and backing
    off, one failing since it was followed (so of no outlet), its error carrying markup."""
    now = datetime.now(UTC)
    with open_store(store_location) as store:
        article = make_article(source=Source("Harbour Herald", domain="harbour.example"))
        store.put_article(article)
        for url in ("https://harbour.example/rss", "https://harbour.example/world.rss"):
            store.add_feed(url, now - timedelta(days=2))
        store.add_feed("https://dead.example/feed", now - timedelta(days=2))
        read, failing, dead = store.list_feeds()
        store.put_feed(
            replace(read, last_fetched_at=now, last_new_at=now, items=9, outlet="Harbour Herald")
        )
        store.put_feed(
            replace(
                failing,
                last_fetched_at=now - timedelta(days=1),
                failures=4,
                last_error="HTTP 503",
                last_failed_at=now,
                next_poll_at=now + timedelta(hours=2),
                outlet="Harbour Herald",
            )
        )
        store.put_feed(
            replace(dead, failures=2, last_error=f"no feed {HOSTILE}", last_failed_at=now)
        )
    return store_location


def test_a_failing_feed_is_shown_failing_and_backing_off_never_dropped(followed_store):
    client = TestClient(create_app(Settings(db=followed_store)))
    outlets = client.get("/api/outlets").json()
    (herald,) = outlets["outlets"]
    read, failing = herald["feeds"]
    assert (read["status"], read["failing"], read["items_per_day"]) == ("ok", False, 4.5)
    assert failing["failing"] and failing["backing_off"] and failing["failures"] == 4
    assert failing["status"].startswith("failing (4 polls in a row), backing off until ")
    (dead,) = outlets["unread_feeds"]  # never read: of no outlet, and still shown
    assert dead["url"] == "https://dead.example/feed" and dead["failing"]
    assert client.get("/api/sources/Harbour Herald").json()["feeds"] == herald["feeds"]
    for path in ("/outlets", "/sources/Harbour Herald"):
        page = client.get(path).text
        shown = text_of(page)
        assert "Failing: 4 polls in a row; backing off, next poll" in shown, path
        assert "HTTP 503" in shown and "4.5 items a day" in shown and "OK" in shown
    page = client.get("/outlets").text
    assert "3 followed feeds, 2 failing (shown below, never dropped)" in text_of(page)
    assert "Feeds not read yet" in page and "https://dead.example/feed" in page
    assert "Failing: 2 polls in a row never read" in text_of(page)  # not backing off: polled next
    assert "<script>window" not in page and "&lt;script&gt;" in page


# -- times and links ----------------------------------------------------------------------------


def test_times_are_utc_in_time_elements_that_the_sites_own_script_shows_locally(client, pipeline):
    for path in ("/", f"/stories/{pipeline.fire}", "/outlets"):
        response = client.get(path)
        times = re.findall(r'<time datetime="([^"]+)" class="(\w+)">([^<]*)</time>', response.text)
        assert times or path == "/outlets", path
        for moment, shown, text in times:
            utc = datetime.fromisoformat(moment).astimezone(UTC)
            assert text == f"{utc:%Y-%m-%d %H:%M} UTC" and shown in ("relative", "absolute")
        assert '<script src="/static/times.js"></script>' in response.text
        assert "script-src 'self';" in response.headers["content-security-policy"]
    script = client.get("/static/times.js")
    assert script.status_code == 200 and "javascript" in script.headers["content-type"]


def test_every_article_page_links_to_its_original(client):
    ids = []
    for outlet in client.get("/api/outlets").json()["outlets"]:
        articles = client.get(f"/api/sources/{outlet['name']}", params={"per_page": 100}).json()
        ids += [a["article_id"] for a in articles["articles"]]
    assert len(ids) >= 40
    for article_id in ids:
        article = client.get(f"/api/articles/{article_id}").json()
        assert article["url"], article_id  # HTML files included: their canonical link
        page = client.get(f"/articles/{article_id}").text
        assert f'<a href="{article["url"]}" rel="noreferrer">original</a>' in page
