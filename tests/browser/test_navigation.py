"""The site's menu in a real browser: one line on a desktop, a folded menu on a phone, for every role."""

from __future__ import annotations

import pytest

from course.models.user import Role
from tests.browser.conftest import overflow, sign_in, violations

ROLES = {
    "learner": ({Role.LEARNER}, "My courses", None),
    "trainer": ({Role.TRAINER}, "My cohorts", "Learning"),
    "coordinator": ({Role.COORDINATOR, Role.TRAINER}, "Reports", "Teaching"),
}


@pytest.mark.parametrize("role", list(ROLES))
def test_the_menu_takes_one_line_on_a_desktop_and_folds_on_a_phone(live_server, new_page, synced, make_user, role):
    roles, main_link, folded_group = ROLES[role]
    make_user("person", roles=roles, full_name="Person With A Rather Long Name")

    desktop = new_page(width=1280, height=800, bypass_csp=True)
    sign_in(desktop, live_server, "person")
    header = desktop.locator("header.site-header").bounding_box()
    assert header["height"] <= 64, header  # noqa: PLR2004  (one line: about 50 px)
    assert desktop.get_by_role("link", name=main_link, exact=True).is_visible()
    if folded_group:
        group = desktop.locator(".nav-group summary", has_text=folded_group)
        group.click()
        assert desktop.locator(".nav-group ul").first.is_visible()
    desktop.locator(".account summary").click()
    assert desktop.get_by_role("button", name="Sign out").is_visible()
    assert overflow(desktop) <= 0
    assert violations(desktop) == []

    phone = new_page(width=390, height=844)
    sign_in(phone, live_server, "person")
    header = phone.locator("header.site-header").bounding_box()
    assert header["height"] <= 64, header  # noqa: PLR2004  (was about 190 px before the content)
    assert not phone.get_by_role("link", name=main_link, exact=True).is_visible()
    phone.locator(".menu-button").click()
    assert phone.get_by_role("link", name=main_link, exact=True).is_visible()
    phone.locator(".account summary").click()
    assert phone.get_by_role("button", name="Sign out").is_visible()
    assert overflow(phone) <= 0

