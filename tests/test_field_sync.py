"""Field laptops and the central server (issue 19): devices, bundles, and what the centre makes of them.

The centre is the suite's database (SQLite, or PostgreSQL in CI); each laptop is a SQLite file of its own,
set up as ``course device join`` would, in the same process.
"""

from __future__ import annotations

import io
import json
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import func, select

from course import create_app
from course.certificates.services import issue_certificate
from course.content.sync import sync_content
from course.extensions import db
from course.learn.enrolment import enrol
from course.learn.queries import load_catalogue
from course.models.audit import AuditEvent
from course.models.certificate import Certificate
from course.models.cohort import Cohort
from course.models.device import ConflictKind, Device, SyncBundle, SyncConflict, ThisDevice
from course.models.enrolment import Enrolment
from course.models.types import utcnow
from course.models.user import Role, User
from course.sync.bundle import BundleError
from course.sync.services import (
    DeviceError,
    export_bundle,
    export_for_device,
    import_bundle,
    import_on_device,
    join_device,
    register_device,
    revoke_device,
)
from tests.conftest import base_config, csrf_token, sign_in
from tests.test_cascade import pass_quiz, read_everything
from tests.test_cohort_pages import as_user


class Laptop:
    """A field laptop: its own app and SQLite database, joined as a device of the centre."""

    def __init__(self, path: Path, content_dir: Path, enrolment: dict):
        path.mkdir(parents=True, exist_ok=True)
        self.app = create_app(base_config(f"sqlite:///{path / 'laptop.sqlite3'}", path / "instance", content_dir))
        with self.use():
            db.create_all()
            sync_content(content_dir)
            join_device(enrolment)
            db.session.commit()

    @contextmanager
    def use(self):
        with self.app.app_context():
            yield
            db.session.remove()

    def export(self, **options) -> bytes:
        with self.use():
            _sequence, data = export_bundle(**options)
            db.session.commit()
            return data

    @staticmethod
    def trainer_cohort(name: str = "Mary district police") -> tuple[User, Cohort, User]:
        """Within ``use()``: a trainer, their cohort of the full track and a learner in it, all made here."""
        from course.auth.services import create_user  # noqa: PLC0415
        from course.cohorts.services import enrol_in_cohort  # noqa: PLC0415
        from tests.test_cascade import cohort_of  # noqa: PLC0415

        trainer, _password = create_user("laptop-trainer", {Role.TRAINER})
        cohort = cohort_of(trainer, "full", name)
        learner, _password = create_user("laptop-learner", {Role.LEARNER})
        enrol_in_cohort(learner, cohort)
        return trainer, cohort, learner

    def certified_learner(self, username: str, **profile) -> str:
        """A learner who completed the cascade track on this laptop and holds its certificate; their serial."""
        from course.auth.services import create_user  # noqa: PLC0415

        with self.use():
            user, _password = create_user(username, {Role.LEARNER}, full_name=profile.get("full_name", username))
            enrol(user, load_catalogue(), "short")
            db.session.commit()
            read_everything(user, "short")
            enrolment = db.session.scalar(select(Enrolment).where(Enrolment.user_id == user.id))
            certificate = issue_certificate(enrolment, load_catalogue(), actor_id=None)
            db.session.commit()
            return certificate.serial


@pytest.fixture
def centre(app, synced):
    return app


def new_laptop(tmp_path: Path, content_dir: Path, prefix: str) -> Laptop:
    _device, enrolment = register_device(f"Laptop {prefix}", prefix, None)
    db.session.commit()
    return Laptop(tmp_path / prefix, content_dir, enrolment)


@pytest.fixture
def mary(centre, tmp_path, content_dir) -> Laptop:
    return new_laptop(tmp_path, content_dir, "MARY1")


def imported(data: bytes):
    result = import_bundle(data)
    db.session.commit()
    return result


def test_a_certificate_issued_on_a_laptop_verifies_at_the_centre_after_its_bundle(centre, mary):
    serial = mary.certified_learner("jeren", full_name="Jeren Laptop")
    assert "-MARY1-" in serial  # the device's prefix: no other device can issue this serial
    client = centre.test_client()
    with mary.use():
        code = db.session.scalar(select(Certificate.code))
    assert "Unknown certificate" in client.get(f"/verify/{code}").get_data(as_text=True)  # not at the centre yet

    result = imported(mary.export())

    assert result.applied and result.report.added["certificates"] == 1
    page = client.get(f"/verify/{code}").get_data(as_text=True)
    assert "Unknown certificate" not in page and "Jeren Laptop" in page
    assert db.session.scalar(select(Certificate.serial).where(Certificate.code == code)) == serial
    jeren = db.session.scalar(select(User).where(User.username == "jeren"))
    assert db.session.scalar(select(func.count()).select_from(Enrolment).where(Enrolment.user_id == jeren.id)) == 1
    assert db.session.scalar(select(SyncBundle.sequence)) == 1


def test_re_importing_a_bundle_changes_nothing_and_a_gap_is_refused_with_the_missing_range(centre, mary):
    mary.certified_learner("jeren")
    first = mary.export()
    imported(first)
    users = db.session.scalar(select(func.count(User.id)))
    again = imported(first)
    assert not again.applied and db.session.scalar(select(func.count(User.id))) == users
    mary.export()  # bundle 2, lost on the way
    third = mary.export()
    with pytest.raises(BundleError, match="bundle\\(s\\) 2 are missing"):
        import_bundle(third)
    db.session.rollback()
    assert db.session.scalar(select(Device.last_sequence)) == 1


def test_a_tampered_foreign_or_revoked_bundle_is_refused_and_changes_nothing(centre, mary, tmp_path, content_dir):
    mary.certified_learner("jeren")
    data = mary.export()
    envelope = json.loads(data)
    sealed = bytearray(envelope["sealed"].encode())
    sealed[40] = ord("A") if sealed[40] != ord("A") else ord("B")
    envelope["sealed"] = sealed.decode()
    with pytest.raises(BundleError, match="changed after it was signed"):
        import_bundle(json.dumps(envelope).encode())
    with pytest.raises(BundleError, match="not a Cascade bundle"):
        import_bundle(b"%PDF-1.7 not a bundle")
    # a laptop registered on another central server
    other = Laptop(tmp_path / "elsewhere", content_dir, {
        "format": "cascade-device/1", "device_uid": "0192aaaa-0000-7000-8000-000000000000", "name": "Stranger",
        "prefix": "XX", "signing_key": "11" * 32, "centre_public_key": "22" * 32})
    with pytest.raises(BundleError, match="device this server does not know"):
        import_bundle(other.export())
    revoke_device("MARY1", None)
    db.session.commit()
    with pytest.raises(BundleError, match="was revoked"):
        import_bundle(data)
    db.session.rollback()
    assert db.session.scalar(select(func.count(User.id)).where(User.username == "jeren")) == 0
    assert db.session.scalar(select(func.count(SyncBundle.id))) == 0


def test_the_same_username_on_two_laptops_is_never_merged_silently(centre, mary, tmp_path, content_dir):
    lebap = new_laptop(tmp_path, content_dir, "LEBAP")
    mary.certified_learner("aylar", full_name="Aylar Mary")
    lebap.certified_learner("aylar", full_name="Aylar Lebap")
    imported(mary.export())
    result = imported(lebap.export())
    names = dict(db.session.execute(select(User.username, User.full_name).where(User.username.like("aylar%"))).all())
    assert names == {"aylar": "Aylar Mary", "aylar.lebap": "Aylar Lebap"}  # both kept, each with their records
    [conflict] = [c for c in result.report.conflicts if c.kind == ConflictKind.SUSPECTED_DUPLICATE]
    assert conflict.details["reason"] == "same username"
    assert db.session.scalar(select(func.count(Certificate.id))) == 2  # every certificate kept
    assert db.session.scalar(select(func.count(SyncConflict.id))) >= 1


def _rename_on_laptop(laptop: Laptop, username: str, **fields) -> None:
    with laptop.use():
        person = db.session.scalar(select(User).where(User.username == username))
        for name, value in fields.items():
            setattr(person, name, value)
        db.session.commit()


def _rename_at_centre(username: str, **fields) -> User:
    person = db.session.scalar(select(User).where(User.username == username))
    for name, value in fields.items():
        setattr(person, name, value)
    db.session.commit()
    return person


def test_the_later_of_two_edits_to_a_field_wins_and_the_overwrite_is_kept_as_a_conflict(centre, mary):
    mary.certified_learner("jeren", full_name="Jeren Laptop")
    imported(mary.export())
    centre_copy = _rename_at_centre("jeren", full_name="Jeren Corrected")
    _rename_on_laptop(mary, "jeren", full_name="Jeren Laptop Again")  # later than the centre's edit

    result = imported(mary.export())

    [conflict] = result.report.conflicts
    assert conflict.kind == ConflictKind.FIELD
    assert conflict.details["fields"]["full_name"] == ["Jeren Corrected", "Jeren Laptop Again"]
    assert conflict.details["kept"] == {"full_name": "device"}
    assert db.session.get(User, centre_copy.id).full_name == "Jeren Laptop Again"


def test_an_edit_at_the_centre_after_the_laptops_stands_and_edits_to_other_fields_both_survive(centre, mary):
    mary.certified_learner("jeren", full_name="Jeren Laptop")
    imported(mary.export())
    _rename_on_laptop(mary, "jeren", full_name="Jeren On Laptop", position="Investigator")
    centre_copy = _rename_at_centre("jeren", full_name="Jeren At Centre", email="jeren@example.org")

    result = imported(mary.export())

    person = db.session.get(User, centre_copy.id)
    assert (person.full_name, person.position, person.email) == ("Jeren At Centre", "Investigator",
                                                                  "jeren@example.org")
    [conflict] = result.report.conflicts  # only the field both sides edited
    assert set(conflict.details["fields"]) == {"full_name"} and conflict.details["kept"] == {"full_name": "centre"}
    assert not imported(mary.export()).report.conflicts  # the settled state is not a conflict again


def test_a_password_changed_at_the_centre_is_not_undone_by_a_laptop_that_never_saw_it(centre, mary, make_user):
    from course.auth.passwords import hash_password  # noqa: PLC0415

    make_user("ogul", roles={Role.TRAINER}, full_name="Ogul Trainer")
    _sequence, down = export_for_device("MARY1")
    db.session.commit()
    pulled(mary, down)
    new_hash = _rename_at_centre("ogul", password_hash=hash_password("a new long passphrase")).password_hash
    with mary.use():  # she signs in on the laptop: her record there changes, her password does not
        db.session.scalar(select(User).where(User.username == "ogul")).last_login_at = utcnow()
        db.session.commit()
    result = imported(mary.export())
    assert db.session.scalar(select(User.password_hash).where(User.username == "ogul")) == new_hash
    assert db.session.scalar(select(User.last_login_at).where(User.username == "ogul")) is not None
    assert "(hidden)" not in json.dumps([c.details for c in result.report.conflicts])


def test_an_attempt_sent_while_open_arrives_submitted_with_its_changed_answers_in_the_next_bundle(centre, mary):
    """Kolibri's old bug: answers given after a sync were lost on the next. Here a bundle carries every change
    since the last acknowledged one, and the centre takes the later version of each record."""
    from course.auth.services import create_user  # noqa: PLC0415
    from course.models.attempt import AttemptAnswer, AttemptState, QuizAttempt  # noqa: PLC0415

    with mary.use():
        user, _password = create_user("batyr", {Role.LEARNER}, full_name="Batyr")
        attempt = QuizAttempt(user_id=user.id, quiz_id="post-test", quiz_hash="h" * 64, number=1,
                              layout={"questions": ["q1", "q2"], "orders": {}})
        attempt.answers.append(AttemptAnswer(question_id="q1", response="first thought"))
        db.session.add(attempt)
        db.session.commit()
    imported(mary.export())
    _sequence, down = export_for_device("MARY1")  # the centre acknowledges bundle 1
    db.session.commit()
    pulled(mary, down)
    with mary.use():
        attempt = db.session.scalar(select(QuizAttempt))
        attempt.answers[0].response = "second thought"
        attempt.answers.append(AttemptAnswer(question_id="q2", response="added later"))
        attempt.state, attempt.submitted_at, attempt.score, attempt.passed = (AttemptState.SUBMITTED, utcnow(),
                                                                               80.0, True)
        db.session.commit()

    result = imported(mary.export())

    # Only what is new is added (the answer, the laptop's note of the pull); the rest is brought up to date.
    assert result.report.added == {"attempt_answers": 1, "audit_events": 1}
    attempt = db.session.scalar(select(QuizAttempt))
    assert (attempt.state, attempt.score, attempt.passed) == (AttemptState.SUBMITTED, 80.0, True)
    assert {a.question_id: a.response for a in attempt.answers} == {"q1": "second thought", "q2": "added later"}


def test_after_an_acknowledgement_a_bundle_holds_only_what_changed_and_a_lost_one_is_no_hole(centre, mary,
                                                                                            monkeypatch):
    from course.sync import services  # noqa: PLC0415
    from course.sync.records import export_records  # noqa: PLC0415

    monkeypatch.setattr(services, "OVERLAP_MS", 0)  # the test runs in a second; the margin is for real days

    mary.certified_learner("jeren")
    imported(mary.export())
    _sequence, down = export_for_device("MARY1")
    db.session.commit()
    pulled(mary, down)
    mary.certified_learner("aylar")
    mary.export()  # bundle 2: on a stick that was lost
    _rename_on_laptop(mary, "jeren", full_name="Jeren Renamed")
    with mary.use():
        device = db.session.scalar(select(ThisDevice))
        changed, everything = export_records(records_since(device)), export_records()
    assert {row["username"] for row in changed["users"]} == {"jeren", "aylar"}
    assert len(changed["section_reads"]) < len(everything["section_reads"])  # jeren's reads are not sent again

    imported(mary.export(again=True))  # bundle 2 written anew: everything since bundle 1, with the rename

    names = set(db.session.scalars(select(User.full_name).where(User.username.in_(["jeren", "aylar"]))))
    assert names == {"Jeren Renamed", "aylar"} and db.session.scalar(select(func.count(Certificate.id))) == 2


def records_since(device: ThisDevice) -> str:
    from course.sync.clock import earlier  # noqa: PLC0415
    from course.sync.services import OVERLAP_MS  # noqa: PLC0415

    return earlier(device.written_clocks[str(device.acknowledged_sequence)], OVERLAP_MS)


def test_attempts_and_progress_arrive_with_their_learner_and_the_import_is_audited(centre, mary):
    with mary.use():
        from course.auth.services import create_user  # noqa: PLC0415

        user, _password = create_user("batyr", {Role.LEARNER}, full_name="Batyr")
        enrol(user, load_catalogue(), "full")
        db.session.commit()
        read_everything(user, "full")
        pass_quiz(user, "post-test")
    result = imported(mary.export())
    assert result.report.added["quiz_attempts"] == 1 and result.report.added["section_reads"] >= 3
    batyr = db.session.scalar(select(User).where(User.username == "batyr"))
    from course.models.attempt import QuizAttempt  # noqa: PLC0415
    from course.models.summary import LearnerSummary  # noqa: PLC0415

    assert db.session.scalar(select(QuizAttempt.passed).where(QuizAttempt.user_id == batyr.id)) is True
    assert db.session.scalar(select(func.count()).select_from(LearnerSummary)
                             .where(LearnerSummary.user_id == batyr.id)) >= 1  # the reports count them
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "sync.import"))
    assert event.target == "MARY1" and event.details["sequence"] == 1


def test_a_device_prefix_is_unique_and_checked(centre):
    register_device("Laptop Mary", "MARY1", None)
    with pytest.raises(DeviceError, match="already used"):
        register_device("Another", "mary1", None)
    with pytest.raises(DeviceError, match="2 to 8 capital letters"):
        register_device("Bad", "M-1", None)


def test_the_commands_register_join_export_and_import_as_the_guide_says(centre, tmp_path, content_dir):
    """course device add (centre) -> course device join (laptop) -> course sync export (laptop) -> course sync
    import (centre), through the command line."""
    enrolment_file = tmp_path / "mary1.json"
    result = centre.test_cli_runner().invoke(args=["device", "add", "Mary laptop", "--prefix", "MARY1",
                                                   "--out", str(enrolment_file)])
    assert result.exit_code == 0, result.output
    assert "course init --device mary1.json" in result.output
    assert oct(enrolment_file.stat().st_mode & 0o777) == "0o600"  # it holds the device's private key
    again = centre.test_cli_runner().invoke(args=["device", "add", "Other", "--prefix", "MARY1",
                                                  "--out", str(tmp_path / "other.json")])
    assert again.exit_code == 1 and "already used" in again.output

    laptop_dir = tmp_path / "laptop"
    laptop_dir.mkdir()
    laptop = create_app(base_config(f"sqlite:///{laptop_dir / 'db.sqlite3'}", laptop_dir / "instance", content_dir))
    with laptop.app_context():
        db.create_all()
        sync_content(content_dir)
        db.session.commit()
        runner = laptop.test_cli_runner()
        assert "not a device yet" in runner.invoke(args=["sync", "export", "--out", str(tmp_path / "b")]).output
        joined = runner.invoke(args=["device", "join", str(enrolment_file)])
        assert joined.exit_code == 0 and "now the device MARY1" in joined.output
        assert "already the device MARY1" in runner.invoke(args=["device", "join", str(enrolment_file)]).output
        bundle = tmp_path / "bundle-1.cascade"
        exported = runner.invoke(args=["sync", "export", "--out", str(bundle)])
        assert exported.exit_code == 0 and "Bundle 1 written" in exported.output
        db.session.remove()

    first = centre.test_cli_runner().invoke(args=["sync", "import", str(bundle)])
    assert first.exit_code == 0 and "Bundle 1 of MARY1 imported" in first.output, first.output
    second = centre.test_cli_runner().invoke(args=["sync", "import", str(bundle)])
    assert "imported before: nothing changed" in second.output
    listed = centre.test_cli_runner().invoke(args=["device", "list"])
    assert "MARY1" in listed.output and "active" in listed.output
    revoked = centre.test_cli_runner().invoke(args=["device", "revoke", "MARY1"])
    assert revoked.exit_code == 0 and "revoked" in centre.test_cli_runner().invoke(args=["device", "list"]).output
    audit = set(db.session.scalars(select(AuditEvent.action)))
    assert {"device.add", "sync.import", "device.revoke"} <= audit


def test_init_with_a_device_file_makes_a_fresh_laptop_with_the_centres_content_and_keeps_it(centre, make_user,
                                                                                          tmp_path, content_dir):
    make_user("ogul", roles={Role.TRAINER}, full_name="Ogul Trainer")
    enrolment_file = tmp_path / "dash1.json"
    centre.test_cli_runner().invoke(args=["device", "add", "Dashoguz", "--prefix", "DASH1",
                                          "--out", str(enrolment_file)])
    laptop_dir = tmp_path / "fresh"
    laptop_dir.mkdir()
    laptop = create_app(base_config(f"sqlite:///{laptop_dir / 'db.sqlite3'}", laptop_dir / "instance",
                                    tmp_path / "no-content-here"))
    runner = laptop.test_cli_runner()
    with laptop.app_context():
        assert "do not go together" in runner.invoke(args=["init", "--demo", "--device", str(enrolment_file)]).output
        made = runner.invoke(args=["init", "--device", str(enrolment_file)])
        assert made.exit_code == 0 and "now the device DASH1" in made.output, made.output
        assert db.session.scalar(select(User.username).where(User.username == "ogul")) == "ogul"
        assert "Alpha module" in _live_module()  # the content came from the centre: this laptop has no files
        refused = runner.invoke(args=["sync"])
        assert refused.exit_code == 1 and "takes its course content from the central server" in refused.output
        again = runner.invoke(args=["init"])
        assert again.exit_code == 0 and "as the central server last sent it" in again.output, again.output
        db.session.remove()


def upload_bundle(client, data: bytes):
    from werkzeug.datastructures import FileStorage  # noqa: PLC0415
    from werkzeug.test import encode_multipart  # noqa: PLC0415

    boundary, body = encode_multipart({"csrf_token": csrf_token(client, "/devices/"),
                                       "bundle": FileStorage(io.BytesIO(data), "bundle-1.cascade")})
    return client.post("/devices/import", data=body, content_type=f"multipart/form-data; boundary={boundary}",
                       follow_redirects=True)


def test_a_coordinator_registers_imports_revokes_and_settles_on_the_devices_page(centre, make_user, tmp_path,
                                                                                content_dir):
    make_user("coord", roles={Role.COORDINATOR})
    coordinator = as_user(centre, "coord")
    registered = coordinator.post("/devices/", data={"name": "Mary laptop", "prefix": "mary1",
                                                      "csrf_token": csrf_token(coordinator, "/devices/")})
    assert registered.status_code == 200 and registered.headers["Cache-Control"] == "no-store"
    assert 'filename="cascade-device-MARY1.json"' in registered.headers["Content-Disposition"]
    enrolment = json.loads(registered.get_data(as_text=True))
    bad = coordinator.post("/devices/", data={"name": "Other", "prefix": "MARY1",
                                              "csrf_token": csrf_token(coordinator, "/devices/")})
    assert bad.status_code == 400 and "already used by another device" in bad.get_data(as_text=True)

    laptop = Laptop(tmp_path / "mary", content_dir, enrolment)
    laptop.certified_learner("aylar", full_name="Aylar Laptop")
    make_user("aylar", full_name="Aylar Centre")  # the same username at the centre: a suspected duplicate
    page = upload_bundle(coordinator, laptop.export()).get_data(as_text=True)
    assert "Bundle 1 of MARY1 imported" in page and "conflict" in page
    assert "Aylar Laptop" in db.session.scalar(select(User.full_name).where(User.username == "aylar.mary1"))
    listing = coordinator.get("/devices/").get_data(as_text=True)
    assert "MARY1" in listing and "Mary laptop" in listing
    conflicts = coordinator.get("/devices/conflicts").get_data(as_text=True)
    assert "The same username on both sides." in conflicts
    conflict = db.session.scalar(select(SyncConflict))
    settled = coordinator.post(f"/devices/conflicts/{conflict.id}/settle", follow_redirects=True,
                               data={"note": "Two people; left apart.", "csrf_token": csrf_token(coordinator, "/")})
    assert "Marked as settled." in settled.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(SyncConflict, conflict.id).settled_at is not None

    device = db.session.scalar(select(Device))
    down = coordinator.post(f"/devices/{device.id}/bundle", data={"csrf_token": csrf_token(coordinator, "/")})
    assert down.status_code == 200 and 'filename="cascade-for-MARY1-2.cascade"' in down.headers["Content-Disposition"]
    assert pulled(laptop, down.get_data()).acknowledged == 1
    token = csrf_token(coordinator, "/")
    unconfirmed = coordinator.post(f"/devices/{device.id}/revoke", data={"csrf_token": token})
    db.session.expire_all()
    assert unconfirmed.status_code == 400 and db.session.get(Device, device.id).revoked_at is None
    coordinator.post(f"/devices/{device.id}/revoke", data={"confirm": "yes", "csrf_token": token})
    db.session.expire_all()
    assert db.session.get(Device, device.id).revoked_at is not None
    refused = upload_bundle(coordinator, laptop.export()).get_data(as_text=True)
    assert "was revoked" in refused


def test_only_a_programme_wide_coordinator_manages_devices(centre, make_user):
    from course.models.scope import CoordinatorScope  # noqa: PLC0415
    from course.models.user import Velayat  # noqa: PLC0415

    for name, roles in (("lea", {Role.LEARNER}), ("tra", {Role.TRAINER}), ("adm", {Role.ADMIN}),
                        ("scoped", {Role.COORDINATOR})):
        make_user(name, roles=roles)
    db.session.add(CoordinatorScope(user_id=db.session.scalar(select(User.id).where(User.username == "scoped")),
                                    velayat=Velayat.MARY))
    db.session.commit()
    for name in ("lea", "tra", "adm", "scoped"):
        client = as_user(centre, name)
        assert client.get("/devices/").status_code == 403, name
        token = csrf_token(client, "/")
        assert client.post("/devices/", data={"name": "X", "prefix": "XX", "csrf_token": token}).status_code == 403
    assert db.session.scalar(select(func.count(Device.id))) == 0
    make_user("coord", roles={Role.COORDINATOR})
    assert as_user(centre, "coord").post("/devices/", data={"name": "X", "prefix": "XX"}).status_code == 400  # CSRF


def test_a_laptops_verification_page_says_the_certificate_was_issued_offline(centre, mary):
    mary.certified_learner("jeren", full_name="Jeren Laptop")
    with mary.use():
        code = db.session.scalar(select(Certificate.code))
    page = mary.app.test_client().get(f"/verify/{code}").get_data(as_text=True)
    assert "Issued offline on the field laptop MARY1" in page and "Jeren Laptop" in page
    imported(mary.export())
    assert "Issued offline" not in centre.test_client().get(f"/verify/{code}").get_data(as_text=True)


def _certificate_pdf_text(app) -> str:
    from pypdf import PdfReader  # noqa: PLC0415

    from course.certificates.document import certificate_document  # noqa: PLC0415
    from course.certificates.pdf import render_certificate  # noqa: PLC0415

    certificate = db.session.scalar(select(Certificate))
    with app.test_request_context("/"):
        pdf = render_certificate(certificate_document(certificate, load_catalogue()))
    return " ".join(PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())


def test_a_laptops_certificate_pdf_says_it_was_issued_offline_and_the_centres_does_not(centre, mary):
    mary.certified_learner("jeren", full_name="Jeren Laptop")
    with mary.use():
        assert "Issued offline on the field laptop MARY1" in _certificate_pdf_text(mary.app)
    imported(mary.export())
    text = _certificate_pdf_text(centre)
    assert "Jeren Laptop" in text and "Issued offline" not in text


def test_the_reports_name_the_laptop_a_cohort_was_run_on(centre, mary, make_user):
    import csv  # noqa: PLC0415

    from course.auth.services import create_user  # noqa: PLC0415
    from course.cohorts.services import create_cohort  # noqa: PLC0415
    from tests.test_cohorts import DETAILS  # noqa: PLC0415

    make_user("coord", roles={Role.COORDINATOR})
    make_user("master", roles={Role.TRAINER})
    create_cohort(DETAILS, load_catalogue(), lead=db.session.scalar(select(User).where(User.username == "master")),
                  actor=db.session.scalar(select(User).where(User.username == "master")))
    db.session.commit()
    with mary.use():
        trainer, _password = create_user("ogul", {Role.TRAINER}, full_name="Ogul Trainer")
        cohort = create_cohort(DETAILS, load_catalogue(), lead=trainer, actor=trainer)
        db.session.commit()
        assert cohort.device_prefix == "MARY1"
    imported(mary.export())

    coordinator = as_user(centre, "coord")
    assert "field laptop MARY1" in coordinator.get("/reports").get_data(as_text=True)
    lines = list(csv.DictReader(io.StringIO(coordinator.get("/reports/export/cohorts.csv").get_data(as_text=True))))
    assert sorted(line["Run on"] for line in lines) == ["central server", "field laptop MARY1"]


def pulled(laptop: Laptop, data: bytes):
    with laptop.use():
        result = import_on_device(data)
        db.session.commit()
        return result


def test_a_revocation_at_the_centre_reaches_the_laptop_with_the_centres_acknowledgement(centre, mary):
    mary.certified_learner("jeren", full_name="Jeren Laptop")
    imported(mary.export())
    certificate = db.session.scalar(select(Certificate))
    certificate.revoked_at, certificate.revocation_reason = utcnow(), "Issued in error"
    db.session.commit()
    _sequence, down = export_for_device("MARY1")
    db.session.commit()

    result = pulled(mary, down)

    assert result.applied and result.revoked == 1 and result.acknowledged == 1
    page = mary.app.test_client().get(f"/verify/{certificate.code}").get_data(as_text=True)
    assert "Revoked certificate" in page and "Issued in error" in page
    with mary.use():
        assert db.session.scalar(select(ThisDevice.acknowledged_sequence)) == 1
    assert not pulled(mary, down).applied  # the same bundle again changes nothing


def _live_module() -> str:
    from course.models.content import ContentItem, ContentKind  # noqa: PLC0415

    item = db.session.scalar(select(ContentItem).where(ContentItem.kind == ContentKind.MODULE,
                                                       ContentItem.content_id == "alpha"))
    return str(item.snapshot.data)


def test_a_new_content_version_at_the_centre_reaches_the_laptop_and_only_once(centre, mary, editable_content):
    module = editable_content / "modules" / "01-alpha" / "module.yaml"
    module.write_text(module.read_text(encoding="utf-8").replace("Alpha module", "Alpha module (corrected)"),
                      encoding="utf-8")
    sync_content(editable_content)
    db.session.commit()
    _sequence, down = export_for_device("MARY1")
    db.session.commit()

    result = pulled(mary, down)

    assert result.content == 1
    with mary.use():
        assert "Alpha module (corrected)" in _live_module()
    imported(mary.export())  # the laptop says what it now holds
    _sequence, again = export_for_device("MARY1")
    db.session.commit()
    from course.sync.bundle import open_envelope, read_envelope  # noqa: PLC0415

    with mary.use():
        device = db.session.scalar(select(ThisDevice))
        payload = open_envelope(read_envelope(again), verify_key=device.centre_verify_key,
                                private_key=device.box_private_key)
    assert payload["content"]["snapshots"] == [] and payload["content"]["live"]  # names the versions, no data
    assert pulled(mary, again).content == 0


def test_a_content_version_that_does_not_match_its_hash_is_refused(centre, mary):
    from course.sync.content import apply_content_update  # noqa: PLC0415

    with mary.use():
        from course.sync.content import content_update  # noqa: PLC0415

        update = content_update({})
        update["snapshots"][0]["data"]["title"] = {"en": "Changed on the way"}
        with pytest.raises(BundleError, match="does not match its version"):
            apply_content_update(update)


def test_a_laptop_joins_with_the_centres_content_and_staff_accounts(centre, make_user, tmp_path, content_dir):
    make_user("ogul", roles={Role.TRAINER}, full_name="Ogul Trainer")
    laptop = new_laptop(tmp_path, content_dir, "DASH1")
    with laptop.use():
        assert db.session.scalar(select(User.full_name).where(User.username == "ogul")) == "Ogul Trainer"
        assert db.session.scalar(select(ThisDevice.pulled_sequence)) == 1


def test_trainer_accounts_reach_the_laptop_and_sign_in_there(centre, mary, make_user):
    make_user("ogul", roles={Role.TRAINER}, full_name="Ogul Trainer")
    _sequence, down = export_for_device("MARY1")
    db.session.commit()
    assert pulled(mary, down).accounts >= 1
    with mary.use():
        ogul = db.session.scalar(select(User).where(User.username == "ogul"))
        assert ogul is not None and Role.TRAINER in ogul.roles
    with centre.app_context():
        centre_uid = db.session.scalar(select(User.uid).where(User.username == "ogul"))
    assert ogul.uid == centre_uid  # the same person on both sides: her laptop records will match at the centre
    client = mary.app.test_client()
    with mary.app.app_context():
        signed_in = sign_in(client, "ogul")
    assert signed_in.status_code == 302 and "/login" not in signed_in.headers["Location"]


def test_a_bundle_meant_for_another_place_or_changed_is_refused(centre, mary, tmp_path, content_dir):
    lebap = new_laptop(tmp_path, content_dir, "LEBAP")
    _sequence, for_lebap = export_for_device("LEBAP")
    db.session.commit()
    with mary.use(), pytest.raises(BundleError, match="written for another device"):
        import_on_device(for_lebap)
    envelope = json.loads(for_lebap)
    envelope["sequence"] = 7
    with lebap.use(), pytest.raises(BundleError, match="changed after it was signed"):
        import_on_device(json.dumps(envelope).encode())
    with pytest.raises(BundleError, match="import it on that laptop"):
        import_bundle(for_lebap)
    with mary.use(), pytest.raises(BundleError, match="import it there"):
        import_on_device(mary.export())


def test_attempts_of_a_person_known_on_both_sides_are_numbered_after_each_other(centre, mary, make_user):
    """The centre holds attempt 1 of a trainer at a quiz; on the laptop the same trainer made attempts 1 and 2:
    they arrive as 2 and 3, none lost, none numbered twice."""
    from course.models.attempt import QuizAttempt  # noqa: PLC0415

    ogul = make_user("ogul", roles={Role.TRAINER}, full_name="Ogul Trainer")
    pass_quiz(ogul, "post-test")
    _sequence, down = export_for_device("MARY1")
    db.session.commit()
    pulled(mary, down)
    with mary.use():
        on_laptop = db.session.scalar(select(User).where(User.username == "ogul"))
        pass_quiz(on_laptop, "post-test", passed=False)
        pass_quiz(on_laptop, "post-test")

    result = imported(mary.export())

    assert result.report.added["quiz_attempts"] == 2
    numbers = db.session.scalars(select(QuizAttempt.number).where(QuizAttempt.user_id == ogul.id)
                                 .order_by(QuizAttempt.number)).all()
    assert numbers == [1, 2, 3]


def test_bad_enrolment_files_and_early_exports_are_refused_with_a_clear_message(centre, tmp_path, content_dir):
    laptop_dir = tmp_path / "laptop"
    laptop_dir.mkdir()
    laptop = create_app(base_config(f"sqlite:///{laptop_dir / 'db.sqlite3'}", laptop_dir / "instance", content_dir))
    garbage, incomplete = tmp_path / "garbage.json", tmp_path / "incomplete.json"
    garbage.write_bytes(b"\xff\xfe not json")
    incomplete.write_text(json.dumps({"format": "cascade-device/1", "device_uid": "x", "name": "Mary"}))
    with laptop.app_context():
        db.create_all()
        runner = laptop.test_cli_runner()
        assert "not a Cascade device enrolment file" in runner.invoke(args=["device", "join", str(garbage)]).output
        refused = runner.invoke(args=["device", "join", str(incomplete)])
        assert refused.exit_code == 1 and "incomplete" in refused.output
        assert db.session.scalar(select(func.count(ThisDevice.id))) == 0
        db.session.remove()
    _device, enrolment = register_device("Mary laptop", "MARY1", None)
    db.session.commit()
    fresh = Laptop(tmp_path / "fresh", content_dir, enrolment)
    with fresh.use(), pytest.raises(DeviceError, match="No bundle was written yet"):
        export_bundle(again=True)
    existing = tmp_path / "taken.json"
    existing.write_text("{}")
    taken = centre.test_cli_runner().invoke(args=["device", "add", "Lebap", "--prefix", "LEBAP",
                                                  "--out", str(existing)])
    assert taken.exit_code == 1 and "exists already" in taken.output
    assert db.session.scalar(select(func.count(Device.id)).where(Device.prefix == "LEBAP")) == 0  # nothing registered


def test_a_bundle_for_an_unknown_or_revoked_laptop_is_not_written(centre, mary):
    with pytest.raises(DeviceError, match="No device has the prefix"):
        export_for_device("NOWHERE")
    revoke_device("MARY1", None)
    db.session.commit()
    with pytest.raises(DeviceError, match="revoked"):
        export_for_device("MARY1")
    with pytest.raises(DeviceError, match="already revoked"):
        revoke_device("MARY1", None)


def test_the_devices_page_refuses_a_missing_file_a_bad_name_and_an_empty_or_second_settlement(centre, make_user, mary):
    make_user("coord", roles={Role.COORDINATOR})
    make_user("aylar", full_name="Aylar Centre")
    mary.certified_learner("aylar", full_name="Aylar Laptop")
    imported(mary.export())
    coordinator = as_user(centre, "coord")
    no_file = coordinator.post("/devices/import", data={"csrf_token": csrf_token(coordinator, "/devices/")})
    assert no_file.status_code == 400 and "Choose the bundle file" in no_file.get_data(as_text=True)
    nameless = coordinator.post("/devices/", data={"name": " ", "prefix": "LEBAP",
                                                   "csrf_token": csrf_token(coordinator, "/devices/")})
    assert nameless.status_code == 400 and "1 to 100 characters" in nameless.get_data(as_text=True)
    conflict = db.session.scalar(select(SyncConflict))
    url = f"/devices/conflicts/{conflict.id}/settle"
    empty = coordinator.post(url, data={"note": "  ", "csrf_token": csrf_token(coordinator, "/")},
                             follow_redirects=True)
    assert "Say in a few words" in empty.get_data(as_text=True)
    coordinator.post(url, data={"note": "Two people.", "csrf_token": csrf_token(coordinator, "/")})
    again = coordinator.post(url, data={"note": "Again.", "csrf_token": csrf_token(coordinator, "/")},
                             follow_redirects=True)
    assert "settled already" in again.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(SyncConflict, conflict.id).note == "Two people."
    assert db.session.scalar(select(func.count(Device.id))) == 1


def test_a_laptops_certificate_becomes_a_signed_credential_when_its_bundle_reaches_the_centre(centre, mary):
    from course.models.badge_credential import BadgeCredential  # noqa: PLC0415

    centre.config["BASE_URL"] = "https://training.example.org"
    mary.certified_learner("jeren", full_name="Jeren Laptop")
    with mary.use():  # the laptop signs nothing: it has no key to sign with
        assert db.session.scalar(select(func.count()).select_from(BadgeCredential)) == 0
    imported(mary.export())
    kept = db.session.scalars(select(BadgeCredential)).all()
    certificate = db.session.scalar(select(Certificate))
    assert [credential.certificate_id for credential in kept] == [certificate.id]


def test_a_follow_up_answered_on_a_laptop_reaches_the_centre(centre, mary, make_user):
    from datetime import timedelta  # noqa: PLC0415

    from course.auth.services import create_user  # noqa: PLC0415
    from course.cohorts.services import enrol_in_cohort  # noqa: PLC0415
    from course.days import add_months  # noqa: PLC0415
    from course.follow_up.form import course_follow_up_form  # noqa: PLC0415
    from course.follow_up.services import submit_follow_up  # noqa: PLC0415
    from course.models.follow_up import FollowUpResponse  # noqa: PLC0415
    from tests.test_cascade import cohort_of  # noqa: PLC0415

    with mary.use():
        lead, _password = create_user("fieldlead", {Role.TRAINER}, full_name="Field Lead")
        cohort = cohort_of(lead, "short", "Field cohort")
        cohort.ends_on = add_months(utcnow().date(), -3) - timedelta(days=1)
        cohort.starts_on = cohort.ends_on - timedelta(days=2)
        learner, _password = create_user("aynur", {Role.LEARNER}, full_name="Aynur Field")
        enrol_in_cohort(learner, cohort)
        submit_follow_up(cohort, learner, 3, course_follow_up_form(load_catalogue(), "en"), {"identified": "7"},
                         utcnow().date())
        db.session.commit()
    imported(mary.export())
    response = db.session.scalar(select(FollowUpResponse))
    assert response.answers == {"identified": 7} and response.wave == 3
    assert db.session.get(User, response.user_id).username == "aynur"
