"""Importing a roster into a cohort: preview every row, then write it all on the trainer's word.

The preview writes nothing. What the trainer saw travels to the confirming
request in a signed, time-limited form field (so it cannot be altered and
needs no table of pending imports), and is checked against the database again
there: if anything changed in between, the trainer is shown the new preview
instead of an import they did not approve.
"""

from __future__ import annotations

import enum
from dataclasses import asdict, dataclass

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import func, or_, select

from course.audit import record_event
from course.auth.services import create_user
from course.cohorts.roster_file import RosterLine
from course.cohorts.services import CohortError, enrol_in_cohort
from course.extensions import db
from course.models.cohort import Cohort
from course.models.enrolment import Enrolment
from course.models.user import AgeBand, Agency, Disability, Gender, Role, User, Velayat

#: A preview older than this must be made again: the roster may have changed.
PREVIEW_MAX_AGE_SECONDS = 60 * 60


class RowKind(enum.StrEnum):
    NEW = "new"
    KNOWN = "known"
    INVALID = "invalid"


@dataclass(frozen=True)
class PreviewRow:
    line: RosterLine
    kind: RowKind
    #: Why the row cannot be imported, or what will happen to a known person.
    notes: tuple[str, ...]
    existing_user_id: int | None = None


@dataclass(frozen=True)
class NewAccount:
    """A credential slip: shown once, right after the import, and never stored in plain text."""

    full_name: str
    username: str
    password: str


def _existing_users(lines: list[RosterLine]) -> tuple[dict[str, User], dict[str, User]]:
    """Users already known by the usernames or emails in the file, in one query."""
    usernames = [line.username for line in lines if line.username]
    emails = [line.email for line in lines if line.email]
    if not usernames and not emails:
        return {}, {}
    users = db.session.scalars(select(User).where(or_(User.username.in_(usernames),
                                                      func.lower(User.email).in_(emails))))
    by_username, by_email = {}, {}
    for user in users:
        by_username[user.username] = user
        if user.email:
            by_email[user.email.lower()] = user
    return by_username, by_email


def _enrolments(cohort: Cohort, user_ids: list[int]) -> dict[int, int | None]:
    """The cohort (if any) through which each user already follows this cohort's track."""
    if not user_ids:
        return {}
    return dict(db.session.execute(select(Enrolment.user_id, Enrolment.cohort_id).where(
        Enrolment.user_id.in_(user_ids), Enrolment.course_id == cohort.course_id,
        Enrolment.track_id == cohort.track_id)).all())


def preview(cohort: Cohort, lines: list[RosterLine]) -> list[PreviewRow]:
    """Each line as new, known or invalid, with the reason; reads only."""
    by_username, by_email = _existing_users([line for line in lines if line.valid])
    known_ids = [u.id for u in {*by_username.values(), *by_email.values()}]
    enrolled = _enrolments(cohort, known_ids)
    rows = []
    for line in lines:
        if not line.valid:
            rows.append(PreviewRow(line, RowKind.INVALID, line.problems))
            continue
        user = by_username.get(line.username) or by_email.get(line.email)
        if user is None:
            rows.append(PreviewRow(line, RowKind.NEW, (_("A new account with a one-time password."),)))
        elif line.email and user.email and user.email.lower() != line.email and user.username == line.username:
            rows.append(PreviewRow(line, RowKind.INVALID, (_(
                "The username %(username)s belongs to someone with another email address.",
                username=user.username),)))
        elif user.id in enrolled and enrolled[user.id] not in (None, cohort.id):
            rows.append(PreviewRow(line, RowKind.INVALID, (_(
                "%(name)s already follows this track in another cohort.", name=user.display_name),)))
        elif enrolled.get(user.id) == cohort.id:
            rows.append(PreviewRow(line, RowKind.KNOWN, (_("Already in this cohort: nothing to do."),), user.id))
        else:
            rows.append(PreviewRow(line, RowKind.KNOWN, (
                _("Known as %(username)s: enrolled in this cohort, account unchanged.", username=user.username),),
                user.id))
    return rows


def _serializer(cohort: Cohort, actor: User) -> URLSafeTimedSerializer:
    # The salt binds a preview to one cohort and one trainer: it cannot be replayed elsewhere.
    return URLSafeTimedSerializer(current_app.secret_key, salt=f"roster-import:{cohort.id}:{actor.id}")


def _plain(line: RosterLine) -> dict:
    data = asdict(line)
    data.update(agency=line.agency and line.agency.value, gender=line.gender.value,
                velayat=line.velayat and line.velayat.value, age_band=line.age_band.value,
                disability=line.disability.value)
    return data


def _line(data: dict) -> RosterLine:
    return RosterLine(**{**data, "agency": data["agency"] and Agency(data["agency"]), "gender": Gender(data["gender"]),
                         "velayat": data["velayat"] and Velayat(data["velayat"]),
                         "age_band": AgeBand(data["age_band"]), "disability": Disability(data["disability"]),
                         "problems": tuple(data["problems"])})


def sign_preview(cohort: Cohort, actor: User, lines: list[RosterLine]) -> str:
    return _serializer(cohort, actor).dumps([_plain(line) for line in lines])


def read_signed_preview(cohort: Cohort, actor: User, token: str) -> list[RosterLine]:
    """:raises CohortError: the preview was altered, belongs elsewhere, or is too old."""
    try:
        data = _serializer(cohort, actor).loads(token, max_age=PREVIEW_MAX_AGE_SECONDS)
    except BadSignature as exc:
        raise CohortError(_("This preview has expired or is not valid. Upload the file again.")) from exc
    return [_line(item) for item in data]


def apply_import(cohort: Cohort, rows: list[PreviewRow], *, actor: User) -> list[NewAccount]:
    """Create the new accounts and enrol new and known learners; invalid rows are left out.

    :raises CohortError: the cohort no longer takes learners.
    """
    slips = []
    for row in rows:
        line = row.line
        if row.kind == RowKind.NEW:
            user, password = create_user(line.username, {Role.LEARNER}, full_name=line.full_name,
                                         email=line.email or None, actor_id=actor.id)
            user.agency, user.position, user.gender = line.agency, line.position, line.gender
            user.velayat, user.locale = line.velayat, cohort.language
            user.age_band, user.disability = line.age_band, line.disability
            slips.append(NewAccount(line.full_name, user.username, password))
        elif row.kind == RowKind.KNOWN:
            user = db.session.get(User, row.existing_user_id)
        else:
            continue
        enrol_in_cohort(user, cohort)
    record_event("cohort.import_roster", f"cohort {cohort.id}", actor_id=actor.id, created=len(slips),
                 enrolled=sum(1 for row in rows if row.kind != RowKind.INVALID),
                 invalid=sum(1 for row in rows if row.kind == RowKind.INVALID))
    return slips
