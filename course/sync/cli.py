"""``course device ...`` and ``course sync export|import``: field laptops and their bundles, from a terminal."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from course.cli_refusals import fail, refusals_fail
from course.extensions import db
from course.models.device import Device
from course.sync.bundle import DOWN, read_envelope
from course.sync.link import pull, push
from course.sync.services import (
    PullResult,
    export_bundle,
    export_for_device,
    import_bundle,
    import_on_device,
    join_device,
    register_device,
    revoke_device,
)


@click.group("device")
def device_group() -> None:
    """Field laptops: register one on the central server, make a laptop one, revoke one."""


@device_group.command("add")
@click.argument("name")
@click.option("--prefix", required=True, help="2 to 8 capital letters or digits, put in its certificates' serials.")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, writable=True),
              help="Where to write the device's enrolment file (it holds the device's private key).")
@with_appcontext
def device_add(name: str, prefix: str, out: str) -> None:
    """Register a laptop on the central server and write its enrolment file."""
    path = Path(out)
    if path.exists():
        fail(f"{path} exists already; choose another file name.")
    with refusals_fail():
        device, enrolment = register_device(name, prefix, None)
    path.write_text(json.dumps(enrolment, indent=1), encoding="utf-8")
    path.chmod(0o600)
    db.session.commit()
    click.echo(f"Registered {device.name} as {device.prefix}. Carry {path} to the laptop and run there: "
               f"course init --device {path.name} (or, on an installation in use, course device join {path.name})")


@device_group.command("join")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@with_appcontext
def device_join(file: str) -> None:
    """Make this installation the device an enrolment file describes (as 'course init --device FILE' does)."""
    join_from_file(Path(file))


def join_from_file(path: Path) -> None:
    try:
        enrolment = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        fail("This file is not a Cascade device enrolment file.")
    with refusals_fail():
        device = join_device(enrolment)
    db.session.commit()
    click.echo(f"This installation is now the device {device.prefix} ({device.name}), with the central server's "
               f"course content and staff accounts. Its certificates' serials carry {device.prefix}; "
               "'course sync export --out FILE' (or 'course sync push') sends its records to the centre.")


@device_group.command("revoke")
@click.argument("prefix")
@with_appcontext
def device_revoke(prefix: str) -> None:
    """Refuse every later bundle of a device (a lost or stolen laptop)."""
    with refusals_fail():
        device = revoke_device(prefix, None)
    db.session.commit()
    click.echo(f"Revoked {device.prefix} ({device.name}): its bundles are refused from now on.")


@device_group.command("list")
@with_appcontext
def device_list() -> None:
    """The registered devices, their last bundle and state."""
    for device in db.session.scalars(select(Device).order_by(Device.prefix)):
        state = f"revoked {device.revoked_at:%Y-%m-%d}" if device.revoked else "active"
        click.echo(f"{device.prefix:<9} {device.name[:40]:<40} last bundle {device.last_sequence:<5} {state}")


@click.command("export")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, writable=True))
@click.option("--again", is_flag=True, help="Write the last bundle anew (its stick was lost before the centre).")
@click.option("--number", type=int, help="With --again: the bundle to write anew, when it is not the last.")
@click.option("--device", "prefix", help="On the central server: write the bundle for this laptop instead.")
@with_appcontext
def sync_export_command(out: str, again: bool, number: int | None, prefix: str | None) -> None:
    """Write this laptop's bundle for the central server (signed, sealed to the centre, numbered); on the central
    server, with --device, the bundle for a laptop (acknowledgement, revocations, trainers' accounts)."""
    with refusals_fail():
        sequence, data = export_for_device(prefix) if prefix else export_bundle(again=again, number=number)
    Path(out).write_bytes(data)
    db.session.commit()
    where = "the laptop" if prefix else "the central server"
    click.echo(f"Bundle {sequence} written to {out} ({len(data) // 1024 + 1} KB). Carry it to {where}: "
               f"course sync import {Path(out).name}")


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@with_appcontext
def sync_import_command(file: str) -> None:
    """Apply a bundle in one transaction: a laptop's on the central server, the centre's on its laptop."""
    data = Path(file).read_bytes()
    with refusals_fail():
        if read_envelope(data).direction == DOWN:
            pulled = import_on_device(data)
            db.session.commit()
            _say_pulled(pulled)
            return
        result = import_bundle(data)
    db.session.commit()
    if not result.applied:
        click.echo(f"Bundle {result.sequence} of {result.device.prefix} was imported before: nothing changed.")
        return
    added = ", ".join(f"{count} {table}" for table, count in sorted(result.report.added.items())) or "nothing new"
    click.echo(f"Bundle {result.sequence} of {result.device.prefix} imported: {added}; "
               f"{len(result.report.conflicts)} conflict(s) for coordinators.")


@click.command("push")
@click.option("--url", help="The central server's address (else the one in the enrolment file).")
@with_appcontext
def sync_push_command(url: str | None) -> None:
    """Send this laptop's next bundle to the central server over HTTPS (as a stick would carry it)."""
    with refusals_fail():
        sent = push(url=url)
    db.session.commit()
    answer = sent.receipt
    added = ", ".join(f"{count} {table}" for table, count in sorted((answer.get("added") or {}).items()))
    state = f"applied it ({added or 'nothing new'}; {answer.get('conflicts', 0)} conflict(s) for coordinators)" \
        if answer.get("applied") else "had it already"
    click.echo(f"Bundle {sent.sequence} sent: the central server {state}. It holds your bundles up to "
               f"{answer.get('acknowledged')}; the next bundle holds only what changes from now.")


@click.command("pull")
@click.option("--url", help="The central server's address (else the one in the enrolment file).")
@with_appcontext
def sync_pull_command(url: str | None) -> None:
    """Fetch and apply the central server's bundle for this laptop over HTTPS."""
    with refusals_fail():
        pulled = pull(url=url)
    db.session.commit()
    _say_pulled(pulled)


def _say_pulled(pulled: PullResult) -> None:
    click.echo(f"Bundle {pulled.sequence} from the central server " + (
        f"applied: it has your bundles up to {pulled.acknowledged}; {pulled.revoked} certificate(s) revoked, "
        f"{pulled.accounts} account(s) added, {pulled.content} content item(s) changed." if pulled.applied
        else "was applied before."))
