"""Cohorts: created by trainers, joined by code, each enrolment placed in the cascade."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from course.cascade.promotion import grant_master_trainer
from course.cohorts.services import (
    CohortDetails,
    CohortError,
    create_cohort,
    enrol_in_cohort,
    join_with_code,
    normalise_join_code,
    remove_from_cohort,
    set_joining,
    set_status,
)
from course.extensions import db
from course.learn.queries import load_catalogue
from course.models.audit import AuditEvent
from course.models.cohort import CohortStatus, TrainerStanding
from course.models.enrolment import Enrolment
from course.models.progress import SectionRead
from course.models.user import Agency, Role, UserRole, Velayat
from course.permissions import can_manage_cohort

DETAILS = CohortDetails(name="Mary prosecutors, spring", track_id="full", language="ru", velayat=Velayat.MARY,
                        starts_on=date(2027, 3, 1), ends_on=date(2027, 3, 4), city="Mary", venue="Training centre",
                        audience=(Agency.PROSECUTION, Agency.JUDICIARY))


@pytest.fixture
def people(synced, make_user):
    return {
        "master": make_user("master", roles={Role.TRAINER}),
        "trainee": make_user("trainee", roles={Role.TRAINER, Role.LEARNER}),
        "coordinator": make_user("coord", roles={Role.COORDINATOR}),
        "learner": make_user("ana"),
        "other": make_user("bob"),
    }


def new_cohort(people, lead="master", details=DETAILS, **kwargs):
    cohort = create_cohort(details, load_catalogue(), lead=people[lead], actor=people[lead], **kwargs)
    db.session.commit()
    return cohort


def test_a_new_cohort_is_open_with_a_readable_join_code_and_is_audited(people):
    cohort = new_cohort(people, co_trainers=[people["trainee"]])
    assert cohort.status == CohortStatus.OPEN and cohort.join_open
    assert len(cohort.join_code) == 8 and not set(cohort.join_code) & set("01OIL")
    assert cohort.lead == people["master"]
    assert cohort.trainer_ids == {people["master"].id, people["trainee"].id}
    assert cohort.audience == ["judiciary", "prosecution"]
    assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.action == "cohort.create"))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"name": "  "}, "Give the cohort a name."),
        ({"track_id": "nope"}, "The course has no track nope."),
        ({"language": "fr"}, "The course is not taught in that language."),
        ({"ends_on": date(2027, 2, 28)}, "The last day cannot come before the first."),
    ],
)
def test_bad_details_are_refused_and_nothing_is_written(people, change, message):
    from dataclasses import replace

    from course.models.cohort import Cohort

    with pytest.raises(CohortError, match=message):
        new_cohort(people, details=replace(DETAILS, **change))
    db.session.rollback()
    assert db.session.scalars(select(Cohort)).all() == []


def test_only_trainers_can_lead(people):
    with pytest.raises(CohortError, match="is not a trainer"):
        create_cohort(DETAILS, load_catalogue(), lead=people["learner"], actor=people["coordinator"])


def test_joining_by_code_places_learners_one_generation_below_their_trainer(people):
    grant_master_trainer(people["master"], actor_id=people["coordinator"].id)
    db.session.add(TrainerStanding(user_id=people["trainee"].id, generation=1))
    first = new_cohort(people)
    second = new_cohort(people, lead="trainee")
    join_with_code(people["learner"], f" {first.join_code[:4].lower()}-{first.join_code[4:]} ")
    join_with_code(people["other"], second.join_code)
    db.session.commit()
    generations = dict(db.session.execute(select(Enrolment.user_id, Enrolment.generation)).all())
    assert generations == {people["learner"].id: 1, people["other"].id: 2}
    assert normalise_join_code("ab-cd 12") == "ABCD12"


def test_joining_twice_changes_nothing_and_another_cohort_of_the_track_is_refused(people):
    first = new_cohort(people)
    second = new_cohort(people, lead="trainee")
    join_with_code(people["learner"], first.join_code)
    join_with_code(people["learner"], first.join_code)
    with pytest.raises(CohortError, match="already follows this track in another cohort"):
        join_with_code(people["learner"], second.join_code)
    assert len(db.session.scalars(select(Enrolment)).all()) == 1


@pytest.mark.parametrize("how", ["closed joining", "new code", "closed cohort", "unknown code"])
def test_codes_stop_working_when_the_trainer_says_so(people, how):
    cohort = new_cohort(people)
    code = cohort.join_code
    if how == "closed joining":
        set_joining(cohort, open_=False)
    elif how == "new code":
        set_joining(cohort, open_=True, new_code=True)
    elif how == "closed cohort":
        set_status(cohort, CohortStatus.CLOSED, actor=people["master"])
    else:
        code = "ZZZZZZZZ"
    with pytest.raises(CohortError):
        join_with_code(people["learner"], code)
    assert db.session.scalars(select(Enrolment)).all() == []


def test_removing_a_learner_keeps_their_records(people, client):
    cohort = new_cohort(people)
    enrol_in_cohort(people["learner"], cohort)
    db.session.add(SectionRead(user_id=people["learner"].id, module_id="alpha", section_id="first",
                               module_hash="h" * 64))
    db.session.commit()
    remove_from_cohort(people["learner"], cohort, actor=people["master"])
    db.session.commit()
    assert db.session.scalars(select(Enrolment)).all() == []
    assert len(db.session.scalars(select(SectionRead)).all()) == 1
    with pytest.raises(CohortError, match="is not in this cohort"):
        remove_from_cohort(people["learner"], cohort, actor=people["master"])


def test_who_may_manage_a_cohort(people):
    cohort = new_cohort(people, co_trainers=[people["trainee"]])
    assert can_manage_cohort(people["master"], cohort)
    assert can_manage_cohort(people["trainee"], cohort)
    assert can_manage_cohort(people["coordinator"], cohort)
    assert not can_manage_cohort(people["learner"], cohort)
    other_trainer = people["other"]
    other_trainer.role_rows.append(UserRole(role=Role.TRAINER))
    db.session.commit()
    assert not can_manage_cohort(other_trainer, cohort)  # a trainer, but of other cohorts
