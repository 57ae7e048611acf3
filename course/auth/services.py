"""Accounts: create, authenticate, change and reset passwords, grant roles.

Services flush and record audit events; the caller (a view or a CLI command)
commits once.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from course.audit import record_event
from course.auth.passwords import (
    burn_verification_time,
    hash_password,
    needs_rehash,
    one_time_password,
    password_problem,
    verify_password,
)
from course.auth.throttle import Refusal, check_throttle, record_attempt
from course.auth.transliterate import latin_username
from course.domain import DomainError
from course.extensions import db
from course.models.types import utcnow
from course.models.user import Role, User, UserRole, new_session_token

USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
MAX_FULL_NAME = 200
MAX_EMAIL = 254


class AccountError(DomainError):
    """A request about an account that cannot be carried out."""


def normalise_username(username: str) -> str:
    return username.strip().lower()


def username_problem(username: str) -> str:
    """Why a username cannot be used, with a Latin spelling to use instead when one can be made."""
    rule = str(_l("A username has 2 to 64 characters: Latin letters, digits, dots, hyphens or underscores, "
                  "starting with a letter or digit."))
    suggestion = latin_username(username)
    if suggestion is None:
        return rule
    tip = _l("Try “%(suggestion)s”.", suggestion=suggestion)
    return f"{rule} {tip}"


def find_user(username: str) -> User | None:
    return db.session.scalar(select(User).where(User.username == normalise_username(username)))


def create_user(
    username: str,
    roles: set[Role],
    *,
    full_name: str = "",
    email: str | None = None,
    password: str | None = None,
    actor_id: int | None = None,
) -> tuple[User, str | None]:
    """Create an account; return it with the one-time password if none was given.

    An account made by someone else must change its password at first sign-in,
    whether the password was chosen by the operator or generated.

    :raises AccountError: for a malformed or taken username, or a weak password.
    """
    username = normalise_username(username)
    if not USERNAME_PATTERN.match(username):
        raise AccountError(username_problem(username))
    if len(full_name.strip()) > MAX_FULL_NAME or len((email or "").strip()) > MAX_EMAIL:
        raise AccountError(str(_l("A full name has at most %(name)d characters and an email address at most "
                                  "%(email)d.", name=MAX_FULL_NAME, email=MAX_EMAIL)))
    if find_user(username):
        raise AccountError(str(_l("The username %(username)s is already taken.", username=username)))
    if not roles:
        raise AccountError(str(_l("Give the user at least one role.")))
    generated = None
    if password is None:
        password = generated = one_time_password()
    elif problem := password_problem(password, username=username):
        raise AccountError(problem)
    user = User(
        username=username,
        full_name=full_name.strip(),
        email=(email or "").strip() or None,
        password_hash=hash_password(password),
        must_change_password=True,
    )
    user.role_rows = [UserRole(role=role) for role in sorted(roles)]
    db.session.add(user)
    db.session.flush()
    record_event("user.create", username, actor_id=actor_id, roles=sorted(roles))
    return user, generated


def set_roles(user: User, roles: set[Role], *, actor_id: int | None = None) -> None:
    """Make ``roles`` exactly the user's roles, auditing what changed."""
    if not roles:
        raise AccountError(str(_l("Give the user at least one role.")))
    current = user.roles
    for row in list(user.role_rows):
        if row.role not in roles:
            user.role_rows.remove(row)
    for role in sorted(roles - current):
        user.role_rows.append(UserRole(role=role))
    db.session.flush()
    if roles != current:
        record_event("user.set_roles", user.username, actor_id=actor_id,
                     before=sorted(current), after=sorted(roles))


def reset_password(user: User, *, password: str | None = None, actor_id: int | None = None) -> str | None:
    """Give the user a new password chosen by someone else; they must change it at sign-in."""
    generated = None
    if password is None:
        password = generated = one_time_password()
    elif problem := password_problem(password, username=user.username):
        raise AccountError(problem)
    user.password_hash = hash_password(password)
    user.must_change_password = True
    user.session_token = new_session_token()
    db.session.flush()
    record_event("user.reset_password", user.username, actor_id=actor_id)
    return generated


def change_own_password(user: User, current_password: str, new_password: str) -> None:
    """The user replaces their password; other sessions of the user end.

    :raises AccountError: wrong current password, or an unacceptable new one.
    """
    if not verify_password(user.password_hash, current_password):
        raise AccountError(str(_l("The current password is not right.")), field="current_password")
    if problem := password_problem(new_password, username=user.username):
        raise AccountError(problem, field="new_password")
    if current_password == new_password:
        raise AccountError(str(_l("Choose a password different from the current one.")), field="new_password")
    user.password_hash = hash_password(new_password)
    user.must_change_password = False
    user.session_token = new_session_token()
    db.session.flush()


@dataclass(frozen=True)
class SignIn:
    """The outcome of a sign-in attempt: a user, or why not."""

    user: User | None = None
    refusal: Refusal | None = None


def authenticate(username: str, password: str, address: str, *, known_usernames: Sequence[str] = ()) -> SignIn:
    """Check credentials under the throttle, recording the attempt either way.

    The attempt is recorded, as a failure, and committed *before* the password
    is checked: parallel requests then count each other, and a burst of guesses
    cannot all slip under the limit while the slow hash runs. This is the one
    service that commits, because the throttle only works across requests.
    """
    username = normalise_username(username)[:64]
    attempt = record_attempt(username, address, succeeded=False)
    db.session.commit()
    refusal = check_throttle(username, address, known_device=username in known_usernames, pending=1)
    if refusal:
        # Refused attempts are not failures: they must not extend the lock.
        db.session.delete(attempt)
        return SignIn(refusal=refusal)
    user = find_user(username)
    if user is None:
        burn_verification_time()
        ok = False
    else:
        ok = verify_password(user.password_hash, password) and user.active
    attempt.succeeded = ok
    if not ok:
        db.session.flush()
        return SignIn()
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    db.session.flush()
    return SignIn(user=user)
