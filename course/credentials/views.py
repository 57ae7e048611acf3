"""The issuer's public documents: what a verifier anywhere fetches to check a Cascade credential.

No sign-in: a did:web document and an issuer profile are public by design, the keys are public halves only,
and the status list says of each position only whether it is revoked.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, jsonify

from course.certificates.document import issuer_name
from course.credentials import keys
from course.credentials.issuing import CredentialsUnavailable, addresses, list_count, status_list_token
from course.credentials.open_badge import Addresses, did_document, issuer_profile

bp = Blueprint("credentials", __name__)


def _addresses() -> Addresses:
    try:
        return addresses()
    except CredentialsUnavailable:
        abort(404)


def _public(document: dict | str, mimetype: str = "application/json"):
    response = jsonify(document) if isinstance(document, dict) else current_app.response_class(document)
    response.headers["Content-Type"] = mimetype
    response.headers["Cache-Control"] = "public, max-age=300"
    response.headers["Access-Control-Allow-Origin"] = "*"  # verifiers run in other sites' pages and wallets
    return response


@bp.route("/.well-known/did.json")
@bp.route("/did.json")
def did():
    """The did:web document of the issuer (a base address with a path resolves to <path>/did.json)."""
    where = _addresses()
    published = keys.published_keys(current_app.instance_path)
    return _public(did_document(where, [(key.name, _jwk(key)) for key in published]), "application/did+json")


@bp.route("/credentials/issuer")
def issuer():
    return _public(issuer_profile(_addresses(), issuer_name()), "application/ld+json")


@bp.route("/credentials/keys/<name>")
def key(name: str):
    """One public key as a JWK: the address a credential's JWT header names as its kid."""
    _addresses()
    published = next((each for each in keys.published_keys(current_app.instance_path) if each.name == name), None)
    if published is None:
        abort(404)
    return _public(_jwk(published), "application/jwk+json")


@bp.route("/credentials/status/<int:list_number>")
def status(list_number: int):
    """The signed Bitstring Status List credential (a JWT)."""
    _addresses()
    if not 1 <= list_number <= list_count():
        abort(404)
    response = _public(status_list_token(list_number), "application/vc+jwt")
    response.headers["Cache-Control"] = "no-cache"  # a revocation must show at once
    return response


def _jwk(published: keys.SigningKey) -> dict:
    return {**published.key.as_dict(private=False), "kid": published.name, "alg": "RS256", "use": "sig"}
