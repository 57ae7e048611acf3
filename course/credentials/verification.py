"""Checking a credential without the network: ``course credential verify FILE``.

The file may be the JSON document the learner downloaded, the bare JWT, or the badge image with the JWT baked
in. The signature is checked against the issuer's published keys (this installation's, or a did:web document
saved from the issuer), the claims against the credential, and the revocation against the status list.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from course.credentials import proof, status_list
from course.credentials.baking import PNG_SIGNATURE, BakingError, unbake

if TYPE_CHECKING:
    from joserfc.jwk import RSAKey

ENVELOPE_PREFIX = "data:application/vc+jwt,"


class VerificationError(ValueError):
    """The credential does not verify; the message says why."""


@dataclass(frozen=True)
class Verified:
    credential: dict[str, Any]
    key_name: str
    revoked: bool | None  # None: no status list to check against


def token_in(data: bytes) -> str:
    """The compact JWT in a downloaded file: an image, a JSON document or the JWT itself."""
    if data.startswith(PNG_SIGNATURE):
        try:
            return unbake(data)
        except BakingError as exc:
            raise VerificationError(str(exc)) from exc
    text = data.decode("utf-8", errors="replace").strip()
    if text.startswith("{"):
        try:
            document = json.loads(text)
        except ValueError as exc:
            raise VerificationError(f"the JSON cannot be read: {exc}") from exc
        envelope = document.get("id", "") if isinstance(document, dict) else ""
        if not envelope.startswith(ENVELOPE_PREFIX):
            raise VerificationError("the JSON is not an enveloped credential (data:application/vc+jwt,...)")
        return envelope[len(ENVELOPE_PREFIX):]
    if text.count(".") != 2:
        raise VerificationError("the file is neither a badge image, a credential JSON nor a JWT")
    return text


def keys_in_did_document(document: dict[str, Any]) -> dict[str, RSAKey]:
    """The keys of a did:web document saved from the issuer, by name (the fragment of each method's id)."""
    from joserfc.jwk import RSAKey  # noqa: PLC0415

    found = {}
    for method in document.get("verificationMethod", []):
        name = str(method.get("id", "")).rpartition("#")[2]
        try:
            found[name] = RSAKey.import_key(method["publicKeyJwk"])
        except (KeyError, ValueError):
            continue
    if not found:
        raise VerificationError("the issuer's document lists no RSA key")
    return found


def verify_token(token: str, keys: dict[str, RSAKey], issuer_id: str | None,
                 encoded_list: Callable[[str], str | None]) -> Verified:
    """Check ``token`` with the issuer's ``keys`` (by name). ``encoded_list`` gives a status list's bits by its
    address (None: not known here)."""
    try:
        header = proof.header_of(token)
    except proof.ProofError as exc:
        raise VerificationError(str(exc)) from exc
    key_name = str(header.get("kid", "")).rstrip("/").rpartition("/")[2]
    if key_name not in keys:
        raise VerificationError(f"signed with a key the issuer does not publish ({header.get('kid')})")
    try:
        credential = proof.verify(token, keys[key_name])
    except proof.ProofError as exc:
        raise VerificationError(str(exc)) from exc
    issuer = credential.get("issuer", {})
    if issuer_id and (issuer.get("id") if isinstance(issuer, dict) else issuer) != issuer_id:
        raise VerificationError("issued by another issuer than the one whose keys were given")
    return Verified(credential, key_name, _revoked(credential, encoded_list))


def _revoked(credential: dict[str, Any], encoded_list: Callable[[str], str | None]) -> bool | None:
    entry = credential.get("credentialStatus")
    if not isinstance(entry, dict) or entry.get("statusPurpose") != "revocation":
        return None
    bits = encoded_list(str(entry.get("statusListCredential", "")))
    if bits is None:
        return None
    try:
        return status_list.is_set(bits, int(entry["statusListIndex"]))
    except (KeyError, ValueError) as exc:
        raise VerificationError(f"the credential's status entry cannot be read: {exc}") from exc
