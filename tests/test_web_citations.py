"""A story page's citations in Debian's Chromium at a phone's, a tablet's and a desktop's width
(390, 768 and 1280 px): each opens its evidence box, which a reader can reach, read and close
with a mouse, a keyboard and a finger, and every box lies inside the window, for the numbers
nearest the right edge and low on the screen too.

- mouse: hovering a number opens its box; the pointer moves from the number into the box
  (across the gap between them) and the box stays open; leaving it closes it;
- keyboard: Tab reaches the number, Enter opens the box, Tab moves focus to a link in it,
  Escape closes it and puts focus back on the number;
- touch: a tap opens the box without covering the sentence it supports and without landing
  on the box (no navigation), its close button closes it, and so does a tap elsewhere.

A screenshot of each width with a box open is saved for a person to look at (tests/chromium.py).
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from chromium import chromium, screenshot
from newsweave.web.http import CONTENT_SECURITY_POLICY
from webserver import serving

pytestmark = pytest.mark.slow

WIDTHS = {390: 844, 768: 1024, 1280: 900}  # width: height of a phone, a tablet, a desktop
LOW = 24  # px between a number placed "low on the screen" and the window's bottom edge
HIGH = 120  # px between the window's top edge and the bottom of a number placed high


@pytest.fixture(scope="module")
def story(sqlite_pipeline) -> Iterator[tuple[str, set[str]]]:
    """The fire's story page URL on a running server, and its citations' evidence passages."""
    with serving(sqlite_pipeline.db) as base_url:
        detail = httpx.get(f"{base_url}/api/stories/{sqlite_pipeline.fire}").json()
        passages = {
            support["evidence"] for source in detail["citations"] for support in source["supports"]
        }
        yield f"{base_url}/stories/{sqlite_pipeline.fire}", passages


@pytest.fixture(scope="module")
def browser():
    with chromium() as browser:
        yield browser


@pytest.fixture(params=sorted(WIDTHS), ids=lambda width: f"{width}px")
def width(request) -> int:
    return request.param


def open_page(browser, url: str, width: int, *, touch: bool = False):
    """The story page in a new window `width` wide, served with the strict Content-Security-
    Policy; script errors and the browser's console errors (a refused style or script among
    them) are kept in page.errors, which every test expects empty at its end."""
    context = browser.new_context(
        viewport={"width": width, "height": WIDTHS[width]}, has_touch=touch, is_mobile=touch
    )
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.on("console", lambda m: m.type == "error" and page.errors.append(m.text))
    response = page.goto(url)
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    return page


def rightmost_low(browser, url: str, width: int, *, touch: bool = False):
    """The story page, scrolled so that its rightmost citation's number is low on the screen:
    the page and that citation."""
    page = open_page(browser, url, width, touch=touch)
    citation = rightmost(page)
    place(page, citation, low=True)
    return page, citation


def rightmost(page):
    """The citation in the brief's body whose number lies nearest the window's right edge."""
    citations = page.locator("article.brief p .citation")
    rights = citations.evaluate_all(
        "(all) => all.map((c) => c.querySelector('a.cite').getBoundingClientRect().right)"
    )
    return citations.nth(rights.index(max(rights)))


def place(page, citation, *, low: bool, check: bool = True) -> None:
    """Scroll so that the citation's number sits just above the window's bottom edge (`low`)
    or a little below its top, as near as the page's ends allow; `check` fails the test when
    that is not in the window's lower (upper) half."""
    height = page.viewport_size["height"]
    wanted = height - LOW if low else HIGH
    citation.evaluate(
        "(c, wanted) => window.scrollBy(0,"
        " c.querySelector('a.cite').getBoundingClientRect().bottom - wanted)",
        wanted,
    )
    top = citation.locator("a.cite").bounding_box()["y"]
    assert not check or (top > height / 2 if low else 0 <= top < height / 2), top


def assert_inside_window(page, box) -> dict:
    """The box is shown, wholly inside the window; its bounding box."""
    assert box.is_visible()
    bounds = box.bounding_box()
    size = page.viewport_size
    assert bounds["x"] >= 0 and bounds["y"] >= 0, bounds
    assert bounds["x"] + bounds["width"] <= size["width"], (bounds, size)
    assert bounds["y"] + bounds["height"] <= size["height"], (bounds, size)
    return bounds


def assert_readable(box, passages: set[str]) -> None:
    """The box shows a passage the story's citations hold, with a link to the original."""
    assert box.locator("q").inner_text() in passages
    assert box.locator("a", has_text="original").get_attribute("href").startswith("https://")


def centre(bounds: dict) -> tuple[float, float]:
    return bounds["x"] + bounds["width"] / 2, bounds["y"] + bounds["height"] / 2


def overlap(a: dict, b: dict) -> bool:
    return (
        a["x"] < b["x"] + b["width"]
        and b["x"] < a["x"] + a["width"]
        and a["y"] < b["y"] + b["height"]
        and b["y"] < a["y"] + a["height"]
    )


@pytest.mark.parametrize("low", [False, True], ids=["high", "low"])
def test_the_mouse_reaches_and_reads_the_box_then_leaves_it(browser, story, width, low):
    url, passages = story
    page = open_page(browser, url, width)
    citation = rightmost(page)
    place(page, citation, low=low)
    box = citation.locator(".evidence")
    marker = citation.locator("a.cite").bounding_box()
    page.mouse.move(*centre(marker))
    bounds = assert_inside_window(page, box)
    # Straight from the number into the box, through the gap between them, and wait there.
    page.mouse.move(marker["x"] + marker["width"] / 2, centre(bounds)[1], steps=12)
    page.wait_for_timeout(700)
    assert_inside_window(page, box)
    assert_readable(box, passages)
    if low:
        screenshot(page, f"citation-mouse-{width}.png", full_page=False)
    page.mouse.move(2, 2, steps=4)  # away, onto the page's corner
    page.wait_for_timeout(700)
    assert not box.is_visible()
    assert page.errors == []


def test_the_keyboard_opens_reaches_and_closes_the_box(browser, story, width):
    url, passages = story
    page, citation = rightmost_low(browser, url, width)
    marker, box = citation.locator("a.cite"), citation.locator(".evidence")
    for _ in range(400):  # Tab from the top of the page until the number has focus
        page.keyboard.press("Tab")
        if marker.evaluate("(m) => m === document.activeElement"):
            break
    else:
        pytest.fail("Tab never reached the citation's number")
    page.keyboard.press("Enter")
    assert_inside_window(page, box)
    assert marker.get_attribute("aria-expanded") == "true"
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.tagName")
    assert box.evaluate("(b) => b.contains(document.activeElement)") and focused == "A"
    assert_inside_window(page, box)
    assert_readable(box, passages)
    page.keyboard.press("Escape")
    assert not box.is_visible()
    assert marker.evaluate("(m) => m === document.activeElement")
    assert marker.get_attribute("aria-expanded") == "false"
    assert page.errors == []


def test_a_tap_opens_the_box_clear_of_its_sentence_and_it_closes(browser, story, width):
    url, passages = story
    page, citation = rightmost_low(browser, url, width, touch=True)
    box = citation.locator(".evidence")
    citation.locator("a.cite").tap()
    assert page.url == url  # the tap opened the box; it did not follow a link in it
    bounds = assert_inside_window(page, box)
    sentence = citation.locator("xpath=ancestor::*[contains(@class, 'sentence')][1]")
    assert_inside_window(page, sentence)
    assert not overlap(bounds, sentence.bounding_box())
    assert_readable(box, passages)
    screenshot(page, f"citation-touch-{width}.png", full_page=False)
    box.locator("button.evidence-close").tap()
    assert not box.is_visible()
    citation.locator("a.cite").tap()
    assert box.is_visible()
    page.locator("article.brief h1").tap()  # elsewhere
    assert not box.is_visible()
    assert page.url == url and page.errors == []


def test_every_box_lies_inside_the_window(browser, story, width):
    url, _ = story
    page = open_page(browser, url, width)
    citations = page.locator("article.brief .citation")
    assert citations.count() >= 10
    for n in range(citations.count()):
        citation = citations.nth(n)
        for low in (False, True):
            place(page, citation, low=low, check=False)
            citation.locator("a.cite").click()
            assert_inside_window(page, citation.locator(".evidence"))
            page.keyboard.press("Escape")
            assert not citation.locator(".evidence").is_visible()
    assert page.errors == []


def test_following_the_box_link_to_its_source_closes_the_box(browser, story, width):
    url, _ = story
    page, citation = rightmost_low(browser, url, width)
    citation.locator("a.cite").click()
    box = citation.locator(".evidence")
    source = box.locator("a.evidence-source")
    target = source.get_attribute("href")
    source.click()
    assert page.url == url + target
    assert not box.is_visible()
    assert page.locator(target).is_visible()
    assert page.errors == []
