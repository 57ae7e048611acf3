"""A learner keeps their own profile: the fields the programme's reports count by."""

from __future__ import annotations

import pytest

from course.extensions import db
from course.models.user import Agency, Gender, User, Velayat
from tests.conftest import csrf_token


def profile_form(client, **overrides):
    return {"full_name": "Ogulgerek Saparowa", "email": "", "agency": "judiciary", "position": "Judge",
            "gender": "female", "velayat": "dashoguz", "csrf_token": csrf_token(client, "/account/profile"),
            **overrides}


def test_a_learner_saves_agency_position_gender_and_velayat(client, synced, make_user, login):
    user = make_user("ogul", full_name="Ogul")
    login("ogul")
    response = client.post("/account/profile", data=profile_form(client, email="Ogul@Example.tm"))
    assert response.headers["Location"] == "/account/profile"
    assert "Your profile is saved." in client.get("/account/profile").get_data(as_text=True)
    db.session.expire_all()
    saved = db.session.get(User, user.id)
    assert (saved.full_name, saved.email, saved.agency, saved.position, saved.gender, saved.velayat) == (
        "Ogulgerek Saparowa", "ogul@example.tm", Agency.JUDICIARY, "Judge", Gender.FEMALE, Velayat.DASHOGUZ)
    page = client.get("/account/profile").get_data(as_text=True)
    assert 'selected value="judiciary"' in page and 'selected value="dashoguz"' in page


@pytest.mark.parametrize(("overrides", "message"), [
    ({"full_name": ""}, "This field is required."),
    ({"email": "not-an-address"}, "Write an email address as name@example.tm."),
    ({"email": "taken@example.tm"}, "Another account uses this email address."),
    ({"agency": "navy"}, "Not a valid choice"),
    ({"gender": "other"}, "Not a valid choice"),
])
def test_bad_profile_input_is_explained_and_changes_nothing(client, synced, make_user, login, overrides, message):
    make_user("someone", email="taken@example.tm")
    user = make_user("ogul", full_name="Ogul")
    login("ogul")
    response = client.post("/account/profile", data=profile_form(client, **overrides))
    assert response.status_code == 200 and message in response.get_data(as_text=True)
    db.session.expire_all()
    unchanged = db.session.get(User, user.id)
    assert (unchanged.full_name, unchanged.agency, unchanged.velayat) == ("Ogul", None, None)


def test_the_profile_needs_a_signed_in_user(client, synced):
    assert client.get("/account/profile").headers["Location"].startswith("/login")
