"""Register field devices, make a laptop one, write its bundles and apply them on the central server.

Services check, change and flush; the command or page that calls them commits once, so a refused bundle
changes nothing.
"""

from __future__ import annotations

import base64
import json
import secrets
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from flask import current_app
from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import select, update

from course.audit import record_event
from course.auth.services import set_roles
from course.config import DEVICE_PREFIX, private_file
from course.credentials.issuing import sign_where_central, unsigned_certificates
from course.domain import DomainError
from course.extensions import db
from course.learn.queries import load_catalogue
from course.models.certificate import Certificate
from course.models.device import Device, SyncBundle, SyncConflict, ThisDevice
from course.models.types import utcnow
from course.models.user import Role, User, UserRole, new_session_token
from course.sql import chunks
from course.summary import refresh_everyone, refresh_learners
from course.sync.bundle import (
    DOWN,
    UP,
    BundleError,
    check_note,
    new_box_keys,
    new_keys,
    open_envelope,
    read_envelope,
    read_note,
    seal,
    sign_note,
)
from course.sync.clock import CLOCK, ORIGIN, earlier
from course.sync.content import apply_content_update, content_update, live_versions
from course.sync.device import this_device
from course.sync.records import MergeReport, SyncRefused, apply_records, export_records
from course.sync.stamping import CENTRE_NODE, clock_node, forget_clock_node

ENROLMENT_FORMAT = "cascade-device/1"
KEYS_FILE = "sync-keys.json"


class DeviceError(DomainError):
    """A device action that cannot be carried out; the message says why."""


# -- the centre's keys ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CentreKeys:
    """The central server's keys (hex): one pair opens the laptops' bundles, one signs its bundles to them."""

    box_private: str
    box_public: str
    signing: str
    verify: str


def centre_keys(instance_path: Path) -> CentreKeys:
    """Made on first use and kept readable by the server's user only, next to the instance secret."""
    def make() -> str:
        box_private, box_public = new_box_keys()
        signing, verify = new_keys()
        return json.dumps({"box_private": box_private, "box_public": box_public, "signing": signing,
                           "verify": verify})

    return CentreKeys(**json.loads(private_file(instance_path / KEYS_FILE, make)))


def _instance_path() -> Path:
    return Path(current_app.instance_path)


# -- devices on the centre -----------------------------------------------------------------------------------------

def register_device(name: str, prefix: str, actor: User | None) -> tuple[Device, dict[str, Any]]:
    """Register a laptop; returns it and its enrolment file's content (which holds its private signing key: hand
    it over like a password)."""
    name, prefix = name.strip(), prefix.strip().upper()
    if not name or len(name) > 100:  # noqa: PLR2004
        raise DeviceError(_("Give the device a name of 1 to 100 characters."), field="name")
    if not DEVICE_PREFIX.fullmatch(prefix):
        raise DeviceError(_("The prefix must be 2 to 8 capital letters or digits, starting with a letter "
                            "(e.g. MARY1)."), field="prefix")
    if prefix == CENTRE_NODE:
        raise DeviceError(_("The prefix %(prefix)s is reserved for the central server.", prefix=prefix),
                          field="prefix")
    if db.session.scalar(select(Device.id).where(Device.prefix == prefix)):
        raise DeviceError(_("The prefix %(prefix)s is already used by another device.", prefix=prefix), field="prefix")
    signing, verify = new_keys()
    box_private, box_public = new_box_keys()
    device = Device(name=name, prefix=prefix, verify_key=verify, box_public_key=box_public,
                    registered_by_id=actor.id if actor else None)
    db.session.add(device)
    db.session.flush()
    record_event("device.add", prefix, actor_id=actor.id if actor else None, name=name, device=device.uid)
    keys = centre_keys(_instance_path())
    _sequence, first = export_for_device(prefix, actor)  # the content and the accounts the laptop starts with
    enrolment = {"format": ENROLMENT_FORMAT, "device_uid": device.uid, "name": name, "prefix": prefix,
                 "signing_key": signing, "box_key": box_private, "centre_public_key": keys.box_public,
                 "centre_verify_key": keys.verify, "centre_url": current_app.config.get("BASE_URL") or "",
                 "first_bundle": base64.b64encode(first).decode()}
    return device, enrolment


def _device_by_prefix(prefix: str, *, lock: bool = False) -> Device:
    query = select(Device).where(Device.prefix == prefix.strip().upper())
    device = db.session.scalar(query.with_for_update() if lock else query)
    if device is None:
        raise DeviceError(_("No device has the prefix %(prefix)s.", prefix=prefix))
    return device


def revoke_device(prefix: str, actor: User | None) -> Device:
    device = _device_by_prefix(prefix)
    if device.revoked:
        raise DeviceError(_("The device %(prefix)s is already revoked.", prefix=device.prefix))
    device.revoked_at = utcnow()
    record_event("device.revoke", device.prefix, actor_id=actor.id if actor else None, device=device.uid)
    return device


# -- the laptop ----------------------------------------------------------------------------------------------------

def join_device(enrolment: dict[str, Any]) -> ThisDevice:
    """Make this installation the device an enrolment file describes."""
    if not isinstance(enrolment, dict) or enrolment.get("format") != ENROLMENT_FORMAT:
        raise DeviceError(_("This file is not a Cascade device enrolment file."))
    fields = ("device_uid", "name", "prefix", "signing_key", "centre_public_key")
    if any(not isinstance(enrolment.get(key), str) or not enrolment[key] for key in fields):
        raise DeviceError(_("This enrolment file is incomplete; ask the coordinator for a new one."))
    current = this_device()
    if current is not None:
        if current.device_uid == enrolment["device_uid"]:
            raise DeviceError(_("This installation is already the device %(prefix)s.", prefix=current.prefix))
        raise DeviceError(_("This installation is already the device %(prefix)s; a laptop is one device.",
                            prefix=current.prefix))
    device = ThisDevice(device_uid=enrolment["device_uid"], name=enrolment["name"], prefix=enrolment["prefix"],
                        signing_key=enrolment["signing_key"], centre_public_key=enrolment["centre_public_key"],
                        box_private_key=enrolment.get("box_key"), centre_verify_key=enrolment.get("centre_verify_key"),
                        centre_url=enrolment.get("centre_url") or "")
    db.session.add(device)
    db.session.flush()
    forget_clock_node()
    record_event("device.join", device.prefix, device=device.device_uid)
    if enrolment.get("first_bundle"):
        try:
            first = base64.b64decode(enrolment["first_bundle"], validate=True)
        except (TypeError, ValueError):
            raise DeviceError(_("This enrolment file is damaged; ask the coordinator for a new one.")) from None
        import_on_device(first)
    return device


#: A bundle's records start this long before the stamp of the acknowledged bundle: a change whose transaction
#: was still open while that bundle was written is sent again rather than lost (sending twice changes nothing).
OVERLAP_MS = 10 * 60 * 1000


def export_bundle(*, again: bool = False, number: int | None = None) -> tuple[int, bytes]:
    """The next bundle of this laptop (or, ``again``, the last one, or bundle ``number``, anew, for a stick that
    was lost): every record changed since the last bundle the centre has acknowledged, so a lost or unimported
    bundle is never a hole."""
    device = joined_device()
    if again and device.last_sequence == 0:
        raise DeviceError(_("No bundle was written yet; export without --again."))
    if number is not None and not (again and 1 <= number <= device.last_sequence):
        raise DeviceError(_("--number names a bundle already written (1 to %(last)d), with --again.",
                            last=device.last_sequence))
    sequence = (number or device.last_sequence) if again else device.last_sequence + 1
    written = dict(device.written_clocks or {})
    acknowledged = written.get(str(device.acknowledged_sequence))
    # Everything since the acknowledged bundle; everything at all when the centre asks again for a bundle it had
    # acknowledged (it was restored from a backup, say), since what came between may be gone there too.
    since = earlier(acknowledged, OVERLAP_MS) if acknowledged and sequence > device.acknowledged_sequence else None
    now = CLOCK.now(clock_node(db.session()), db.session.connection())
    CLOCK.observe(now, db.session.connection())  # after a restart with a wrong clock, stamps stay past this one
    # A number written anew keeps the stamp of its first writing: whichever writing the centre acknowledges,
    # it holds everything changed before that stamp.
    written.setdefault(str(sequence), now)
    payload = {"sequence": sequence, "device": device.device_uid, "written_at": utcnow().isoformat(),
               "since": since, "content": live_versions(), "records": export_records(since)}
    data = seal(payload, direction=UP, device_uid=device.device_uid, sequence=sequence,
                signing_key=device.signing_key, recipient_key=device.centre_public_key)
    device.last_sequence = max(device.last_sequence, sequence)
    device.written_clocks = {key: at for key, at in written.items() if int(key) >= device.acknowledged_sequence}
    return sequence, data


# -- import on the centre ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ImportResult:
    device: Device
    sequence: int
    #: False when the bundle had been imported already: nothing changed.
    applied: bool
    report: MergeReport


def import_bundle(data: bytes, actor: User | None = None) -> ImportResult:
    """Apply a bundle on the central server (the caller commits; on any error nothing is changed).

    The same file twice changes nothing. A bundle written anew under a number already imported (``--again``)
    is applied: it can only bring what is newer.

    :raises BundleError: the file is not a bundle this server accepts (foreign, tampered, revoked device, a gap
        in the numbering, records that do not fit).
    """
    envelope = read_envelope(data)
    if envelope.direction != UP:
        raise BundleError(_("This bundle was written by a central server for a laptop: import it on that laptop."))
    device = db.session.scalar(select(Device).where(Device.uid == envelope.device_uid).with_for_update())
    if device is None:
        raise BundleError(_("This bundle comes from a device this server does not know: register the laptop here "
                            "first."))
    if device.revoked:
        raise BundleError(_("This bundle comes from the device %(prefix)s (%(name)s), which was revoked on %(day)s: it "
                            "is refused.", prefix=device.prefix, name=device.name, day=format_date(device.revoked_at)))
    bundle = db.session.scalar(select(SyncBundle).where(SyncBundle.device_id == device.id,
                                                        SyncBundle.sequence == envelope.sequence))
    if bundle is not None and bundle.digest == envelope.digest:
        return ImportResult(device, envelope.sequence, applied=False, report=MergeReport())  # imported before
    payload = open_envelope(envelope, verify_key=device.verify_key,
                            private_key=centre_keys(_instance_path()).box_private)
    if envelope.sequence > device.last_sequence + 1:
        first, last = device.last_sequence + 1, envelope.sequence - 1
        missing = str(first) if first == last else f"{first} to {last}"
        raise BundleError(_("Bundle %(number)d of %(prefix)s cannot be imported yet: bundle(s) %(missing)s are "
                            "missing. Import them first; if they are lost, write bundle %(first)d anew on the "
                            "laptop (course sync export --again --number %(first)d) and import that.",
                            number=envelope.sequence, prefix=device.prefix, missing=missing, first=first))
    if bundle is None:
        bundle = SyncBundle(device_id=device.id, sequence=envelope.sequence, digest=envelope.digest)
        db.session.add(bundle)
        db.session.flush()
    else:
        # A number written anew (its stick or the link's answer was lost): applied again, which changes only
        # what is newer in it, since the centre keeps the later version of every record.
        bundle.digest = envelope.digest
    try:
        report = apply_records(payload.get("records") or {}, bundle_id=bundle.id, prefix=device.prefix,
                               seen=device.seen_clock)
    except SyncRefused as exc:
        raise BundleError(_("This bundle cannot be applied: %(reason)s. Nothing was imported.", reason=exc)) from None
    CLOCK.observe(report.latest_clock, db.session.connection())
    device.seen_clock = max(device.seen_clock, report.latest_clock)
    if isinstance(payload.get("content"), dict):
        device.content_versions = payload["content"]
    bundle.added = dict(Counter(bundle.added or {}) + Counter(report.added))
    db.session.add_all(report.conflicts)
    device.last_sequence = max(device.last_sequence, envelope.sequence)
    record_event("sync.import", device.prefix, actor_id=actor.id if actor else None, sequence=envelope.sequence,
                 added=report.added, conflicts=len(report.conflicts))
    db.session.flush()
    if report.people:
        refresh_learners(sorted(report.people))
    # The laptop's certificates become Open Badges credentials now that the central server holds them.
    sign_where_central(unsigned_certificates(), load_catalogue())
    return ImportResult(device, envelope.sequence, applied=True, report=report)


def settle_conflict(conflict_id: int, note: str, actor: User) -> SyncConflict:
    """A coordinator has looked at a conflict and says what they did about it."""
    conflict = db.session.get(SyncConflict, conflict_id)
    if conflict is None or conflict.settled_at is not None:
        raise DeviceError(_("This conflict is settled already, or does not exist."))
    note = note.strip()
    if not note or len(note) > 2000:  # noqa: PLR2004
        raise DeviceError(_("Say in a few words (at most 2000 characters) what you did about it."), field="note")
    conflict.note, conflict.settled_at = note, utcnow()
    record_event("sync.conflict_settle", conflict.record_uid, actor_id=actor.id, conflict=conflict.id)
    return conflict


# -- bundles down: from the centre to a laptop ---------------------------------------------------------------------

#: Roles whose accounts a laptop needs: the people who run and oversee cohorts there.
STAFF_ROLES = ("trainer", "coordinator")
#: What a laptop receives of each such account.
ACCOUNT_FIELDS = ("full_name", "email", "password_hash", "agency", "velayat")


def export_for_device(prefix: str, actor: User | None = None) -> tuple[int, bytes]:
    """The centre's next bundle for a laptop: what it has acknowledged of the laptop's bundles, the
    certificates revoked since (so the laptop's verification page says so), and the accounts of the trainers
    and coordinators the laptop needs. Signed by the centre, sealed to the laptop."""
    device = _device_by_prefix(prefix, lock=True)
    if device.revoked or not device.box_public_key:
        raise DeviceError(_("The device %(prefix)s is revoked or was registered without a key for bundles to it; "
                            "register the laptop again.", prefix=device.prefix))
    revoked = [{"uid": uid, "revoked_at": at.isoformat(), "reason": reason or ""} for uid, at, reason in
               db.session.execute(select(Certificate.uid, Certificate.revoked_at, Certificate.revocation_reason)
                                  .where(Certificate.revoked_at.is_not(None)))]
    staff = db.session.execute(select(User, UserRole.role).join(UserRole, UserRole.user_id == User.id)
                               .where(UserRole.role.in_(STAFF_ROLES), User.active.is_(True))).all()
    accounts: dict[str, dict[str, Any]] = {}
    for user, role in staff:
        account = accounts.setdefault(user.uid, {
            "uid": user.uid, "username": user.username, **{name: getattr(user, name) for name in ACCOUNT_FIELDS},
            "field_clocks": {name: at for name, at in (user.field_clocks or {}).items() if name in ACCOUNT_FIELDS},
            "roles": []})
        account["roles"].append(str(role))
    device.down_sequence += 1
    payload = {"sequence": device.down_sequence, "acknowledged": device.last_sequence, "revocations": revoked,
               "accounts": list(accounts.values()), "clock": CLOCK.now(CENTRE_NODE, db.session.connection()),
               "content": content_update(device.content_versions)}
    data = seal(payload, direction=DOWN, device_uid=device.uid, sequence=device.down_sequence,
                signing_key=centre_keys(_instance_path()).signing, recipient_key=device.box_public_key)
    record_event("sync.export_down", device.prefix, actor_id=actor.id if actor else None,
                 sequence=device.down_sequence, revocations=len(revoked), accounts=len(accounts))
    return device.down_sequence, data


@dataclass(frozen=True)
class PullResult:
    sequence: int
    applied: bool
    acknowledged: int = 0
    revoked: int = 0
    accounts: int = 0
    #: Content items that changed here (new versions, new items, retired ones).
    content: int = 0


def import_on_device(data: bytes) -> PullResult:
    """Apply the centre's bundle on this laptop (the caller commits; on any error nothing changes)."""
    envelope = read_envelope(data)
    device = this_device()
    if envelope.direction != DOWN:
        raise BundleError(_("This bundle was written by a laptop for the central server: import it there."))
    if device is None or envelope.device_uid != device.device_uid or not device.box_private_key:
        raise BundleError(_("This bundle was written for another device, or this installation is not a device."))
    if envelope.sequence <= device.pulled_sequence:
        return PullResult(envelope.sequence, applied=False)
    payload = open_envelope(envelope, verify_key=device.centre_verify_key or "", private_key=device.box_private_key)
    device.acknowledged_sequence = max(device.acknowledged_sequence,
                                       min(int(payload.get("acknowledged") or 0), device.last_sequence))
    CLOCK.observe(payload.get("clock") or "", db.session.connection())
    revoked = _apply_revocations(payload.get("revocations", []))
    accounts = _apply_accounts(payload.get("accounts", []))
    content = _apply_content(payload.get("content"))
    device.pulled_sequence = envelope.sequence
    record_event("sync.import_down", device.prefix, sequence=envelope.sequence, revoked=revoked, accounts=accounts,
                 content=content)
    return PullResult(envelope.sequence, applied=True, acknowledged=device.acknowledged_sequence, revoked=revoked,
                      accounts=accounts, content=content)


def _apply_revocations(revocations: list[dict[str, Any]]) -> int:
    """The centre's revocations, on the certificates this laptop holds and still counts valid (a query a batch)."""
    reasons = {revocation["uid"]: revocation for revocation in revocations}
    revoked = 0
    for chunk in chunks(sorted(reasons), 1000):
        for certificate in db.session.scalars(select(Certificate).where(Certificate.uid.in_(chunk),
                                                                        Certificate.revoked_at.is_(None))):
            revocation = reasons[certificate.uid]
            certificate.revoked_at = datetime.fromisoformat(revocation["revoked_at"])
            certificate.revocation_reason = revocation["reason"]
            revoked += 1
    return revoked


def _apply_accounts(accounts: list[dict[str, Any]]) -> int:
    """The centre's staff accounts on this laptop; returns how many are new here.

    Each field takes the centre's value unless this laptop changed it later, and keeps the centre's stamp
    (written past the ORM, so it does not count as this laptop's edit and is not sent back as one).
    """
    uids = [account["uid"] for account in accounts]
    here = {user.uid: user for chunk in chunks(uids, 1000)
            for user in db.session.scalars(select(User).where(User.uid.in_(chunk)))}
    taken = {name for chunk in chunks([a["username"] for a in accounts], 1000)
             for name in db.session.scalars(select(User.username).where(User.username.in_(chunk)))}
    added = 0
    for account in accounts:
        user = here.get(account["uid"])
        if user is None:
            if account["username"] in taken:
                continue  # a local person holds the name: the centre sees both when this laptop's bundle arrives
            user = User(uid=account["uid"], username=account["username"], session_token=new_session_token(),
                        **{name: account[name] for name in ACCOUNT_FIELDS})
            db.session.add(user)
            db.session.flush()
            added += 1
        _take_centre_fields(user, account)
        set_roles(user, {Role(role) for role in account["roles"]} | set(user.roles), actor_id=None)
    return added


def _take_centre_fields(user: User, account: dict[str, Any]) -> None:
    ours, theirs = user.field_clocks or {}, account.get("field_clocks") or {}
    changes = {name: account[name] for name in ACCOUNT_FIELDS
               if getattr(user, name) != account[name] and theirs.get(name, ORIGIN) >= ours.get(name, ORIGIN)}
    merged = {**ours, **{name: max(ours.get(name, ORIGIN), at) for name, at in theirs.items()}}
    if "password_hash" in changes:
        changes["session_token"] = new_session_token()
    if changes or merged != ours:
        db.session.execute(update(User).where(User.id == user.id).values(**changes, field_clocks=merged)
                           .execution_options(synchronize_session="fetch"))


def _apply_content(changes: dict[str, Any] | None) -> int:
    """The centre's content made live here; every learner's standing recounted when it changed."""
    if not changes:
        return 0
    report = apply_content_update(changes)
    if report.changed:
        refresh_everyone()
    return len(report.created) + len(report.updated) + len(report.retired)


# -- over a link: the same bundles, sent and fetched over HTTPS ----------------------------------------------------

PULL_FORMAT = "cascade-pull/1"
RECEIPT_FORMAT = "cascade-receipt/1"


def pull_request() -> bytes:
    """The laptop's signed request for the centre's next bundle, saying which content versions it holds."""
    device = joined_device()
    return sign_note({"format": PULL_FORMAT, "device": device.device_uid, "content": live_versions(),
                      "nonce": secrets.token_hex(8)}, device.signing_key)


def answer_pull(data: bytes) -> bytes:
    """On the centre: the bundle for the laptop that signed the request (export_for_device, as for a stick)."""
    note, text, signature = read_note(data)
    device = db.session.scalar(select(Device).where(Device.uid == str(note.get("device"))))
    if note.get("format") != PULL_FORMAT or device is None:
        raise BundleError(_("This request comes from a device this server does not know."))
    check_note(text, signature, device.verify_key)
    if device.revoked:
        raise BundleError(_("The device %(prefix)s was revoked: nothing is sent to it.", prefix=device.prefix))
    if isinstance(note.get("content"), dict):
        device.content_versions = note["content"]
    _sequence, bundle = export_for_device(device.prefix)
    return bundle


def receipt(result: ImportResult) -> bytes:
    """On the centre: the signed answer to a pushed bundle; its acknowledgement lets the laptop's next bundle
    hold only what changed after it."""
    return sign_note({"format": RECEIPT_FORMAT, "device": result.device.uid, "sequence": result.sequence,
                      "applied": result.applied, "acknowledged": result.device.last_sequence,
                      "added": result.report.added, "conflicts": len(result.report.conflicts)},
                     centre_keys(_instance_path()).signing)


def take_receipt(data: bytes) -> dict[str, Any]:
    """On the laptop: the centre's receipt, once its signature holds; its acknowledgement is recorded."""
    device = joined_device()
    note, text, signature = read_note(data)
    check_note(text, signature, device.centre_verify_key or "")
    if note.get("format") != RECEIPT_FORMAT or note.get("device") != device.device_uid:
        raise BundleError(_("This receipt is not for this device."))
    acknowledged = note.get("acknowledged")
    if isinstance(acknowledged, int) and not isinstance(acknowledged, bool):
        device.acknowledged_sequence = max(device.acknowledged_sequence, min(acknowledged, device.last_sequence))
    return note


def joined_device() -> ThisDevice:
    """This installation's device row; refused with what to do when it is not a device."""
    device = this_device()
    if device is None:
        raise DeviceError(_("This installation is not a device yet: run 'course device join FILE' first."))
    return device
