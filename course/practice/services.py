"""Recording a teaching-practice assessment, refused whole when anything in it is wrong."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import gettext as _

from course.audit import record_event
from course.cascade.completion import requires_practice
from course.cohorts.queries import is_learner_of
from course.domain import DomainError
from course.extensions import db
from course.models.cohort import Cohort
from course.models.practice import PracticeAssessment
from course.models.user import User
from course.practice.rubric import Rubric
from course.summary import refresh_learners

#: Recommendations shorter than this are not yet advice a trainee can act on.
MIN_RECOMMENDATIONS = 20
MAX_RECOMMENDATIONS = 5000


def record_assessment(cohort: Cohort, track: dict[str, Any], rubric: Rubric, trainee: User, assessor: User,
                      module_id: str, raw_scores: Mapping[str, str], recommendations: str) -> PracticeAssessment:
    """Score ``trainee``'s presentation; raises DomainError (nothing written) on any mistake."""
    if not requires_practice(track):
        raise DomainError(_("This cohort's track has no teaching practice."))
    if not is_learner_of(cohort.id, trainee.id):
        raise DomainError(_("Only the cohort's own learners can be assessed here."))
    if trainee.id == assessor.id:
        raise DomainError(_("You cannot assess your own teaching practice."))
    if module_id not in track["modules"]:
        raise DomainError(_("Choose the module whose topic was presented."), field="module")
    scores = rubric.check(raw_scores)
    text = recommendations.strip()
    if len(text) < MIN_RECOMMENDATIONS:
        raise DomainError(_("Write your recommendations for the trainee (at least %(num)d characters).",
                            num=MIN_RECOMMENDATIONS), field="recommendations")
    if len(text) > MAX_RECOMMENDATIONS:
        raise DomainError(_("The recommendations are too long (at most %(num)d characters).",
                            num=MAX_RECOMMENDATIONS), field="recommendations")
    assessment = PracticeAssessment(
        trainee_id=trainee.id, cohort_id=cohort.id, course_id=cohort.course_id, track_id=cohort.track_id,
        assessor_id=assessor.id, module_id=module_id, scores=scores, rubric=rubric.source,
        total=sum(scores.values()), passed=rubric.passes(scores), recommendations=text,
    )
    db.session.add(assessment)
    db.session.flush()
    record_event("practice.assess", str(trainee.id), actor_id=assessor.id, cohort=cohort.id, module=module_id,
                 total=assessment.total, passed=assessment.passed)
    refresh_learners([trainee.id])  # passing may complete the track
    return assessment
