"""Signing in and out, first-login password change, throttling, safe redirects, CSRF."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from course.auth.redirects import safe_next
from course.extensions import db
from course.models.login_attempt import LoginAttempt
from course.models.user import Role, User
from tests.conftest import TEST_PASSWORD, csrf_token, sign_in

NEW_PASSWORD = "a brand new passphrase"


def test_signing_in_with_the_right_password_opens_the_home_page(client, synced, make_user):
    make_user("ana", tracks=("full",))
    response = sign_in(client, "ana")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert "Full track" in client.get("/").get_data(as_text=True)


def test_usernames_are_not_case_sensitive(client, synced, make_user):
    make_user("ana")
    assert sign_in(client, "  ANA ").headers["Location"] == "/"


@pytest.mark.parametrize(("username", "password"), [("ana", "wrong password!"), ("nobody", TEST_PASSWORD)])
def test_a_wrong_password_or_unknown_user_gets_the_same_message(client, app, make_user, username, password):
    make_user("ana")
    response = sign_in(client, username, password)
    assert response.status_code == 200
    assert "Wrong username or password." in response.get_data(as_text=True)
    assert client.get("/").status_code == 302  # still signed out


def test_a_deactivated_account_cannot_sign_in(client, app, make_user):
    user = make_user("ana")
    user.active = False
    db.session.commit()
    assert "Wrong username or password." in sign_in(client, "ana").get_data(as_text=True)


def test_pages_need_a_signed_in_user_and_come_back_after_sign_in(client, synced, make_user):
    make_user("ana", tracks=("full",))
    response = client.get("/modules/alpha")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")
    login_page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'value="/modules/alpha"' in login_page
    signed_in = sign_in(client, "ana", next="/modules/alpha")
    assert signed_in.headers["Location"] == "/modules/alpha"


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/", "//evil.example/x", "/\\evil.example", "\\\\evil.example", "javascript:alert(1)",
     "http:/evil.example", "/ok\r\nLocation: https://evil.example"],
)
def test_next_never_leaves_the_site(client, app, make_user, target):
    make_user("ana")
    response = sign_in(client, "ana", next=target)
    assert response.headers["Location"] == "/"
    assert safe_next(target) is None


def test_safe_next_keeps_local_paths_with_queries():
    assert safe_next("/modules/alpha?x=1#s") == "/modules/alpha?x=1#s"


@pytest.mark.parametrize(("roles", "home"), [
    ({Role.LEARNER}, "/"),
    ({Role.TRAINER}, "/cohorts"),
    ({Role.TRAINER, Role.LEARNER}, "/cohorts"),
    ({Role.COORDINATOR}, "/reports"),
    ({Role.COORDINATOR, Role.TRAINER}, "/reports"),
    ({Role.LEGAL_REVIEWER}, "/review/"),
])
def test_each_role_signs_in_where_its_work_is(client, synced, make_user, roles, home):
    make_user("ana", roles=roles)
    assert sign_in(client, "ana").headers["Location"] == home
    assert client.get(home).status_code == 200
    assert f'class="brand" href="{home}"' in client.get(home).get_data(as_text=True)
    assert client.get("/login").headers["Location"] == home  # signed in already: straight to the work


def test_a_next_page_wins_over_the_roles_home(client, synced, make_user):
    make_user("coord", roles={Role.COORDINATOR})
    assert sign_in(client, "coord", next="/certificates/all").headers["Location"] == "/certificates/all"


def test_a_user_made_by_someone_else_must_choose_a_password_first(client, synced, make_user):
    make_user("ana", tracks=("full",), must_change_password=True)
    response = sign_in(client, "ana")
    assert response.headers["Location"] == "/account/password"
    # every other page sends them back until they have chosen one
    for url in ("/", "/tracks/full", "/modules/alpha"):
        assert client.get(url).headers["Location"] == "/account/password"
    page = client.get("/account/password").get_data(as_text=True)
    assert "Choose your password" in page
    response = client.post("/account/password", data={
        "csrf_token": csrf_token(client, "/account/password"), "current_password": TEST_PASSWORD,
        "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD,
    })
    assert response.headers["Location"] == "/"
    assert client.get("/").status_code == 200
    user = db.session.scalar(select(User).where(User.username == "ana"))
    assert user.must_change_password is False
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    assert sign_in(client, "ana", NEW_PASSWORD).headers["Location"] == "/"


@pytest.mark.parametrize(
    ("current", "new", "confirm", "message"),
    [
        ("not my password", NEW_PASSWORD, NEW_PASSWORD, "The current password is not right."),
        (TEST_PASSWORD, "short", "short", "Use at least 10 characters."),
        (TEST_PASSWORD, NEW_PASSWORD, NEW_PASSWORD + "x", "The two new passwords differ."),
        (TEST_PASSWORD, TEST_PASSWORD, TEST_PASSWORD, "Choose a password different from the current one."),
        (TEST_PASSWORD, "anaanaana1", "anaanaana1", None),
    ],
)
def test_a_bad_new_password_is_refused_and_changes_nothing(client, app, login, make_user, current, new, confirm,
                                                           message):
    user = make_user("ana")
    old_hash = user.password_hash
    login("ana")
    response = client.post("/account/password", data={
        "csrf_token": csrf_token(client, "/account/password"), "current_password": current,
        "new_password": new, "confirm": confirm,
    })
    if message is None:  # the control case: a good password is accepted
        assert response.status_code == 302
        return
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, user.id).password_hash == old_hash


def test_changing_the_password_ends_the_other_sessions(app, make_user):
    make_user("ana")
    laptop, phone = app.test_client(), app.test_client()
    sign_in(laptop, "ana")
    sign_in(phone, "ana")
    assert phone.get("/").status_code == 200
    laptop.post("/account/password", data={
        "csrf_token": csrf_token(laptop, "/account/password"), "current_password": TEST_PASSWORD,
        "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD,
    })
    assert laptop.get("/").status_code == 200
    assert phone.get("/").headers["Location"].startswith("/login")


def test_ten_failures_lock_the_username_even_for_the_right_password(client, app, make_user):
    make_user("ana")
    for _ in range(10):
        sign_in(client, "ana", "wrong password!")
    response = sign_in(client, "ana")
    text = response.get_data(as_text=True)
    assert "Too many failed sign-in attempts. Wait 15 minutes and try again." in text
    assert client.get("/").status_code == 302
    # refused attempts are not counted as failures: the lock does not extend itself
    failures = db.session.scalars(select(LoginAttempt).where(LoginAttempt.succeeded.is_(False))).all()
    assert len(failures) == 10


def test_the_lock_lifts_when_the_failures_age_out(client, app, make_user):
    from datetime import timedelta

    make_user("ana")
    for _ in range(10):
        sign_in(client, "ana", "wrong password!")
    for attempt in db.session.scalars(select(LoginAttempt)):
        attempt.at = attempt.at - timedelta(minutes=16)
    db.session.commit()
    assert sign_in(client, "ana").headers["Location"] == "/"


def test_thirty_failures_from_one_address_lock_it_for_every_username_not_known_there(client, app, make_user):
    make_user("ana")
    for number in range(29):
        sign_in(client, f"guess{number}", "wrong password!")
    assert sign_in(client, "ana").headers["Location"] == "/"  # 29: a room of people mistyping is not locked
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    make_user("bob")
    for number in range(30):
        sign_in(client, f"guess{number}", "wrong password!")
    assert "Too many failed" in sign_in(_from(app, "127.0.0.1"), "bob").get_data(as_text=True)
    assert sign_in(client, "ana").headers["Location"] == "/"  # ana signed in here before: a known address
    other_address = app.test_client()
    other_address.environ_base["REMOTE_ADDR"] = "10.9.8.7"
    assert sign_in(other_address, "ana").headers["Location"] == "/"


def test_nine_failures_then_success_resets_the_username_count(client, app, make_user):
    make_user("ana")
    for _ in range(9):
        sign_in(client, "ana", "wrong password!")
    assert sign_in(client, "ana").status_code == 302
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "10.0.0.2"
    sign_in(other, "ana", "wrong password!")
    assert sign_in(other, "ana").headers["Location"] == "/"


def test_forms_without_a_csrf_token_are_refused(client, app, make_user):
    make_user("ana")
    response = client.post("/login", data={"username": "ana", "password": TEST_PASSWORD})
    assert response.status_code == 400
    assert "The form has expired" in response.get_data(as_text=True)
    assert db.session.scalars(select(LoginAttempt)).all() == []


def test_sign_out_is_a_post_with_csrf(client, app, login, make_user):
    make_user("ana")
    login("ana")
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400
    assert client.get("/").status_code == 200
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    assert client.get("/").status_code == 302


def test_passwords_are_stored_as_argon2id_hashes(app, make_user):
    user = make_user("ana")
    assert user.password_hash.startswith("$argon2id$")
    assert TEST_PASSWORD not in user.password_hash


def test_old_sign_in_attempts_are_forgotten(client, app, make_user):
    from datetime import timedelta

    make_user("ana")
    sign_in(client, "ana", "wrong password!")
    for attempt in db.session.scalars(select(LoginAttempt)):
        attempt.at = attempt.at - timedelta(days=2)
    db.session.commit()
    sign_in(client, "ana", "wrong password!")
    db.session.expire_all()
    assert len(db.session.scalars(select(LoginAttempt)).all()) == 1


def _from(app, address: str):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def test_fifty_failures_from_many_addresses_lock_the_username_from_unknown_places_only(app, make_user):
    make_user("ana")
    office, laptop = _from(app, "10.0.9.9"), _from(app, "10.0.9.10")
    assert sign_in(office, "ana").status_code == 302  # the office's address becomes known for ana
    assert sign_in(laptop, "ana").status_code == 302  # so does this browser, wherever it goes next
    laptop.environ_base["REMOTE_ADDR"] = "10.0.8.1"
    for number in range(50):
        sign_in(_from(app, f"10.0.{1 + number // 200}.{number % 200}"), "ana", "wrong password!")
    response = sign_in(_from(app, "10.0.2.1"), "ana")
    assert "Too many failed sign-in attempts" in response.get_data(as_text=True)
    assert sign_in(_from(app, "10.0.9.9"), "ana").headers["Location"] == "/"  # a known address
    assert sign_in(laptop, "ana").headers["Location"] == "/"  # a known browser, from a new address
    # another account from that fresh address is not affected
    make_user("bob")
    assert sign_in(_from(app, "10.0.2.1"), "bob").headers["Location"] == "/"


def test_ten_wrong_passwords_from_one_address_do_not_lock_the_owner_out_elsewhere(app, make_user):
    make_user("coordinator", roles={Role.COORDINATOR})
    assert sign_in(_from(app, "10.5.0.1"), "coordinator").status_code == 302  # the programme office
    attacker = _from(app, "10.6.6.6")
    for _ in range(10):
        sign_in(attacker, "coordinator", "wrong password!")
    assert "Too many failed" in sign_in(attacker, "coordinator").get_data(as_text=True)  # still throttled
    assert sign_in(_from(app, "10.5.0.1"), "coordinator").headers["Location"] == "/reports"
    assert sign_in(_from(app, "10.7.0.1"), "coordinator").headers["Location"] == "/reports"  # a new address too


def test_a_forged_known_device_cookie_is_ignored(app, make_user):
    make_user("ana")
    for number in range(50):
        sign_in(_from(app, f"10.0.3.{number}"), "ana", "wrong password!")
    forger = _from(app, "10.0.4.1")
    forger.set_cookie("known_device", "WyJhbmEiXQ.forged")
    assert "Too many failed" in sign_in(forger, "ana").get_data(as_text=True)


def test_the_lock_message_says_when_it_lifts(client, app, make_user):
    from datetime import timedelta

    from course.models.types import utcnow

    make_user("ana")
    # a burst left twelve failures: two 14 minutes ago, ten just now. When the two
    # old ones age out, ten remain, so the lock lasts the whole window, not one minute.
    now = utcnow()
    for minutes in [14, 14] + [0] * 10:
        db.session.add(LoginAttempt(username="ana", address="127.0.0.1", succeeded=False,
                                    at=now - timedelta(minutes=minutes)))
    db.session.commit()
    assert "Wait 15 minutes and try again." in sign_in(client, "ana").get_data(as_text=True)


def test_a_burst_of_parallel_guesses_gets_no_more_than_the_limit_checked(app, make_user):
    from concurrent.futures import ThreadPoolExecutor

    make_user("ana")

    def guess(number: int) -> int:
        with app.app_context():
            return sign_in(_from(app, "10.1.0.1"), "ana", f"guess {number}").status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(guess, range(24)))
    assert set(statuses) == {200}
    db.session.expire_all()
    failures = db.session.scalars(select(LoginAttempt).where(LoginAttempt.succeeded.is_(False))).all()
    assert len(failures) <= 10


def test_a_password_reset_also_ends_remembered_sessions(app, make_user):
    from course.auth.services import reset_password

    user = make_user("ana")
    device = app.test_client()
    sign_in(device, "ana", remember="y")
    device.delete_cookie("session")  # the browser was closed; only the remember-me cookie is left
    assert device.get("/").status_code == 200
    reset_password(user, password="an admin's choice 1")
    db.session.commit()
    device.delete_cookie("session")
    assert device.get("/").headers["Location"].startswith("/login")


def test_a_user_who_must_change_the_password_cannot_do_anything_else(client, synced, make_user):
    from course.models.progress import SectionRead

    make_user("ana", tracks=("full",), must_change_password=True)
    sign_in(client, "ana")
    token = csrf_token(client, "/account/password")
    response = client.post("/modules/alpha/first/done", data={"csrf_token": token})
    assert response.headers["Location"] == "/account/password"
    assert db.session.scalars(select(SectionRead)).all() == []


def test_the_forced_change_keeps_where_the_user_was_going(client, synced, make_user):
    make_user("ana", tracks=("full",), must_change_password=True)
    response = sign_in(client, "ana", next="/modules/alpha")
    assert response.headers["Location"] == "/account/password?next=/modules/alpha"
    response = client.post(response.headers["Location"], data={
        "csrf_token": csrf_token(client, "/account/password"), "current_password": TEST_PASSWORD,
        "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD,
    })
    assert response.headers["Location"] == "/modules/alpha"


def test_the_sign_in_page_names_the_programme_and_shows_its_logo(client, app, tmp_path):
    logo = tmp_path / "instance" / "logo.svg"
    logo.parent.mkdir(exist_ok=True)
    logo.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>')
    app.config.update(PROGRAMME_NAME="Counter-trafficking training programme", LOGO=str(logo),
                      CERTIFICATE_ISSUER="Prosecutor General's Office")
    page = client.get("/login").get_data(as_text=True)
    assert "Counter-trafficking training programme" in page and "Prosecutor General&#39;s Office" in page
    assert '<img src="/logo"' in page
    served = client.get("/logo")
    assert served.status_code == 200 and served.mimetype == "image/svg+xml"
    assert served.headers["Content-Security-Policy"].startswith("default-src 'none'")
    served.close()


def test_without_a_logo_configured_none_is_shown_or_served(client, app):
    app.config.update(LOGO="", PROGRAMME_NAME="")
    page = client.get("/login").get_data(as_text=True)
    assert "<img" not in page and "Cascade training programme" in page
    assert client.get("/logo").status_code == 404
    app.config.update(LOGO="/etc/passwd")  # not an image: never served
    assert client.get("/logo").status_code == 404
