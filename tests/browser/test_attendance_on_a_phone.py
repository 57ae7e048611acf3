"""Issue 8's check in a real browser: a trainer marks three days of attendance on a 360-pixel screen."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from course.cohorts.services import enrol_in_cohort
from course.extensions import db
from course.models.attendance import Attendance
from course.models.user import Role
from tests.browser.conftest import overflow, screenshot, sign_in, violations
from tests.test_cascade import cohort_of


def test_a_trainer_marks_three_days_on_a_phone(live_server, new_page, synced, make_user):
    trainer = make_user("trainer", roles={Role.TRAINER}, full_name="Trainer")
    cohort = cohort_of(trainer, "short", "Dashoguz police")
    for name in ("aman", "bahar", "cemal"):
        enrol_in_cohort(make_user(name, full_name=name.title()), cohort)
    db.session.commit()
    page = new_page(width=360, height=740, bypass_csp=True)
    sign_in(page, live_server, "trainer")
    for offset, statuses in enumerate((("Present", "Late", "Absent"), ("Present", "Present", "Excused"),
                                       ("Present", "Absent", "Absent"))):
        page.goto(f"{live_server}/cohorts/{cohort.id}/days")
        page.select_option("#day", (cohort.starts_on + timedelta(days=offset)).isoformat())
        page.get_by_role("button", name="Add the day").click()
        page.get_by_text("Session day added.").wait_for()
        page.locator(".session-days a").nth(offset).click()
        for learner, status in zip(("Aman", "Bahar", "Cemal"), statuses, strict=True):
            page.locator("fieldset.attendance-row", has_text=learner).get_by_label(status).check()
        if offset == 0:
            assert overflow(page) <= 0  # the site navigation of a trainer once ran 133 px past the screen
            box = page.locator("fieldset.attendance-row").first.get_by_label("Present").bounding_box()
            assert box and box["height"] >= 18  # noqa: PLR2004  (the radio itself; its label row is 44 px)
            assert violations(page) == []
            screenshot(page, "attendance-phone")
        page.get_by_role("button", name="Save attendance").click()
        page.get_by_text("Attendance saved for 3 learners.").wait_for()
    assert db.session.scalar(select(func.count()).select_from(Attendance)) == 9
