"""Choose the reader's language from text given in several, and say when we fell back."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Text:
    """A text in one language; ``fallback`` when it is not the language the reader asked for."""

    value: str
    lang: str
    fallback: bool = False

    def __str__(self) -> str:
        return self.value


def fallback_chain(chains: Mapping[str, Sequence[str]], locale: str, default: str) -> tuple[str, ...]:
    """The languages to try after ``locale``: its chain from course.yaml, then the default language.

    A Turkmen reader far more often reads Russian than English, so the course can say ``tk: [ru, en]``;
    the default language closes every chain so that a text always has something to show.
    """
    chain = [lang for lang in chains.get(locale, ()) if lang != locale]
    return tuple(dict.fromkeys([*chain, default]))


def pick(texts: Mapping[str, str] | None, locale: str, fallbacks: Sequence[str]) -> Text:
    """The text in ``locale``, else in the first of ``fallbacks`` that has it (marked as a fallback)."""
    texts = texts or {}
    if texts.get(locale):
        return Text(texts[locale], locale)
    for lang in fallbacks:
        if texts.get(lang):
            return Text(texts[lang], lang, fallback=True)
    for lang, value in texts.items():
        if value:
            return Text(value, lang, fallback=True)
    return Text("", locale)


def fallen_back_to(texts: Iterable[Text | None]) -> tuple[str, ...]:
    """The languages shown instead of the reader's among ``texts``, in the order they first appear."""
    return tuple(dict.fromkeys(text.lang for text in texts if text is not None and text.fallback))


def draft_in(locale: str, draft_languages: Sequence[str], shown: Iterable[Text]) -> str | None:
    """The reader's language, when a file marks it as a draft translation and some of its text is shown."""
    return locale if locale in draft_languages and any(not text.fallback for text in shown) else None
