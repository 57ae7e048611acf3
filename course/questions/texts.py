"""Texts between the course's format and other systems': languages, HTML and ids.

A question's texts in the course (prompt, choices, feedback, explanation) are plain text, one per language;
only a case's scenario is Markdown. Moodle keeps several languages in one text with its multilang filter
(``<span lang="ru" class="multilang">…</span>``; ``{mlang ru}…{mlang}`` with the multilang2 plugin), and most
of its texts are HTML. Importing splits the languages (text outside every span belongs to all of them, as the
filter shows it) and turns the HTML into plain text (paragraphs and line breaks kept, a link as its text and
address); what plain text cannot hold (images, embedded files, scripts) is dropped and reported. Exporting
writes every language as multilang spans in HTML, each text escaped, so a Moodle site shows each reader theirs
and a second import gives the same texts back.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

_TAG = re.compile(r"<span\b[^>]*>|</span\s*>", re.IGNORECASE)
_LANG = re.compile(r"""\blang\s*=\s*["']?([\w-]+)""", re.IGNORECASE)
_MLANG = re.compile(r"\{mlang\s+([\w-]+)\}(.*?)\{mlang\}", re.DOTALL | re.IGNORECASE)


def _multilang_spans(text: str) -> tuple[dict[str, str], str]:
    """The multilang spans' contents by language (nested spans inside one kept whole), and the text outside."""
    found: dict[str, str] = {}
    outside: list[str] = []
    position, depth, language, start = 0, 0, "", 0
    for match in _TAG.finditer(text):
        tag = match.group(0)
        if tag.startswith("</"):
            if depth == 0:
                continue
            depth -= 1
            if depth == 0:
                found[language] = found.get(language, "") + text[start:match.start()]
                position = match.end()
        elif depth:
            depth += 1
        elif "multilang" in tag.lower() and (lang := _LANG.search(tag)):
            outside.append(text[position:match.start()])
            depth, language, start = 1, lang.group(1).lower()[:2], match.end()
        # any other span outside a multilang one is ordinary markup, left in the outside text
    outside.append(text[position:] if depth == 0 else "")
    return found, "".join(outside)


def split_languages(text: str, default: str) -> dict[str, str]:
    """``{language: text}`` from a text with multilang spans or mlang tags; a plain text is in ``default``. Text
    outside every span or tag is shown by Moodle to every reader: it is kept in every language."""
    found, outside = _multilang_spans(text)
    if not found:
        found = {m.group(1).lower()[:2]: m.group(2) for m in _MLANG.finditer(text)}
        outside = _MLANG.sub("", text)
    if not found:
        return {default: text}
    shared = outside.strip()
    return {code: f"{value} {shared}".strip() if shared else value for code, value in found.items()}


def join_languages(texts: dict[str, str]) -> str:
    """One HTML text holding every language as a multilang span (a single language stays a plain span-less
    text), each text escaped and its line breaks kept."""
    def as_html(value: str) -> str:
        return html.escape(value, quote=False).replace("\n", "<br>")

    if len(texts) == 1:
        return as_html(next(iter(texts.values())))
    return "".join(f'<span lang="{code}" class="multilang">{as_html(text)}</span>' for code, text in texts.items())


class _ToText(HTMLParser):
    """The HTML of a question bank as plain text: paragraphs, line breaks and list items on their own lines, a
    link as its text and its address; emphasis and other markup dropped, their text kept."""

    BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "table", "tr", "ul", "ol"}
    DROPPED = {"img", "audio", "video", "object", "embed", "iframe", "script", "style", "svg", "math"}
    SILENT = {"script", "style", "svg", "math"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.links: list[tuple[str, int]] = []
        self.skipping = 0
        self.dropped: set[str] = set()

    def handle_starttag(self, tag, attrs):
        if tag in self.DROPPED:
            self.dropped.add(tag)
            self.skipping += tag in self.SILENT
        elif tag in self.BLOCKS:
            self.out.append("\n\n")
        elif tag == "br":
            self.out.append("\n")
        elif tag == "li":
            self.out.append("\n- ")
        elif tag == "a":
            self.links.append((dict(attrs).get("href") or "", len(self.out)))
        elif tag in ("td", "th"):
            self.out.append(" ")

    def handle_endtag(self, tag):
        if tag in self.SILENT:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self.BLOCKS:
            self.out.append("\n\n")
        elif tag == "a" and self.links:
            href, start = self.links.pop()
            if href.startswith(("http://", "https://")) and href not in "".join(self.out[start:]):
                self.out.append(f" ({href})")

    def handle_data(self, data):
        if not self.skipping:
            self.out.append(re.sub(r"[ \t\r\n]+", " ", data))


def html_to_text(text: str) -> tuple[str, set[str]]:
    """Plain text for an HTML text, and the kinds of content it had to drop (``{"img"}``...)."""
    parser = _ToText()
    parser.feed(text)
    parser.close()
    joined = re.sub(r" *\n *", "\n", "".join(parser.out))
    return re.sub(r"\n{3,}", "\n\n", joined).strip(), parser.dropped


def as_text(text: str, text_format: str, default: str, dropped: set[str]) -> dict[str, str]:
    """A text of another system in one of Moodle's formats as ``{language: plain text}``: ``plain``/
    ``plain_text`` as it is; ``html``, ``moodle`` and ``moodle_auto_format`` (HTML allowed) as the text it
    shows; ``markdown`` rendered first. What HTML had that plain text cannot hold is added to ``dropped``."""
    converted = {}
    for code, value in split_languages(text, default).items():
        if text_format in ("plain", "plain_text"):
            converted[code] = value.strip()
            continue
        if text_format == "markdown":
            from course.content.markdown import render_markdown  # noqa: PLC0415

            value = render_markdown(value)
        converted[code], lost = html_to_text(value)
        dropped |= lost
    return {code: value for code, value in converted.items() if value}


def dropped_notes(dropped: set[str]) -> list[str]:
    """What an import says of the content ``html_to_text`` dropped."""
    return [f"<{kind}> content dropped: the course's question texts are plain text, without embedded media"
            for kind in sorted(dropped)]


def slug(text: str, fallback: str) -> str:
    """An id the course accepts (lower-case letters, digits, hyphens) made from a question's name."""
    made = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60].strip("-")
    return made if made and made[0].isalnum() else fallback
