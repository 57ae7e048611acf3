"""The course's pre-test and post-test as two parallel forms, taken both ways (counterbalancing).

A learner who meets the same questions before and after the course partly remembers them, and the gain is
inflated. With ``parallel_forms: true`` in course.yaml, half of each cohort takes the two forms the other way
round: the post-test's questions as their pre-test and the pre-test's as their post-test. The order is fixed at
enrolment, alternating within the cohort (``next_form_order``), and kept on the enrolment; once a learner took a
test, what they took decides. Pages and links always name the test (``/quizzes/pre-test`` is the learner's
pre-test); ``as_taken_by`` picks the form behind it.

Whichever form is taken, the *test* frames it: a form taken as the pre-test has the pre-test's title, single
attempt, grading and review rules; taken as the post-test, the post-test's pass mark and attempts. The attempt
keeps the form's own questions (and so its item statistics) and records the test it stands for in ``counts_as``,
which completion, gain and the trainers' grids count it as (``QuizAttempt.counted_quiz_id``).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, select

from course.extensions import db
from course.models.attempt import QuizAttempt
from course.models.enrolment import Enrolment, FormOrder
from course.quiz.definition import QuizDefinition, live_definition

#: What a form keeps of its own settings when it is taken as the other test: what belongs to its questions.
FORM_SETTINGS = ("id", "module", "shuffle_questions", "shuffle_choices", "draw", "draft_languages")
#: How trainers and reports name the orders: form A is the pre-test's own questions, form B the post-test's.
ORDER_LABELS = {FormOrder.AB: _l("A then B"), FormOrder.BA: _l("B then A")}
#: Framed definitions by (form id, form version, test id, test version); versions never change.
_FRAMED: dict[tuple[str, str, str, str], QuizDefinition] = {}
_FRAMED_LIMIT = 64


def pair(course: dict[str, Any]) -> tuple[str, str] | None:
    """The pre-test and post-test ids when the course swaps them between halves of a cohort, else None."""
    if course.get("parallel_forms") and course.get("pre_test") and course.get("post_test"):
        return course["pre_test"], course["post_test"]
    return None


def _taken(users: Select | list[int], tests: tuple[str, str]) -> dict[int, FormOrder]:
    """The order each learner has shown by the first test they took: their first attempt at either form stood
    for another test (BA) or for its own (AB). What was taken decides, whatever the enrolment says: a course
    that turned the forms on (or off) after some learners took the pre-test keeps them on their forms."""
    first = (select(func.min(QuizAttempt.id)).where(QuizAttempt.user_id.in_(users), QuizAttempt.quiz_id.in_(tests))
             .group_by(QuizAttempt.user_id))
    return {user_id: FormOrder.BA if counts_as else FormOrder.AB for user_id, counts_as in db.session.execute(
        select(QuizAttempt.user_id, QuizAttempt.counts_as).where(QuizAttempt.id.in_(first))).tuples()}


def form_orders(users: Select | list[int], course: dict[str, Any]) -> dict[int, FormOrder]:
    """Each learner's order, in two queries: shown by the first test they took, else set by their first
    enrolment in the course (AB for someone never enrolled is left out)."""
    first = (select(func.min(Enrolment.id)).where(Enrolment.user_id.in_(users), Enrolment.course_id == course["id"])
             .group_by(Enrolment.user_id))
    orders = dict(db.session.execute(select(Enrolment.user_id, Enrolment.form_order).where(Enrolment.id.in_(first)))
                  .tuples().all())
    if (tests := pair(course)) is not None:
        orders.update(_taken(users, tests))
    return orders


def next_form_order(user_id: int, cohort_id: int | None, course: dict[str, Any]) -> FormOrder:
    """The order for a new enrolment: the one the learner already follows (an earlier enrolment in the course,
    or a test already taken), else the one fewer learners of the cohort have, so the cohort splits in halves.
    Orders are given even while the course does not swap its forms, so turning ``parallel_forms`` on before
    the pre-test splits the cohorts already enrolled."""
    if (known := form_orders([user_id], course).get(user_id)) is not None:
        return known
    counts = dict(db.session.execute(
        select(Enrolment.form_order, func.count()).where(
            Enrolment.course_id == course["id"],
            Enrolment.cohort_id == cohort_id if cohort_id is not None else Enrolment.cohort_id.is_(None))
        .group_by(Enrolment.form_order)).all())
    return FormOrder.BA if counts.get(FormOrder.AB, 0) > counts.get(FormOrder.BA, 0) else FormOrder.AB


def framed(form: QuizDefinition, test: QuizDefinition) -> QuizDefinition:
    """``form``'s questions under ``test``'s title and rules, standing for ``test``."""
    key = (form.quiz_id, form.content_hash, test.quiz_id, test.content_hash)
    if (found := _FRAMED.get(key)) is not None:
        return found
    if len(_FRAMED) >= _FRAMED_LIMIT:
        _FRAMED.clear()
    settings = test.settings.model_copy(update={name: getattr(form.settings, name) for name in FORM_SETTINGS})
    made = _FRAMED[key] = replace(form, settings=settings, counts_as=test.quiz_id)
    return made


def as_taken_by(user_id: int, course: dict[str, Any], test: QuizDefinition) -> QuizDefinition:
    """The test as this learner takes it: for a learner taking the forms the other way round, the other form's
    questions under this test's rules. Pages and links name the test (``/quizzes/post-test`` is always the
    learner's post-test); the form behind it is chosen here."""
    return as_taken_by_each([user_id], course, test)[user_id]


def as_taken_by_each(user_ids: list[int], course: dict[str, Any], test: QuizDefinition) -> dict[int, QuizDefinition]:
    """``as_taken_by`` for several learners (a cohort's printed sheets) in the same two queries."""
    tests = pair(course)
    if tests is None or test.quiz_id not in tests:
        return dict.fromkeys(user_ids, test)
    swapping = {user_id for user_id, order in form_orders(user_ids, course).items() if order == FormOrder.BA}
    if not swapping:
        return dict.fromkeys(user_ids, test)
    form = live_definition(tests[1] if test.quiz_id == tests[0] else tests[0])
    swapped = framed(form, test) if form is not None else test
    return {user_id: swapped if user_id in swapping else test for user_id in user_ids}


def as_attempted(definition: QuizDefinition, counts_as: str | None) -> QuizDefinition:
    """An attempt's pinned version framed as the test it stood for (that test's live rules)."""
    test = live_definition(counts_as) if counts_as and counts_as != definition.quiz_id else None
    return framed(definition, test) if test is not None else definition
