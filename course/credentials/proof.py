"""The JWT proof of Open Badges 3.0 (section 8.2): the credential is the JWT's payload, with the registered
claims that restate it (iss, jti, nbf, sub, exp), signed RS256 with a key whose address is the header's kid.

Signing and checking go through joserfc; the tests check the signatures with another JOSE implementation.
"""

from __future__ import annotations

import base64
import calendar
import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # joserfc loads with the first signature (course.credentials.keys)
    from joserfc.jwk import RSAKey

ALGORITHM = "RS256"


class ProofError(ValueError):
    """A credential whose proof does not hold: its text, its signature or its claims."""


def _numeric_date(value: str) -> int:
    return calendar.timegm(datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC).timetuple())


def registered_claims(credential: dict[str, Any]) -> dict[str, Any]:
    """The JWT claims the specification derives from the credential."""
    issuer = credential["issuer"]
    claims = {"iss": issuer["id"] if isinstance(issuer, dict) else issuer, "jti": credential["id"],
              "nbf": _numeric_date(credential["validFrom"]), "sub": credential["credentialSubject"]["id"]}
    if "validUntil" in credential:
        claims["exp"] = _numeric_date(credential["validUntil"])
    return claims


def sign(credential: dict[str, Any], key: RSAKey, key_id: str) -> str:
    """The compact JWS of a credential; ``key_id`` is the URL that serves the public key."""
    from joserfc import jwt  # noqa: PLC0415

    return jwt.encode({"alg": ALGORITHM, "kid": key_id, "typ": "JWT"}, {**credential, **registered_claims(credential)},
                      key, algorithms=[ALGORITHM])


def header_of(token: str) -> dict[str, Any]:
    """The JOSE header, read before the signature is checked: it names the key to check it with."""
    segment = token.strip().split(".")[0]
    try:
        header = json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
    except ValueError as exc:
        raise ProofError("not a compact JWS: its header cannot be read") from exc
    if not isinstance(header, dict) or header.get("alg") != ALGORITHM:
        raise ProofError(f"not a compact JWS signed {ALGORITHM}")
    return header


def verify(token: str, public_key: RSAKey, *, now: datetime | None = None) -> dict[str, Any]:
    """The credential of a token whose signature and claims hold; ProofError says what does not."""
    from joserfc import jwt  # noqa: PLC0415
    from joserfc.errors import JoseError  # noqa: PLC0415

    try:
        decoded = jwt.decode(token.strip(), public_key, algorithms=[ALGORITHM])
    except JoseError as exc:
        raise ProofError(f"the signature does not verify: {exc.description or exc.error}") from exc
    except ValueError as exc:
        raise ProofError(f"not a compact JWS: {exc}") from exc
    claims = dict(decoded.claims)
    credential = {name: value for name, value in claims.items() if name not in ("iss", "jti", "nbf", "sub", "exp")}
    try:
        expected = registered_claims(credential)
    except (KeyError, TypeError, ValueError) as exc:
        raise ProofError(f"the payload is not an Open Badges credential: {exc}") from exc
    for name, value in expected.items():
        if claims.get(name) != value:
            raise ProofError(f"the claim {name} does not match the credential")
    if "exp" in claims and "validUntil" not in credential:
        raise ProofError("the claim exp does not match the credential")
    moment = calendar.timegm((now or datetime.now(UTC)).timetuple())
    if claims["nbf"] > moment:
        raise ProofError("the credential is not valid yet")
    if "exp" in claims and claims["exp"] <= moment:
        raise ProofError("the credential has expired")
    return credential
