"""The "known device" cookie: a browser in which a person has signed in before.

Set at every successful sign-in, signed with the instance secret, it lists the usernames that signed in on
this browser (the last few). The sign-in throttle (``course.auth.throttle``) lets such a browser past the
limits that guesses from elsewhere can raise, so nobody can lock a trainer out of their own laptop.
"""

from __future__ import annotations

from flask import Response, current_app, request
from itsdangerous import BadSignature, URLSafeSerializer

from course.auth.throttle import KNOWN_FOR

COOKIE = "known_device"
#: Usernames a browser remembers (a shared room computer sees several people).
REMEMBERED = 10


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt="cascade-known-device")


def known_usernames() -> list[str]:
    """The usernames this browser signed in as before; none when the cookie is missing or forged."""
    raw = request.cookies.get(COOKIE)
    if not raw:
        return []
    try:
        names = _serializer().loads(raw)
    except BadSignature:
        return []
    return [name for name in names if isinstance(name, str)] if isinstance(names, list) else []


def remember_device(response: Response, username: str) -> Response:
    names = [username] + [name for name in known_usernames() if name != username]
    response.set_cookie(COOKIE, _serializer().dumps(names[:REMEMBERED]), max_age=int(KNOWN_FOR.total_seconds()),
                        httponly=True, secure=current_app.config["SESSION_COOKIE_SECURE"], samesite="Lax")
    return response
