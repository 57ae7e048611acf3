"""Property: whatever order, duplicates and replays the bundles of several laptops arrive in, the centre ends
with every record each laptop acknowledged exactly once, the same as importing each bundle once in order."""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select, update

from course.auth.services import create_user
from course.certificates.services import issue_certificate
from course.extensions import db
from course.learn.enrolment import enrol
from course.learn.queries import load_catalogue
from course.models.device import Device, SyncBundle
from course.models.enrolment import Enrolment
from course.models.user import Role, User
from course.sync.bundle import BundleError
from course.sync.records import SYNCED_TABLES, _keyed, _table
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


def _uids() -> dict[str, set[str]]:
    return {name: set(db.session.scalars(select(_table(name).c.uid))) for name in SYNCED_TABLES if _keyed(_table(name))}


def _reset_centre() -> None:
    for name in reversed(("sync_conflicts", "sync_bundles", *SYNCED_TABLES)):
        db.session.execute(_table(name).delete())
    db.session.execute(update(Device).values(last_sequence=0))
    db.session.commit()


@pytest.fixture
def field(app, synced, tmp_path, content_dir):
    """Two laptops, each with three bundles written after three days of growing work; and the reference: the
    centre's records after importing each bundle once, in order."""
    rng = random.Random(19)
    laptops = [new_laptop(tmp_path, content_dir, prefix) for prefix in ("MARY1", "LEBAP")]
    for index, laptop in enumerate(laptops):
        laptop.app.name = f"l{index}"
    bundles = {}
    for index, laptop in enumerate(laptops):
        for step in range(BUNDLES_PER_LAPTOP):
            _grow(laptop, rng, step)
            bundles[(index, step + 1)] = laptop.export()
    acknowledged = []
    for laptop in laptops:
        with laptop.use():
            acknowledged.append(_uids())
    for key in sorted(bundles):
        import_bundle(bundles[key])
        db.session.commit()
    reference = _uids()
    return bundles, reference, acknowledged


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(schedule=st.lists(st.tuples(st.integers(0, 1), st.integers(1, BUNDLES_PER_LAPTOP)), max_size=12))
def test_any_order_with_duplicates_and_replays_ends_as_importing_each_bundle_once(field, schedule):
    bundles, reference, acknowledged = field
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
