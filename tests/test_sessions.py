"""Sessions end when they should: a cookie copied before sign-out (the session's or "keep me signed in") is
refused after it; "sign out everywhere", a deactivated account, a changed password and the end of a session's
lifetime end sessions too; signed-in pages are not kept by the browser."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from course.extensions import db
from course.models.types import utcnow
from course.models.user_session import UserSession
from tests.conftest import TEST_PASSWORD, csrf_token, sign_in

PROFILE = "/account/profile"


@pytest.fixture
def ana(app, synced, make_user):
    return make_user("ana", full_name="Ana")


def signed_in(app, username: str = "ana", **extra):
    client = app.test_client()
    response = sign_in(client, username, **extra)
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def copy_of(app, client, *names: str):
    """Another browser holding copies of some of ``client``'s cookies (all of them by default)."""
    thief = app.test_client()
    for cookie in client._cookies.values():
        if not names or cookie.key in names:
            thief.set_cookie(cookie.key, cookie.value, domain=cookie.domain, path=cookie.path)
    return thief


def opens_profile(client) -> bool:
    response = client.get(PROFILE)
    assert response.status_code in (200, 302), response.status_code
    return response.status_code == 200


def sign_out(client) -> None:
    assert client.post("/logout", data={"csrf_token": csrf_token(client, PROFILE)}).status_code == 302


def test_a_copied_session_cookie_works_until_sign_out_and_never_after(app, ana):
    browser = signed_in(app)
    copy = copy_of(app, browser, "session")
    assert opens_profile(copy)

    sign_out(browser)

    assert not opens_profile(copy)
    assert not opens_profile(browser)


def test_a_copied_keep_me_signed_in_cookie_is_refused_after_sign_out(app, ana):
    browser = signed_in(app, remember="y")
    remembered = copy_of(app, browser, "remember_token")
    assert remembered.get_cookie("remember_token") is not None
    assert opens_profile(remembered)  # the cookie alone signs in, as it should while the session is open
    assert opens_profile(remembered)  # and the session it restores lasts beyond one request
    copied_later = copy_of(app, browser, "remember_token")

    sign_out(browser)

    assert not opens_profile(remembered)
    assert not opens_profile(copied_later)


def test_signing_out_ends_only_that_session(app, ana):
    laptop, phone = signed_in(app), signed_in(app)
    sign_out(laptop)
    assert opens_profile(phone)


def test_sign_out_everywhere_ends_every_session_of_the_account(app, ana, make_user):
    make_user("bob")
    laptop, phone, bob = signed_in(app), signed_in(app, remember="y"), signed_in(app, "bob")
    remembered = copy_of(app, phone, "remember_token")
    page = phone.get("/account/password").get_data(as_text=True)
    assert page.count("<li>") >= 2 and "this browser" in page

    response = phone.post("/account/sessions/end", data={"csrf_token": csrf_token(phone, PROFILE)})

    assert response.status_code == 302 and response.location.endswith("/login")
    assert not any(opens_profile(client) for client in (laptop, phone, remembered))
    assert opens_profile(bob)
    assert db.session.scalar(select(UserSession.id).where(
        UserSession.user_id == ana.id, UserSession.ended_at.is_(None))) is None


def test_sign_out_everywhere_needs_the_forms_token(app, ana):
    browser = signed_in(app)
    assert browser.post("/account/sessions/end").status_code == 400
    assert opens_profile(browser)


def test_a_deactivated_account_loses_its_sessions_for_good(app, ana):
    browser = signed_in(app, remember="y")
    ana.active = False
    db.session.commit()
    assert not opens_profile(browser)

    ana.active = True
    db.session.commit()
    assert not opens_profile(browser)  # activated again, the old cookies stay dead
    assert opens_profile(signed_in(app))


def test_changing_the_password_keeps_this_session_and_ends_the_others(app, ana):
    here, elsewhere = signed_in(app), signed_in(app)
    response = here.post("/account/password", data={
        "current_password": TEST_PASSWORD, "new_password": "a brand new passphrase",
        "confirm": "a brand new passphrase",
        "csrf_token": csrf_token(here, "/account/password")})
    assert response.status_code == 302
    assert opens_profile(here)
    assert not opens_profile(elsewhere)


def test_a_session_ends_at_the_end_of_its_lifetime(app, ana):
    browser = signed_in(app)
    db.session.execute(update(UserSession).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert not opens_profile(browser)


def test_keep_me_signed_in_lasts_its_configured_days_and_a_plain_session_its_hours(app, ana):
    signed_in(app)
    signed_in(app, remember="y")
    plain, remembered = db.session.scalars(select(UserSession).order_by(UserSession.id)).all()
    assert plain.expires_at - plain.started_at == app.config["PERMANENT_SESSION_LIFETIME"]
    assert remembered.expires_at - remembered.started_at == app.config["REMEMBER_COOKIE_DURATION"]


def test_only_a_hash_of_the_session_key_is_stored(app, ana):
    browser = signed_in(app)
    with browser.session_transaction() as session:
        key = session["_user_id"].rsplit(":", 1)[1]
    assert len(key) >= 32
    stored = db.session.scalar(select(UserSession.key_hash))
    assert key not in stored and len(stored) == 64


@pytest.mark.parametrize("forged", ["1", "1:x", "1:x:y", "x:y:z", "99999999999999999999:a:b", "1::"])
def test_a_forged_session_id_signs_nobody_in(app, ana, forged):
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = forged.replace("1", str(ana.id), 1) if forged.startswith("1") else forged
        session["_fresh"] = True
    assert not opens_profile(client)


def test_signed_in_pages_are_not_stored_by_the_browser(app, ana):
    browser = signed_in(app)
    for path in (PROFILE, "/", "/account/password"):
        response = browser.get(path, follow_redirects=True)
        assert "no-store" in response.headers.get("Cache-Control", ""), path


def test_static_files_stay_cacheable_for_a_signed_in_person(app, ana):
    response = signed_in(app).get("/static/js/quiz.js")
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")
    response.close()
