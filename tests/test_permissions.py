"""One module decides who may do what; views ask it, never compare roles themselves."""

from __future__ import annotations

import pytest

from course.models.user import Role
from course.permissions import ROLE_PERMISSIONS, Permission, can, permissions_of


class _Person:
    is_authenticated = True

    def __init__(self, *roles: Role):
        self.roles = frozenset(roles)


class _Anonymous:
    is_authenticated = False


def test_every_role_has_an_entry():
    assert set(ROLE_PERMISSIONS) == set(Role)


@pytest.mark.parametrize(
    ("roles", "permission", "allowed"),
    [
        ((Role.LEARNER,), Permission.READ_COURSE, True),
        ((Role.LEARNER,), Permission.READ_TRAINER_NOTES, False),
        ((Role.LEARNER,), Permission.PREVIEW_CONTENT, False),
        ((Role.TRAINER,), Permission.READ_TRAINER_NOTES, True),
        ((Role.TRAINER,), Permission.VIEW_REPORTS, False),
        ((Role.COORDINATOR,), Permission.VIEW_REPORTS, True),
        ((Role.COORDINATOR,), Permission.MANAGE_USERS, False),
        ((Role.ADMIN,), Permission.MANAGE_USERS, True),
        ((Role.ADMIN,), Permission.REVOKE_CERTIFICATES, False),
        ((Role.LEARNER, Role.TRAINER), Permission.MANAGE_COHORTS, True),
        ((), Permission.READ_COURSE, False),
    ],
)
def test_role_permission_matrix(roles, permission, allowed):
    assert can(_Person(*roles), permission) is allowed


def test_several_roles_add_up():
    assert permissions_of(frozenset({Role.LEARNER, Role.ADMIN})) == (
        ROLE_PERMISSIONS[Role.LEARNER] | ROLE_PERMISSIONS[Role.ADMIN]
    )


def test_anonymous_users_may_do_nothing():
    assert not any(can(_Anonymous(), permission) for permission in Permission)


def test_trainer_notes_are_refused_to_learners_over_http(client, synced, login, make_user):
    make_user("ana", tracks=("full",))
    login("ana")
    assert client.get("/modules/alpha/trainer-notes").status_code == 403


def test_anonymous_requests_are_sent_to_sign_in(client, synced):
    for url in ("/", "/tracks/full", "/modules/alpha", "/modules/alpha/first", "/modules/alpha/trainer-notes"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.headers["Location"].startswith("/login?next="), url
