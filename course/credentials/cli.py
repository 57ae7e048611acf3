"""``course credential``: sign, check and rotate (the central server's side of course.credentials)."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from course.audit import record_event
from course.cli_refusals import fail
from course.credentials import keys
from course.credentials.issuing import (
    CredentialsUnavailable,
    addresses,
    list_count,
    revoked_indexes,
    sign_where_central,
    unsigned_certificates,
)
from course.credentials.status_list import encode
from course.credentials.verification import VerificationError, keys_in_did_document, token_in, verify_token
from course.extensions import db
from course.learn.queries import load_catalogue


@click.group("credential")
def credential_group() -> None:
    """Open Badges 3.0 credentials: sign them, check one, rotate the signing key."""


@credential_group.command("verify")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--issuer", "issuer_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The issuer's did.json, saved from its server (default: this installation's keys).")
@with_appcontext
def verify_command(file: Path, issuer_file: Path | None) -> None:
    """Check a credential (JSON, JWT or badge image) offline: signature, claims, revocation."""
    try:
        token = token_in(file.read_bytes())
        if issuer_file is not None:
            found, issuer_id, lists = keys_in_did_document(json.loads(issuer_file.read_text())), None, {}
        else:
            where = addresses()
            found = {key.name: key.key for key in keys.published_keys(current_app.instance_path)}
            issuer_id = where.issuer
            lists = {where.status_list(n): encode(revoked_indexes(n)) for n in range(1, list_count() + 1)}
        verified = verify_token(token, found, issuer_id, lists.get)
    except (VerificationError, CredentialsUnavailable, ValueError) as exc:
        fail(f"Not valid: {exc}")
    subject = verified.credential["credentialSubject"]
    name = next((each["identityHash"] for each in subject.get("identifier", [])
                 if each.get("identityType") == "name" and not each.get("hashed")), "?")
    click.echo(f"Signature valid (key {verified.key_name}): {verified.credential['name']}, awarded to {name} "
               f"on {verified.credential['validFrom'][:10]}.")
    if verified.revoked:
        fail("Not valid: the issuer has revoked this credential.")
    click.echo("Not revoked." if verified.revoked is False else "Revocation not checked: no status list at hand.")


@credential_group.command("issue-all")
@with_appcontext
def issue_all_command() -> None:
    """Sign a credential for every valid certificate that has none yet (after a sync, or from cron)."""
    catalogue = load_catalogue()
    if catalogue is None:
        fail("No course is loaded yet; run 'course sync' first.")
    try:
        addresses()  # says why, where nothing is signed here
    except CredentialsUnavailable as exc:
        fail(str(exc))
    signed = sign_where_central(unsigned_certificates(), catalogue)
    db.session.commit()
    click.echo(f"{signed} credential(s) signed.")


@credential_group.command("rotate-key")
@with_appcontext
def rotate_key_command() -> None:
    """Start signing with a new key; the old one's public half stays published, so what it signed verifies."""
    new = keys.rotate(current_app.instance_path)
    record_event("credential.rotate-key", new.name)
    db.session.commit()
    click.echo(f"Signing with {new.name} from now on; earlier keys stay published for verification.")
