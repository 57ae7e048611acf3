"""What every page's frame shows: navigation and the language switcher.

Computed here and passed to ``base.html`` as values, so templates only
render and never decide who sees which link.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from course.content.repository import live_versions
from course.i18n import LANGUAGE_NAMES
from course.models.content import ContentKind
from course.permissions import Permission, can


@dataclass(frozen=True)
class NavLink:
    label: str
    url: str
    current: bool


@dataclass(frozen=True)
class Language:
    code: str
    name: str
    current: bool


@dataclass(frozen=True)
class Chrome:
    nav: list[NavLink]
    languages: list[Language]
    user_name: str | None
    signed_in: bool
    here: str
    html_lang: str


_NAV = [
    ("learn.home", _l("My courses"), Permission.READ_COURSE),
    ("cohorts.index", _l("My cohorts"), Permission.MANAGE_COHORTS),
    ("cascade.mine", _l("My cascade"), Permission.MANAGE_COHORTS),
    ("reports.dashboard", _l("Reports"), Permission.VIEW_REPORTS),
    ("cascade.trainers", _l("Trainers"), Permission.PROMOTE_TRAINERS),
    ("certificates.all_certificates", _l("Certificates"), Permission.REVOKE_CERTIFICATES),
    ("review.index", _l("Legal review"), Permission.REVIEW_CONTENT),
    ("devices.index", _l("Devices"), Permission.MANAGE_DEVICES),
    ("certificates.mine", _l("My certificates"), Permission.READ_COURSE),
    ("learn.glossary", _l("Glossary"), Permission.READ_COURSE),
    ("cohorts.join", _l("Join a cohort"), Permission.READ_COURSE),
]


def _has_glossary() -> bool:
    """Whether the live course has a glossary: the course item alone, not the whole catalogue, on every page."""
    return any(item.data.get("glossary") for item in live_versions(ContentKind.COURSE))


def page_chrome() -> Chrome:
    locale = str(get_locale())
    signed_in = bool(current_user and current_user.is_authenticated)
    nav = [
        NavLink(str(label), url_for(endpoint), request.endpoint == endpoint)
        for endpoint, label, permission in _NAV
        if can(current_user, permission) and (endpoint != "learn.glossary" or _has_glossary())
    ]
    return Chrome(
        nav=nav,
        languages=[Language(code, name, code == locale) for code, name in LANGUAGE_NAMES.items()],
        user_name=current_user.display_name if signed_in else None,
        signed_in=signed_in,
        here=request.full_path.rstrip("?") if request.method == "GET" else "/",
        html_lang=locale,
    )
