"""The web app in-process: the JSON API, its one error shape, Atom feeds, search, the pages'
HTML and their safety, over the sample corpus' store (`pipeline` in conftest.py)."""

from __future__ import annotations

import re
import socket
from pathlib import Path

import feedparser
import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from conftest import HOSTILE
from newsweave.cli import main
from newsweave.errors import StoreError
from newsweave.settings import Settings
from newsweave.web.app import create_app

pytestmark = pytest.mark.slow  # the sample store is built once per session, about a minute


@pytest.fixture(scope="module")
def client(pipeline) -> TestClient:
    return TestClient(create_app(Settings(db=pipeline.db)))


def error_of(response) -> dict:
    body = response.json()
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"status", "code", "message"}, body
    assert body["error"]["status"] == response.status_code
    return body["error"]


# -- stories ------------------------------------------------------------------------------------


def test_stories_are_listed_by_significance_and_paginated(client):
    everything = client.get("/api/stories", params={"per_page": 100}).json()
    stories = everything["stories"]
    assert everything["total"] == len(stories) >= 10
    ranks = [story["significance"] for story in stories]
    assert ranks == sorted(ranks, reverse=True)
    assert all(story["lead"] and story["brief_version"] for story in stories)
    first = client.get("/api/stories", params={"per_page": 5, "page": 1}).json()
    second = client.get("/api/stories", params={"per_page": 5, "page": 2}).json()
    assert first["pages"] == -(-everything["total"] // 5)
    assert [s["event_id"] for s in first["stories"] + second["stories"]] == [
        s["event_id"] for s in stories[:10]
    ]


def test_a_story_has_its_brief_versions_timeline_and_evidence_for_every_citation(client, pipeline):
    story = client.get(f"/api/stories/{pipeline.fire}").json()
    assert story["story"]["event_id"] == pipeline.fire
    assert story["brief"]["version"] == 2
    assert [v["version"] for v in story["versions"]] == [2, 1]
    latest, first = story["versions"]
    assert first["changes"] is None
    assert latest["changes"]["previous_version"] == 1 and latest["changes"]["new_sources"]
    assert any(entry["is_current"] for entry in story["timeline"])
    assert len(story["timeline"]) >= 2  # the fire, the arrest, the court hearing
    articles = {}
    for source in story["citations"]:
        for support in source["supports"]:
            if source["article_id"] not in articles:
                articles[source["article_id"]] = client.get(
                    f"/api/articles/{source['article_id']}"
                ).json()["text"]
            text = articles[source["article_id"]]
            assert text[support["start"] : support["end"]] == support["evidence"]
    cited = {
        number
        for section in story["brief"]["sections"]
        for paragraph in section["paragraphs"]
        for sentence in paragraph
        if sentence["check"] == "support"
        for number in sentence["citations"]
    }
    with_evidence = {s["number"] for s in story["citations"] if s["supports"]}
    assert cited <= with_evidence


def test_an_earlier_version_and_a_missing_one(client, pipeline):
    first = client.get(f"/api/stories/{pipeline.fire}", params={"version": 1}).json()
    assert first["brief"]["version"] == 1
    missing = client.get(f"/api/stories/{pipeline.fire}", params={"version": 9})
    assert missing.status_code == 404
    assert "its versions: 1, 2" in error_of(missing)["message"]


def test_an_id_prefix_redirects_the_page_and_answers_the_api(client, pipeline):
    page = client.get(f"/stories/{pipeline.fire[:8]}", follow_redirects=False)
    assert page.status_code == 308 and page.headers["location"] == f"/stories/{pipeline.fire}"
    api = client.get(f"/api/stories/{pipeline.fire[:8]}").json()
    assert api["story"]["event_id"] == pipeline.fire


def test_a_story_page_shows_the_version_asked_for_every_time(client, pipeline):
    """The server keeps the HTML of a brief it has shown; each version keeps its own."""
    path = f"/stories/{pipeline.fire}"

    def version_shown(response) -> str:
        assert response.status_code == 200
        return re.search(r"Version (\d+) ·", response.text).group(1)

    for _ in range(2):
        assert version_shown(client.get(path)) == "2"
        assert version_shown(client.get(path, params={"version": 1})) == "1"


# -- errors -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "status", "code"),
    [
        ("/api/stories/ev_nothing", 404, "not_found"),
        ("/api/articles/zzzz", 404, "not_found"),
        ("/api/sources/No Such Outlet", 404, "not_found"),
        ("/api/no-such-route", 404, "not_found"),
        ("/api/stories?page=0", 422, "invalid_input"),
        ("/api/stories?per_page=1000", 422, "invalid_input"),
        ("/api/search", 422, "invalid_input"),
        ("/api/search?q=x&kind=videos", 422, "invalid_input"),
        ("/feeds/storylines/sl_nothing.atom", 404, "not_found"),
        ("/api/storylines/sl_nothing", 404, "not_found"),
        ("/api/stories/ev_nothing/versions/1", 404, "not_found"),
        ("/api/stories/ev_nothing/versions/0", 422, "invalid_input"),
    ],
)
def test_every_api_error_has_one_shape(client, path, status, code):
    response = client.get(path)
    assert response.status_code == status
    error = error_of(response)
    assert error["code"] == code and error["message"]


def test_pages_show_errors_as_pages(client):
    response = client.get("/stories/ev_nothing")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "no story has the id" in response.text


def test_a_missing_store_is_a_clear_error(tmp_path: Path):
    with pytest.raises(StoreError, match=r"no store at .*make demo"):
        create_app(Settings(db=tmp_path / "none.db"))
    result = CliRunner().invoke(main, ["serve", "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 1 and "no store at" in result.output


def test_serve_listens_on_localhost_by_default():
    host = next(p for p in main.commands["serve"].params if p.name == "host")
    assert host.default == "127.0.0.1"


# -- search and feeds ---------------------------------------------------------------------------


def test_search_finds_briefs_and_articles_and_survives_any_query(client, pipeline):
    briefs = client.get("/api/search", params={"q": "Port Casimir fire"}).json()
    assert pipeline.fire in [hit["id"] for hit in briefs["hits"]]
    articles = client.get("/api/search", params={"q": "Brennick", "kind": "articles"}).json()
    assert articles["total"] >= 3
    for hit in articles["hits"]:  # the matches are offsets, not control characters in the text
        assert hit["matches"] and not re.search("[\x02\x03]", hit["snippet"])
        for start, end in hit["matches"]:
            assert hit["snippet"][start:end].lower().startswith("brennick")
    prefix = client.get("/api/search", params={"q": "Brenn", "kind": "articles"}).json()
    assert prefix["total"] == articles["total"]
    for hostile in ['"', "AND OR NOT", "(*", 'title:"x', "NEAR(a b)", "^", "—"]:
        response = client.get("/api/search", params={"q": hostile})
        assert response.status_code == 200, hostile
    page = client.get("/search", params={"q": "Brennick", "kind": "articles"})
    assert "<mark>Brennick</mark>" in page.text


def test_the_atom_feeds_carry_every_brief_and_their_versions(client, pipeline):
    response = client.get("/feeds/stories.atom")
    assert response.headers["content-type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    stories = client.get("/api/stories", params={"per_page": 100}).json()["stories"]
    assert len(feed.entries) == len(stories)
    (fire,) = [e for e in feed.entries if e.id == f"urn:newsweave:story:{pipeline.fire}"]
    assert "(version 2)" in fire.content[0].value
    assert fire.link.endswith(f"/stories/{pipeline.fire}")
    storyline = next(s for s in stories if s["event_id"] == pipeline.fire)["storyline"]
    one = feedparser.parse(
        client.get(f"/feeds/storylines/{storyline['storyline_id']}.atom").content
    )
    story = client.get(f"/api/stories/{pipeline.fire}").json()
    assert {e.id.rsplit(":", 1)[1] for e in one.entries} == {
        t["event_id"] for t in story["timeline"]
    }


def test_the_openapi_document_and_docs_are_served_locally(client):
    spec = client.get("/openapi.json").json()
    for path in ("/api/stories", "/api/stories/{event_id}", "/api/articles/{article_id}"):
        assert path in spec["paths"]
    assert "/api/search" in spec["paths"]
    docs = client.get("/docs").text
    assert not re.search(r"""(src|href)=["']https?://""", docs)


# -- HTTP ---------------------------------------------------------------------------------------

BIG = str(2**63)


def test_head_answers_wherever_get_does_and_405_says_what_is_allowed(client, pipeline):
    paths = [
        "/",
        f"/stories/{pipeline.fire}",
        "/api/stories",
        f"/api/stories/{pipeline.fire}",
        "/outlets",
        "/api/outlets",
        f"/stories/{pipeline.fire}/versions/2",
        f"/api/stories/{pipeline.fire}/versions/2",
        "/feeds/stories.atom",
        "/static/newsweave.css",
        "/static/times.js",
        "/openapi.json",
    ]
    for path in paths:
        get, head = client.get(path), client.head(path)
        assert head.status_code == get.status_code == 200, path
        assert head.content == b"" and head.headers["content-type"] == get.headers["content-type"]
    for method in ("POST", "PUT", "DELETE"):
        refused = client.request(method, "/api/stories")
        assert refused.status_code == 405
        assert set(refused.headers["allow"].split(", ")) == {"GET", "HEAD"}
        assert error_of(refused)["code"] == "method_not_allowed"


def test_text_is_compressed_and_unchanged_answers_are_304(client):
    for path in ("/", "/api/stories", "/feeds/stories.atom", "/outlets", "/api/outlets"):
        response = client.get(path, headers={"Accept-Encoding": "gzip"})
        assert response.headers["content-encoding"] == "gzip", path
        assert response.headers["cache-control"] == "no-cache"
        etag, modified = response.headers["etag"], response.headers["last-modified"]
        assert client.get(path, headers={"If-None-Match": etag}).status_code == 304
        assert client.get(path, headers={"If-Modified-Since": modified}).status_code == 304
        both = {"If-None-Match": 'W/"other"', "If-Modified-Since": modified}
        assert client.get(path, headers=both).status_code == 200  # the ETag decides
        assert client.get(path, headers={"If-Modified-Since": "not a date"}).status_code == 200


def test_the_validators_move_when_the_store_changes(hostile_store, tmp_path):
    import shutil

    from newsweave.store import open_store

    db = tmp_path / "store.db"
    shutil.copy(hostile_store, db)
    client = TestClient(create_app(Settings(db=db)))
    first = client.get("/api/stories")
    with open_store(db) as store, store.transaction():
        store.put_state("test", "key", b"a write")
    second = client.get("/api/stories", headers={"If-None-Match": first.headers["etag"]})
    assert second.status_code == 200 and second.headers["etag"] != first.headers["etag"]
    assert second.headers["last-modified"] != first.headers["last-modified"]


def test_the_list_of_stories_follows_a_new_brief(hostile_store, tmp_path):
    """The server keeps each page of the list until the store changes: a brief written after
    a page was served is on that page at the next request."""
    import shutil

    from newsweave.store import open_store

    db = tmp_path / "store.db"
    shutil.copy(hostile_store, db)
    client = TestClient(create_app(Settings(db=db)))
    (story,) = client.get("/api/stories").json()["stories"]
    assert "A new lead" not in client.get("/").text
    with open_store(db) as store:
        document = store.get_brief(story["event_id"])
        lead = next(s for s in document["sections"] if s["kind"] == "lead")
        lead["paragraphs"][0][0]["text"] = "A new lead for the crane story."
        store.put_brief(story["event_id"], "a later set of articles", document)
    (again,) = client.get("/api/stories").json()["stories"]
    assert again["lead"] == "A new lead for the crane story."
    assert again["brief_version"] == story["brief_version"] + 1
    assert "A new lead for the crane story." in client.get("/").text


def test_the_api_and_feeds_allow_any_origin_the_pages_do_not(client):
    origin = {"Origin": "https://reader.example"}
    for path in ("/api/stories", "/feeds/stories.atom"):
        response = client.get(path, headers=origin)
        assert response.headers["access-control-allow-origin"] == "*", path
        assert "ETag" in response.headers["access-control-expose-headers"]
    preflight = client.options(
        "/api/stories",
        headers={
            **origin,
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "If-None-Match",
        },
    )
    assert (
        preflight.status_code == 200 and "GET" in preflight.headers["access-control-allow-methods"]
    )
    assert "access-control-allow-origin" not in client.get("/", headers=origin).headers


@pytest.mark.parametrize(
    "path",
    [
        f"/api/search?q=fire&page={BIG}",
        f"/api/search?q=fire&per_page={BIG}",
        f"/api/sources/The%20Harbour%20Herald?page={BIG}",
        f"/api/stories?page={BIG}",
        f"/api/stories/x?version={BIG}",
        f"/api/stories/x/versions/{BIG}",
        f"/stories/x/versions/{BIG}",
        f"/api/storylines/{'x' * 600}",
        f"/storylines/{'x' * 600}",
        f"/api/stories/{'x' * 600}",
        f"/feeds/sources/{'x' * 600}.atom",
        f"/search?q=fire&page={BIG}",
        f"/sources/The%20Harbour%20Herald?page={BIG}",
        f"/articles/{'x' * 600}",
    ],
)
def test_every_parameter_is_bounded(client, path):
    response = client.get(path)
    assert response.status_code == 422, path
    if path.startswith(("/api/", "/feeds/")):
        assert error_of(response)["code"] == "invalid_input"
    else:
        assert "invalid request" in response.text


# -- pages --------------------------------------------------------------------------------------


def test_pages_render_and_forbid_anything_remote(client, pipeline):
    story = client.get(f"/api/stories/{pipeline.fire}").json()
    article_id = story["articles"][0]["article_id"]
    outlet = story["articles"][0]["outlet"]
    for path in ("/", f"/stories/{pipeline.fire}", f"/articles/{article_id}", f"/sources/{outlet}"):
        response = client.get(path)
        assert response.status_code == 200, path
        policy = response.headers["content-security-policy"]
        assert "default-src 'none'" in policy and "script-src 'self'" in policy
        assert not re.search(r"""(src|href)=["']https?://(?!.*\.example)""", response.text)
    page = client.get(f"/stories/{pipeline.fire}").text
    assert story["brief"]["headline"] in page.replace("&#39;", "'")
    assert page.count('class="evidence"') >= len(story["citations"]) // 2
    assert "Where sources differ" in page and "Versions" in page


def test_an_evidence_link_marks_the_passage_in_the_article(client, pipeline):
    story = client.get(f"/api/stories/{pipeline.fire}").json()
    source = next(s for s in story["citations"] if s["supports"])
    support = source["supports"][0]
    page = client.get(
        f"/articles/{source['article_id']}", params={"mark": f"{support['start']}-{support['end']}"}
    ).text
    marked = re.search(r'<mark id="mark">(.*?)</mark>', page, flags=re.S)
    assert marked and marked[1].replace("&#39;", "'").replace("&#34;", '"') == support["evidence"]
    bad = client.get(f"/articles/{source['article_id']}", params={"mark": "9-x"})
    assert bad.status_code == 200 and "<mark" not in bad.text


def test_scraped_markup_is_escaped_on_every_page(hostile_store):
    client = TestClient(create_app(Settings(db=hostile_store)))
    (story,) = client.get("/api/stories").json()["stories"]
    article_id = client.get(f"/api/stories/{story['event_id']}").json()["articles"][0]["article_id"]
    pages = [
        "/",
        f"/stories/{story['event_id']}",
        f"/articles/{article_id}",
        "/search?q=crane&kind=articles",
        "/search?q=crane",
        f"/sources/Quay Post {HOSTILE}",
        "/outlets",
        f"/stories/{story['event_id']}/versions/1",
    ]
    if story["storyline"]:
        pages.append(f"/storylines/{story['storyline']['storyline_id']}")
    for path in pages:
        html = client.get(path).text
        assert "<script>window" not in html and "<svg onload" not in html, path
        assert "<img src=x" not in html, path
        assert "&lt;script&gt;" in html or "&lt;svg" in html, path
    feed = client.get("/feeds/stories.atom").text
    assert "<script>window" not in feed


def test_a_port_in_use_is_a_clear_error(hostile_store):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(
            main, ["serve", "--db", str(hostile_store), "--port", str(port)]
        )
    assert result.exit_code == 1
    assert f"cannot listen on 127.0.0.1:{port}" in result.output and "--port" in result.output
