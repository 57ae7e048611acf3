"""The one place that decides who may do what.

Views never compare roles themselves: they ask ``can(user, Permission.X)`` or
wear ``@require(Permission.X)``. Adding a role or moving a right is a change
to the table below, reviewed in one diff.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from functools import lru_cache, wraps
from typing import Any, TypeVar

from flask import abort
from flask_login import current_user
from sqlalchemy import select

from course.extensions import db, login_manager
from course.models.scope import CoordinatorScope
from course.models.user import Role, Velayat

F = TypeVar("F", bound=Callable[..., Any])


class Permission(enum.StrEnum):
    READ_COURSE = "read_course"
    READ_TRAINER_NOTES = "read_trainer_notes"
    #: Open every track's modules without being enrolled (staff checking content).
    PREVIEW_CONTENT = "preview_content"
    MANAGE_COHORTS = "manage_cohorts"
    VIEW_ALL_COHORTS = "view_all_cohorts"
    VIEW_REPORTS = "view_reports"
    PROMOTE_TRAINERS = "promote_trainers"
    REVOKE_CERTIFICATES = "revoke_certificates"
    MANAGE_USERS = "manage_users"
    SYNC_CONTENT = "sync_content"
    #: Read what changed in a content version, sign it off or return it, verify sources.
    REVIEW_CONTENT = "review_content"
    #: Register and revoke field laptops, import their bundles, settle sync conflicts.
    MANAGE_DEVICES = "manage_devices"


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.LEARNER: frozenset({Permission.READ_COURSE}),
    Role.TRAINER: frozenset({
        Permission.READ_COURSE, Permission.READ_TRAINER_NOTES, Permission.PREVIEW_CONTENT, Permission.MANAGE_COHORTS,
    }),
    Role.COORDINATOR: frozenset({
        Permission.READ_COURSE, Permission.READ_TRAINER_NOTES, Permission.PREVIEW_CONTENT,
        Permission.MANAGE_COHORTS, Permission.VIEW_ALL_COHORTS, Permission.VIEW_REPORTS, Permission.PROMOTE_TRAINERS,
        Permission.REVOKE_CERTIFICATES, Permission.MANAGE_DEVICES,
    }),
    Role.ADMIN: frozenset({
        Permission.READ_COURSE, Permission.READ_TRAINER_NOTES, Permission.PREVIEW_CONTENT,
        Permission.MANAGE_USERS, Permission.SYNC_CONTENT,
    }),
    Role.LEGAL_REVIEWER: frozenset({
        Permission.READ_COURSE, Permission.READ_TRAINER_NOTES, Permission.PREVIEW_CONTENT, Permission.REVIEW_CONTENT,
    }),
}


@lru_cache(maxsize=64)  # a few combinations of a handful of roles; asked for on every link of every page
def permissions_of(roles: frozenset[Role]) -> frozenset[Permission]:
    """Union of the permissions of every role held."""
    granted: set[Permission] = set()
    for role in roles:
        granted |= ROLE_PERMISSIONS[role]
    return frozenset(granted)


def can(user: Any, permission: Permission) -> bool:
    """True if ``user`` (a User or Flask-Login's anonymous user) holds ``permission``."""
    if not getattr(user, "is_authenticated", False):
        return False
    return permission in permissions_of(user.roles)


def visible_tracks(user: Any, all_track_ids: list[str], enrolled_track_ids: set[str]) -> list[str]:
    """The tracks a user may open: their own enrolments, or all of them for staff who preview content."""
    if can(user, Permission.PREVIEW_CONTENT):
        return list(all_track_ids)
    return [track_id for track_id in all_track_ids if track_id in enrolled_track_ids]


def velayat_scope(user: Any) -> frozenset[Velayat] | None:
    """The velayats a coordinator is limited to; None when national (no scope rows) or not a coordinator."""
    if not getattr(user, "is_authenticated", False):
        return None
    rows = db.session.scalars(select(CoordinatorScope.velayat).where(CoordinatorScope.user_id == user.id)).all()
    return frozenset(rows) or None


def can_manage_cohort(user: Any, cohort: Any) -> bool:
    """Coordinators manage every cohort of their velayats; trainers only those they lead or co-train."""
    if can(user, Permission.MANAGE_COHORTS) and user.id in cohort.trainer_ids:
        return True
    if can(user, Permission.VIEW_ALL_COHORTS):
        scope = velayat_scope(user)
        return scope is None or cohort.velayat in scope
    return False


def require(permission: Permission, *alternatives: Permission) -> Callable[[F], F]:
    """View decorator: sign-in required, then 403 unless the user holds ``permission`` (or one of the
    ``alternatives``: a page two roles use, each for its own work)."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not any(can(current_user, wanted) for wanted in (permission, *alternatives)):
                abort(403)
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator
