"""Parts of a page rendered once and kept: the same list for every reader of a module in a language.

A module's reference list is forty sources with their notes and archived copies, the same for every learner
who reads the module in one language; rendering it on each view was a third of the module page's time. The
key is everything the fragment shows (the template, the language and the values given, which must be
hashable), so a kept copy cannot go stale: a changed source or a newly verified one is a new key.
"""

from __future__ import annotations

from collections.abc import Hashable

from flask import current_app
from flask_babel import get_locale
from markupsafe import Markup

from course.caching import RecentlyUsed

_RENDERED = RecentlyUsed(size=256)


def rendered(template: str, **values: Hashable) -> Markup:
    """``template`` rendered with ``values`` in the request's language, from the kept copy when there is one.
    The fragment sees the values and Jinja's globals only, not the page's context."""
    key = (template, str(get_locale()), tuple(sorted(values.items())))
    return _RENDERED.get_or_make(
        key, lambda: Markup(current_app.jinja_env.get_template(template).render(**values)))  # noqa: S704
