"""The Open Badges 3.0 documents: the credential of a certificate, the issuer's profile, its did:web document
and the status list credential. Plain dictionaries, built from plain values: signing is course.credentials.proof.

Shapes follow Open Badges 3.0 (1EdTech, 2024: Verifiable Credentials Data Model 2.0) and its JSON schema, shipped
in ``course/credentials/standards/`` with the JSON-LD contexts the documents name (nothing is fetched).
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, urlsplit

from course.credentials.status_list import StatusPosition

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
OB_SCHEMA = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
OB_SCHEMA_TYPE = "1EdTechJsonSchemaValidator2019"


@dataclass(frozen=True)
class Addresses:
    """Every public address of the issuer, from the programme's https address (COURSE_BASE_URL)."""

    base: str

    @classmethod
    def of(cls, base_url: str) -> Addresses:
        return cls(base_url.rstrip("/"))

    @property
    def issuer(self) -> str:
        return f"{self.base}/credentials/issuer"

    @property
    def did(self) -> str:
        """did:web of the programme's address: the host (its port encoded), then each path segment."""
        parts = urlsplit(self.base)
        segments = [quote(parts.netloc, safe="")] + [quote(s, safe="") for s in parts.path.split("/") if s]
        return "did:web:" + ":".join(segments)

    def key(self, name: str) -> str:
        return f"{self.base}/credentials/keys/{name}"

    def status_list(self, list_number: int) -> str:
        return f"{self.base}/credentials/status/{list_number}"

    def achievement(self, course_id: str, track_id: str) -> str:
        return f"{self.base}/credentials/achievements/{quote(course_id)}/{quote(track_id)}"

    def subject(self, user_id: int) -> str:
        """The holder, as an opaque id that is the same on each of their credentials (no name, no email)."""
        return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'{self.issuer}/holders/{user_id}')}"

    def credential(self, certificate_code: str, valid_from: datetime) -> str:
        """A credential's id: derived from, but not revealing, the certificate's verification code; a renewed
        certificate's credential (valid from the renewal) is another credential."""
        name = f"{self.issuer}/credentials/{certificate_code}/{valid_from.isoformat()}"
        return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, name)}"


@dataclass(frozen=True)
class Achievement:
    course_id: str
    track_id: str
    name: str
    description: str
    criteria: str
    content_version: str


@dataclass(frozen=True)
class Award:
    """One certificate, as the credential states it."""

    certificate_code: str
    holder_id: int
    holder_name: str
    holder_email: str | None
    language: str
    issued_at: datetime
    valid_until: datetime | None
    status: StatusPosition


def timestamp(moment: datetime) -> str:
    """A DateTime as the data model writes it: UTC, whole seconds, with a Z."""
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return moment.replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def issuer_profile(addresses: Addresses, organisation: str) -> dict[str, Any]:
    return {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": addresses.issuer,
        "type": ["Profile"],
        "name": organisation,
        "url": addresses.base,
        "otherIdentifier": [{"type": "IdentifierEntry", "identifier": addresses.did, "identifierType": "identifier"}],
    }


def _issuer(addresses: Addresses, organisation: str) -> dict[str, Any]:
    profile = issuer_profile(addresses, organisation)
    del profile["@context"]
    return profile


def _identifiers(award: Award) -> list[dict[str, Any]]:
    """The holder's name in clear (it is printed on the certificate) and their email only as a salted hash, so
    the credential proves an address its holder shows without publishing it."""
    identifiers = [{"type": "IdentityObject", "identityType": "name", "hashed": False,
                    "identityHash": award.holder_name}]
    if award.holder_email:
        salt = secrets.token_hex(8)
        digest = hashlib.sha256((award.holder_email.strip().lower() + salt).encode()).hexdigest()
        identifiers.append({"type": "IdentityObject", "identityType": "emailAddress", "hashed": True,
                            "identityHash": f"sha256${digest}", "salt": salt})
    return identifiers


def badge_credential(addresses: Addresses, organisation: str, achievement: Achievement,
                     award: Award) -> dict[str, Any]:
    """The OpenBadgeCredential of one certificate (unsigned)."""
    status_list = addresses.status_list(award.status.list_number)
    credential: dict[str, Any] = {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": addresses.credential(award.certificate_code, award.issued_at),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": achievement.name,
        "issuer": _issuer(addresses, organisation),
        "validFrom": timestamp(award.issued_at),
        "credentialSubject": {
            "id": addresses.subject(award.holder_id),
            "type": ["AchievementSubject"],
            "identifier": _identifiers(award),
            "achievement": {
                "id": addresses.achievement(achievement.course_id, achievement.track_id),
                "type": ["Achievement"],
                "achievementType": "Certificate",
                "name": achievement.name,
                "description": achievement.description,
                "criteria": {"narrative": achievement.criteria},
                "humanCode": achievement.track_id,
                "version": achievement.content_version,
                "inLanguage": award.language,
                "creator": _issuer(addresses, organisation),
            },
        },
        "credentialStatus": {
            "id": f"{status_list}#{award.status.index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(award.status.index),
            "statusListCredential": status_list,
        },
        "credentialSchema": [{"id": OB_SCHEMA, "type": OB_SCHEMA_TYPE}],
    }
    if award.valid_until is not None:
        credential["validUntil"] = timestamp(award.valid_until)
    return credential


def enveloped(token: str) -> dict[str, Any]:
    """A signed credential as a JSON document (VC Data Model 2.0's EnvelopedVerifiableCredential)."""
    return {"@context": [VC_CONTEXT], "id": f"data:application/vc+jwt,{token}", "type": "EnvelopedVerifiableCredential"}


def status_list_credential(addresses: Addresses, list_number: int, encoded_list: str,
                           now: datetime) -> dict[str, Any]:
    url = addresses.status_list(list_number)
    return {
        "@context": [VC_CONTEXT],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": addresses.issuer,
        "validFrom": timestamp(now),
        "credentialSubject": {"id": f"{url}#list", "type": "BitstringStatusList", "statusPurpose": "revocation",
                              "encodedList": encoded_list},
    }


def did_document(addresses: Addresses, public_keys: list[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    """did:web document: each published key (name, public JWK) as a JsonWebKey verification method."""
    methods = [{"id": f"{addresses.did}#{name}", "type": "JsonWebKey", "controller": addresses.did,
                "publicKeyJwk": jwk} for name, jwk in public_keys]
    return {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/jwk/v1"],
        "id": addresses.did,
        "alsoKnownAs": [addresses.issuer],
        "verificationMethod": methods,
        "assertionMethod": [method["id"] for method in methods],
    }
