"""The programme's name and logo on the sign-in page, so a learner knows whose site this is before typing a
password (``COURSE_PROGRAMME_NAME``, ``COURSE_LOGO``; the organisation is the certificates' issuer)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from flask import Blueprint, abort, current_app, send_file, url_for

from course.certificates.document import issuer_name

bp = Blueprint("branding", __name__)

#: Image types a logo may be; anything else configured is ignored rather than served.
LOGO_TYPES = {".png": "image/png", ".svg": "image/svg+xml", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}


@dataclass(frozen=True)
class Branding:
    programme: str
    organisation: str
    logo_url: str | None


def _logo_path() -> Path | None:
    configured = current_app.config.get("LOGO")
    if not configured:
        return None
    path = Path(configured)
    if not path.is_absolute():
        path = Path(current_app.instance_path) / path
    return path if path.suffix.lower() in LOGO_TYPES and path.is_file() else None


def branding() -> Branding:
    return Branding(programme=current_app.config.get("PROGRAMME_NAME") or "", organisation=issuer_name(),
                    logo_url=url_for("branding.logo") if _logo_path() else None)


@bp.route("/logo")
def logo():
    path = _logo_path() or abort(404)
    response = send_file(path, mimetype=LOGO_TYPES[path.suffix.lower()], max_age=86400)
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response
