"""What the reviewers said of one content version, as the reading pages need it (no database here, so the
learner's and the quiz's pages can use it without the review pages' queries)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class VersionReview:
    """Signed off by a legal reviewer, and the languages whose draft translation a native speaker has read."""

    signed_off: bool
    translations_reviewed: frozenset[str]

    def draft_translation(self, locale: str, draft_languages: list[str]) -> bool:
        """The reader's language is a draft translation in this version, and no native speaker has read it."""
        return locale in draft_languages and locale not in self.translations_reviewed
