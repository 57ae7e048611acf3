"""Browser tests: the app served on 127.0.0.1 from a thread, driven by Playwright in Debian's Chromium.

Playwright's own browser download does not work on these machines, so the tests launch the system's
Chromium (``/usr/bin/chromium``, or ``CASCADE_CHROMIUM``). Without it they are skipped with the command
that installs it, unless ``CASCADE_REQUIRE_BROWSER=1`` (set by ``.ci/run``), where its absence fails.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import TEST_PASSWORD
from tests.live import served

CHROMIUM = Path(os.environ.get("CASCADE_CHROMIUM", "/usr/bin/chromium"))
INSTALL_HINT = "Browser tests need Debian's Chromium: run 'apt-get install -y chromium' (CI installs it)."
#: Without these, Chromium keeps trying to reach Google's hosts, which this closed network refuses.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
#: Where the browser tests keep their screenshots: build/ (ignored by git), so a test run leaves the checkout
#: clean; the README's pictures are refreshed on purpose with CASCADE_SCREENSHOTS_DIR=docs/screenshots.
SCREENSHOTS = Path(os.environ.get("CASCADE_SCREENSHOTS_DIR")
                   or Path(__file__).parent.parent.parent / "build" / "screenshots")
AXE = (Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js").read_text(encoding="utf-8")
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def violations(page) -> list[str]:
    """Serious and critical violations of WCAG 2.1 A/AA on the page, as 'rule: first target'."""
    page.add_script_tag(content=AXE)
    found = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG)
    return [f"{v['id']}: {v['nodes'][0]['target']}" for v in found["violations"]
            if v["impact"] in ("serious", "critical")]



#: The browser tests drive the pages, which the rest of the suite requests on both databases; on PostgreSQL they
#: would take CI past its 20 minutes and test no SQL the others do not. Set to 1 to run them there as well.
ON_POSTGRES = os.environ.get("CASCADE_BROWSER_ON_POSTGRES") == "1"


def pytest_collection_modifyitems(config, items):
    if os.environ.get("COURSE_TEST_DATABASE_URL") and not ON_POSTGRES:
        skip = pytest.mark.skip(reason="browser tests run on SQLite; CASCADE_BROWSER_ON_POSTGRES=1 runs them here too")
        for item in items:
            if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
                item.add_marker(skip)
        return
    if CHROMIUM.exists():
        return
    if os.environ.get("CASCADE_REQUIRE_BROWSER") == "1":
        raise pytest.UsageError(f"{CHROMIUM} is missing and CASCADE_REQUIRE_BROWSER=1. {INSTALL_HINT}")
    skip = pytest.mark.skip(reason=INSTALL_HINT)
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright  # noqa: PLC0415  (only when a browser test runs)

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def live_server(app) -> Iterator[str]:
    """The test's app on a free port of 127.0.0.1; its base URL."""
    with served(app) as url:
        yield url


@pytest.fixture
def new_page(browser):
    """``new_page(width=..., javascript=...)``: a fresh browser context (no cookies) and a page in it."""
    contexts = []

    def make(*, width: int = 1280, height: int = 900, javascript: bool = True, bypass_csp: bool = False):
        # bypass_csp lets a test inject axe-core: the app's Content-Security-Policy rightly forbids inline scripts.
        context = browser.new_context(viewport={"width": width, "height": height}, java_script_enabled=javascript,
                                      locale="en-GB", bypass_csp=bypass_csp)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    yield make
    for context in contexts:
        context.close()


def screenshot(page, name: str) -> None:
    """Keep a screenshot of the page for docs/screenshots (the README shows them)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def sign_in(page, base: str, username: str, password: str = TEST_PASSWORD) -> None:
    page.goto(f"{base}/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/login" not in url)


def overflow(page) -> int:
    """How many pixels the page is wider than its screen (0 or less: it fits)."""
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def follow(page, target) -> None:
    """Click ``target`` (a link, or a button whose answer is another address) and wait for the page it leads
    to: a check made right after a click may otherwise read the page being left."""
    leaving = page.url
    target.click()
    page.wait_for_url(lambda url: url != leaving)


class PageChecks:
    """axe-core on each page it is given, and whether the page fits its screen; what it finds is kept, so one
    test reports every page at once. A name also keeps a screenshot of the page for the README."""

    def __init__(self):
        self.found: dict[str, list[str]] = {}

    def check(self, page, name: str | None = None) -> None:
        left = violations(page)
        if (extra := overflow(page)) > 0:
            left.append(f"{extra} px wider than the screen")
        if left:
            self.found[page.url] = left
        if name:
            screenshot(page, name)


def start_quiz(page) -> None:
    """On a quiz's overview page: start (or resume) the attempt."""
    page.get_by_role("button", name="Start the quiz").click()
    page.wait_for_url(re.compile(r"/attempts/\d+$"))


def finish_quiz(page) -> str:
    """On an attempt: finish, submit everything, and return the result page's text."""
    page.get_by_role("button", name="Finish attempt…").click()
    page.get_by_role("button", name="Submit all and finish").click()
    page.wait_for_url(re.compile(r"/attempts/\d+/result$"))
    return page.inner_text("main")
