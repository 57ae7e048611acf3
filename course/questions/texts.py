"""Texts between the course's format and other systems': languages, HTML and ids.

Course texts are Markdown, one per language. Moodle keeps several languages in one text with its multilang
filters (``<span lang="ru" class="multilang">…</span>``, or ``{mlang ru}…{mlang}``), and most of its texts are
HTML. Importing splits the languages and turns the HTML a question bank holds (paragraphs, emphasis, lists,
links) into Markdown; what Markdown cannot hold (images, embedded files, scripts) is dropped and reported.
Exporting writes every language as multilang spans, so a Moodle site with the filter shows each reader theirs
and a second import gives the same texts back.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

_SPAN = re.compile(r'<span\s+(?:lang="([\w-]+)"\s+class="multilang"|class="multilang"\s+lang="([\w-]+)")\s*>(.*?)'
                   r"</span>", re.DOTALL | re.IGNORECASE)
_MLANG = re.compile(r"\{mlang\s+([\w-]+)\}(.*?)\{mlang\}", re.DOTALL | re.IGNORECASE)


def split_languages(text: str, default: str) -> dict[str, str]:
    """``{language: text}`` from a text with multilang spans or mlang tags; a plain text is in ``default``."""
    found: dict[str, str] = {}
    for match in _SPAN.finditer(text):
        found[(match.group(1) or match.group(2)).lower()[:2]] = match.group(3)
    for match in _MLANG.finditer(text):
        found[match.group(1).lower()[:2]] = match.group(2)
    if not found:
        return {default: text}
    return found


def join_languages(texts: dict[str, str]) -> str:
    """One text holding every language as multilang spans (a single language stays plain)."""
    if len(texts) == 1:
        return next(iter(texts.values()))
    return "".join(f'<span lang="{code}" class="multilang">{text}</span>' for code, text in texts.items())


class _ToMarkdown(HTMLParser):
    """The HTML of a question bank as Markdown: blocks, emphasis, lists and links; anything else as its text."""

    BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "table", "tr"}
    DROPPED = {"img", "audio", "video", "object", "embed", "iframe", "script", "style", "svg", "math"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.lists: list[list] = []  # each open list: [kind, next number]
        self.links: list[str] = []
        self.skipping = 0
        self.dropped: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in self.DROPPED:
            self.dropped.add(tag)
            self.skipping += tag in ("script", "style", "svg", "math")
        elif tag in self.BLOCKS:
            self.out.append("\n\n")
        elif tag == "br":
            self.out.append("  \n")
        elif tag in ("strong", "b"):
            self.out.append("**")
        elif tag in ("em", "i"):
            self.out.append("*")
        elif tag in ("ul", "ol"):
            self.lists.append([tag, 1])
            self.out.append("\n")
        elif tag == "li":
            kind = self.lists[-1] if self.lists else ["ul", 1]
            marker = f"{kind[1]}. " if kind[0] == "ol" else "- "
            kind[1] += 1
            self.out.append("\n" + "  " * max(0, len(self.lists) - 1) + marker)
        elif tag == "a":
            self.links.append(attributes.get("href") or "")
            self.out.append("[")
        elif tag in ("td", "th"):
            self.out.append(" ")

    def handle_endtag(self, tag):
        if tag in ("script", "style", "svg", "math"):
            self.skipping = max(0, self.skipping - 1)
        elif tag in self.BLOCKS:
            self.out.append("\n\n")
        elif tag in ("strong", "b"):
            self.out.append("**")
        elif tag in ("em", "i"):
            self.out.append("*")
        elif tag in ("ul", "ol"):
            if self.lists:
                self.lists.pop()
            self.out.append("\n\n")
        elif tag == "a":
            href = self.links.pop() if self.links else ""
            self.out.append(f"]({href})" if href.startswith(("http://", "https://")) else "]")

    def handle_data(self, data):
        if not self.skipping:
            self.out.append(re.sub(r"\s+", " ", data))


def html_to_markdown(text: str) -> tuple[str, set[str]]:
    """Markdown for an HTML text, and the kinds of content it had to drop (``{"img"}``...)."""
    parser = _ToMarkdown()
    parser.feed(text)
    parser.close()
    joined = "".join(parser.out)
    joined = re.sub(r"[ \t]+\n", lambda m: "  \n" if m.group(0).startswith("  ") else "\n", joined)
    joined = re.sub(r"\n{3,}", "\n\n", joined)
    return joined.strip(), parser.dropped


def as_markdown(text: str, text_format: str, default: str, dropped: set[str]) -> dict[str, str]:
    """A text of another system in one of Moodle's formats (html, markdown, plain, moodle...) as ``{language:
    Markdown}``; what HTML had that Markdown cannot hold is added to ``dropped``."""
    texts = split_languages(text, default)
    converted = {}
    for code, value in texts.items():
        if text_format == "html":
            value, lost = html_to_markdown(value)
            dropped |= lost
        converted[code] = value.strip() if text_format in ("html", "markdown") else plain(value)
    return {code: value for code, value in converted.items() if value}


def dropped_notes(dropped: set[str]) -> list[str]:
    """What an import says of the content ``html_to_markdown`` dropped."""
    return [f"<{kind}> content dropped: the course's texts are Markdown without embedded media"
            for kind in sorted(dropped)]


def plain(text: str) -> str:
    """A plain text (Moodle's ``plain`` and ``moodle_auto_format``) as Markdown: HTML entities decoded, Markdown's
    own characters left as they are."""
    return html.unescape(text).strip()


def slug(text: str, fallback: str) -> str:
    """An id the course accepts (lower-case letters, digits, hyphens) made from a question's name."""
    made = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60].strip("-")
    return made if made and made[0].isalnum() else fallback
