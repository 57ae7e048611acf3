"""The addresses a room can reach.

A trainer runs Cascade on a laptop and opens it as ``127.0.0.1``; the phones in the room cannot. Links and
QR codes made for others (a cohort's join link, credential slips) must therefore carry the address the
request came in on, unless that is the laptop's own loopback address: then they carry the laptop's address
on the room network, when it serves the room (``course serve --host 0.0.0.0``), and the trainer is told
which address to give.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from urllib.parse import urlsplit

import ifaddr
from flask import current_app, request, url_for
from flask_babel import gettext as _

#: Hosts that mean "bind to every interface": the laptop serves the room.
ALL_INTERFACES = ("0.0.0.0", "::", "")  # noqa: S104  (comparing, not binding)


def _is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def lan_addresses() -> list[str]:
    """This machine's IPv4 addresses other than loopback and link-local, private ones (a room's Wi-Fi) first."""
    found = []
    for adapter in ifaddr.get_adapters():
        for ip in adapter.ips:
            if not isinstance(ip.ip, str):  # IPv6 (a tuple): phones in a room reach the IPv4 address
                continue
            address = ipaddress.ip_address(ip.ip)
            if not (address.is_loopback or address.is_link_local or address.is_unspecified):
                found.append(address)
    return [str(address) for address in sorted(set(found), key=lambda a: (not a.is_private, a))]


def room_addresses(host: str) -> list[str]:
    """The addresses others can use when the server binds ``host``: every LAN address for all interfaces,
    the host itself for one address, none for loopback (only this machine can connect)."""
    if host in ALL_INTERFACES:
        return lan_addresses()
    return [] if _is_loopback(host) else [host]


@dataclass(frozen=True)
class RoomLink:
    """A link to give the room, and what the trainer must be told about it."""

    url: str
    #: None when the link is the address the trainer is using; otherwise a sentence for the trainer.
    notice: str | None = None


def room_url(endpoint: str, **values) -> RoomLink:
    """``url_for(endpoint, _external=True)`` as the room can open it."""
    url = url_for(endpoint, _external=True, **values)
    if not _is_loopback(urlsplit(request.host_url).hostname or ""):
        return RoomLink(url)
    addresses = current_app.config.get("ROOM_ADDRESSES") or []
    if not addresses:
        return RoomLink(url, _("Cascade is reachable only from this laptop: the phones in the room cannot open "
                               "this link. To let learners join, start Cascade with “course serve --host 0.0.0.0” "
                               "and open it at the address it prints."))
    parts = urlsplit(url)
    host = f"{addresses[0]}:{parts.port}" if parts.port else addresses[0]
    return RoomLink(parts._replace(netloc=host).geturl(), _(
        "You opened Cascade at this laptop's own address, which the phones in the room cannot reach. The links and "
        "codes on this page use %(address)s, the laptop's address on the room network.",
        address=f"{parts.scheme}://{host}/"))
