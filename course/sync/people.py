"""Merge two accounts that a coordinator has found to be one person (a suspected duplicate from a laptop).

Every record that names the duplicate moves to the person kept: attempts (numbered after the kept person's),
certificates, answers, attendance, progress, assessments, roles, and whatever they did as a trainer. Where the
kept person already holds the same fact (a read section, an enrolment in the same track, a mark on the same
day), the kept person's record stands and the duplicate's is dropped; attempts and certificates are never
dropped. The duplicate's account stays, inactive, pointing to the person kept, so that what its laptop sends
later lands on the right person.

The rule is read from the schema (every column that refers to a person, every unique key it is part of), so
a table added later is merged too, or the merge test says why not.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import Column, Table, delete, select, update

from course.audit import record_event
from course.certificates.services import revoke_certificate
from course.domain import DomainError
from course.extensions import db
from course.models.attempt import AttemptState, QuizAttempt
from course.models.certificate import Certificate
from course.models.device import ConflictKind, SyncConflict
from course.models.types import utcnow
from course.models.user import User
from course.quiz.attempts import submit_attempt
from course.summary import refresh_learners
from course.sync.records import unique_keys

#: Records that are never dropped as "the same fact": a clash is numbered after the kept person's, per group.
RENUMBERED = {"quiz_attempts": ("number", "quiz_id")}
#: The audit log says who did what as it was: its rows keep naming the merged account (which stays).
UNTOUCHED = {"audit_events"}


class MergeRefused(DomainError):
    """The two accounts cannot be merged; the message says why."""


@dataclass
class PeopleMerged:
    kept: User
    merged: User
    moved: Counter = field(default_factory=Counter)
    #: The duplicate's records the kept person already held (the same fact), by table.
    dropped: Counter = field(default_factory=Counter)


def _revoke_second_valid_certificates(keep: User, duplicate: User, actor: User) -> None:
    """One valid certificate per track and person: the duplicate's of a track the kept person holds is revoked
    (kept, and its verification page names the one that stays)."""
    held = {(c.course_id, c.track_id, c.kind): c for c in db.session.scalars(select(Certificate).where(
        Certificate.user_id == keep.id, Certificate.revoked_at.is_(None)))}
    for certificate in db.session.scalars(select(Certificate).where(Certificate.user_id == duplicate.id,
                                                                    Certificate.revoked_at.is_(None))):
        stays = held.get((certificate.course_id, certificate.track_id, certificate.kind))
        if stays is not None:
            revoke_certificate(certificate, _("The same person's certificate %(serial)s stays valid (two accounts "
                                              "merged).", serial=stays.serial), actor_id=actor.id)


def _submit_second_open_attempts(keep: User, duplicate: User, _actor: User) -> None:
    """One open attempt per quiz and person: the duplicate's, at a quiz the kept person has open, is submitted
    as it stands (graded on what was answered), so it is kept and counted."""
    open_here = set(db.session.scalars(select(QuizAttempt.quiz_id).where(
        QuizAttempt.user_id == keep.id, QuizAttempt.state == AttemptState.IN_PROGRESS)))
    for attempt in db.session.scalars(select(QuizAttempt).where(QuizAttempt.user_id == duplicate.id,
                                                                QuizAttempt.state == AttemptState.IN_PROGRESS)):
        if attempt.quiz_id in open_here:
            submit_attempt(attempt, by="merge")


#: The unique rules that hold only for some rows (a partial index): what makes the duplicate's rows fit them.
PARTIAL_RULES = {"uq_certificates_one_valid": _revoke_second_valid_certificates,
                 "uq_quiz_attempts_one_open": _submit_second_open_attempts}


def _person_columns() -> list[tuple[Table, Column]]:
    users = db.metadata.tables["users"]
    return [(table, column) for table in db.metadata.sorted_tables for column in table.columns
            if any(key.column is users.c.id for key in column.foreign_keys) and column.name != "merged_into_id"
            and table.name not in UNTOUCHED]


def _clash_keys(table: Table, column: Column) -> list[tuple[str, ...]]:
    keys = [key for key in unique_keys(table) if column.name in key]
    if column.primary_key:
        keys.append(tuple(c.name for c in table.primary_key.columns))
    return keys


def merge_people(keep: User, duplicate: User, actor: User) -> PeopleMerged:
    """Move everything of ``duplicate`` to ``keep`` (flushes; the caller commits)."""
    if keep.id == duplicate.id:
        raise MergeRefused(_("An account cannot be merged into itself."))
    if duplicate.merged_into_id is not None or keep.merged_into_id is not None:
        raise MergeRefused(_("One of these accounts was merged already."))
    db.session.flush()
    result = PeopleMerged(keep, duplicate)
    for rule in PARTIAL_RULES.values():
        rule(keep, duplicate, actor)
    db.session.flush()
    for table, column in _person_columns():
        _move(table, column, keep.id, duplicate.id, result)
    duplicate.merged_into_id, duplicate.active = keep.id, False
    # Accounts merged into the duplicate earlier now point to the person kept: what their laptops send lands there.
    db.session.execute(update(User).where(User.merged_into_id == duplicate.id).values(merged_into_id=keep.id))
    db.session.flush()
    refresh_learners([keep.id, duplicate.id])
    record_event("person.merge", keep.username, actor_id=actor.id, kept=keep.uid, merged=duplicate.uid,
                 merged_username=duplicate.username, moved=dict(result.moved), dropped=dict(result.dropped))
    return result


def _move(table: Table, column: Column, keep_id: int, duplicate_id: int, result: PeopleMerged) -> None:
    """Move the duplicate's rows of one table to the person kept: what the kept person holds is read once, so a
    clash is found without a query a row."""
    keys = _clash_keys(table, column)
    identity = [c.name for c in table.primary_key.columns]
    kept = db.session.execute(select(table).where(column == keep_id)).mappings().all()
    held = {key: {_rest(row, key, column) for row in kept} for key in keys}
    numbered = RENUMBERED.get(table.name)
    highest: dict = {}
    if numbered:
        number, group = numbered
        for row in kept:
            highest[row[group]] = max(highest.get(row[group], 0), row[number])
    for row in db.session.execute(select(table).where(column == duplicate_id)).mappings().all():
        where = [table.c[name] == row[name] for name in identity]
        values = {column.name: keep_id}
        if any(_rest(row, key, column) in held[key] for key in keys):
            if not numbered:
                db.session.execute(delete(table).where(*where))
                result.dropped[table.name] += 1
                continue
            highest[row[group]] = values[number] = highest.get(row[group], 0) + 1
        db.session.execute(update(table).where(*where).values(values))
        moved = {**row, **values}
        for key in keys:
            held[key].add(_rest(moved, key, column))
        result.moved[table.name] += 1


def _rest(row, key: tuple[str, ...], column: Column) -> tuple:
    """A row's values of ``key`` other than the person: two rows of two people clash when these are equal."""
    return tuple(row[name] for name in key if name != column.name)


def merge_suspected_duplicate(conflict_id: int, keep_uid: str, actor: User) -> PeopleMerged:
    """Merge the two people of a suspected-duplicate conflict, keeping the one chosen; the conflict is settled."""
    conflict = db.session.get(SyncConflict, conflict_id)
    if conflict is None or conflict.settled_at is not None or conflict.kind != ConflictKind.SUSPECTED_DUPLICATE:
        raise MergeRefused(_("This suspected duplicate is settled already, or does not exist."))
    pair = {conflict.record_uid, conflict.other_uid}
    if keep_uid not in pair:
        raise MergeRefused(_("Choose which of the two accounts to keep."), field="keep")
    people = {user.uid: user for user in db.session.scalars(select(User).where(User.uid.in_(pair)))}
    if len(people) != 2:  # noqa: PLR2004
        raise MergeRefused(_("One of these accounts no longer exists."))
    (duplicate_uid,) = pair - {keep_uid}
    merged = merge_people(people[keep_uid], people[duplicate_uid], actor)
    conflict.settled_at = utcnow()
    conflict.note = _("Merged: %(merged)s into %(kept)s.", merged=merged.merged.username, kept=merged.kept.username)
    return merged

