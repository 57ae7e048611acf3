"""Enrolling a user in a track of the live course."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from course.domain import DomainError
from course.extensions import db
from course.learn.queries import Catalogue
from course.models.enrolment import Enrolment
from course.models.user import User
from course.quiz.parallel import next_form_order


def enrol(user: User, catalogue: Catalogue, track_id: str) -> Enrolment:
    """Enrol ``user`` in a track of the live course; enrolling twice returns the existing enrolment.

    :raises DomainError: when the course has no such track.
    """
    if catalogue.track(track_id) is None:
        raise DomainError(_("The course has no track %(track)s.", track=track_id))
    course_id = catalogue.course["id"]
    existing = db.session.scalar(select(Enrolment).where(
        Enrolment.user_id == user.id, Enrolment.course_id == course_id, Enrolment.track_id == track_id
    ))
    if existing:
        return existing
    enrolment = Enrolment(user_id=user.id, course_id=course_id, track_id=track_id,
                          form_order=next_form_order(user.id, None, catalogue.course))
    db.session.add(enrolment)
    db.session.flush()
    return enrolment
