"""Certificates as Open Badges 3.0 credentials (course.credentials): what a wallet, an LMS or a verifier relies on.

Issued credentials are checked against the Open Badges 3.0 JSON schema shipped in the repository and with
another JOSE implementation (PyJWT) than the one that signed them (joserfc).
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import io
import json
from datetime import UTC, datetime
from pathlib import Path

import jwt as pyjwt
import pytest
from flask import current_app
from jsonschema import Draft201909Validator
from PIL import Image
from sqlalchemy import func, select

from course.certificates.services import revoke_certificate
from course.credentials import status_list
from course.credentials.baking import badge_png, bake, unbake
from course.credentials.open_badge import OB_CONTEXT, VC_CONTEXT, Addresses
from course.extensions import db
from course.models.audit import AuditEvent
from course.models.badge_credential import BadgeCredential
from course.models.user import Role
from tests.test_certificates import certify
from tests.test_cohort_pages import as_user

BASE = "https://training.example.org"
STANDARDS = Path(__file__).parent.parent / "course" / "credentials" / "standards"


@pytest.fixture
def central(app, synced):
    app.config["BASE_URL"] = BASE
    return app


@pytest.fixture
def holder(central, make_user):
    user = make_user("ana", full_name="Ana Durdyyeva", email="Ana@Example.org", tracks=("short",))
    return user, certify(user)


def running():
    """The app of the test (its context is pushed by the app fixture)."""
    return current_app._get_current_object()  # noqa: SLF001


def download(client, certificate, form="json"):
    response = client.get(f"/certificates/{certificate.id}/credential.{form}")
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return response


def token_of(client, certificate) -> str:
    document = download(client, certificate).get_json()
    assert document["type"] == "EnvelopedVerifiableCredential"
    assert document["id"].startswith("data:application/vc+jwt,")
    return document["id"].removeprefix("data:application/vc+jwt,")


def public_key(client, token: str):
    """The key a verifier elsewhere would fetch: the header's kid, dereferenced over HTTP."""
    kid = pyjwt.get_unverified_header(token)["kid"]
    assert kid.startswith(BASE + "/")
    response = client.get(kid.removeprefix(BASE))
    assert response.status_code == 200
    jwk = response.get_json()
    assert "d" not in jwk and "p" not in jwk  # never the private half
    return pyjwt.PyJWK(jwk).key


def checked_by_pyjwt(client, token: str) -> dict:
    return pyjwt.decode(token, public_key(client, token), algorithms=["RS256"], options={"verify_aud": False})


def status_bits(client, list_url: str) -> str:
    token = client.get(list_url.removeprefix(BASE)).get_data(as_text=True)
    claims = checked_by_pyjwt(client, token)
    assert claims["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    return claims["credentialSubject"]["encodedList"]


# -- the credential ---------------------------------------------------------------------------------------------------

def test_an_issued_credential_validates_against_the_open_badges_3_schema(holder):
    user, certificate = holder
    client = as_user(running(), "ana")
    credential = checked_by_pyjwt(client, token_of(client, certificate))
    schema = json.loads((STANDARDS / "ob_v3p0_achievementcredential_schema.json").read_text())
    errors = sorted(Draft201909Validator(schema).iter_errors(credential), key=str)
    assert not errors, [error.message for error in errors]
    assert credential["@context"] == [VC_CONTEXT, OB_CONTEXT]
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["validFrom"].startswith(certificate.issued_at.strftime("%Y-%m-%d"))
    assert credential["credentialSchema"][0]["type"] == "1EdTechJsonSchemaValidator2019"


def test_the_credential_names_the_achievement_issuer_and_holder_without_a_bare_email(holder):
    user, certificate = holder
    client = as_user(running(), "ana")
    credential = checked_by_pyjwt(client, token_of(client, certificate))
    achievement = credential["credentialSubject"]["achievement"]
    assert achievement["achievementType"] == "Certificate"
    assert "contact hours" in achievement["criteria"]["narrative"]
    assert f"{certificate.contact_hours:g}" in achievement["criteria"]["narrative"]
    assert achievement["humanCode"] == certificate.track_id and achievement["version"]
    assert credential["issuer"]["id"] == f"{BASE}/credentials/issuer"
    identifiers = {each["identityType"]: each for each in credential["credentialSubject"]["identifier"]}
    assert identifiers["name"] == {"type": "IdentityObject", "identityType": "name", "hashed": False,
                                   "identityHash": "Ana Durdyyeva"}
    email = identifiers["emailAddress"]
    assert email["hashed"] is True
    assert email["identityHash"] == "sha256$" + hashlib.sha256(("ana@example.org" + email["salt"]).encode()).hexdigest()
    assert "ana@example.org" not in json.dumps(credential).lower()


def test_the_signature_and_claims_verify_with_a_second_jose_implementation(holder):
    user, certificate = holder
    client = as_user(running(), "ana")
    token = token_of(client, certificate)
    header = pyjwt.get_unverified_header(token)
    assert header == {"alg": "RS256", "kid": f"{BASE}/credentials/keys/key-1", "typ": "JWT"}
    claims = checked_by_pyjwt(client, token)
    assert claims["iss"] == claims["issuer"]["id"]
    assert claims["jti"] == claims["id"] and claims["id"].startswith("urn:uuid:")
    assert claims["sub"] == claims["credentialSubject"]["id"]
    assert claims["nbf"] == int(certificate.issued_at.replace(microsecond=0).timestamp())
    # the did:web document publishes the same key
    did = client.get("/.well-known/did.json").get_json()
    assert did["id"] == "did:web:training.example.org"
    method = did["verificationMethod"][0]
    assert method["id"] == "did:web:training.example.org#key-1" and did["assertionMethod"] == [method["id"]]
    assert pyjwt.PyJWK(method["publicKeyJwk"]).key.public_numbers() == public_key(client, token).public_numbers()


def test_on_the_central_server_a_certificate_is_signed_as_it_is_issued(central, make_user):
    certificate = certify(make_user("bea", tracks=("short",)))
    kept = db.session.get(BadgeCredential, certificate.id)
    assert kept is not None and kept.key_name == "key-1"
    client = as_user(central, "bea")
    assert token_of(client, certificate) == kept.token  # what was signed at issue is what is downloaded


def test_a_credential_is_signed_once_and_then_served_as_signed(holder):
    user, certificate = holder
    client = as_user(running(), "ana")
    assert token_of(client, certificate) == token_of(client, certificate)
    assert db.session.scalar(select(func.count()).select_from(BadgeCredential)) == 1
    signed = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "credential.sign")).all()
    assert [event.target for event in signed] == [certificate.serial]


def test_the_badge_image_is_a_png_with_the_credential_baked_in(holder):
    user, certificate = holder
    client = as_user(running(), "ana")
    response = download(client, certificate, "png")
    assert response.mimetype == "image/png"
    assert "attachment" in response.headers["Content-Disposition"]
    image = Image.open(io.BytesIO(response.data))
    image.load()
    assert image.size == (256, 256)
    assert unbake(response.data) == token_of(client, certificate)
    assert download(client, certificate, "jwt").get_data(as_text=True) == token_of(client, certificate)


def test_baking_again_replaces_the_credential_and_a_plain_image_has_none():
    from course.credentials.baking import BakingError

    twice = bake(bake(badge_png(), "a.b.c"), "d.e.f")
    assert unbake(twice) == "d.e.f"
    assert twice.count(b"openbadgecredential") == 1
    with pytest.raises(BakingError):
        unbake(badge_png())
    with pytest.raises(BakingError):
        unbake(b"GIF89a not a png")


# -- who may have it --------------------------------------------------------------------------------------------------

def test_only_the_holder_and_those_who_oversee_the_certificate_download_it(holder, make_user):
    user, certificate = holder
    app = running()
    make_user("other", tracks=("short",))
    make_user("coordinator", roles={Role.COORDINATOR})
    assert as_user(app, "other").get(f"/certificates/{certificate.id}/credential.json").status_code == 404
    assert app.test_client().get(f"/certificates/{certificate.id}/credential.png").status_code in (302, 401)
    assert as_user(app, "coordinator").get(f"/certificates/{certificate.id}/credential.jwt").status_code == 200
    assert as_user(app, "ana").get("/certificates/999999/credential.json").status_code == 404
    assert as_user(app, "ana").get(f"/certificates/{certificate.id}/credential.pdf").status_code == 404


def test_a_revoked_certificate_is_not_handed_to_its_holder(holder, make_user):
    user, certificate = holder
    coordinator = make_user("coordinator", roles={Role.COORDINATOR})
    revoke_certificate(certificate, "issued by mistake", actor_id=coordinator.id)
    db.session.commit()
    assert as_user(running(), "ana").get(f"/certificates/{certificate.id}/credential.json").status_code == 404


@pytest.mark.parametrize("setting", [{"BASE_URL": None}, {"BASE_URL": "http://training.example.org"},
                                     {"DEVICE_PREFIX": "MARY1"}])
def test_without_an_https_address_or_on_a_field_laptop_nothing_is_signed(central, make_user, setting):
    central.config.update(setting)
    certificate = certify(make_user("ana", tracks=("short",)))
    app = running()
    client = as_user(app, "ana")
    response = client.get(f"/certificates/{certificate.id}/credential.json", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "central server" in page or "https address" in page
    assert "credential.json" not in page  # the certificates page offers no badge then
    assert client.get("/.well-known/did.json").status_code == 404
    assert client.get("/credentials/status/1").status_code == 404
    assert db.session.scalar(select(func.count()).select_from(BadgeCredential)) == 0


def test_the_certificates_page_offers_the_badge_and_the_verification_page_names_the_status_list(holder):
    user, certificate = holder
    client = as_user(running(), "ana")
    page = client.get("/certificates").get_data(as_text=True)
    assert f"/certificates/{certificate.id}/credential.json" in page
    assert f"/certificates/{certificate.id}/credential.png" in page
    verify = client.get(f"/verify/{certificate.code}").get_data(as_text=True)
    position = status_list.position_of(certificate.id)
    assert f"{BASE}/credentials/status/{position.list_number}" in verify


# -- revocation -------------------------------------------------------------------------------------------------------

def test_revoking_a_certificate_flips_its_bit_in_the_signed_status_list(holder, make_user):
    user, certificate = holder
    other = certify(make_user("bea", tracks=("short",)))
    coordinator = make_user("coordinator", roles={Role.COORDINATOR})
    client = as_user(running(), "ana")
    credential = checked_by_pyjwt(client, token_of(client, certificate))
    entry = credential["credentialStatus"]
    assert entry["type"] == "BitstringStatusListEntry" and entry["statusPurpose"] == "revocation"
    index = int(entry["statusListIndex"])
    assert not status_list.is_set(status_bits(client, entry["statusListCredential"]), index)

    revoke_certificate(certificate, "obtained by fraud", actor_id=coordinator.id)
    db.session.commit()
    bits = status_bits(client, entry["statusListCredential"])
    assert status_list.is_set(bits, index)
    assert not status_list.is_set(bits, status_list.position_of(other.id).index)
    assert client.get("/credentials/status/2").status_code == 404  # no second list for a handful of certificates


def test_a_status_list_is_16_kb_of_bits_with_index_0_the_left_most():
    encoded = status_list.encode([0, 9, status_list.LIST_BITS - 1])
    raw = gzip.decompress(base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4)))
    assert encoded.startswith("u") and len(raw) == 16_384
    assert raw[0] == 0x80 and raw[1] == 0x40 and raw[-1] == 0x01
    assert [status_list.is_set(encoded, i) for i in (0, 1, 9, status_list.LIST_BITS - 1)] == [True, False, True, True]
    with pytest.raises(ValueError, match="outside"):
        status_list.encode([status_list.LIST_BITS])
    with pytest.raises(ValueError, match="not base64url multibase"):
        status_list.is_set("zzz", 0)
    with pytest.raises(ValueError, match="cannot be decoded"):
        status_list.is_set("uAAAA", 0)
    assert status_list.position_of(1) == status_list.StatusPosition(1, 0)
    assert status_list.position_of(status_list.LIST_BITS + 1) == status_list.StatusPosition(2, 0)


# -- checking a credential offline ---------------------------------------------------------------------------------

def _saved(tmp_path, name: str, data: bytes | str) -> str:
    path = tmp_path / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode())
    return str(path)


def _tampered(token: str) -> str:
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["credentialSubject"]["identifier"][0]["identityHash"] = "Someone Else"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{header}.{forged}.{signature}"


def test_course_credential_verify_accepts_each_download_and_refuses_a_tampered_one(holder, runner, tmp_path):
    user, certificate = holder
    client = as_user(running(), "ana")
    token = token_of(client, certificate)
    for name, data in (("credential.json", download(client, certificate).data), ("credential.jwt", token),
                       ("badge.png", download(client, certificate, "png").data)):
        result = runner.invoke(args=["credential", "verify", _saved(tmp_path, name, data)])
        assert result.exit_code == 0, result.output
        assert "Signature valid (key key-1)" in result.output and "Ana Durdyyeva" in result.output
        assert "Not revoked." in result.output
    for name, data in (("forged.jwt", _tampered(token)), ("forged.png", bake(badge_png(), _tampered(token)))):
        result = runner.invoke(args=["credential", "verify", _saved(tmp_path, name, data)])
        assert result.exit_code == 1
        assert "Not valid: the signature does not verify" in result.output


def test_course_credential_verify_reports_a_revoked_credential(holder, runner, tmp_path, make_user):
    user, certificate = holder
    token = token_of(as_user(running(), "ana"), certificate)
    revoke_certificate(certificate, "issued by mistake", actor_id=make_user("coord", roles={Role.COORDINATOR}).id)
    db.session.commit()
    result = runner.invoke(args=["credential", "verify", _saved(tmp_path, "c.jwt", token)])
    assert result.exit_code == 1
    assert "revoked" in result.output


@pytest.mark.parametrize(("content", "message"), [
    (b"not a credential at all", "neither a badge image"),
    (b'{"id": "https://example.org/x"}', "not an enveloped credential"),
    (b"{broken json", "cannot be read"),
    (b"\x89PNG\r\n\x1a\n", "no Open Badges credential"),
    (b"eyJhbGciOiJub25lIn0.e30.", "signed RS256"),
])
def test_course_credential_verify_explains_a_file_that_is_no_credential(central, runner, tmp_path, content, message):
    result = runner.invoke(args=["credential", "verify", _saved(tmp_path, "file", content)])
    assert result.exit_code == 1
    assert message in result.output


def test_offline_verification_against_a_saved_did_document(holder, runner, tmp_path):
    user, certificate = holder
    client = as_user(running(), "ana")
    token = token_of(client, certificate)
    did = _saved(tmp_path, "did.json", client.get("/did.json").data)
    result = runner.invoke(args=["credential", "verify", _saved(tmp_path, "c.jwt", token), "--issuer", did])
    assert result.exit_code == 0, result.output
    assert "Revocation not checked" in result.output


def test_a_rotated_key_stays_published_and_what_it_signed_still_verifies(holder, runner, tmp_path, make_user):
    user, certificate = holder
    app = running()
    old = token_of(as_user(app, "ana"), certificate)
    result = runner.invoke(args=["credential", "rotate-key"])
    assert result.exit_code == 0 and "key-2" in result.output
    keys_folder = Path(app.instance_path) / "credentials" / "keys"
    assert not (keys_folder / "key-1.pem").exists() and (keys_folder / "key-1.public.pem").exists()
    newer = certify(make_user("bea", tracks=("short",)))
    new = token_of(as_user(app, "bea"), newer)
    assert pyjwt.get_unverified_header(new)["kid"].endswith("/key-2")
    did = app.test_client().get("/.well-known/did.json").get_json()
    assert [method["id"].rpartition("#")[2] for method in did["verificationMethod"]] == ["key-1", "key-2"]
    for token in (old, new):
        assert runner.invoke(args=["credential", "verify", _saved(tmp_path, "t.jwt", token)]).exit_code == 0
    assert checked_by_pyjwt(app.test_client(), old)["jti"]


def test_issue_all_signs_the_certificates_issued_before_credentials_were_signed(central, runner, make_user):
    central.config["BASE_URL"] = None  # certificates issued before the programme had its https address
    certificate = certify(make_user("ana", tracks=("short",)))
    revoked = certify(make_user("bea", tracks=("short",)))
    revoke_certificate(revoked, "issued by mistake", actor_id=make_user("coord", roles={Role.COORDINATOR}).id)
    db.session.commit()
    refused = runner.invoke(args=["credential", "issue-all"])
    assert refused.exit_code == 1 and "https address" in refused.output
    central.config["BASE_URL"] = BASE
    first = runner.invoke(args=["credential", "issue-all"])
    assert first.exit_code == 0 and "1 credential(s) signed." in first.output
    assert runner.invoke(args=["credential", "issue-all"]).output.strip() == "0 credential(s) signed."
    assert db.session.scalars(select(BadgeCredential.certificate_id)).all() == [certificate.id]


def test_the_issuer_profile_and_did_web_addresses():
    addresses = Addresses.of("https://courts.example.tm:8443/cascade/")
    assert addresses.did == "did:web:courts.example.tm%3A8443:cascade"
    assert addresses.issuer == "https://courts.example.tm:8443/cascade/credentials/issuer"
    assert addresses.subject(7) == addresses.subject(7) != addresses.subject(8)
    issued, renewed = datetime(2027, 3, 1, tzinfo=UTC), datetime(2029, 2, 1, tzinfo=UTC)
    assert addresses.credential("code-a", issued) != addresses.credential("code-b", issued)
    assert addresses.credential("code-a", issued) != addresses.credential("code-a", renewed)
    assert "code-a" not in addresses.credential("code-a", issued)


def test_the_issuer_profile_is_public(central):
    profile = central.test_client().get("/credentials/issuer")
    assert profile.status_code == 200 and profile.headers["Access-Control-Allow-Origin"] == "*"
    document = profile.get_json()
    assert document["type"] == ["Profile"] and document["id"] == f"{BASE}/credentials/issuer"
    assert document["otherIdentifier"][0]["identifier"] == "did:web:training.example.org"
    assert central.test_client().get("/credentials/keys/key-9").status_code == 404


def test_the_contexts_the_credentials_name_are_shipped():
    shipped = json.loads((STANDARDS / "ob_v3p0_context-3.0.3.json").read_text())
    assert "OpenBadgeCredential" in shipped["@context"]
    v2 = json.loads((STANDARDS / "credentials_v2.jsonld").read_text())
    assert {"BitstringStatusListEntry", "EnvelopedVerifiableCredential"} <= set(v2["@context"])
    assert OB_CONTEXT.endswith("context-3.0.3.json")


def test_two_processes_creating_the_first_key_at_once_keep_one(tmp_path):
    from course.credentials import keys  # noqa: PLC0415

    first = keys.current_key(tmp_path)
    # A second worker that saw no key a moment ago writes its own: the first one written stays the key.
    second = keys._write_new_key(keys.key_folder(tmp_path), 1)  # noqa: SLF001
    assert second.key.as_dict(private=False) == first.key.as_dict(private=False)
    assert sorted(path.name for path in keys.key_folder(tmp_path).iterdir()) == ["key-1.pem"]
    assert oct(keys.key_folder(tmp_path).joinpath("key-1.pem").stat().st_mode & 0o777) == "0o600"


@pytest.mark.parametrize(("issuer", "message"), [
    ('{"id": "did:web:training.example.org", "verificationMethod": []}', "lists no RSA key"),
    ("{not json", "Not valid"),
])
def test_offline_verification_against_a_broken_did_document_is_refused(holder, runner, tmp_path, issuer, message):
    user, certificate = holder
    token = token_of(as_user(running(), "ana"), certificate)
    did = _saved(tmp_path, "did.json", issuer)
    result = runner.invoke(args=["credential", "verify", _saved(tmp_path, "c.jwt", token), "--issuer", did])
    assert result.exit_code == 1 and message in result.output
