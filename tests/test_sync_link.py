"""``course sync push`` and ``course sync pull``: the laptop's bundles over HTTPS, through the same services as a
USB stick, with the centre's signed receipt as its acknowledgement (issue 19)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from course.extensions import db
from course.models.certificate import Certificate
from course.models.device import Device, SyncBundle, ThisDevice
from course.models.types import utcnow
from course.models.user import User
from course.sync import link
from course.sync.bundle import sign_note
from course.sync.link import LinkError, pull, push
from course.sync.services import DeviceError, revoke_device
from tests.live import served
from tests.test_field_sync import Laptop, new_laptop


@pytest.fixture
def centre(app, synced):
    return app


@pytest.fixture
def mary(centre, tmp_path, content_dir) -> Laptop:
    return new_laptop(tmp_path, content_dir, "MARY1")


def through(app):
    """A transport that hands the request to the centre's application, as the network would."""
    client = app.test_client()

    def post(url: str, body: bytes) -> bytes:
        answer = client.post(url.removeprefix("https://centre.example.org"), data=body,
                             content_type="application/octet-stream")
        if answer.status_code != 200:  # noqa: PLR2004
            raise LinkError(f"The central server refused: {answer.get_json()['error']}")
        return answer.get_data()
    return post


CENTRE_URL = "https://centre.example.org"


def test_a_push_applies_the_bundle_and_its_receipt_acknowledges_it_so_the_next_holds_only_changes(centre, mary):
    mary.certified_learner("jeren", full_name="Jeren Laptop")
    with mary.use():
        sent = push(through(centre), url=CENTRE_URL)
        db.session.commit()
        assert sent.receipt["applied"] and sent.receipt["acknowledged"] == 1
        assert db.session.scalar(select(ThisDevice.acknowledged_sequence)) == 1
    assert "-MARY1-" in db.session.scalar(select(Certificate.serial))  # the laptop's certificate, at the centre
    assert db.session.scalar(select(User.full_name).where(User.username == "jeren")) == "Jeren Laptop"


def test_a_pull_brings_the_centres_revocation_and_acknowledgement(centre, mary):
    mary.certified_learner("jeren")
    with mary.use():
        push(through(centre), url=CENTRE_URL)
        db.session.commit()
    certificate = db.session.scalar(select(Certificate))
    certificate.revoked_at, certificate.revocation_reason = utcnow(), "Issued in error"
    db.session.commit()
    with mary.use():
        result = pull(through(centre), url=CENTRE_URL)
        db.session.commit()
        assert result.applied and result.revoked == 1
        assert db.session.scalar(select(Certificate.revocation_reason)) == "Issued in error"


def test_an_answer_lost_on_the_way_loses_nothing(centre, mary):
    """The centre applied the bundle but the laptop never heard: the laptop writes the number again, and the
    centre applies the new writing (only what is newer changes)."""
    mary.certified_learner("jeren")
    deliver = through(centre)

    def lost_answer(url: str, body: bytes) -> bytes:
        deliver(url, body)
        raise LinkError("The connection dropped.")

    with mary.use():
        with pytest.raises(LinkError):
            push(lost_answer, url=CENTRE_URL)
        db.session.rollback()  # as the command does
    mary.certified_learner("aylar")
    with mary.use():
        sent = push(deliver, url=CENTRE_URL)
        db.session.commit()
    assert sent.sequence == 1 and sent.receipt["applied"]
    assert set(db.session.scalars(select(User.username).where(User.username.in_(["jeren", "aylar"])))) == {
        "jeren", "aylar"}
    assert db.session.scalar(select(func.count(SyncBundle.id))) == 1


def test_the_centre_refuses_a_tampered_or_foreign_push_and_a_forged_pull_over_the_link(centre, mary):
    client = centre.test_client()
    with mary.use():
        from course.sync.services import export_bundle  # noqa: PLC0415

        _sequence, bundle = export_bundle()
        db.session.rollback()
    envelope = json.loads(bundle)
    envelope["sealed"] = envelope["sealed"][:-8] + "AAAAAAA="
    refused = client.post("/sync/push", data=json.dumps(envelope).encode())
    assert refused.status_code == 409 and "changed after it was signed" in refused.get_json()["error"]
    assert client.post("/sync/push", data=b"not a bundle").status_code == 409
    device = db.session.scalar(select(Device))
    forged = sign_note({"format": "cascade-pull/1", "device": device.uid, "content": {}, "nonce": "x"},
                       "11" * 32)  # signed by a key that is not the laptop's
    answer = client.post("/sync/pull", data=forged)
    assert answer.status_code == 409 and "not signed by whom it names" in answer.get_json()["error"]
    assert db.session.scalar(select(Device.down_sequence)) == 1  # only the enrolment file's bundle
    assert db.session.scalar(select(func.count(SyncBundle.id))) == 0


def test_a_revoked_laptop_can_neither_push_nor_pull(centre, mary):
    revoke_device("MARY1", None)
    db.session.commit()
    with mary.use():
        with pytest.raises(LinkError, match="revoked"):
            push(through(centre), url=CENTRE_URL)
        db.session.rollback()
        with pytest.raises(LinkError, match="revoked"):
            pull(through(centre), url=CENTRE_URL)
        db.session.rollback()
        assert db.session.scalar(select(ThisDevice.last_sequence)) == 0  # nothing counted as sent


def test_an_address_that_is_not_https_or_unknown_is_refused_before_anything_is_written(centre, mary):
    with mary.use():
        for url, message in (("http://centre.example.org", "must start with https://"),
                             ("ftp://centre.example.org", "must start with https://")):
            with pytest.raises(DeviceError, match=message):
                push(through(centre), url=url)
        db.session.scalar(select(ThisDevice)).centre_url = ""
        with pytest.raises(DeviceError, match="No address of the central server"):
            pull(through(centre))
        db.session.rollback()
        assert db.session.scalar(select(ThisDevice.last_sequence)) == 0


def test_the_commands_push_and_pull_over_a_real_socket(centre, mary):
    mary.certified_learner("jeren")
    with served(centre) as address, mary.use():
        runner = mary.app.test_cli_runner()
        pushed = runner.invoke(args=["sync", "push", "--url", address])
        assert pushed.exit_code == 0 and "Bundle 1 sent: the central server applied it" in pushed.output, \
            pushed.output
        again = runner.invoke(args=["sync", "pull", "--url", address])
        assert again.exit_code == 0 and "it has your bundles up to 1" in again.output, again.output
        db.session.remove()
    db.session.expire_all()
    assert db.session.scalar(select(Device.last_sequence)) == 1


def test_an_unreachable_centre_is_said_plainly_and_nothing_is_counted_as_sent(centre, mary):
    with served(centre) as address:
        pass  # the server is gone: its port refuses
    with mary.use():
        result = mary.app.test_cli_runner().invoke(args=["sync", "push", "--url", address])
        assert result.exit_code == 1 and "cannot be reached" in result.output and "USB" in result.output
        assert db.session.scalar(select(ThisDevice.last_sequence)) == 0
        db.session.remove()


def test_https_post_gives_the_centres_reason_when_it_refuses(centre, mary):
    with served(centre) as address, pytest.raises(LinkError, match="not a Cascade bundle"):
        link.https_post(f"{address}/sync/push", b"nonsense")


def test_a_flood_of_link_requests_is_turned_away(centre, monkeypatch):
    from course.sync import api  # noqa: PLC0415

    monkeypatch.setattr(api, "LINK_REQUESTS_PER_HOUR", 2)
    client = centre.test_client()
    codes = [client.post("/sync/pull", data=b"{}").status_code for _ in range(3)]
    assert codes == [409, 409, 429]


def test_a_pull_for_a_laptop_registered_without_a_key_for_bundles_is_refused_not_an_error(centre, mary):
    device = db.session.scalar(select(Device))
    device.box_public_key = None
    db.session.commit()
    with mary.use():
        with pytest.raises(LinkError, match="without a key for bundles"):
            pull(through(centre), url=CENTRE_URL)
        db.session.rollback()


def test_push_and_pull_on_an_installation_that_is_no_device_say_so(centre):
    for command in ("push", "pull"):
        result = centre.test_cli_runner().invoke(args=["sync", command, "--url", CENTRE_URL])
        assert result.exit_code == 1 and "not a device yet" in result.output, result.output
