"""The shipped course (``modules/`` and ``quizzes/`` at the top of the repository), not the small fixture: its
real pages, with long comparison tables, quotations and case scenarios, pass axe-core and fit a phone's screen."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from course.learn.queries import load_catalogue
from tests.browser.conftest import overflow, sign_in, start_quiz, violations
from tests.test_cascade import pass_quiz, read_everything

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


#: Words of English prose that Turkmen never uses; two of them in one sentence is English left on the page.
ENGLISH_WORDS = re.compile(r"\b(the|of|and|which|with|this|that|from|are|is|be|not|by|or|for|to|in)\b")
QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"|«[^»]*»|‘[^’]*’|https?://\S+")
#: Every text node the reader sees as Turkmen: outside an element marked with another language (a fallback text,
#: an English quotation), a block quotation of a source, code, scripts and hidden elements.
TURKMEN_TEXT = """() => {
  const parts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const element = walker.currentNode.parentElement;
    if (!element || element.closest('script, style, blockquote, code, pre, [hidden], [aria-hidden="true"]')) continue;
    const marked = element.closest('[lang]');
    if (marked && marked.getAttribute('lang') !== 'tk') continue;
    parts.push(walker.currentNode.textContent);
  }
  return parts.join(' ');
}"""


def english_sentences(page) -> list[str]:
    """Sentences of the page's Turkmen text that read as English (quotations in quotation marks excepted)."""
    text = QUOTED.sub(" ", re.sub(r"\s+", " ", page.evaluate(TURKMEN_TEXT)))
    return [sentence.strip()[:120] for sentence in re.split(r"[.!?;:]\s", text)
            if len(set(ENGLISH_WORDS.findall(sentence))) >= 2]  # noqa: PLR2004


@pytest.fixture
def turkmen_learner(synced, make_user):
    """A learner in a Turkmen-language cascade cohort who also follows the trainer track, with the cascade
    certificate that completing the cascade track gave them."""
    from course.certificates.services import issue_certificate  # noqa: PLC0415
    from course.extensions import db  # noqa: PLC0415
    from course.models.enrolment import Enrolment, FormOrder  # noqa: PLC0415

    user = make_user("jemal", full_name="Jemal Learner", tracks=("trainer", "cascade"))
    user.locale = "tk"
    # The usual order of the parallel test forms, so that the post-test passed below is his post-test.
    for enrolment in db.session.query(Enrolment).filter_by(user_id=user.id):
        enrolment.form_order = FormOrder.AB
    read_everything(user, "cascade")
    pass_quiz(user, "post-test")
    enrolment = db.session.query(Enrolment).filter_by(user_id=user.id, track_id="cascade").one()
    issue_certificate(enrolment, load_catalogue(), actor_id=None)
    db.session.commit()
    return user


def test_a_turkmen_learners_whole_journey_is_in_turkmen(live_server, new_page, pages, turkmen_learner):
    """Modules, pre-test, case studies, post-test, their review and the certificate, in Turkmen: no English
    outside what is marked as another language."""
    page = new_page()
    sign_in(page, live_server, "jemal")
    english: dict[str, list[str]] = {}

    def check(url: str | None = None) -> None:
        if url:
            page.goto(live_server + url)
        assert page.locator("html").get_attribute("lang") == "tk"
        if found := english_sentences(page):
            english[page.url] = found

    for url in ["/", "/tracks/trainer", "/glossary", *pages, "/certificates"]:
        check(url)
    for quiz in ("pre-test", "case-studies", "post-test"):
        check(f"/quizzes/{quiz}")
        page.locator("form[action$='/start'] button").click()
        page.wait_for_url(re.compile(r"/attempts/\d+$"))
        check()
        page.locator("button[name='action'][value='finish']").click()
        page.wait_for_url(re.compile(r"/attempts/\d+/summary$"))
        check()
        page.locator("form[action$='/submit'] button[type='submit']").click()
        page.wait_for_url(re.compile(r"/attempts/\d+/result$"))
        check()
    check("/certificates")
    check(page.locator("a[href^='/verify/']").first.get_attribute("href"))
    assert len(pages) > 20  # noqa: PLR2004  (the real course was read)
    assert english == {}, "\n".join(f"{url}: {found}" for url, found in english.items())
