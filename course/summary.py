"""Keep the learner summaries current: what reports read instead of every section read and attempt.

``refresh_learners`` recomputes, for a set of learners, whether they started and
completed each track of the course (the same rule as the learner pages, in
``course.cascade.completion``), their counted pre/post-test scores, and their
percent on each module's questions in those two tests. The learning paths call
it for the one learner who just read a section or submitted an attempt; a
content change, ``course demo-data`` and ``course refresh-summaries`` call it
for everyone. It runs a fixed number of queries whatever the number of learners,
and writes with an upsert so two requests of the same learner cannot collide.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Select, case, delete, func, literal, select
from sqlalchemy.dialects import postgresql, sqlite

from course.attendance.queries import NO_DAYS, attendance_shares
from course.cascade.completion import min_attendance, required_quizzes, requires_practice
from course.extensions import db
from course.learn.queries import Catalogue, load_catalogue
from course.models.attempt import AttemptAnswer, AttemptState, QuizAttempt
from course.models.progress import SectionRead
from course.models.summary import LearnerSummary, ModuleGain, ObjectiveGain
from course.models.types import utcnow
from course.models.user import User
from course.practice.queries import practice_passed
from course.quiz import parallel
from course.quiz.analytics import course_gains
from course.quiz.definition import live_definition
from course.sql import chunks, plain_rows

#: Rows per INSERT when refreshing everyone.
BATCH = 1000


def _bits(names: Iterable[str]) -> dict[str, int]:
    return {name: 1 << index for index, name in enumerate(names)}


def _mask(column, bits: dict[str, int]):
    """A CASE giving each name its bit, so the database can sum a set of names into one integer."""
    return case(*((column == name, bit) for name, bit in bits.items()), else_=0) if bits else literal(0)


def _modules_finished(users: Select, catalogue: Catalogue, bits: dict[str, int]) -> dict[int, int]:
    """Per learner with any section read: the modules whose every section they read, as a bit mask."""
    needed = case(*((SectionRead.module_id == m, len(catalogue.modules[m].section_keys)) for m in bits),
                  else_=1_000_000)
    per_module = (select(SectionRead.user_id, SectionRead.module_id,
                         (func.count(func.distinct(SectionRead.section_id)) >= needed).label("done"))
                  .where(SectionRead.user_id.in_(users)).group_by(SectionRead.user_id, SectionRead.module_id)
                  .subquery())
    return {uid: int(mask or 0) for uid, mask in plain_rows(select(per_module.c.user_id, func.sum(case(
        (per_module.c.done, _mask(per_module.c.module_id, bits)), else_=0))).group_by(per_module.c.user_id))}


def _quizzes_passed(users: Select, bits: dict[str, int]) -> dict[int, int]:
    """Per learner with any submitted attempt: the quizzes (of ``bits``) they passed at least once, as a bit mask."""
    per_quiz = (select(QuizAttempt.user_id, QuizAttempt.counted_quiz_id.label("quiz_id"),
                       func.max(case((QuizAttempt.passed.is_(True), 1), else_=0)).label("passed"))
                .where(QuizAttempt.user_id.in_(users), QuizAttempt.state == AttemptState.SUBMITTED)
                .group_by(QuizAttempt.user_id, QuizAttempt.counted_quiz_id).subquery())
    return {uid: int(mask or 0) for uid, mask in plain_rows(select(per_quiz.c.user_id, func.sum(case(
        (per_quiz.c.passed == 1, _mask(per_quiz.c.quiz_id, bits)), else_=0))).group_by(per_quiz.c.user_id))}


def _track_summaries(users: Select, catalogue: Catalogue) -> list[dict[str, Any]]:
    """One row per learner with any progress and per track of the course."""
    modules = _bits(catalogue.modules)
    quizzes = _bits(sorted({q for t in catalogue.course["tracks"] for q in required_quizzes(t)}))
    finished = _modules_finished(users, catalogue, modules)
    passed = _quizzes_passed(users, quizzes)
    gains = course_gains(catalogue.course, catalogue.quizzes, users)
    orders = parallel.form_orders(users, catalogue.course) if parallel.pair(catalogue.course) else {}
    minimums = {track["id"]: min_attendance(track) for track in catalogue.course["tracks"]}
    shares = attendance_shares(users) if any(m is not None for m in minimums.values()) else {}
    practice = {track["id"] for track in catalogue.course["tracks"] if requires_practice(track)}
    practised = practice_passed(users) if practice else set()
    needs = {track["id"]: (sum(modules.get(m, 0) for m in track["modules"]),
                           sum(quizzes[q] for q in required_quizzes(track)))
             for track in catalogue.course["tracks"]}
    now, course_id = utcnow(), catalogue.course["id"]
    rows = []
    for uid in sorted(finished.keys() | passed.keys() | gains.keys()):
        done, ok, gain = finished.get(uid, 0), passed.get(uid, 0), gains.get(uid)
        for track_id, (module_mask, quiz_mask) in needs.items():
            rows.append({
                "user_id": uid, "course_id": course_id, "track_id": track_id, "started": True,
                "completed": bool(module_mask) and done & module_mask == module_mask and ok & quiz_mask == quiz_mask
                and shares.get((uid, track_id), NO_DAYS).meets(minimums[track_id])
                and (track_id not in practice or (uid, track_id) in practised),
                "pre_score": gain.pre if gain else None, "post_score": gain.post if gain else None,
                "form_order": orders[uid].value if uid in orders else None, "refreshed_at": now,
            })
    return rows


def _counted_attempts(quiz_id: str, method: str, users: Select):
    """The attempts a grading method counts, one per learner ("average" counts them all), as (id, user_id,
    quiz_id): ``quiz_id`` is the form actually answered, which for a test may be the parallel one."""
    submitted = (QuizAttempt.counted_quiz_id == quiz_id, QuizAttempt.state == AttemptState.SUBMITTED,
                 QuizAttempt.user_id.in_(users))
    if method == "average":
        return select(QuizAttempt.id, QuizAttempt.user_id, QuizAttempt.quiz_id).where(*submitted).subquery()
    order = {"highest": (QuizAttempt.score.desc(), QuizAttempt.number.asc()),
             "last": (QuizAttempt.number.desc(),)}.get(method, (QuizAttempt.number.asc(),))
    ranked = (select(QuizAttempt.id, QuizAttempt.user_id, QuizAttempt.quiz_id,
                     func.row_number().over(partition_by=QuizAttempt.user_id, order_by=order).label("rank"))
              .where(*submitted).subquery())
    return select(ranked.c.id, ranked.c.user_id, ranked.c.quiz_id).where(ranked.c.rank == 1).subquery()


#: Percent per (learner, group) of questions: the module's or the objective's.
Percents = dict[tuple[int, str], float]


def _group_percents(test_id: str | None, default_method: str, users: Select,
                    catalogue: Catalogue) -> tuple[Percents, Percents]:
    """Percent on each module's and on each objective's (tag's) questions of a test, per learner, from the
    counted attempts, in one query. The questions are looked up in the form each attempt answered: the two
    parallel forms share question ids but not always their modules and tags."""
    forms = {quiz_id: live_definition(quiz_id) for quiz_id in
             ([test_id, *(parallel.pair(catalogue.course) or ())] if test_id else [])}
    groups = {(quiz_id, qid): (spec.module, tuple(spec.tags))
              for quiz_id, definition in forms.items() if definition for qid, spec in definition.questions.items()}
    if not groups:
        return {}, {}
    counted = _counted_attempts(test_id, catalogue.quizzes.get(test_id, {}).get("grading_method", default_method),
                                users)
    by_module: dict[tuple[int, str], list[float]] = defaultdict(lambda: [0.0, 0.0])
    by_objective: dict[tuple[int, str], list[float]] = defaultdict(lambda: [0.0, 0.0])
    for uid, quiz_id, question_id, earned, possible in plain_rows(
        select(counted.c.user_id, counted.c.quiz_id, AttemptAnswer.question_id, func.sum(AttemptAnswer.earned),
               func.sum(AttemptAnswer.possible))
        .join(counted, counted.c.id == AttemptAnswer.attempt_id)
        .group_by(counted.c.user_id, counted.c.quiz_id, AttemptAnswer.question_id)
    ):
        module, tags = groups.get((quiz_id, question_id), (None, ()))
        cells = [by_objective[uid, tag] for tag in tags] + ([by_module[uid, module]] if module else [])
        for cell in cells:
            cell[0] += earned or 0
            cell[1] += possible or 0

    def percents(sums: dict[tuple[int, str], list[float]]) -> Percents:
        return {key: round(earned / possible * 100, 1) for key, (earned, possible) in sums.items() if possible}

    return percents(by_module), percents(by_objective)


def _gain_rows(users: Select, catalogue: Catalogue) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The rows of ``module_gains`` and of ``objective_gains`` for these learners."""
    pre_modules, pre_objectives = _group_percents(catalogue.course.get("pre_test"), "first", users, catalogue)
    post_modules, post_objectives = _group_percents(catalogue.course.get("post_test"), "highest", users, catalogue)
    course_id = catalogue.course["id"]
    modules = [{"user_id": uid, "course_id": course_id, "module_id": module_id,
                "pre_percent": pre_modules.get((uid, module_id)), "post_percent": post_modules.get((uid, module_id))}
               for uid, module_id in sorted(pre_modules.keys() | post_modules.keys())]
    objectives = [{"user_id": uid, "course_id": course_id, "objective": tag,
                   "pre_percent": pre_objectives.get((uid, tag)), "post_percent": post_objectives.get((uid, tag))}
                  for uid, tag in sorted(pre_objectives.keys() | post_objectives.keys())]
    return modules, objectives


def _upsert(model, rows: list[dict[str, Any]], keys: tuple[str, ...]) -> None:
    """Insert, or update where the key exists: a concurrent refresh of the same learner overwrites, never fails."""
    if not rows:
        return
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(model)
    statement = statement.on_conflict_do_update(
        index_elements=list(keys), set_={name: statement.excluded[name] for name in rows[0] if name not in keys})
    for chunk in chunks(rows, BATCH):
        db.session.execute(statement, chunk)


def refresh_learners(users: Select | Sequence[int], catalogue: Catalogue | None = None) -> int:
    """Recompute the summaries of these learners (a SELECT of ids, or ids); returns the rows written.

    Flushes only: the caller commits with the progress that prompted the refresh.
    """
    catalogue = catalogue or load_catalogue()
    if catalogue is None:
        return 0
    db.session.flush()  # the queries below go through the connection, which does not autoflush
    if not isinstance(users, Select):
        users = select(User.id).where(User.id.in_(list(users)))
    course_id = catalogue.course["id"]
    summaries = _track_summaries(users, catalogue)
    module_gains, objective_gains = _gain_rows(users, catalogue)
    tracks = [track["id"] for track in catalogue.course["tracks"]]
    db.session.execute(delete(LearnerSummary).where(
        LearnerSummary.user_id.in_(users),
        (LearnerSummary.course_id != course_id) | LearnerSummary.track_id.not_in(tracks)))
    db.session.execute(delete(ModuleGain).where(
        ModuleGain.user_id.in_(users),
        (ModuleGain.course_id != course_id) | ModuleGain.module_id.not_in(list(catalogue.modules))))
    # A question's tags can change with its test's version: the learners' objectives are written anew.
    db.session.execute(delete(ObjectiveGain).where(ObjectiveGain.user_id.in_(users)))
    _upsert(LearnerSummary, summaries, ("user_id", "course_id", "track_id"))
    _upsert(ModuleGain, module_gains, ("user_id", "course_id", "module_id"))
    _upsert(ObjectiveGain, objective_gains, ("user_id", "course_id", "objective"))
    return len(summaries) + len(module_gains) + len(objective_gains)


def refresh_everyone(catalogue: Catalogue | None = None) -> int:
    """After a content change (a module gained a section, a track a quiz): every learner's standing again."""
    return refresh_learners(select(User.id), catalogue)


def summaries_missing() -> bool:
    """True when learners have progress but no summary yet: a database upgraded from before summaries existed."""
    if db.session.scalar(select(LearnerSummary.user_id).limit(1)) is not None:
        return False
    return db.session.scalar(select(SectionRead.user_id).limit(1)) is not None or db.session.scalar(
        select(QuizAttempt.user_id).where(QuizAttempt.state == AttemptState.SUBMITTED).limit(1)) is not None
