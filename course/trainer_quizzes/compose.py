"""A trainer's quiz as the engine reads a quiz version: bank questions copied in, settings within the course's
bounds.

The questions are copied, not referred to: an opened quiz must not change under the learners taking it when the
course's quiz files move on, exactly as an attempt stays pinned to the version it started on. Each copy keeps
the name of the bank question it came from, so its answers add to that question's statistics in the bank.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from pydantic import ValidationError

from course.content.repository import live_versions
from course.content.schema import QuizSettings, TrainerQuizBounds
from course.content.snapshot import canonical_hash
from course.domain import DomainError
from course.models.content import ContentKind
from course.quiz.definition import TRAINER_QUIZ_PREFIX, definition_from_data
from course.review.bank import BankQuestion

#: What a trainer may choose for "review": when a learner sees what, from the course's own review policies.
REVIEW_SHOWS = ("answers", "correctness", "score")
REVIEW_WHENS = ("immediately", "after_last_attempt")


class QuizRefused(DomainError):
    """A quiz that cannot be built or changed as asked; the message says why."""


@dataclass(frozen=True)
class QuizOptions:
    title: str
    pass_mark: int = 70
    attempts_allowed: int = 1
    time_limit_minutes: int | None = None
    review_show: str = "answers"
    review_when: str = "immediately"
    shuffle_questions: bool = False
    shuffle_choices: bool = True


def bounds_of(course: Mapping[str, Any]) -> TrainerQuizBounds:
    """The course's bounds; a course synced before they existed gets the defaults."""
    return TrainerQuizBounds.model_validate(course.get("trainer_quizzes") or {})


def new_quiz_id() -> str:
    return f"{TRAINER_QUIZ_PREFIX}{secrets.token_hex(6)}"


def drawn(offered: Sequence[BankQuestion], objective: str, count: int, taken: Sequence[str]) -> list[str]:
    """``count`` questions on ``objective`` picked at random among those not ``taken`` yet (fewer if the bank has
    fewer)."""
    pool = [q.key for q in offered if objective in q.objectives and q.key not in taken]
    return random.sample(pool, min(count, len(pool)))  # noqa: S311  (a choice of questions, not a secret)


def check_options(options: QuizOptions, bounds: TrainerQuizBounds, question_count: int) -> None:
    """Refuse what the course does not allow; the form says the same before it gets here."""
    title = options.title.strip()
    if not title or len(title) > 200:
        raise QuizRefused(_("Give the quiz a title of at most 200 characters."))
    if not 1 <= question_count <= bounds.max_questions:
        raise QuizRefused(_("Choose between 1 and %(max)d questions.", max=bounds.max_questions))
    if not 0 <= options.pass_mark <= 100:
        raise QuizRefused(_("The pass mark is a percentage from 0 to 100."))
    if not 1 <= options.attempts_allowed <= bounds.max_attempts:
        raise QuizRefused(_("The course allows between 1 and %(max)d attempts.", max=bounds.max_attempts))
    if options.time_limit_minutes is not None and not 1 <= options.time_limit_minutes <= bounds.max_time_limit_minutes:
        raise QuizRefused(_("The course allows a time limit of 1 to %(max)d minutes.",
                            max=bounds.max_time_limit_minutes))
    if options.review_show not in REVIEW_SHOWS or options.review_when not in REVIEW_WHENS:
        raise QuizRefused(_("Choose what learners see after submitting, and when."))


def compose(quiz_id: str, options: QuizOptions, picks: Sequence[str], offered: Sequence[BankQuestion],
            languages: Sequence[str], bounds: TrainerQuizBounds) -> tuple[dict[str, Any], str, dict[str, list[str]]]:
    """The quiz version (data, hash) and each question's bank origin, from the ``picks`` (bank keys, in order).

    Only ``offered`` questions may be picked: the signed-off ones, as the trainer's bank page shows them."""
    picks = list(dict.fromkeys(picks))
    check_options(options, bounds, len(picks))
    by_key = {q.key: q for q in offered}
    if unknown := [key for key in picks if key not in by_key]:
        raise QuizRefused(_("These questions are not among the bank's signed-off questions: %(keys)s.",
                            keys=", ".join(unknown[:5])))
    versions = {v.content_id: v for v in live_versions(ContentKind.QUIZ)}
    questions, sources, draft_languages = [], {}, set()
    for key in picks:
        bank_question = by_key[key]
        version = versions[bank_question.quiz_id]
        raw = next(q for q in version.data["questions"] if q["id"] == bank_question.question_id)
        copy_id = f"{bank_question.quiz_id}--{bank_question.question_id}"[:100]
        questions.append({**raw, "id": copy_id, "module": bank_question.module})
        sources[copy_id] = [bank_question.quiz_id, bank_question.question_id]
        draft_languages.update(version.data["meta"].get("draft_languages", []))
    meta = {
        "schema_version": 1, "id": quiz_id, "title": dict.fromkeys(languages, options.title.strip()),
        "kind": "trainer_quiz", "pass_mark": options.pass_mark, "attempts_allowed": options.attempts_allowed,
        "grading_method": "highest", "shuffle_questions": options.shuffle_questions,
        "shuffle_choices": options.shuffle_choices, "time_limit_minutes": options.time_limit_minutes,
        "review": {"show": options.review_show, "when": options.review_when},
        "draft_languages": sorted(draft_languages),
    }
    try:
        meta = QuizSettings.model_validate(meta).model_dump(mode="json")
    except ValidationError as exc:
        raise QuizRefused(_("The quiz's options do not fit together: %(problem)s",
                            problem=exc.errors()[0]["msg"])) from exc
    data = {"meta": meta, "questions": questions}
    content_hash = canonical_hash(data)
    definition_from_data(quiz_id, content_hash, data)  # every copied question still reads as its type
    return data, content_hash, sources


def options_of(title: str, data: Mapping[str, Any]) -> QuizOptions:
    """The options a quiz was built with (its title is kept beside its data, for lists), to change a draft."""
    meta = data["meta"]
    return QuizOptions(
        title=title, pass_mark=meta["pass_mark"],
        attempts_allowed=meta["attempts_allowed"], time_limit_minutes=meta.get("time_limit_minutes"),
        review_show=meta["review"]["show"], review_when=meta["review"]["when"],
        shuffle_questions=meta["shuffle_questions"], shuffle_choices=meta["shuffle_choices"])
