"""Changing an account's profile: by its owner (``account.views``) or by an administrator (``admin.views``)."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select

from course.audit import record_event
from course.auth.services import AccountError
from course.extensions import db
from course.models.user import AgeBand, Agency, Disability, Gender, User, Velayat


def profile_of(user: User) -> dict[str, str]:
    """The profile as ``update_profile`` takes it (empty for what is not given)."""
    return {"full_name": user.full_name, "email": user.email or "", "agency": user.agency.value if user.agency else "",
            "position": user.position, "gender": user.gender.value, "age_band": user.age_band.value,
            "disability": user.disability.value, "velayat": user.velayat.value if user.velayat else ""}


def update_profile(user: User, *, full_name: str, email: str | None, agency: str, position: str, gender: str,
                   velayat: str, actor_id: int, age_band: str = AgeBand.NOT_STATED.value,
                   disability: str = Disability.NOT_STATED.value) -> None:
    """Set the profile fields (empty agency or velayat: not given), audited with what the reports count by.

    :raises AccountError: another account uses the email address.
    """
    email = (email or "").strip().lower() or None
    if email and db.session.scalar(select(User.id).where(func.lower(User.email) == email, User.id != user.id)):
        raise AccountError(_("Another account uses this email address."), field="email")
    before = {"full_name": user.full_name, "agency": user.agency, "gender": user.gender, "velayat": user.velayat,
              "age_band": user.age_band, "disability": user.disability}
    user.full_name, user.email, user.position = full_name.strip(), email, position.strip()
    user.agency = Agency(agency) if agency else None
    user.velayat = Velayat(velayat) if velayat else None
    user.gender = Gender(gender)
    user.age_band, user.disability = AgeBand(age_band), Disability(disability)
    record_event("user.profile", user.username, actor_id=actor_id, before=before,
                 after={"full_name": user.full_name, "agency": user.agency, "gender": user.gender,
                        "velayat": user.velayat, "age_band": user.age_band, "disability": user.disability})
