"""A learner keeps their own profile: the fields the programme's reports count by."""

from __future__ import annotations

import pytest

from course.extensions import db
from course.models.user import AgeBand, Agency, Disability, Gender, User, Velayat
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
    ({"age_band": "37"}, "Not a valid choice"),
    ({"disability": "maybe"}, "Not a valid choice"),
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


def test_age_band_and_disability_are_voluntary_and_saved_when_given(client, synced, make_user, login):
    user = make_user("ogul", full_name="Ogul")
    login("ogul")
    page = client.get("/account/profile").get_data(as_text=True)
    assert page.count(">Prefer not to say<") == 2  # each has it, and it is what an account starts with
    assert 'selected value="not_stated"' in page
    client.post("/account/profile", data=profile_form(client, age_band="35_44", disability="yes"))
    db.session.expire_all()
    saved = db.session.get(User, user.id)
    assert (saved.age_band, saved.disability) == (AgeBand.FROM_35_TO_44, Disability.YES)
    client.post("/account/profile", data=profile_form(client, age_band="not_stated", disability="not_stated"))
    db.session.expire_all()
    assert db.session.get(User, user.id).disability == Disability.NOT_STATED


def test_the_profile_needs_a_signed_in_user(client, synced):
    assert client.get("/account/profile").headers["Location"].startswith("/login")
