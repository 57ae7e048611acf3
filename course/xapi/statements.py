"""One xAPI statement per learning event: registered, completed a module, answered, passed or failed a quiz,
attended a session day, earned a certificate (and its voiding once revoked).

Every statement's id is derived from the record it states (its sync uid, which is the same on a field laptop
and on the central server), so exporting again gives the same ids and a learning record store that already
holds them takes nothing twice. People appear only as an account (their uid under the programme's address):
no name, no email.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from course.credentials.open_badge import timestamp

#: The namespace of statement ids: uuid5 of a record's kind and uid in it.
STATEMENT_NAMESPACE = uuid.UUID("5b1b5e2e-8a4f-5b7e-9c7a-2f5a1c0e6d10")

VERBS = {
    "registered": "http://adlnet.gov/expapi/verbs/registered",
    "completed": "http://adlnet.gov/expapi/verbs/completed",
    "answered": "http://adlnet.gov/expapi/verbs/answered",
    "passed": "http://adlnet.gov/expapi/verbs/passed",
    "failed": "http://adlnet.gov/expapi/verbs/failed",
    "attended": "http://adlnet.gov/expapi/verbs/attended",
    "earned": "http://id.tincanapi.com/verb/earned",
    "voided": "http://adlnet.gov/expapi/verbs/voided",
}
ACTIVITY_TYPES = {
    "course": "http://adlnet.gov/expapi/activities/course",
    "module": "http://adlnet.gov/expapi/activities/module",
    "assessment": "http://adlnet.gov/expapi/activities/assessment",
    "question": "http://adlnet.gov/expapi/activities/cmi.interaction",
    "meeting": "http://adlnet.gov/expapi/activities/meeting",
    "certificate": "http://id.tincanapi.com/activitytype/certificate",
}


def statement_id(kind: str, key: str) -> str:
    return str(uuid.uuid5(STATEMENT_NAMESPACE, f"{kind}:{key}"))


class Statements:
    """Builds statements under one programme address (the accounts' home page and the activities' ids)."""

    def __init__(self, home: str, course_id: str):
        self.home = home.rstrip("/")
        self.course_id = course_id

    def actor(self, user_uid: str) -> dict[str, Any]:
        return {"objectType": "Agent", "account": {"homePage": self.home, "name": user_uid}}

    def activity(self, kind: str, path: str, names: Mapping[str, str] | None = None) -> dict[str, Any]:
        definition: dict[str, Any] = {"type": ACTIVITY_TYPES[kind]}
        if names:
            definition["name"] = {language: text for language, text in names.items() if text}
        return {"objectType": "Activity", "id": f"{self.home}/xapi/{path}", "definition": definition}

    def course(self, track_id: str, names: Mapping[str, str] | None = None) -> dict[str, Any]:
        return self.activity("course", f"courses/{self.course_id}/tracks/{track_id}", names)

    def _statement(self, kind: str, key: str, user_uid: str, verb: str, target: dict[str, Any], when: datetime | date,
                   **extra: Any) -> dict[str, Any]:
        moment = when if isinstance(when, datetime) else datetime(when.year, when.month, when.day)
        return {"id": statement_id(kind, key), "actor": self.actor(user_uid),
                "verb": {"id": VERBS[verb], "display": {"en-US": verb}}, "object": target,
                "timestamp": timestamp(moment), **extra}

    def _context(self, parent: dict[str, Any] | None = None, registration: str | None = None) -> dict[str, Any]:
        context: dict[str, Any] = {"platform": "Cascade"}
        if registration:
            context["registration"] = registration
        if parent:
            context["contextActivities"] = {"parent": [parent]}
        return context

    def registered(self, enrolment_uid: str, user_uid: str, track_id: str, names: Mapping[str, str],
                   when: datetime) -> dict[str, Any]:
        return self._statement("registered", enrolment_uid, user_uid, "registered", self.course(track_id, names),
                               when, context=self._context(registration=registration_of(enrolment_uid)))

    def completed_module(self, user_uid: str, module_id: str, names: Mapping[str, str], when: datetime) -> dict:
        return self._statement("completed-module", f"{user_uid}:{module_id}", user_uid, "completed",
                               self.activity("module", f"modules/{module_id}", names), when,
                               result={"completion": True}, context=self._context())

    def answered(self, answer_uid: str, user_uid: str, quiz_id: str, question_id: str, earned: float | None,
                 possible: float | None, when: datetime) -> dict[str, Any]:
        result: dict[str, Any] = {"completion": True}
        if earned is not None and possible:
            result["score"] = {"raw": earned, "min": 0, "max": possible, "scaled": round(earned / possible, 4)}
            result["success"] = earned >= possible
        quiz = self.activity("assessment", f"quizzes/{quiz_id}")
        return self._statement("answered", answer_uid, user_uid, "answered",
                               self.activity("question", f"quizzes/{quiz_id}/questions/{question_id}"), when,
                               result=result, context=self._context(parent=quiz))

    def quiz_result(self, attempt_uid: str, user_uid: str, quiz_id: str, names: Mapping[str, str], passed: bool,
                    score: float | None, earned: float | None, possible: float | None,
                    when: datetime, stands_for: tuple[str, Mapping[str, str]] | None = None) -> dict[str, Any]:
        """``stands_for``: the test (id, names) a parallel form was taken as, given as an "other" context
        activity, so a record store can tell a learner's pre-test from their post-test whichever form it was."""
        context = self._context()
        if stands_for:
            context["contextActivities"] = {"other": [self.activity("assessment", f"quizzes/{stands_for[0]}",
                                                                    stands_for[1])]}
        result: dict[str, Any] = {"success": passed, "completion": True}
        if score is not None:
            result["score"] = {"scaled": round(score / 100, 4)}
            if earned is not None and possible:
                result["score"].update(raw=earned, min=0, max=possible)
        return self._statement("quiz-result", attempt_uid, user_uid, "passed" if passed else "failed",
                               self.activity("assessment", f"quizzes/{quiz_id}", names), when, result=result,
                               context=context)

    def attended(self, attendance_uid: str, user_uid: str, day_uid: str, track_id: str, day: date,
                 topic: str) -> dict[str, Any]:
        names = {"en": topic} if topic else None
        return self._statement("attended", attendance_uid, user_uid, "attended",
                               self.activity("meeting", f"session-days/{day_uid}", names), day,
                               context=self._context(parent=self.course(track_id)))

    def earned(self, certificate_uid: str, user_uid: str, track_id: str, names: Mapping[str, str],
               when: datetime) -> dict[str, Any]:
        return self._statement("earned", certificate_uid, user_uid, "earned",
                               self.activity("certificate", f"certificates/{certificate_uid}", names), when,
                               context=self._context(parent=self.course(track_id)))

    def voided(self, certificate_uid: str, user_uid: str, when: datetime) -> dict[str, Any]:
        """A revoked certificate: the statement that it was earned is voided (xAPI's own way to take one back)."""
        return self._statement("voided", certificate_uid, user_uid, "voided",
                               {"objectType": "StatementRef", "id": statement_id("earned", certificate_uid)}, when)


def registration_of(enrolment_uid: str) -> str:
    """The enrolment as an xAPI registration (a UUID)."""
    try:
        return str(uuid.UUID(enrolment_uid))
    except ValueError:
        return str(uuid.uuid5(STATEMENT_NAMESPACE, f"registration:{enrolment_uid}"))
