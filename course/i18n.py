"""Which language to speak to this request, and the names of the languages."""

from __future__ import annotations

from collections.abc import Sequence

from babel import Locale, UnknownLocaleError
from babel.lists import format_list
from flask import current_app, has_request_context, request, session
from flask_babel import get_locale
from flask_login import current_user

#: Each language named in itself, as a switcher should show it.
LANGUAGE_NAMES = {"en": "English", "ru": "Русский", "tk": "Türkmençe"}
SESSION_KEY = "locale"


def language_name(code: str) -> str:
    """The name of a language in the reader's language: 'английский' on a Russian page."""
    try:
        return Locale.parse(code).get_display_name(get_locale()) or code
    except (ValueError, UnknownLocaleError):
        return code


def language_names(codes: Sequence[str]) -> str | None:
    """'Russian and English' in the reader's language, or None for no languages."""
    if not codes:
        return None
    return format_list([language_name(code) for code in codes], locale=get_locale())


def chosen_locale() -> str | None:
    """The language this browser asked for (chosen on the page, or its Accept-Language), or None when the
    site would only be falling back to its default."""
    supported = current_app.config["LANGUAGES"]
    if session.get(SESSION_KEY) in supported:
        return session[SESSION_KEY]
    return request.accept_languages.best_match(supported)


def select_locale() -> str:
    """The signed-in user's saved choice, else this browser session's, else Accept-Language."""
    supported = current_app.config["LANGUAGES"]
    if not has_request_context():  # the command line speaks the default language
        return current_app.config["DEFAULT_LOCALE"]
    if current_user and current_user.is_authenticated and current_user.locale in supported:
        return current_user.locale
    if session.get(SESSION_KEY) in supported:
        return session[SESSION_KEY]
    return request.accept_languages.best_match(supported) or current_app.config["DEFAULT_LOCALE"]
