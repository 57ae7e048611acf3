"""What a learner is asked to do outside the modules: take a quiz their trainer opened, evaluate a finished
cohort, answer its follow-up months later, see their teaching practice."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import exists, or_, select

from course.cascade.completion import requires_practice
from course.evaluation.services import open_for_evaluation
from course.extensions import db
from course.follow_up.form import course_follow_up_form
from course.follow_up.services import invitations
from course.learn.queries import Catalogue
from course.models.cohort import Cohort
from course.models.enrolment import Enrolment
from course.models.evaluation import EvaluationSubmission
from course.models.practice import PracticeAssessment
from course.models.user import User
from course.trainer_quizzes.queries import waiting_for


@dataclass(frozen=True)
class TodoLink:
    label: str
    url: str


def learner_todo(user: User, catalogue: Catalogue, today: date, locale: str) -> list[TodoLink]:
    """Links for the home page, in five queries."""
    links = [TodoLink(_("Quiz from your trainer: %(title)s (%(cohort)s)", title=title, cohort=cohort),
                      url_for("quiz.overview", quiz_id=quiz_id)) for quiz_id, title, cohort in waiting_for(user.id)]
    if catalogue.course.get("evaluation"):
        answered = select(EvaluationSubmission.cohort_id).where(EvaluationSubmission.user_id == user.id)
        for cohort_id, name in db.session.execute(
                select(Cohort.id, Cohort.name).join(Enrolment, Enrolment.cohort_id == Cohort.id)
                .where(Enrolment.user_id == user.id, open_for_evaluation(today), Cohort.id.not_in(answered))
                .order_by(Cohort.ends_on)):
            links.append(TodoLink(_("Evaluate your training: %(cohort)s", cohort=name),
                                  url_for("evaluation.fill", cohort_id=cohort_id)))
    follow_up = course_follow_up_form(catalogue, locale)
    if follow_up is not None:
        links += [TodoLink(_("What have you applied since your training? Follow-up at %(wave)d months: %(cohort)s",
                             wave=invitation.wave, cohort=invitation.cohort_name),
                           url_for("follow_up.fill", cohort_id=invitation.cohort_id, wave=invitation.wave))
                  for invitation in invitations(user.id, follow_up, today)]
    practice_tracks = [t["id"] for t in catalogue.course["tracks"] if requires_practice(t)]
    if db.session.scalar(select(or_(
            exists().where(Enrolment.user_id == user.id, Enrolment.track_id.in_(practice_tracks)),
            exists().where(PracticeAssessment.trainee_id == user.id)))):
        links.append(TodoLink(_("Your teaching practice: assessment and recommendations"), url_for("practice.mine")))
    return links
