"""What every page's frame shows: navigation and the language switcher.

Computed here and passed to ``base.html`` as values, so templates only
render and never decide who sees which link.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from course.caching import RecentlyUsed
from course.i18n import LANGUAGE_NAMES
from course.learn.queries import load_catalogue
from course.permissions import Permission, can, permissions_of
from course.version import cascade_version


@dataclass(frozen=True)
class NavLink:
    label: str
    url: str
    current: bool


@dataclass(frozen=True)
class NavGroup:
    """Links of one kind of work. The person's main group is shown open; the others fold into a menu."""

    label: str
    links: list[NavLink]
    main: bool

    @property
    def current(self) -> bool:
        return any(link.current for link in self.links)

    @property
    def folded(self) -> bool:
        """Shown as a menu under its name: not the main work, and more than one link."""
        return not self.main and len(self.links) > 1


@dataclass(frozen=True)
class Language:
    code: str
    name: str
    current: bool


@dataclass(frozen=True)
class Chrome:
    groups: list[NavGroup]
    languages: list[Language]
    user_name: str | None
    signed_in: bool
    here: str
    html_lang: str
    home_url: str
    #: For administrators: "Cascade 0.1.0 · content 3f2a9c1e4b7d", so a report of a problem says what runs.
    versions: str | None = None

    @property
    def nav(self) -> list[NavLink]:
        return [link for group in self.groups for link in group.links]


#: The navigation, by kind of work: (group label, the permission that makes it someone's main work, links).
_GROUPS = [
    (_l("Programme"), Permission.VIEW_REPORTS, [
        ("reports.dashboard", _l("Reports"), Permission.VIEW_REPORTS),
        ("people.index", _l("Learners"), Permission.VIEW_REPORTS),
        ("cascade.trainers", _l("Trainers"), Permission.PROMOTE_TRAINERS),
        ("certificates.all_certificates", _l("Certificates"), Permission.REVOKE_CERTIFICATES),
        ("devices.index", _l("Devices"), Permission.MANAGE_DEVICES),
    ]),
    (_l("Administration"), Permission.MANAGE_USERS, [
        ("people.index", _l("Accounts"), Permission.MANAGE_USERS),
        ("admin.audit", _l("Audit log"), Permission.MANAGE_USERS),
        ("admin.backups", _l("Backups"), Permission.MANAGE_USERS),
        ("admin.questions", _l("Questions"), Permission.SYNC_CONTENT),
    ]),
    (_l("Legal review"), Permission.REVIEW_CONTENT, [
        ("review.index", _l("Legal review"), Permission.REVIEW_CONTENT),
    ]),
    (_l("Teaching"), Permission.MANAGE_COHORTS, [
        ("cohorts.index", _l("My cohorts"), Permission.MANAGE_COHORTS),
        ("cascade.mine", _l("My cascade"), Permission.MANAGE_COHORTS),
    ]),
    (_l("Learning"), Permission.READ_COURSE, [
        ("learn.home", _l("My courses"), Permission.READ_COURSE),
        ("certificates.mine", _l("My certificates"), Permission.READ_COURSE),
        ("learn.glossary", _l("Glossary"), Permission.READ_COURSE),
        ("cohorts.join", _l("Join a cohort"), Permission.READ_COURSE),
    ]),
]


def home_endpoint(user: Any) -> str:
    """Where a person's work is, and so where signing in takes them: the first group (in the order above)
    their roles give them, the programme's reports for a coordinator, the cohorts for a trainer, the course for
    a learner."""
    for _label, main_permission, links in _GROUPS:
        if can(user, main_permission):
            return links[0][0]
    return "learn.home"


def _has_glossary() -> bool:
    """Whether the live course has a glossary (the catalogue is read once per request anyway)."""
    catalogue = load_catalogue()
    return bool(catalogue and catalogue.course.get("glossary"))


#: The navigation of a page, by what decides it: the same few combinations of roles, pages and languages
#: come back on every request, and building it (a link address and a permission check per link) was a tenth
#: of a light page's time.
_NAVIGATION = RecentlyUsed(size=512)


def _navigation(user: Any, signed_in: bool, locale: str) -> tuple[list[NavGroup], str]:
    """The navigation groups and the home address, for this user's permissions on this page."""
    granted = permissions_of(user.roles) if signed_in else frozenset()
    glossary = Permission.READ_COURSE in granted and _has_glossary()
    key = (granted, request.endpoint, locale, glossary, request.script_root)
    return _NAVIGATION.get_or_make(key, lambda: _build_navigation(user if signed_in else None, glossary))


def _build_navigation(user: Any, glossary: bool) -> tuple[list[NavGroup], str]:
    home = home_endpoint(user) if user is not None else "learn.home"
    groups = []
    for label, _main, links in _GROUPS:
        shown = [NavLink(str(text), url_for(endpoint), request.endpoint == endpoint)
                 for endpoint, text, permission in links
                 if can(user, permission) and (endpoint != "learn.glossary" or glossary)]
        if shown:
            groups.append(NavGroup(str(label), shown, main=any(link.url == url_for(home) for link in shown)))
    return groups, url_for(home)


def page_chrome() -> Chrome:
    locale = str(get_locale())
    user = current_user._get_current_object()  # noqa: SLF001  (once, not through the proxy at every use)
    signed_in = bool(user and user.is_authenticated)
    groups, home_url = _navigation(user, signed_in, locale)
    return Chrome(
        groups=groups,
        languages=[Language(code, name, code == locale) for code, name in LANGUAGE_NAMES.items()],
        user_name=user.display_name if signed_in else None,
        signed_in=signed_in,
        here=request.full_path.rstrip("?") if request.method == "GET" else "/",
        html_lang=locale,
        home_url=home_url,
        versions=_versions() if can(user, Permission.MANAGE_USERS) else None,
    )


def _versions() -> str:
    catalogue = load_catalogue()
    content = catalogue.fingerprint[:12] if catalogue else "—"
    return f"Cascade {cascade_version()} · content {content}"
