"""Issue 17's check in a real browser: a legal reviewer signs off a module version, the draft notice goes,
and a change to one section brings it back for that module only."""

from __future__ import annotations

from pathlib import Path

import pytest

from course.content.sync import sync_content
from course.extensions import db
from course.models.user import Role
from tests.browser.conftest import screenshot, sign_in, violations

DRAFT = "This module is a draft"


@pytest.fixture
def content_dir(editable_content) -> Path:
    return editable_content


def sign_off(page, base: str, title: str) -> None:
    page.goto(f"{base}/review/")
    page.get_by_role("link", name=title).click()
    page.get_by_label("Comment on the whole version").fill("Checked against the fact sheet.")
    page.get_by_role("button", name="Sign off this version").click()
    page.get_by_text("Signed off: readers no longer see the draft notice on this version.").wait_for()


def test_a_reviewer_signs_off_a_module_and_a_changed_section_reopens_it(live_server, new_page, synced, make_user,
                                                                        content_dir):
    make_user("rev", roles={Role.LEGAL_REVIEWER}, full_name="Rena Reviewer")
    make_user("lea", tracks=("full",), full_name="Lea Learner")
    reviewer = new_page(bypass_csp=True)
    sign_in(reviewer, live_server, "rev")
    reviewer.goto(f"{live_server}/review/module/alpha")
    assert violations(reviewer) == []
    screenshot(reviewer, "legal-review")
    sign_off(reviewer, live_server, "Alpha module")
    sign_off(reviewer, live_server, "Beta module")

    learner = new_page()
    sign_in(learner, live_server, "lea")
    for module_id in ("alpha", "beta"):
        learner.goto(f"{live_server}/modules/{module_id}")
        assert DRAFT not in learner.content(), module_id

    text = content_dir / "modules" / "01-alpha" / "en.md"
    text.write_text(text.read_text().replace("## Second section", "## Second section\n\nA new sentence.\n", 1))
    sync_content(content_dir)
    db.session.commit()

    learner.goto(f"{live_server}/modules/alpha")
    assert DRAFT in learner.content()
    learner.goto(f"{live_server}/modules/beta")
    assert DRAFT not in learner.content()
    reviewer.goto(f"{live_server}/review/module/alpha")
    assert reviewer.locator(".review-part.review-changed").count() == 1
    assert "A new sentence." in reviewer.locator(".review-part.review-changed").inner_text()
