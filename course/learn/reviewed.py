"""A module's page with what only the review knows: whether this version is signed off, which of its translations
a native speaker has read, which sources are verified. Apart from the reading queries, which the review's own
queries import, and from the views, so that what prints a module (a trainer's pack) reads it as the screen does."""

from __future__ import annotations

from flask_login import current_user

from course.learn.queries import Catalogue, LiveModule, ModulePage, module_page
from course.models.content import ContentKind
from course.review.queries import verified_sources, version_review


def reviewed_module_page(catalogue: Catalogue, live: LiveModule, locale: str) -> ModulePage:
    """The module page with what only the review knows: is this version signed off, which of its translations
    a native speaker has read, which sources are verified."""
    review = version_review(ContentKind.MODULE, live.id, live.content_hash)
    return module_page(current_user, catalogue, live, locale, review=review, verified=verified_sources(catalogue))
