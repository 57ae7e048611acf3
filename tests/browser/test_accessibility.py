"""axe-core (vendored) on the main pages: no serious or critical WCAG 2.1 A/AA violation; small screens and print."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from course.extensions import db
from course.learn.queries import load_catalogue
from course.models.attempt import QuizAttempt
from tests.browser.conftest import PageChecks, overflow, sign_in, violations
from tests.test_cascade import certified_trainee


@pytest.fixture
def scene(synced, make_user):
    _master, learner, cohort, certificate = certified_trainee(make_user)
    attempt = db.session.scalar(select(QuizAttempt.id).where(QuizAttempt.user_id == learner.id))
    section = load_catalogue().modules["alpha"].section_keys[0]
    return {"cohort": cohort.id, "code": certificate.code, "attempt": attempt, "section": section,
            "learner": learner.id}


def test_the_main_pages_have_no_serious_accessibility_violation(live_server, new_page, scene):
    checks = PageChecks()

    def check(page, url: str, name: str | None = None):
        page.goto(live_server + url)
        checks.check(page, name)

    anonymous = new_page(bypass_csp=True)
    check(anonymous, "/login", "login")
    check(anonymous, f"/verify/{scene['code']}", "verification")
    check(anonymous, "/verify")
    learner = new_page(bypass_csp=True)
    sign_in(learner, live_server, "aylar")
    check(learner, "/", "home")
    check(learner, "/modules/alpha", "module")
    check(learner, f"/modules/alpha/{scene['section']}")
    check(learner, "/glossary", "glossary")
    check(learner, "/practice")
    check(learner, "/tracks/full")
    check(learner, "/sources")
    check(learner, "/quizzes/pre-test")
    check(learner, "/certificates")
    check(learner, "/account/profile")
    check(learner, "/join")
    trainer = new_page(bypass_csp=True)
    sign_in(trainer, live_server, "master")
    check(trainer, f"/cohorts/{scene['cohort']}", "trainer-dashboard")
    check(trainer, f"/cohorts/{scene['cohort']}/practice", "teaching-practice")
    check(trainer, f"/cohorts/{scene['cohort']}/practice/{scene['learner']}")  # the assessment form
    check(trainer, f"/cohorts/{scene['cohort']}/evaluation/results")
    check(trainer, f"/cohorts/{scene['cohort']}/edit")
    check(trainer, "/cascade")
    coordinator = new_page(bypass_csp=True)
    sign_in(coordinator, live_server, "coord")
    check(coordinator, "/reports", "coordinator-dashboard")
    check(coordinator, "/reports/programme", "programme")
    check(coordinator, "/reports/evaluations")
    check(coordinator, "/certificates/all")
    assert checks.found == {}


@pytest.mark.parametrize("url", ["/", "/modules/alpha", "/glossary", "/quizzes/pre-test"])
def test_learner_pages_fit_a_360_pixel_screen(live_server, new_page, scene, url):
    page = new_page(width=360, height=740)
    sign_in(page, live_server, "aylar")
    page.goto(live_server + url)
    assert overflow(page) <= 0, f"{url} is {overflow(page)}px wider than the screen"


def test_the_module_page_prints_without_the_site_chrome(live_server, new_page, scene):
    page = new_page()
    sign_in(page, live_server, "aylar")
    page.goto(live_server + "/modules/alpha")
    page.emulate_media(media="print")
    assert not page.locator("header.site-header").is_visible()
    assert page.locator("main h1").is_visible()
    assert page.pdf(format="A4")[:4] == b"%PDF"


def test_the_check_finds_a_violation_when_there_is_one(new_page):
    page = new_page(bypass_csp=True)
    page.set_content('<html lang="en"><head><title>t</title></head><body><main><img src="x.png">'
                     '<input type="text"></main></body></html>')
    found = violations(page)
    assert any(v.startswith("image-alt") for v in found) and any(v.startswith("label") for v in found)
