"""The pages in a real headless Chromium (Debian's, installed by scripts/install-chromium, which
`make test` runs), driven by Playwright: a citation opens its evidence when clicked, nothing is
loaded from outside the server, no scraped script runs, and the layout holds. Screenshots of the
front and story pages are saved for a person to look at (tests/chromium.py). How a citation
opens, is reached and closes with mouse, keyboard and touch at each width: test_web_citations.py.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from chromium import chromium, screenshot
from newsweave.settings import Settings
from newsweave.web.app import create_app
from webserver import serving

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def base_url(pipeline) -> Iterator[str]:
    with serving(pipeline.db) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with chromium() as browser:
        yield browser


@pytest.fixture
def page(browser, base_url):
    """A fresh page that records every request it makes and every script error."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.requests, page.errors, page.dialogs = [], [], []
    page.on("request", lambda request: page.requests.append(request.url))
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    yield page
    context.close()


def assert_clean(page, base_url: str) -> None:
    """Nothing fetched from elsewhere, no script error, no dialog, no sideways scrolling."""
    assert all(url.startswith(base_url) for url in page.requests), page.requests
    assert page.errors == [] and page.dialogs == []
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_the_front_page_lists_the_stories(page, base_url):
    page.goto(base_url + "/")
    headlines = page.locator("li.story h2 a")
    assert headlines.count() >= 10
    assert all(headlines.nth(i).is_visible() for i in range(3))
    assert page.locator("li.story .lead").first.inner_text().strip()
    screenshot(page, "front.png")
    assert_clean(page, base_url)


def test_clicking_a_citation_reveals_the_supporting_sentence(page, base_url, pipeline):
    from fastapi.testclient import TestClient

    story = TestClient(create_app(Settings(db=pipeline.db))).get(f"/api/stories/{pipeline.fire}")
    evidence_texts = {
        support["evidence"]
        for source in story.json()["citations"]
        for support in source["supports"]
    }
    page.goto(f"{base_url}/stories/{pipeline.fire}")
    citation = page.locator("p.body .citation").first
    box = citation.locator(".evidence")
    assert not box.is_visible()
    citation.locator("a.cite").click()
    page.mouse.move(0, 0)  # away from the citation: the click, not a hover, keeps it open
    assert box.is_visible()
    shown = box.locator("q").inner_text()
    assert shown in evidence_texts
    assert box.locator("a", has_text="original").get_attribute("href").startswith("https://")
    screenshot(page, "story-citation-open.png")
    page.mouse.click(5, 5)  # a click elsewhere closes it
    assert not box.is_visible()
    citation.locator("a.cite").hover()  # hovering shows it too
    assert box.is_visible()
    assert_clean(page, base_url)


def test_the_story_page_shows_brief_versions_timeline_and_sources(page, base_url, pipeline):
    page.goto(f"{base_url}/stories/{pipeline.fire}")
    assert page.locator("article.brief h1").is_visible()
    assert page.locator("h2#differences").is_visible()
    assert page.locator(".versions li").count() == 2
    assert page.locator(".timeline li").count() >= 2
    assert page.locator("ol.sources li").count() >= 3
    assert page.locator(".brief .new").count() > 0  # version 2 marks what is new
    page.set_viewport_size({"width": 1280, "height": 900})
    screenshot(page, "story.png")
    page.set_viewport_size({"width": 420, "height": 900})  # a phone: one column, no overflow
    assert_clean(page, base_url)
    page.locator(".versions a", has_text="Version 1").click()
    assert "version=1" in page.url
    assert page.locator(".notice", has_text="You are reading version 1").is_visible()


def test_the_article_page_marks_the_evidence(page, base_url, pipeline):
    page.goto(f"{base_url}/stories/{pipeline.fire}")
    link = page.locator("p.body .evidence a", has_text="in context").first
    page.goto(base_url + link.get_attribute("href"))
    assert page.locator("mark#mark").is_visible()
    assert_clean(page, base_url)


def test_no_scraped_script_runs(browser, hostile_store):
    context = browser.new_context()
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    with serving(hostile_store) as base_url:
        page.goto(base_url + "/")
        page.locator("li.story h2 a").first.click()
        page.locator(".inputs a").first.click()
        page.goto(base_url + "/search?q=crane&kind=articles")
        assert page.evaluate("window.pwned === undefined")
    assert dialogs == []
    context.close()


def test_on_a_phone_an_open_citation_stays_on_the_screen(page, base_url, pipeline):
    page.set_viewport_size({"width": 400, "height": 800})
    page.goto(f"{base_url}/stories/{pipeline.fire}")
    citation = page.locator("p.body .citation").last
    citation.locator("a.cite").click()
    box = citation.locator(".evidence").bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 400
    assert box["y"] >= 0 and box["y"] + box["height"] <= 800
    screenshot(page, "story-phone.png")
    assert_clean(page, base_url)
