"""A private file download: an attachment with its name, never kept by a shared cache or the back button."""

from __future__ import annotations

from flask import Response, make_response


def private_download(body: bytes | str, filename: str, mimetype: str) -> Response:
    """``body`` as the attachment ``filename`` (certificates, personal data, device files: all personal)."""
    response = make_response(body)
    response.headers["Content-Type"] = mimetype
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response
