"""Markdown to safe HTML, and module text split into sections.

Markdown is rendered once, at sync time, and the result is passed through an
allow-list sanitiser (nh3): author files are trusted to be well meant, not to
be safe. Raw HTML in the source is escaped, never interpreted.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

import nh3

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

#: Bump when rendering changes in a way that should make new content versions.
#: 2: level-two headings are kept (the trainer notes' "## Session plan" reached the page as bare text).
RENDERER_VERSION = 2

#: A page's title is its only level-one heading: a text's ``# `` headings are not kept (``level_one_headings``
#: finds them for the content check). Level two is a trainer notes' part; a module text's start its sections.
_ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h2", "h3", "h4", "h5", "h6", "hr", "i",
    "li", "ol", "p", "pre", "strong", "sub", "sup", "table", "tbody", "td", "th", "thead", "tr", "ul",
}
_ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "td": {"align"}, "th": {"align"}}
_ALLOWED_SCHEMES = {"http", "https", "mailto"}

@cache
def _renderer() -> MarkdownIt:
    """Made on first use: a server renders Markdown only for quiz texts, and importing the parser cost every
    process 30 ms of its start."""
    from markdown_it import MarkdownIt  # noqa: PLC0415

    return MarkdownIt("commonmark", {"html": False, "typographer": False}).enable("table")


def render_markdown(source: str) -> str:
    """Render Markdown and keep only allow-listed tags, attributes and URL schemes."""
    html = _renderer().render(source)
    return nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes=_ALLOWED_SCHEMES,
        link_rel="noopener noreferrer",
    )


def level_one_headings(source: str) -> list[int]:
    """The lines (from 1) where the text has a level-one heading (``# Title``, or a title underlined with
    ``===``), which the page would show as bare text; headings in fenced code are code."""
    return [token.map[0] + 1 for token in _renderer().parse(source)
            if token.type == "heading_open" and token.tag == "h1" and token.map]


@dataclass(frozen=True)
class RawSection:
    """One ``## `` section of a module text, before rendering."""

    key: str
    title: str
    body: str
    line: int


class SectionSplitError(ValueError):
    def __init__(self, message: str, line: int):
        super().__init__(message)
        self.line = line


MAX_KEY_LENGTH = 100
#: Keys that would collide with the module's own pages.
RESERVED_KEYS = {"trainer-notes"}

_HEADING = re.compile(r"^##\s+(?P<title>.+?)(?:\s+\{#(?P<key>[a-z0-9][a-z0-9-]*)\})?\s*$")
_FENCE = re.compile(r"^\s{0,3}(```|~~~)")


def slugify(text: str) -> str:
    """ASCII slug for section keys: 'Act, means & purpose' -> 'act-means-purpose'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def split_sections(source: str, *, require_keys: bool = True) -> list[RawSection]:
    """Split a module text at its ``## `` headings.

    A heading may carry an explicit key, ``## Consent {#consent}``, so that a
    reworded heading keeps the learners' progress; otherwise the key is the
    slug of the heading. Headings inside fenced code do not count. A
    translation pairs with the default text by position, so its headings
    (often Cyrillic, with no slug) need no key: pass ``require_keys=False``.

    :raises SectionSplitError: for text before the first heading or a heading with no key.
    """
    sections: list[RawSection] = []
    current: dict | None = None
    in_fence = False
    for number, line in enumerate(source.splitlines(), start=1):
        if _FENCE.match(line):
            in_fence = not in_fence
        match = None if in_fence else _HEADING.match(line)
        if match:
            if current:
                sections.append(RawSection(**current))
            title = match["title"].strip()
            # Only the default text makes keys from headings; a translation's
            # headings are in another language and pair by position instead.
            key = match["key"] or (slugify(title)[:80].rstrip("-") if require_keys else "")
            if len(key) > MAX_KEY_LENGTH:
                raise SectionSplitError(f"the section key is longer than {MAX_KEY_LENGTH} characters", number)
            if key in RESERVED_KEYS:
                raise SectionSplitError(f"'{key}' cannot be a section key; it names another page", number)
            if not key and require_keys:
                raise SectionSplitError(
                    f"the heading '{title}' has no Latin letters or digits for a key; add one: "
                    f"'## {title} {{#my-key}}'",
                    number,
                )
            current = {"key": key, "title": title, "body": "", "line": number}
        elif current is None:
            if line.strip():
                raise SectionSplitError(
                    "text before the first '## ' heading; every section starts with a '## ' heading",
                    number,
                )
        else:
            current["body"] += line + "\n"
    if current:
        sections.append(RawSection(**current))
    return sections
