"""The shipped course (``modules/`` and ``quizzes/`` at the top of the repository), not the small fixture: its
real pages, with long comparison tables, quotations and case scenarios, pass axe-core and fit a phone's screen."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from course.learn.queries import load_catalogue
from tests.browser.conftest import overflow, sign_in, start_quiz, violations

REPOSITORY = Path(__file__).resolve().parents[2]
# Two minutes of pages whose markup does not depend on the database: run once, on SQLite, to keep CI short.
pytestmark = pytest.mark.skipif(os.environ.get("COURSE_TEST_DATABASE_URL", "").startswith("postgresql"),
                                reason="the shipped pages' markup does not depend on the database; run on SQLite")


@pytest.fixture
def content_dir() -> Path:
    return REPOSITORY


@pytest.fixture
def pages(synced, make_user) -> list[str]:
    """Every module page and every section page of the trainer track, which holds all seven modules."""
    make_user("jeren", full_name="Jeren Learner", tracks=("trainer",))
    catalogue = load_catalogue()
    urls = []
    for module_id in catalogue.track("trainer")["modules"]:
        urls.append(f"/modules/{module_id}")
        urls += [f"/modules/{module_id}/{key}" for key in catalogue.modules[module_id].section_keys]
    return urls


def test_every_page_of_the_shipped_modules_passes_axe(live_server, new_page, pages):
    page = new_page(bypass_csp=True)
    sign_in(page, live_server, "jeren")
    found = {}
    for url in pages:
        page.goto(live_server + url)
        if left := violations(page):
            found[url] = left
    assert len(pages) > 20  # noqa: PLR2004  (seven modules and their sections: the test saw the real course)
    assert found == {}


def test_every_page_of_the_shipped_modules_fits_a_phone(live_server, new_page, pages):
    page = new_page(width=360, height=740)
    sign_in(page, live_server, "jeren")
    too_wide = {}
    for url in pages:
        page.goto(live_server + url)
        if (extra := overflow(page)) > 0:
            too_wide[url] = extra
    assert too_wide == {}


def test_the_shipped_case_studies_pass_axe_and_fit_a_phone(live_server, new_page, pages):
    page = new_page(width=360, height=740, bypass_csp=True)
    sign_in(page, live_server, "jeren")
    page.goto(f"{live_server}/quizzes/case-studies")
    start_quiz(page)
    assert page.locator("fieldset.question").count() > 1
    assert violations(page) == []
    assert overflow(page) <= 0
