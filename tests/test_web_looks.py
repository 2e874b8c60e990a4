"""Every kind of page in a real headless Chromium at a phone's and a desktop's width, in the
light and the dark colour scheme (the reader's system setting): no accessibility violation that
axe-core finds (contrast included), no sideways scrolling, nothing loaded from elsewhere, no
script error, and the times shown in the reader's terms by the site's own script. A screenshot of
each is saved under test-artifacts/ (or $TEST_ARTIFACTS) for a person to look at."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from newsweave.settings import Settings
from newsweave.web.app import create_app
from test_web_browser import assert_clean, browser, screenshot  # noqa: F401 (browser: a fixture)
from webserver import serving

pytestmark = pytest.mark.slow

WIDTHS = {"phone": 390, "desktop": 1280}
SCHEMES = ("light", "dark")


@pytest.fixture(scope="module")
def paths(sqlite_pipeline) -> dict[str, str]:
    """One page of each kind, by name."""
    client = TestClient(create_app(Settings(db=sqlite_pipeline.db)))
    fire = sqlite_pipeline.fire
    story = client.get(f"/api/stories/{fire}").json()
    return {
        "front": "/",
        "story": f"/stories/{fire}",
        "version": f"/stories/{fire}/versions/2",
        "storyline": f"/storylines/{story['story']['storyline']['storyline_id']}",
        "outlets": "/outlets",
        "outlet": f"/sources/{story['articles'][0]['outlet']}",
        "article": f"/articles/{story['articles'][0]['article_id']}",
    }


@pytest.fixture(scope="module")
def base_url(sqlite_pipeline) -> Iterator[str]:
    with serving(sqlite_pipeline.db) as url:
        yield url


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("width", WIDTHS)
def test_every_page_reads_well_at_each_width_in_light_and_dark(
    browser,  # noqa: F811 (test_web_browser's fixture: Debian's Chromium, once a module)
    base_url,
    paths,
    width,
    scheme,
):
    from axe_playwright_python.sync_playwright import Axe

    context = browser.new_context(
        viewport={"width": WIDTHS[width], "height": 900}, color_scheme=scheme
    )
    page = context.new_page()
    page.requests, page.errors, page.dialogs = [], [], []
    page.on("request", lambda request: page.requests.append(request.url))
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    axe = Axe()
    try:
        for name, path in paths.items():
            page.goto(base_url + path)
            background = page.evaluate("getComputedStyle(document.body).backgroundColor")
            assert _is_dark(background) == (scheme == "dark"), (name, background)
            screenshot(page, f"{name}-{width}-{scheme}.png")
            found = axe.run(page)  # injects axe-core through the browser's devtools, not a tag
            assert found.violations_count == 0, (name, found.generate_report())
            assert_clean(page, base_url)
            page.requests.clear()
            _assert_times_in_the_readers_terms(page, name)
    finally:
        context.close()


def _is_dark(color: str) -> bool:
    red, green, blue = (int(part) for part in re.findall(r"\d+", color)[:3])
    return (red + green + blue) / 3 < 96


def _assert_times_in_the_readers_terms(page, name: str) -> None:
    """Each time the server wrote in UTC shows local and relative once the script ran, with the
    UTC time kept on hover."""
    times = page.locator("time[datetime]")
    if name in ("outlets",):  # the sample follows no feed: no times there
        return
    assert times.count() > 0, name
    for i in range(min(times.count(), 5)):
        time = times.nth(i)
        shown, utc = time.inner_text(), time.get_attribute("data-utc")
        assert utc and utc.endswith(" UTC") and not shown.endswith(" UTC"), (name, shown)
        if "relative" in (time.get_attribute("class") or ""):
            assert re.search(r"\bago\b|\bin\b|now|yesterday|last|next", shown), (name, shown)
        assert utc in time.get_attribute("title"), name
