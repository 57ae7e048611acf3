"""Whether learners have completed a track, as the course's completion rule says.

Computed for many learners at once, in a fixed number of queries, because the
trainer dashboard, the trainer candidates list and (later) certificates all ask
it for a whole cohort or more.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from course.attendance.queries import NO_DAYS, AttendanceShare, attendance_shares
from course.extensions import db
from course.learn.queries import Catalogue, Status, module_status
from course.models.attempt import AttemptState, QuizAttempt
from course.models.enrolment import Enrolment
from course.models.progress import SectionRead
from course.practice.queries import practice_passed
from course.sql import plain_rows


@dataclass(frozen=True)
class TrackProgress:
    """One learner against one track: what is done and what is still missing."""

    user_id: int
    statuses: dict[str, Status]
    passed_quizzes: frozenset[str]
    required_quizzes: tuple[str, ...]
    #: The learner's share of their cohort's session days, and what the track requires (None: nothing).
    attendance: AttendanceShare = NO_DAYS
    min_attendance: float | None = None
    #: The track requires a passed teaching-practice assessment, and whether the learner has one.
    practice_required: bool = False
    practice_passed: bool = False

    @property
    def modules_complete(self) -> int:
        return sum(1 for status in self.statuses.values() if status == Status.COMPLETE)

    @property
    def missing_quizzes(self) -> tuple[str, ...]:
        return tuple(q for q in self.required_quizzes if q not in self.passed_quizzes)

    @property
    def complete(self) -> bool:
        # No modules means the track is gone from the live course: nothing can be complete in it.
        return (bool(self.statuses) and self.modules_complete == len(self.statuses) and not self.missing_quizzes
                and self.attendance_met and self.practice_met)

    @property
    def practice_met(self) -> bool:
        return self.practice_passed or not self.practice_required

    @property
    def attendance_met(self) -> bool:
        return self.attendance.meets(self.min_attendance)

    @property
    def started(self) -> bool:
        return any(status != Status.NOT_STARTED for status in self.statuses.values()) or bool(self.passed_quizzes)


def required_quizzes(track: dict[str, Any]) -> tuple[str, ...]:
    """The quizzes the completion rule names, and the track's final even if the rule forgot it."""
    rule = track.get("completion") or {}
    quizzes = list(rule.get("pass_quizzes") or [])
    if track.get("final") and track["final"] not in quizzes:
        quizzes.append(track["final"])
    return tuple(quizzes)


def min_attendance(track: dict[str, Any]) -> float | None:
    """The share of session days the track requires, or None."""
    return (track.get("completion") or {}).get("min_attendance")


def requires_practice(track: dict[str, Any]) -> bool:
    """Whether the track's rule requires a passed teaching-practice assessment."""
    return bool((track.get("completion") or {}).get("teaching_practice"))


def has_practice(catalogue: Catalogue, track: dict[str, Any] | None) -> bool:
    """Whether a cohort of ``track`` has teaching practice: the track asks for it and the course has the rubric."""
    return bool(track) and requires_practice(track) and bool(catalogue.course.get("rubric"))


def sections_read_by(user_ids: list[int]) -> dict[tuple[int, str], set[str]]:
    """Section keys read, by (user, module), for many users in one query: a row a (user, module) with its keys
    joined by the database (a tenth of the rows of a row a read section; section keys hold no newline)."""
    read: dict[tuple[int, str], set[str]] = {}
    if user_ids:
        for user_id, module_id, keys in plain_rows(
            select(SectionRead.user_id, SectionRead.module_id, func.aggregate_strings(SectionRead.section_id, "\n"))
            .where(SectionRead.user_id.in_(user_ids)).group_by(SectionRead.user_id, SectionRead.module_id)
        ):
            read[(user_id, module_id)] = set(keys.split("\n"))
    return read


def passed_quizzes_of(user_ids: list[int], quiz_ids: Iterable[str]) -> dict[int, set[str]]:
    """Quizzes each user has passed at least once, in one query; a parallel form passed in a test's place passes
    that test."""
    passed: dict[int, set[str]] = {}
    quiz_ids = list(quiz_ids)
    if user_ids and quiz_ids:
        for user_id, quiz_id in db.session.execute(
            select(QuizAttempt.user_id, QuizAttempt.counted_quiz_id).distinct()
            .where(QuizAttempt.user_id.in_(user_ids), QuizAttempt.counted_quiz_id.in_(quiz_ids),
                   QuizAttempt.state == AttemptState.SUBMITTED, QuizAttempt.passed.is_(True))
        ):
            passed.setdefault(user_id, set()).add(quiz_id)
    return passed


def track_progress(catalogue: Catalogue, track: dict[str, Any], user_ids: Iterable[int],
                   read: dict[tuple[int, str], set[str]] | None = None,
                   shares: dict[tuple[int, str], AttendanceShare] | None = None) -> dict[int, TrackProgress]:
    """Progress of each user in ``track``: two queries (one if ``read`` is already known), one more for
    attendance (unless ``shares`` are known) and one for teaching practice when the track requires them."""
    ids = list(user_ids)
    minimum = min_attendance(track)
    if shares is None:
        shares = attendance_shares(ids) if minimum is not None and ids else {}
    practice = requires_practice(track)
    practised = practice_passed(ids) if practice and ids else set()
    modules = [catalogue.modules[m] for m in track["modules"] if m in catalogue.modules]
    read = sections_read_by(ids) if read is None else read
    needed = required_quizzes(track)
    passed = passed_quizzes_of(ids, needed)
    return {
        uid: TrackProgress(
            user_id=uid,
            statuses={m.id: module_status(m, read.get((uid, m.id), set()))[0] for m in modules},
            passed_quizzes=frozenset(passed.get(uid, set())),
            required_quizzes=needed,
            attendance=shares.get((uid, track.get("id")), NO_DAYS),
            min_attendance=minimum,
            practice_required=practice,
            practice_passed=(uid, track.get("id")) in practised,
        )
        for uid in ids
    }


def complete_enrolments(catalogue: Catalogue, enrolments: Sequence[Enrolment]) -> list[Enrolment]:
    """Those of ``enrolments`` whose learner has completed its track, in the given order; queries per track,
    not per learner."""
    complete: set[int] = set()
    for track_id in {enrolment.track_id for enrolment in enrolments}:
        mine = [enrolment for enrolment in enrolments if enrolment.track_id == track_id]
        progress = track_progress(catalogue, catalogue.track(track_id), [enrolment.user_id for enrolment in mine])
        complete |= {enrolment.id for enrolment in mine if progress[enrolment.user_id].complete}
    return [enrolment for enrolment in enrolments if enrolment.id in complete]
