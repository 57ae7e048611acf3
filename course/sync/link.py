"""The laptop's side of the link: send its bundle to the centre, fetch the centre's, over HTTPS.

``transport`` is the one function that touches the network (urllib, certificate checks on); tests give one
that calls the centre's application directly. Plain HTTP is refused except to this machine: bundles are
sealed, but who talks to whom should not travel in clear either.
"""

from __future__ import annotations

import json
import ssl
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from ipaddress import ip_address
from typing import Any
from urllib.parse import urlsplit

from flask_babel import gettext as _

from course.sync.services import (
    DeviceError,
    PullResult,
    export_bundle,
    import_on_device,
    joined_device,
    pull_request,
    take_receipt,
)

Transport = Callable[[str, bytes], bytes]
TIMEOUT_SECONDS = 120


class LinkError(DeviceError):
    """The centre could not be reached, or refused; the message says which and why."""


def https_post(url: str, body: bytes) -> bytes:
    """POST ``body`` and return the answer; LinkError with the centre's own reason when it refuses."""
    http_request = urllib.request.Request(url, data=body, method="POST",  # noqa: S310  (centre_address checks it)
                                          headers={"Content-Type": "application/octet-stream"})
    try:
        with urllib.request.urlopen(http_request, timeout=TIMEOUT_SECONDS,  # noqa: S310
                                    context=ssl.create_default_context()) as answer:
            return answer.read()
    except urllib.error.HTTPError as exc:
        try:
            reason = json.loads(exc.read()).get("error") or exc.reason
        except (ValueError, AttributeError):
            reason = exc.reason
        raise LinkError(_("The central server refused: %(reason)s", reason=reason)) from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise LinkError(_("The central server at %(url)s cannot be reached (%(reason)s). Carry a bundle on a USB "
                          "stick instead: course sync export --out FILE.", url=url, reason=reason)) from None


def centre_address(override: str | None = None) -> str:
    """The centre's base address: the one given, else the one in the enrolment file; https, or this machine."""
    device = joined_device()
    address = (override or device.centre_url or "").rstrip("/")
    if not address:
        raise LinkError(_("No address of the central server is known: give --url https://... (the centre's "
                          "COURSE_BASE_URL)."))
    parts = urlsplit(address)
    if parts.scheme == "https" and parts.hostname:
        return address
    if parts.scheme == "http" and parts.hostname and _this_machine(parts.hostname):
        return address
    raise LinkError(_("The central server's address must start with https:// (got %(address)s).", address=address))


def _this_machine(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class PushResult:
    sequence: int
    receipt: dict[str, Any]


def push(transport: Transport = https_post, url: str | None = None) -> PushResult:
    """Write the next bundle and send it; the centre applies it as an imported file and acknowledges it.

    The caller commits after a successful send, so a bundle that never arrived is not counted as written.
    """
    address = centre_address(url)
    sequence, bundle = export_bundle()
    answer = transport(f"{address}/sync/push", bundle)
    return PushResult(sequence, take_receipt(answer))


def pull(transport: Transport = https_post, url: str | None = None) -> PullResult:
    """Fetch the centre's next bundle for this laptop and apply it (the caller commits)."""
    address = centre_address(url)
    return import_on_device(transport(f"{address}/sync/pull", pull_request()))
