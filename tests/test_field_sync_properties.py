"""Property: whatever order, duplicates and replays the bundles of several laptops arrive in, the centre ends
with every record each laptop acknowledged exactly once, in its latest version, the same as importing each
bundle once in order. The laptops edit what they sent before and receive the centre's acknowledgements between
bundles, so later bundles hold only what changed."""

from __future__ import annotations

import random
from typing import NamedTuple

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select, update

from course.auth.services import create_user
from course.certificates.services import issue_certificate
from course.extensions import db
from course.learn.enrolment import enrol
from course.learn.queries import load_catalogue
from course.models.attempt import QuizAttempt
from course.models.device import Device, SyncBundle
from course.models.enrolment import Enrolment
from course.models.user import Role, User
from course.sync import services
from course.sync.bundle import BundleError
from course.sync.records import LOCAL_ONLY, SYNCED_TABLES, _keyed, _table
from course.sync.services import import_bundle
from tests.test_cascade import pass_quiz, read_everything
from tests.test_field_sync import Laptop, new_laptop

BUNDLES_PER_LAPTOP = 3


def _grow(laptop: Laptop, rng: random.Random, step: int) -> None:
    """Some of a day's work on a laptop: new learners (some certified), quiz attempts, progress."""
    with laptop.use():
        catalogue = load_catalogue()
        for number in range(rng.randint(1, 3)):
            user, _password = create_user(f"{laptop.app.name}{step}{number}{rng.randint(0, 99)}", {Role.LEARNER},
                                          full_name=f"Learner {step}-{number}")
            enrol(user, catalogue, "short")
            db.session.commit()
            if rng.random() < 0.6:  # noqa: PLR2004
                read_everything(user, "short")
                enrolment = db.session.scalar(select(Enrolment).where(Enrolment.user_id == user.id))
                issue_certificate(enrolment, catalogue, actor_id=None)
                db.session.commit()
            if rng.random() < 0.5:  # noqa: PLR2004
                pass_quiz(user, "post-test", passed=rng.random() < 0.5)  # noqa: PLR2004


def _edit(laptop: Laptop, rng: random.Random, step: int) -> None:
    """Work on what was sent before: a learner's name corrected, an attempt's score changed by a regrade."""
    with laptop.use():
        learners = db.session.scalars(select(User).where(User.username.like(f"{laptop.app.name}%"))
                                      .order_by(User.id)).all()
        for person in rng.sample(learners, k=min(2, len(learners))):
            person.full_name = f"{person.full_name} (corrected {step})"
        attempt = db.session.scalar(select(QuizAttempt).order_by(QuizAttempt.id))
        if attempt is not None:
            attempt.score = float(rng.randint(0, 100))
        db.session.commit()


def _uids() -> dict[str, set[str]]:
    return {name: set(db.session.scalars(select(_table(name).c.uid))) for name in SYNCED_TABLES if _keyed(_table(name))}


def _versions() -> dict[str, dict[str, tuple]]:
    """Each record the laptops sent, by uid, with the values of its own fields (local ids left out)."""
    state = {}
    for name in SYNCED_TABLES:
        table = _table(name)
        if not _keyed(table) or name == "audit_events":  # the centre adds events of its own
            continue
        columns = [c for c in table.c if c.name not in ("id", "uid", *LOCAL_ONLY.get(name, ())) and not c.foreign_keys]
        state[name] = {row[0]: tuple(row[1:]) for row in db.session.execute(select(table.c.uid, *columns))}
    return state


def _reset_centre() -> None:
    for name in reversed(("sync_conflicts", "sync_bundles", *SYNCED_TABLES)):
        db.session.execute(_table(name).delete())
    db.session.execute(update(Device).values(last_sequence=0))
    db.session.commit()


class Field(NamedTuple):
    bundles: dict[tuple[int, int], bytes]
    reference: tuple[dict[str, set[str]], dict[str, dict[str, tuple]]]
    acknowledged: list[dict[str, set[str]]]

    def __repr__(self) -> str:  # a failing example prints the schedule, not megabytes of bundles
        return f"Field({len(self.bundles)} bundles)"


@pytest.fixture
def field(app, synced, tmp_path, content_dir, monkeypatch):
    """Two laptops, each with three bundles written after three days of growing and editing work, the centre's
    acknowledgement pulled after some; and the reference: the centre after importing each bundle once, in order."""
    monkeypatch.setattr(services, "OVERLAP_MS", 0)  # the days pass in a second here
    rng = random.Random(19)
    laptops = [new_laptop(tmp_path, content_dir, prefix) for prefix in ("MARY1", "LEBAP")]
    for index, laptop in enumerate(laptops):
        laptop.app.name = f"l{index}"
    bundles, acknowledged = {}, []
    for step in range(BUNDLES_PER_LAPTOP):
        for index, laptop in enumerate(laptops):
            _grow(laptop, rng, step)
            if step:
                _edit(laptop, rng, step)
            bundles[(index, step + 1)] = laptop.export()
            if step + 1 == BUNDLES_PER_LAPTOP:
                with laptop.use():
                    acknowledged.append(_uids())  # what the laptop held when it wrote its last bundle
            import_bundle(bundles[(index, step + 1)])
            db.session.commit()
            if rng.random() < 0.7:  # noqa: PLR2004  (the stick comes back with the centre's bundle)
                _sequence, down = services.export_for_device(laptop.app.config["DEVICE_PREFIX"] or
                                                              ("MARY1", "LEBAP")[index])
                db.session.commit()
                with laptop.use():
                    services.import_on_device(down)
                    db.session.commit()
    return Field(bundles, (_uids(), _versions()), acknowledged)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(schedule=st.lists(st.tuples(st.integers(0, 1), st.integers(1, BUNDLES_PER_LAPTOP)), max_size=12))
def test_any_order_with_duplicates_and_replays_ends_as_importing_each_bundle_once(field, schedule):
    bundles, (reference, versions), acknowledged = field
    _reset_centre()
    for key in schedule:
        try:
            import_bundle(bundles[key])
            db.session.commit()
        except BundleError:  # a gap: refused, and nothing changed
            db.session.rollback()
    # The laptops re-send whatever the centre has not acknowledged yet, in order.
    for index, prefix in enumerate(("MARY1", "LEBAP")):
        done = db.session.scalar(select(Device.last_sequence).where(Device.prefix == prefix))
        for sequence in range(done + 1, BUNDLES_PER_LAPTOP + 1):
            import_bundle(bundles[(index, sequence)])
            db.session.commit()
    centre = _uids()
    from_laptops = {name: set().union(*(records[name] for records in acknowledged)) for name in centre}
    for name, uids in from_laptops.items():
        assert uids <= centre[name], name  # nothing a laptop holds is missing centrally
        assert centre[name] - uids == reference[name] - uids or name == "audit_events", name  # nothing else came
    assert centre["users"] == reference["users"] and centre["certificates"] == reference["certificates"]
    assert db.session.scalar(select(func.count(SyncBundle.id))) == 2 * BUNDLES_PER_LAPTOP
    assert db.session.scalar(select(func.count(User.id))) == len(reference["users"])
    assert _versions() == versions  # every record in its latest version, whatever the order
