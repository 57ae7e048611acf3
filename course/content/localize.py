"""Choose the reader's language from text given in several, and say when we fell back."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Text:
    """A text in one language; ``fallback`` when it is not the language the reader asked for."""

    value: str
    lang: str
    fallback: bool = False

    def __str__(self) -> str:
        return self.value


def pick(texts: dict[str, str] | None, locale: str, default: str) -> Text:
    """The text in ``locale``, else in the course's ``default`` language (marked as a fallback)."""
    texts = texts or {}
    if texts.get(locale):
        return Text(texts[locale], locale)
    if texts.get(default):
        return Text(texts[default], default, fallback=True)
    for lang, value in texts.items():
        if value:
            return Text(value, lang, fallback=True)
    return Text("", locale)
