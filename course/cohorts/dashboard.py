"""The trainer's view of a cohort: progress, quiz results, who needs attention, which questions were hard.

Everything is read in a fixed number of queries whatever the size of the
cohort (a test checks it at 5 and 200 learners): the roster, sections read,
one aggregate over attempts, the pre/post scores, and for the item statistics
an aggregate that finds the hardest questions and the answers to those only.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from flask_babel import format_percent, ngettext
from sqlalchemy import case, func, select

from course.attendance.queries import NO_DAYS, AttendanceShare, attendance_shares
from course.attendance.services import session_days
from course.caching import app_cache
from course.cascade.completion import (
    TrackProgress,
    min_attendance,
    requires_practice,
    sections_read_by,
    track_progress,
)
from course.certificates.services import held_back, hours_held
from course.cohorts.queries import RosterRow, roster
from course.content.localize import Text, pick
from course.days import today as local_today
from course.extensions import db
from course.learn.queries import Catalogue, Status
from course.models.attempt import AttemptAnswer, AttemptState, QuizAttempt
from course.models.certificate import Certificate
from course.models.cohort import Cohort
from course.models.progress import ReadingSkim, SectionRead
from course.models.trainer_quiz import TrainerQuiz, TrainerQuizState
from course.quiz import parallel
from course.quiz.analytics import GroupGain, course_gains, group_gain, grouped_statistics
from course.quiz.definition import pinned_definition
from course.quiz.presenters import wrong_options_in_words
from course.reports.gains import GainRow, figure_headings, gain_by_objective, objective_titles
from course.sql import plain_rows

#: Questions listed as difficult: the hardest ones, at most this many.
DIFFICULT_QUESTIONS_SHOWN = 8
#: A question answered well by at least this share of the points is not "difficult".
DIFFICULT_BELOW = 0.7


@dataclass(frozen=True)
class ModuleColumn:
    title: Text
    #: The column heading: the module's short title (its title when it has none).
    short: Text


@dataclass(frozen=True)
class QuizColumn:
    quiz_id: str
    title: Text
    pass_mark: float | None
    #: The column heading: the quiz's short title (its title when it has none).
    short: Text


@dataclass(frozen=True)
class QuizCell:
    """A learner's record on one quiz: best score, submitted attempts, passed or not."""

    best: float | None
    attempts: int
    failures: int
    passed: bool

    @property
    def failed_twice(self) -> bool:
        return not self.passed and self.failures >= 2


NO_ATTEMPT = QuizCell(best=None, attempts=0, failures=0, passed=False)


@dataclass(frozen=True)
class LearnerRow:
    person: RosterRow
    statuses: list[Status]
    quizzes: list[QuizCell]
    pre: float | None
    post: float | None
    gain: float | None
    complete: bool
    #: The serial number of the learner's valid certificate for the cohort's track, if any (plain data: a
    #: dashboard outlives the request and the database session that computed it).
    certificate: str | None = None
    #: A certificate of the track was revoked: only a coordinator may issue another.
    certificate_revoked: bool = False
    #: Days attended of the cohort's session days.
    attendance: AttendanceShare = NO_DAYS
    #: Whether the track requires teaching practice, and whether the learner passed it (None: not required).
    practice_passed: bool | None = None
    #: "A then B" or "B then A" where the course counterbalances its test forms, else empty.
    form_order: str = ""

    @property
    def attendance_label(self) -> str:
        """"3/4 (75 %)": days attended of the days counted (excused days left out), or a dash without days."""
        share = self.attendance
        if share.share is None:
            return "—"
        return f"{share.attended}/{share.counted} ({format_percent(share.share)})"

    @property
    def name(self) -> str:
        return self.person.display_name


@dataclass(frozen=True)
class Attention:
    user_id: int
    name: str
    reasons: list[str]


@dataclass(frozen=True)
class DifficultQuestion:
    quiz_title: Text
    prompt: Text
    responses: int
    facility: float
    discrimination: float | None
    common_wrong: list[tuple[str, int]]

    @property
    def facility_percent(self) -> int:
        return round(self.facility * 100)


@dataclass(frozen=True)
class CohortDashboard:
    modules: list[ModuleColumn]
    quizzes: list[QuizColumn]
    rows: list[LearnerRow]
    group: GroupGain
    attention: list[Attention]
    difficult: list[DifficultQuestion]
    attention_days: int
    #: The track's certificate rule ({"kind", "issue"}), or None when it gives no certificate.
    certificate_rule: dict | None = None
    #: The cohort's face-to-face days so far.
    session_days: int = 0
    #: The share of days the track requires, if any.
    min_attendance: float | None = None
    practice_required: bool = False
    #: Certificates wait for the cohort's last day (the trainer may confirm them sooner), and the contact hours
    #: a certificate issued today would state, of the track's.
    held_back: bool = False
    hours_now: float = 0
    track_hours: float = 0
    #: Where the course counterbalances its test forms: the gain of each half ("A then B", "B then A").
    gain_by_order: list[tuple[str, GroupGain]] = field(default_factory=list)
    #: The gain on each learning objective's questions: (objective's name, its figures), and the figures' headings.
    objective_gains: list[tuple[str, GainRow]] = field(default_factory=list)
    gain_headings: list[str] = field(default_factory=list)

    @property
    def module_titles(self) -> list[Text]:
        return [column.title for column in self.modules]

    @property
    def completed(self) -> int:
        return sum(1 for row in self.rows if row.complete)

    @property
    def certified(self) -> int:
        return sum(1 for row in self.rows if row.certificate)

    @property
    def ready_for_certificate(self) -> list[LearnerRow]:
        """Learners who met the track's rules and have no certificate yet: the trainer confirms them."""
        if self.certificate_rule is None:
            return []
        return [row for row in self.rows if row.complete and row.certificate is None and not row.certificate_revoked]

    @property
    def hours_short(self) -> bool:
        """A certificate issued today would state fewer contact hours than the track's: days are still to come."""
        return self.hours_now < self.track_hours

    @property
    def due_automatically(self) -> list[int]:
        """Learners whose automatic certificate is due now that the last day has come: issued on sight."""
        if (self.certificate_rule or {}).get("issue") != "automatic" or self.held_back:
            return []
        return [row.person.user_id for row in self.ready_for_certificate]


def short_title(meta: dict[str, Any], locale: str, fallbacks: Sequence[str]) -> Text:
    """A module's or quiz's short title, for a column heading; its title when the content gives none."""
    return pick(meta.get("short_title") or meta["title"], locale, fallbacks)


def track_quiz_ids(catalogue: Catalogue, track: dict[str, Any]) -> list[str]:
    """The track's quizzes in the order a learner meets them: pre-test, module quizzes, post-test, final."""
    course = catalogue.course
    by_module: dict[str, list[str]] = defaultdict(list)
    for quiz_id, meta in sorted(catalogue.quizzes.items()):
        if meta.get("module"):
            by_module[meta["module"]].append(quiz_id)
    ordered = [course.get("pre_test")]
    for module_id in track["modules"]:
        ordered += by_module.get(module_id, [])
    ordered += [course.get("post_test"), track.get("final")]
    return [q for q in dict.fromkeys(ordered) if q and q in catalogue.quizzes]


def trainer_quiz_columns(cohort: Cohort, locale: str) -> list[QuizColumn]:
    """The quizzes the cohort's trainers opened to it (open or closed since), oldest first, after the course's own:
    their results are on the grid, and their questions among the item statistics. Drafts are not."""
    return [QuizColumn(quiz_id, Text(title, locale), pass_mark, Text(title, locale))
            for quiz_id, title, pass_mark in plain_rows(
                select(TrainerQuiz.quiz_id, TrainerQuiz.title, TrainerQuiz.data["meta"]["pass_mark"].as_integer())
                .where(TrainerQuiz.cohort_id == cohort.id, TrainerQuiz.state != TrainerQuizState.DRAFT)
                .order_by(TrainerQuiz.opened_at, TrainerQuiz.id))]


def quiz_cells(user_ids: list[int], quiz_ids: list[str]) -> dict[tuple[int, str], QuizCell]:
    """One aggregate query over the cohort's submitted attempts, each under the test it counts as (a parallel
    form taken in the other test's place is shown in that test's column)."""
    if not user_ids or not quiz_ids:
        return {}
    query = (
        select(QuizAttempt.user_id, QuizAttempt.counted_quiz_id, func.count(QuizAttempt.id),
               func.max(QuizAttempt.score), func.sum(case((QuizAttempt.passed.is_(False), 1), else_=0)),
               func.sum(case((QuizAttempt.passed.is_(True), 1), else_=0)))
        .where(QuizAttempt.user_id.in_(user_ids), QuizAttempt.counted_quiz_id.in_(quiz_ids),
               QuizAttempt.state == AttemptState.SUBMITTED)
        .group_by(QuizAttempt.user_id, QuizAttempt.counted_quiz_id)
    )
    return {
        (user_id, quiz_id): QuizCell(best=None if best is None else round(float(best), 1), attempts=count,
                                     failures=int(failures or 0), passed=bool(passes))
        for user_id, quiz_id, count, best, failures, passes in db.session.execute(query)
    }


def _users_with_open_attempts(user_ids: list[int]) -> set[int]:
    if not user_ids:
        return set()
    return set(db.session.scalars(select(QuizAttempt.user_id).distinct().where(
        QuizAttempt.user_id.in_(user_ids), QuizAttempt.state == AttemptState.IN_PROGRESS)))


def _skimmed(user_ids: list[int], module_ids: list[str]) -> dict[int, int]:
    """Sections of the track each learner pressed "Next" on too soon and has not read since, in one query."""
    if not user_ids or not module_ids:
        return {}
    read = select(SectionRead.id).where(SectionRead.user_id == ReadingSkim.user_id,
                                        SectionRead.module_id == ReadingSkim.module_id,
                                        SectionRead.section_id == ReadingSkim.section_id).exists()
    return dict(plain_rows(select(ReadingSkim.user_id, func.count()).where(
        ReadingSkim.user_id.in_(user_ids), ReadingSkim.module_id.in_(module_ids), ~read)
        .group_by(ReadingSkim.user_id)))


def _attention(cohort: Cohort, rows: list[LearnerRow], progress: dict[int, TrackProgress], started_quiz: set[int],
               columns: list[QuizColumn], days: int, today: date, skimmed: dict[int, int]) -> list[Attention]:
    """Learners who have not started some days after enrolling, failed a quiz twice without passing it, or
    pressed "Next" through sections faster than they can be read (``course.learn.pace``)."""
    items = []
    for row in rows:
        reasons = []
        if sections := skimmed.get(row.person.user_id):
            reasons.append(ngettext("skimmed %(num)d section: moved on before it could be read, so it is not "
                                    "counted", "skimmed %(num)d sections: moved on before they could be read, so "
                                    "they are not counted", sections))
        since = max(cohort.starts_on, _as_date(row.person.enrolled_at))
        idle = (not progress[row.person.user_id].started and row.person.user_id not in started_quiz
                and not any(cell.attempts for cell in row.quizzes))
        if idle and today - since >= timedelta(days=days):
            reasons.append(ngettext("has not started after %(num)d day", "has not started after %(num)d days",
                                    (today - since).days))
        reasons += [ngettext("failed %(quiz)s %(num)d time", "failed %(quiz)s %(num)d times", cell.failures,
                             quiz=column.title.value)
                    for column, cell in zip(columns, row.quizzes, strict=True) if cell.failed_twice]
        if reasons:
            items.append(Attention(row.person.user_id, row.name, reasons))
    return items


def _as_date(moment: datetime | date) -> date:
    return moment.date() if isinstance(moment, datetime) else moment


#: Cohort views whose item statistics a process keeps (they change only when an attempt is submitted).
DIFFICULT_CACHE_SIZE = 128


def _difficult_questions(user_ids: list[int], columns: list[QuizColumn], locale: str,
                         fallbacks: Sequence[str]) -> list[DifficultQuestion]:
    """The hardest questions of the cohort's submitted attempts.

    They change only when one of the cohort's attempts is submitted (or regraded), so one small query tells
    whether the list computed for the last view still holds: while learners are in the middle of a quiz (which
    makes the whole dashboard be computed again, ``course.cohorts.freshness``), this part is not. The
    computation itself is ``_hardest``.
    """
    if not user_ids or not columns:
        return []
    where = (QuizAttempt.user_id.in_(user_ids), QuizAttempt.quiz_id.in_([column.quiz_id for column in columns]),
             QuizAttempt.state == AttemptState.SUBMITTED, QuizAttempt.possible > 0)
    signature = tuple(plain_rows(select(func.count(), func.max(QuizAttempt.id), func.sum(QuizAttempt.earned))
                                 .where(*where))[0])
    key = (tuple(user_ids), tuple((c.quiz_id, c.title.value) for c in columns), locale, tuple(fallbacks), signature)
    kept = app_cache("course.difficult_questions", DIFFICULT_CACHE_SIZE)
    return kept.get_or_make(key, lambda: _hardest(where, columns, locale, fallbacks))


def _hardest(where: tuple, columns: list[QuizColumn], locale: str,
             fallbacks: Sequence[str]) -> list[DifficultQuestion]:
    """Item statistics of the attempts ``where`` selects, hardest first (three queries, whatever the number of
    answers): the database finds the questions answered worst (the mean share of the points); only the answers
    to those few are read, for the discrimination index and the wrong options chosen most.

    Questions are counted per form and per test it was taken as: where the course swaps its parallel forms, the
    same form is answered before the course by half the cohort and after it by the other half, and pooling the
    two would make the discrimination index tell before from after, not strong from weak learners."""
    titles = {column.quiz_id: column.title for column in columns}
    share = func.avg(AttemptAnswer.earned / AttemptAnswer.possible)
    taken_as = QuizAttempt.counted_quiz_id
    hardest = plain_rows(
        select(QuizAttempt.quiz_id, taken_as, AttemptAnswer.question_id).join(QuizAttempt)
        .where(*where, AttemptAnswer.possible > 0)
        .group_by(QuizAttempt.quiz_id, taken_as, AttemptAnswer.question_id)
        .having(share < DIFFICULT_BELOW).order_by(share, func.count().desc(), AttemptAnswer.question_id)
        .limit(DIFFICULT_QUESTIONS_SHOWN))
    if not hardest:
        return []
    found = []
    for (quiz_id, test_id), (item_stats, latest_hash) in grouped_statistics(
            where, (QuizAttempt.quiz_id, taken_as), hardest).items():
        definition = pinned_definition(quiz_id, latest_hash)
        for stats in item_stats:
            spec = definition.questions.get(stats.question_id) if definition else None
            if spec is None:
                continue
            found.append(DifficultQuestion(
                quiz_title=titles.get(test_id, titles.get(quiz_id)), prompt=pick(spec.prompt, locale, fallbacks),
                responses=stats.responses, facility=stats.facility, discrimination=stats.discrimination,
                common_wrong=wrong_options_in_words(spec, stats.common_wrong, locale, fallbacks),
            ))
    return sorted(found, key=lambda q: (q.facility, -q.responses))


def _certificates(user_ids: list[int], cohort: Cohort) -> tuple[dict[int, str], set[int]]:
    """Serial numbers of the valid certificates of the cohort's track by learner, and the learners who had one
    revoked."""
    valid: dict[int, str] = {}
    revoked: set[int] = set()
    if user_ids:
        for user_id, serial, revoked_at in plain_rows(select(
                Certificate.user_id, Certificate.serial, Certificate.revoked_at).where(
                Certificate.user_id.in_(user_ids), Certificate.course_id == cohort.course_id,
                Certificate.track_id == cohort.track_id)):
            if revoked_at is not None:
                revoked.add(user_id)
            else:
                valid[user_id] = serial
    return valid, revoked


def cohort_dashboard(cohort: Cohort, catalogue: Catalogue, locale: str, *, attention_days: int,
                     today: date | None = None) -> CohortDashboard:
    """The whole dashboard of one cohort, in a fixed number of queries."""
    track = catalogue.track(cohort.track_id) or {"modules": []}
    fallbacks = catalogue.fallbacks(locale)
    modules = [catalogue.modules[m] for m in track["modules"] if m in catalogue.modules]
    columns = [QuizColumn(q, pick(catalogue.quizzes[q]["title"], locale, fallbacks),
                          catalogue.quizzes[q].get("pass_mark"), short_title(catalogue.quizzes[q], locale, fallbacks))
               for q in track_quiz_ids(catalogue, track)] + trainer_quiz_columns(cohort, locale)
    people = roster(cohort)
    ids = [person.user_id for person in people]
    days = [day.day for day in session_days(cohort)]
    today = today or local_today()
    shares = attendance_shares(ids) if ids else {}
    progress = track_progress(catalogue, track, ids, read=sections_read_by(ids), shares=shares)
    cells = quiz_cells(ids, [c.quiz_id for c in columns])
    certificates, revoked = _certificates(ids, cohort)
    gains = course_gains(catalogue.course, catalogue.quizzes, ids) if ids else {}
    orders = parallel.form_orders(ids, catalogue.course) if ids and parallel.pair(catalogue.course) else {}
    titles = objective_titles(catalogue, locale)
    rows = []
    for person in people:
        gain, mine = gains.get(person.user_id), progress[person.user_id]
        rows.append(LearnerRow(
            person=person, statuses=[mine.statuses[m.id] for m in modules],
            quizzes=[cells.get((person.user_id, c.quiz_id), NO_ATTEMPT) for c in columns],
            pre=gain.pre if gain else None, post=gain.post if gain else None, gain=gain.gain if gain else None,
            complete=mine.complete, certificate=certificates.get(person.user_id),
            certificate_revoked=person.user_id in revoked,
            attendance=shares.get((person.user_id, cohort.track_id), NO_DAYS),
            practice_passed=mine.practice_passed if mine.practice_required else None,
            form_order=str(parallel.ORDER_LABELS[orders[person.user_id]]) if person.user_id in orders else "",
        ))
    return CohortDashboard(
        modules=[ModuleColumn(pick(m.data["meta"]["title"], locale, fallbacks),
                              short_title(m.data["meta"], locale, fallbacks)) for m in modules],
        quizzes=columns, rows=rows, group=group_gain(gains.values()),
        attention=_attention(cohort, rows, progress, _users_with_open_attempts(ids), columns, attention_days,
                             today, _skimmed(ids, [m.id for m in modules])),
        difficult=_difficult_questions(ids, columns, locale, fallbacks),
        attention_days=attention_days, certificate_rule=track.get("certificate"),
        session_days=len(days), min_attendance=min_attendance(track),
        practice_required=requires_practice(track), held_back=held_back(cohort, today),
        hours_now=hours_held(track.get("contact_hours", 0), days, today), track_hours=track.get("contact_hours", 0),
        gain_by_order=[(str(label), group_gain(gains[uid] for uid, mine in orders.items() if mine == order
                                                and uid in gains))
                       for order, label in parallel.ORDER_LABELS.items()] if orders else [],
        objective_gains=[(titles.get(row.key, row.key), row) for row in gain_by_objective(ids, catalogue)]
        if ids else [], gain_headings=figure_headings(),
    )
