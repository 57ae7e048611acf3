"""What a field laptop may and may not change at the centre, and the clock's edge cases (issue 19): a laptop's
bundle is signed by it, but a laptop in the field is not trusted with the centre's staff, its revocations or its
clock."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, update

from course.auth.passwords import hash_password
from course.extensions import db
from course.models.certificate import Certificate
from course.models.device import SyncConflict, ThisDevice
from course.models.types import utcnow
from course.models.user import Role, User, UserRole
from course.sync import clock as clock_module
from course.sync import services
from course.sync.bundle import BundleError
from course.sync.clock import CLOCK, stamp
from course.sync.records import export_records
from course.sync.services import DeviceError, export_for_device, import_bundle, register_device
from tests.test_field_sync import imported, new_laptop, pulled


@pytest.fixture
def centre(app, synced):
    return app


@pytest.fixture
def mary(centre, tmp_path, content_dir):
    return new_laptop(tmp_path, content_dir, "MARY1")


def _on_laptop_user(laptop, username: str) -> User:
    return db.session.scalar(select(User).where(User.username == username))


def test_a_laptop_cannot_take_over_a_staff_account_or_grant_a_central_role(centre, mary, make_user):
    coordinator = make_user("coord", roles={Role.COORDINATOR}, full_name="Coordinator")
    pulled(mary, export_for_device("MARY1")[1])
    db.session.commit()
    centre_hash = coordinator.password_hash
    with mary.use():
        person = _on_laptop_user(mary, "coord")
        person.password_hash, person.active = hash_password("taken over on the laptop"), False
        learner = User(username="batyr", full_name="Batyr", password_hash="x")
        db.session.add(learner)
        db.session.flush()
        db.session.add_all([UserRole(user_id=learner.id, role=Role.ADMIN),
                            UserRole(user_id=learner.id, role=Role.TRAINER)])
        db.session.commit()

    result = imported(mary.export())

    db.session.expire_all()
    assert (coordinator.password_hash, coordinator.active) == (centre_hash, True)
    batyr = db.session.scalar(select(User).where(User.username == "batyr"))
    assert batyr.roles == {Role.TRAINER}  # a master trainer may certify trainers in the field; no more
    [refused] = [c for c in result.report.conflicts if c.table_name == "user_roles"]
    assert refused.details == {"role": "admin", "reason": "a role only the central server grants"}
    assert not imported(mary.export()).report.conflicts  # every bundle carries it again: refused, said once


def test_a_revocation_at_the_centre_stays_whatever_a_laptop_says_later(centre, mary):
    mary.certified_learner("jeren")
    imported(mary.export())
    certificate = db.session.scalar(select(Certificate))
    certificate.revoked_at, certificate.revocation_reason = utcnow(), "Issued in error"
    db.session.commit()
    pulled(mary, export_for_device("MARY1")[1])
    db.session.commit()
    with mary.use():  # undone on the laptop afterwards: a later edit, and still not taken
        on_laptop = db.session.scalar(select(Certificate))
        on_laptop.revoked_at, on_laptop.revocation_reason = None, None
        db.session.commit()
    imported(mary.export())
    db.session.expire_all()
    assert db.session.scalar(select(Certificate.revocation_reason)) == "Issued in error"


def test_a_malformed_stamp_is_refused_and_changes_nothing(centre, mary):
    mary.certified_learner("jeren")
    with mary.use():
        db.session.execute(update(User).where(User.username == "jeren").values(clock="tomorrow"))
        db.session.commit()
    with pytest.raises(BundleError, match="malformed time stamp in users"):
        import_bundle(mary.export())
    db.session.rollback()
    assert db.session.scalar(select(func.count(User.id)).where(User.username == "jeren")) == 0


def test_a_laptop_clock_far_ahead_neither_wins_for_ever_nor_drags_the_centres_clock(centre, mary):
    mary.certified_learner("jeren", full_name="Jeren")
    year_2100 = 4_102_444_800_000
    with mary.use():
        db.session.execute(update(User).where(User.username == "jeren").values(
            clock=stamp(year_2100, 0, "MARY1"), full_name="Jeren 2100",
            field_clocks={"full_name": stamp(year_2100, 0, "MARY1")}))
        db.session.commit()
    imported(mary.export())
    person = db.session.scalar(select(User).where(User.username == "jeren"))
    assert person.field_clocks["full_name"] < stamp(year_2100, 0, "")  # held back to about now
    assert CLOCK.now("CENTRE") < stamp(year_2100, 0, "")


def test_a_laptop_restarted_with_its_clock_fallen_back_still_sends_what_it_changes(centre, mary, monkeypatch):
    monkeypatch.setattr(services, "OVERLAP_MS", 0)
    mary.certified_learner("jeren")
    imported(mary.export())
    pulled(mary, export_for_device("MARY1")[1])  # bundle 1 acknowledged
    db.session.commit()
    # The battery went flat: after the restart the wall clock says 2020 and the process forgot its stamps.
    monkeypatch.setattr(clock_module.time, "time_ns", lambda: 1_577_836_800_000 * 1_000_000)
    monkeypatch.setattr(CLOCK, "_millis", 0)
    monkeypatch.setattr(CLOCK, "_counter", 0)
    monkeypatch.setattr(CLOCK, "_floor_read_at", float("-inf"))
    with mary.use():
        _on_laptop_user(mary, "jeren").full_name = "Jeren after the restart"
        db.session.commit()
        device = db.session.scalar(select(ThisDevice))
        since = services.earlier(device.written_clocks[str(device.acknowledged_sequence)], 0)
        assert [row["full_name"] for row in export_records(since)["users"]] == ["Jeren after the restart"]


def test_a_pull_keeps_what_the_laptop_changed_later_and_takes_what_the_centre_changed_later(centre, mary,
                                                                                          make_user):
    make_user("ogul", roles={Role.TRAINER}, full_name="Ogul Trainer")
    pulled(mary, export_for_device("MARY1")[1])
    db.session.commit()
    with mary.use():  # she corrects her name on the laptop
        _on_laptop_user(mary, "ogul").full_name = "Ogul Corrected On Laptop"
        db.session.commit()
    ogul = db.session.scalar(select(User).where(User.username == "ogul"))
    ogul.email = "ogul@example.org"  # the centre sets her e-mail
    db.session.commit()
    pulled(mary, export_for_device("MARY1")[1])
    db.session.commit()
    with mary.use():
        person = _on_laptop_user(mary, "ogul")
        assert (person.full_name, person.email) == ("Ogul Corrected On Laptop", "ogul@example.org")
    result = imported(mary.export())
    assert not result.report.conflicts  # the e-mail the centre sent is not the laptop's edit
    db.session.expire_all()
    assert db.session.get(User, ogul.id).full_name == "Ogul Corrected On Laptop"


def test_writing_anew_a_bundle_the_centre_acknowledged_sends_everything(centre, mary, monkeypatch):
    monkeypatch.setattr(services, "OVERLAP_MS", 0)
    mary.certified_learner("jeren")
    imported(mary.export())
    pulled(mary, export_for_device("MARY1")[1])
    db.session.commit()
    mary.certified_learner("aylar")
    with mary.use():
        _sequence, data = services.export_bundle(again=True, number=1)  # the centre lost it (a restore)
        db.session.rollback()
    from course.sync.bundle import open_envelope, read_envelope  # noqa: PLC0415

    keys = services.centre_keys(services._instance_path())  # noqa: SLF001
    payload = open_envelope(read_envelope(data), verify_key=db.session.scalar(
        select(services.Device.verify_key)), private_key=keys.box_private)
    assert {row["username"] for row in payload["records"]["users"]} >= {"jeren", "aylar"}


def test_the_central_servers_name_is_not_a_device_prefix(centre):
    with pytest.raises(DeviceError, match="reserved for the central server"):
        register_device("Sneaky", "CENTRE", None)


def test_a_conflict_the_centre_has_seen_is_not_logged_again(centre, mary):
    mary.certified_learner("jeren", full_name="Jeren")
    imported(mary.export())
    with mary.use():
        _on_laptop_user(mary, "jeren").full_name = "Jeren (laptop)"
        db.session.commit()
    imported(mary.export())  # the laptop's edit arrives: no conflict, nobody else edited
    person = db.session.scalar(select(User).where(User.username == "jeren"))
    person.full_name = "Jeren (centre, later)"
    db.session.commit()
    again = imported(mary.export())  # not acknowledged yet: the same edit comes again, and loses quietly
    assert not again.report.conflicts
    assert db.session.get(User, person.id).full_name == "Jeren (centre, later)"
    assert db.session.scalar(select(func.count(SyncConflict.id))) == 0
