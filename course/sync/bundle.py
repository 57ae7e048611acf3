"""The bundle file: what a field laptop carries to the centre, on a USB stick or over a link.

A bundle is a small JSON envelope around a sealed payload; it goes up (laptop to centre: the laptop's
records) or down (centre to laptop: acknowledgement, revocations, accounts). The payload, compressed, is
encrypted to the receiver's public key (a NaCl sealed box: X25519 and XSalsa20-Poly1305), so a stick lost
on the way gives nobody the learners' data; the envelope (direction, device, sequence number and sealed
payload) is signed with the sender's Ed25519 key, so a changed byte, a foreign file or a revoked laptop is
refused before anything is read. Keys are hex in files and the database; the sealed payload is base64.
"""

from __future__ import annotations

import base64
import hashlib
import json
import zlib
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from nacl.exceptions import BadSignatureError, CryptoError
from nacl.public import PrivateKey, PublicKey, SealedBox
from nacl.signing import SigningKey, VerifyKey

from course import inputs
from course.domain import DomainError

FORMAT = "cascade-bundle/1"
UP, DOWN = "up", "down"
#: A payload larger than this when decompressed is refused: a few cohorts are megabytes, not gigabytes.
MAX_PAYLOAD_BYTES = 512 * 1024 * 1024
#: A bundle is records of tables of fields: far less deep than this; a deeper one was made to crash a reader.
BUNDLE_MAX_DEPTH = 32


class BundleError(DomainError):
    """A file that is not a bundle this server can accept; the message says why for the person importing it."""


def _signed_part(envelope: dict[str, Any]) -> bytes:
    part = {key: envelope[key] for key in ("format", "direction", "device", "sequence", "sealed")}
    return json.dumps(part, sort_keys=True, separators=(",", ":")).encode()


def seal(payload: dict[str, Any], *, direction: str, device_uid: str, sequence: int, signing_key: str,
         recipient_key: str) -> bytes:
    """The bundle file for ``payload``: compressed, sealed to the receiver's public key, signed by the sender."""
    compressed = zlib.compress(json.dumps(payload, separators=(",", ":")).encode(), 9)
    sealed = SealedBox(PublicKey(bytes.fromhex(recipient_key))).encrypt(compressed)
    envelope = {"format": FORMAT, "direction": direction, "device": device_uid, "sequence": sequence,
                "sealed": base64.b64encode(sealed).decode()}
    envelope["signature"] = SigningKey(bytes.fromhex(signing_key)).sign(_signed_part(envelope)).signature.hex()
    return json.dumps(envelope, indent=1).encode()


@dataclass(frozen=True)
class Envelope:
    """A bundle read but not yet opened: which way it goes, for which device, and its number."""

    direction: str
    device_uid: str
    sequence: int
    digest: str
    raw: dict[str, Any]


def read_envelope(data: bytes) -> Envelope:
    """The envelope of a bundle file, or BundleError when the file is not one."""
    try:
        envelope = inputs.loads(data, BUNDLE_MAX_DEPTH)
    except ValueError:  # not UTF-8, not JSON, or nested beyond reason
        raise BundleError(_("This file is not a Cascade bundle.")) from None
    if not isinstance(envelope, dict) or envelope.get("format") != FORMAT:
        raise BundleError(_("This file is not a Cascade bundle of a format this server reads."))
    device, sequence = envelope.get("device"), envelope.get("sequence")
    if envelope.get("direction") not in (UP, DOWN) or not isinstance(device, str) or not isinstance(sequence, int) \
            or isinstance(sequence, bool) or sequence < 1 or not isinstance(envelope.get("sealed"), str) \
            or not isinstance(envelope.get("signature"), str):
        raise BundleError(_("This bundle is incomplete: it lacks its device, number, contents or signature."))
    return Envelope(envelope["direction"], device, sequence, hashlib.sha256(data).hexdigest(), envelope)


def open_envelope(envelope: Envelope, *, verify_key: str, private_key: str) -> dict[str, Any]:
    """The payload, once the sender's signature holds and the receiver's private key opens it."""
    raw = envelope.raw
    try:
        VerifyKey(bytes.fromhex(verify_key)).verify(_signed_part(raw), bytes.fromhex(raw["signature"]))
    except (BadSignatureError, ValueError):
        raise BundleError(_("This bundle was changed after it was signed, or was not signed by its sender: "
                          "it is refused and nothing was imported.")) from None
    try:
        compressed = SealedBox(PrivateKey(bytes.fromhex(private_key))).decrypt(base64.b64decode(raw["sealed"]))
    except (CryptoError, ValueError):
        raise BundleError(_("This bundle was not sealed for this installation: it is refused.")) from None
    inflater = zlib.decompressobj()
    try:
        text = inflater.decompress(compressed, MAX_PAYLOAD_BYTES)
    except zlib.error:
        raise BundleError(_("This bundle's contents are damaged.")) from None
    if inflater.unconsumed_tail:
        raise BundleError(_("This bundle is larger than this server accepts."))
    try:
        payload = inputs.loads(text, BUNDLE_MAX_DEPTH)
    except ValueError:
        raise BundleError(_("This bundle's contents are damaged.")) from None
    if not isinstance(payload, dict) or payload.get("sequence") != envelope.sequence:
        raise BundleError(_("This bundle's contents do not match its envelope."))
    return payload


def sign_note(note: dict[str, Any], signing_key: str) -> bytes:
    """A short signed message over the link (a laptop's pull request, the centre's receipt): not secret, but
    nobody else can write one."""
    text = json.dumps(note, sort_keys=True, separators=(",", ":"))
    signature = SigningKey(bytes.fromhex(signing_key)).sign(text.encode()).signature.hex()
    return json.dumps({"note": text, "signature": signature}).encode()


def read_note(data: bytes) -> tuple[dict[str, Any], bytes, bytes]:
    """The note, the signed text and its signature, before the signature is checked (the note names its
    signer); BundleError when it is not a note at all."""
    try:
        wrapper = inputs.loads(data)
        note = inputs.loads(wrapper["note"])
        signature = bytes.fromhex(wrapper["signature"])
    except (KeyError, TypeError, ValueError):  # ValueError: not UTF-8, not JSON, or too deep
        raise BundleError(_("This is not a signed Cascade message.")) from None
    if not isinstance(note, dict):
        raise BundleError(_("This is not a signed Cascade message."))
    return note, wrapper["note"].encode(), signature


def check_note(text: bytes, signature: bytes, verify_key: str) -> None:
    try:
        VerifyKey(bytes.fromhex(verify_key)).verify(text, signature)
    except (BadSignatureError, ValueError):
        raise BundleError(_("This message was not signed by whom it names, or was changed on the way.")) from None


def new_keys() -> tuple[str, str]:
    """A signing key and its verify key (hex)."""
    key = SigningKey.generate()
    return key.encode().hex(), key.verify_key.encode().hex()


def new_box_keys() -> tuple[str, str]:
    """An encryption private key and its public key (hex)."""
    key = PrivateKey.generate()
    return key.encode().hex(), key.public_key.encode().hex()
