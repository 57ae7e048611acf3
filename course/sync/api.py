"""The link between a field laptop and the centre: ``course sync push`` and ``course sync pull`` over HTTPS.

The same bundles as on a USB stick, through the same services, so there is one way in for a laptop's records
whatever carried them. No session and no CSRF token: a laptop is no browser, and what it sends is signed by
its own key (and sealed to the centre's), which a forged request cannot be. The answers are signed by the
centre: a receipt the laptop can trust with its acknowledgement, a bundle only that laptop can open.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from flask import Blueprint, Response, jsonify, request
from flask_babel import gettext as _

from course.domain import DomainError
from course.extensions import csrf, db
from course.ratelimit import allow
from course.sync.services import answer_pull, import_bundle, receipt
from course.sync.views import MAX_BUNDLE_BYTES

bp = Blueprint("sync_link", __name__, url_prefix="/sync")
csrf.exempt(bp)

PULL_REQUEST_BYTES = 64 * 1024
#: A laptop syncs a few times a day; a flood of bundles from one address is not a laptop.
LINK_REQUESTS_PER_HOUR = 60


@bp.before_request
def _not_a_flood():
    if not allow("sync-link", LINK_REQUESTS_PER_HOUR, timedelta(hours=1)):
        return jsonify(error=_("Too many requests from this address; try again in an hour.")), 429
    return None


def _answer(handle: Callable[[bytes], bytes], *, limit: int, mimetype: str) -> Response | tuple[Response, int]:
    """Read the body (at most ``limit`` bytes), let ``handle`` answer it and commit; a refusal changes nothing
    and says why, as 409."""
    request.max_content_length = limit
    try:
        answer = handle(request.get_data())
    except DomainError as exc:
        db.session.rollback()
        return jsonify(error=str(exc)), 409
    db.session.commit()
    return Response(answer, mimetype=mimetype)


@bp.post("/push")
def push():
    """A laptop's bundle, applied as an uploaded one is; the answer is the centre's signed receipt."""
    return _answer(lambda body: receipt(import_bundle(body)), limit=MAX_BUNDLE_BYTES, mimetype="application/json")


@bp.post("/pull")
def pull():
    """The centre's next bundle for the laptop that signed the request."""
    return _answer(answer_pull, limit=PULL_REQUEST_BYTES, mimetype="application/octet-stream")
