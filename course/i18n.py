"""Which language to speak to this request, and the names of the languages."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.lists import format_list
from flask import Flask, current_app, has_request_context, request, session
from flask_babel import get_locale, get_translations
from flask_login import current_user
from jinja2 import pass_context
from jinja2.runtime import Context

#: Each language named in itself, as a switcher should show it.
LANGUAGE_NAMES = {"en": "English", "ru": "Русский", "tk": "Türkmençe"}
SESSION_KEY = "locale"
#: The template context's name for this render's translations (install_template_gettext).
TRANSLATIONS_KEY = "_translations"


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


def install_template_gettext(app: Flask) -> None:
    """Templates call ``_()`` about a hundred times a page, and Flask-Babel's own callables look up the
    request's locale and translation domain on every call: a fifth of a module page's time. These read the
    translations from the template's context, where a context processor puts them once per render, so a page
    rendered inside ``force_locale`` still speaks that language. A macro imported without context has none
    there and asks Flask-Babel, as before."""
    app.context_processor(lambda: {TRANSLATIONS_KEY: get_translations()})

    def from_context(method: str) -> Callable[..., str]:
        """``method`` of the render's translations (``ugettext``, ``ungettext``...), with Jinja's arguments."""

        @pass_context
        def translate(context: Context, *arguments: Any) -> str:
            translations = context.get(TRANSLATIONS_KEY) or get_translations()
            return getattr(translations, method)(*arguments)

        return translate

    app.jinja_env.install_gettext_callables(
        gettext=from_context("ugettext"), ngettext=from_context("ungettext"), newstyle=True,
        pgettext=from_context("upgettext"), npgettext=from_context("unpgettext"))
