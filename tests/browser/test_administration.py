"""An administrator deactivates a trainer in the browser: the trainer's next page is the sign-in page, signing
in is refused, and the reports still count the trainer's cohort."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from course.cohorts.services import enrol_in_cohort
from course.extensions import db
from course.models.user import Role
from tests.browser.conftest import PageChecks, sign_in
from tests.conftest import TEST_PASSWORD
from tests.test_cascade import cohort_of


def test_an_administrator_deactivates_a_trainer(live_server, new_page, synced, make_user):
    make_user("admin", roles={Role.ADMIN}, full_name="Office Administrator")
    make_user("coord", roles={Role.COORDINATOR}, full_name="Cora Coordinator")
    lead = make_user("lead", roles={Role.TRAINER}, full_name="Gülnara Öwezowa")
    enrol_in_cohort(make_user("ana", full_name="Ana Amanova"), cohort_of(lead, "short", "Mary prosecutors"))
    db.session.commit()
    checks = PageChecks()

    trainer = new_page()
    sign_in(trainer, live_server, "lead")
    expect(trainer.get_by_role("link", name="Mary prosecutors")).to_be_visible()

    admin = new_page(bypass_csp=True)
    sign_in(admin, live_server, "admin")
    admin.get_by_role("link", name="Accounts").first.click()
    admin.get_by_label("Search").fill("owezowa")  # typed without the Turkmen letter
    admin.get_by_role("button", name="Search").click()
    admin.get_by_role("link", name="Gülnara Öwezowa").click()
    expect(admin.get_by_role("button", name="Deactivate")).to_be_visible()
    checks.check(admin, "admin-account")
    admin.get_by_role("button", name="Deactivate").click()
    expect(admin.get_by_role("heading", name="Deactivate the account of Gülnara Öwezowa?")).to_be_visible()
    checks.check(admin)
    admin.get_by_role("button", name="Deactivate the account").click()
    expect(admin.locator("main")).to_contain_text("Gülnara Öwezowa is deactivated.")
    expect(admin.get_by_role("button", name="Reactivate")).to_be_visible()

    trainer.reload()
    trainer.wait_for_url(re.compile(r"/login"))
    trainer.fill("#username", "lead")
    trainer.fill("#password", TEST_PASSWORD)
    trainer.get_by_role("button", name="Sign in").click()
    expect(trainer.locator("main")).to_contain_text("Wrong username or password.")  # refused
    assert "/login" in trainer.url

    coordinator = new_page()
    sign_in(coordinator, live_server, "coord")
    coordinator.goto(f"{live_server}/reports")
    assert "Mary prosecutors" in coordinator.inner_text("main")
    coordinator.goto(f"{live_server}/trainers")
    assert "Gülnara Öwezowa deactivated" in " ".join(coordinator.inner_text("main").split())

    admin.goto(f"{live_server}/admin/audit?who=lead")
    assert "user.deactivate" in admin.inner_text("main")
    checks.check(admin, "audit-log")
    assert checks.found == {}
