"""View models of the quiz pages, computed here so templates only render."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from flask import url_for
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict

from course.content.localize import Text, pick
from course.learn.queries import Catalogue
from course.learn.status import PageStatus, Subject, page_status
from course.legal.provisions import EditionNotice, notices_for, question_citations, shows_draft_notice
from course.models.attempt import AttemptState, QuizAttempt
from course.models.content import ContentKind
from course.quiz.attempts import ON_PAPER, attempts_left, attempts_of, counted_score, definition_of, expire_overdue
from course.quiz.definition import QuizDefinition
from course.quiz.presenters import QuestionView, ReviewItem, as_entered, question_view, review_item
from course.quiz.review import ReviewAccess, review_access
from course.review.queries import version_review
from course.review.question_reports import reported_in

GRADING_LABELS = {
    "highest": _l("your highest score counts"),
    "last": _l("your last score counts"),
    "first": _l("your first score counts"),
    "average": _l("the average of your scores counts"),
}
KIND_LABELS = {
    "pre_test": _l("Pre-test"), "module_check": _l("Module check"), "case_study": _l("Case study"),
    "post_test": _l("Post-test"), "final": _l("Final assessment"), "trainer_quiz": _l("Quiz from your trainer"),
}


@dataclass(frozen=True)
class AttemptRow:
    number: int
    state: str
    started_at: datetime
    submitted_at: datetime | None
    score: float | None
    passed: bool | None
    url: str
    timed_out: bool
    #: "passed", "not passed", or for a pre-test "starting point recorded": a pre-test is not failed.
    verdict: str = ""
    #: Answered on a printed sheet, keyed in by a trainer (course.paper).
    on_paper: bool = False


@dataclass(frozen=True)
class OverviewPage:
    quiz_id: str
    title: Text
    notices: QuizNotices
    kind_label: str
    pass_mark: int
    #: A pre-test: no pass mark is shown (``is_baseline``).
    baseline: bool
    questions: int
    attempts_allowed: int | None
    attempts_left: int | None
    time_limit_minutes: int | None
    grading_label: str
    counted_score: float | None
    attempts: list[AttemptRow]
    open_attempt_url: str | None
    can_start: bool


def is_baseline(kind: str) -> bool:
    """A pre-test records where a learner starts, for the gain: it has a score, never a pass or a fail."""
    return kind == "pre_test"


def _verdict(kind: str, passed: bool | None) -> str:
    if is_baseline(kind):
        return str(_l("starting point recorded"))
    return str(_l("passed") if passed else _l("not passed"))


def _fallbacks(catalogue: Catalogue | None, locale: str) -> tuple[str, ...]:
    return catalogue.fallbacks(locale) if catalogue else ("en",)


def _question_count(definition: QuizDefinition) -> int:
    if definition.settings.draw:
        return sum(rule.count for rule in definition.settings.draw)
    return len(definition.questions)


def overview_page(user_id: int, catalogue: Catalogue, definition: QuizDefinition, locale: str, *,
                  accepting: bool = True) -> OverviewPage:
    """``accepting``: False for a trainer's quiz closed since (its attempts stay readable, none may start)."""
    expire_overdue(user_id=user_id, quiz_id=definition.quiz_id)
    attempts = attempts_of(user_id, definition.quiz_id)
    settings = definition.settings
    left = attempts_left(definition, attempts)
    open_attempt = next((a for a in attempts if a.state == AttemptState.IN_PROGRESS), None)
    rows = [
        AttemptRow(
            number=a.number, state=a.state, started_at=a.started_at, submitted_at=a.submitted_at, score=a.score,
            passed=a.passed, timed_out=a.submitted_by == "time", verdict=_verdict(settings.kind, a.passed),
            on_paper=a.submitted_by == ON_PAPER,
            url=url_for("quiz.result" if a.state == AttemptState.SUBMITTED else "quiz.take", attempt_id=a.id),
        )
        for a in attempts
    ]
    return OverviewPage(
        quiz_id=definition.counts_as or definition.quiz_id,  # the test: its URL serves the learner's form
        title=pick(settings.title, locale, _fallbacks(catalogue, locale)),
        notices=quiz_notices(definition, list(definition.questions), catalogue, locale),
        kind_label=str(KIND_LABELS[settings.kind]),
        pass_mark=settings.pass_mark, baseline=is_baseline(settings.kind),
        questions=_question_count(definition),
        attempts_allowed=settings.attempts_allowed,
        attempts_left=left,
        time_limit_minutes=settings.time_limit_minutes,
        grading_label=str(GRADING_LABELS[settings.grading_method]),
        counted_score=counted_score(attempts, settings.grading_method),
        attempts=rows,
        open_attempt_url=url_for("quiz.take", attempt_id=open_attempt.id) if open_attempt else None,
        can_start=accepting and open_attempt is None and left != 0,
    )


@dataclass(frozen=True)
class QuizNotices:
    """What the learner is told above a quiz: a version not yet legally reviewed, a draft translation, and the
    status of the legal texts its questions apply (from the editions they cite)."""

    #: The one banner about the quiz's own texts: draft translation, not yet legally reviewed.
    status: PageStatus
    legal_notices: list[EditionNotice]


def quiz_notices(definition: QuizDefinition, question_ids: list[str], catalogue: Catalogue | None,
                 locale: str) -> QuizNotices:
    provisions = catalogue.provisions if catalogue else {}
    cited = [citation for qid in question_ids
             for citation in question_citations(definition.questions[qid].model_dump(include={"cites", "parts"}))]
    review = version_review(ContentKind.QUIZ, definition.quiz_id, definition.content_hash)
    # A trainer's quiz is made of questions from signed-off versions only (course.trainer_quizzes).
    signed_off = review.signed_off or definition.settings.kind == "trainer_quiz"
    return QuizNotices(
        status=page_status(Subject.QUIZ, not_reviewed=shows_draft_notice(signed_off, provisions, cited),
                           draft_translation_in=locale if review.draft_translation(
                               locale, definition.settings.draft_languages) else None),
        legal_notices=notices_for(provisions, cited, locale, _fallbacks(catalogue, locale)),
    )


@dataclass(frozen=True)
class TakePage:
    attempt_id: int
    quiz_id: str
    title: Text
    number: int
    notices: QuizNotices
    questions: list[QuestionView]
    deadline_at: datetime | None
    save_url: str
    submit_url: str
    answer_url_prefix: str


def take_page(attempt: QuizAttempt, catalogue: Catalogue | None, locale: str, *,
              refused: Mapping[str, str] | None = None, entered: MultiDict | None = None) -> TakePage:
    """The attempt as the learner answers it: saved answers filled in, or, for the questions whose answer was
    just ``refused`` (question id: why), what the learner ``entered``, with the reason beside it."""
    definition = definition_of(attempt)
    fallbacks = _fallbacks(catalogue, locale)
    responses = {answer.question_id: answer.response for answer in attempt.answers}
    orders = attempt.layout.get("orders", {})
    questions = [
        question_view(definition.questions[qid], number, responses.get(qid), orders.get(qid),
                      definition.question_type(qid).template, locale, fallbacks)
        for number, qid in enumerate(attempt.layout["questions"], start=1)
    ]
    if refused:
        questions = [as_entered(q, entered or MultiDict(), refused[q.id]) if q.id in refused else q
                     for q in questions]
    return TakePage(
        attempt_id=attempt.id, quiz_id=attempt.counted_quiz_id,
        title=pick(definition.settings.title, locale, fallbacks),
        number=attempt.number, notices=quiz_notices(definition, attempt.layout["questions"], catalogue, locale),
        questions=questions, deadline_at=attempt.deadline_at,
        save_url=url_for("quiz.save", attempt_id=attempt.id),
        submit_url=url_for("quiz.submit", attempt_id=attempt.id),
        answer_url_prefix=url_for("quiz.take", attempt_id=attempt.id) + "/answers/",
    )


@dataclass(frozen=True)
class SummaryPage:
    attempt_id: int
    title: Text
    answered: int
    total: int
    unanswered: list[int]
    deadline_at: datetime | None
    back_url: str
    submit_url: str


def summary_page(attempt: QuizAttempt, catalogue: Catalogue | None, locale: str) -> SummaryPage:
    definition = definition_of(attempt)
    answered = {a.question_id for a in attempt.answers if a.response is not None}
    order = attempt.layout["questions"]
    return SummaryPage(
        attempt_id=attempt.id, title=pick(definition.settings.title, locale, _fallbacks(catalogue, locale)),
        answered=len([q for q in order if q in answered]), total=len(order),
        unanswered=[n for n, q in enumerate(order, start=1) if q not in answered],
        deadline_at=attempt.deadline_at,
        back_url=url_for("quiz.take", attempt_id=attempt.id),
        submit_url=url_for("quiz.submit", attempt_id=attempt.id),
    )


@dataclass(frozen=True)
class ResultPage:
    quiz_id: str
    title: Text
    number: int
    score: float
    earned: float
    possible: float
    pass_mark: int
    passed: bool
    timed_out: bool
    on_paper: bool
    #: A pre-test: the page says the starting point is recorded, never "not passed".
    baseline: bool
    access: ReviewAccess
    items: list[ReviewItem]
    attempts_left: int | None
    attempt_id: int = 0
    #: The questions of the attempt its learner has reported (course.review.question_reports).
    reported: frozenset[str] = frozenset()


def result_page(attempt: QuizAttempt, catalogue: Catalogue | None, locale: str) -> ResultPage:
    definition = definition_of(attempt)
    fallbacks = _fallbacks(catalogue, locale)
    attempts = attempts_of(attempt.user_id, attempt.quiz_id)
    access = review_access(definition, attempt, attempts)
    items: list[ReviewItem] = []
    if access.any:
        answers = {answer.question_id: answer for answer in attempt.answers}
        sources = catalogue.sources if catalogue else {}
        for number, qid in enumerate(attempt.layout["questions"], start=1):
            answer = answers[qid]
            spec = definition.questions[qid]
            items.append(review_item(spec, number, answer.response, answer.parts or [],
                                     definition.question_type(qid).key_view(spec), access.answers, sources,
                                     locale, fallbacks))
    return ResultPage(
        quiz_id=attempt.counted_quiz_id, title=pick(definition.settings.title, locale, fallbacks),
        number=attempt.number,
        score=attempt.score or 0.0, earned=round(attempt.earned or 0, 2), possible=round(attempt.possible or 0, 2),
        pass_mark=definition.settings.pass_mark, passed=bool(attempt.passed), timed_out=attempt.submitted_by == "time",
        on_paper=attempt.submitted_by == ON_PAPER,
        baseline=is_baseline(definition.settings.kind), access=access, items=items,
        attempts_left=attempts_left(definition, attempts), attempt_id=attempt.id,
        reported=frozenset(reported_in(attempt.id)) if items else frozenset(),
    )
