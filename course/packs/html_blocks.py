"""The course's rendered Markdown (sanitised HTML, course.content.markdown) as the pack's blocks.

Only what that renderer produces is handled: headings, paragraphs, emphasis, lists, tables, block quotes, line
breaks, links (kept as their text) and code (as text). Anything else keeps its text and loses its markup.
"""

from __future__ import annotations

import re
from dataclasses import replace
from html.parser import HTMLParser

from course.packs.document import Block, Heading, Item, Paragraph, Run, Table

_SPACES = re.compile(r"\s+")


class _Blocks(HTMLParser):
    def __init__(self, heading_offset: int):
        super().__init__(convert_charrefs=True)
        self.offset = heading_offset
        self.blocks: list[Block] = []
        self.runs: list[Run] = []
        self.bold = self.italic = 0
        self.lists: list[list[int | None]] = []  # per open list: [next number] or [None] for bullets
        self.quote = 0
        self.heading: int | None = None
        self.table: list[list[str]] | None = None
        self.cell: list[str] | None = None
        self.header_row = False

    # -- text --------------------------------------------------------------
    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)
            return
        value = _SPACES.sub(" ", data)
        if not value.strip() and not self.runs:
            return
        self.runs.append(Run(value, bool(self.bold), bool(self.italic)))

    def _flush(self):
        runs = _trimmed(self.runs)
        self.runs = []
        if not runs:
            return
        if self.heading is not None:
            self.blocks.append(Heading(self.heading, "".join(r.text for r in runs)))
        elif self.lists:
            numbering = self.lists[-1]
            marker = "•" if numbering[0] is None else f"{numbering[0]}."
            self.blocks.append(Item(runs, marker, len(self.lists) - 1))
        else:
            self.blocks.append(Paragraph(runs, "quote" if self.quote else "body"))

    # -- tags --------------------------------------------------------------
    def handle_starttag(self, tag, attrs):
        if tag in ("strong", "b"):
            self.bold += 1
        elif tag in ("em", "i"):
            self.italic += 1
        elif tag == "br":
            if self.cell is not None:
                self.cell.append(" ")
            else:
                self.runs.append(Run("\n", bool(self.bold), bool(self.italic)))
        elif re.fullmatch(r"h[1-6]", tag):
            self._flush()
            self.heading = min(6, int(tag[1]) + self.offset)
        elif tag in ("p", "blockquote", "div"):
            self._flush()
            self.quote += tag == "blockquote"
        elif tag in ("ul", "ol"):
            self._flush()
            start = dict(attrs).get("start")
            self.lists.append([None] if tag == "ul" else [int(start) if start and start.isdigit() else 1])
        elif tag == "li":
            self._flush()
        elif tag == "table":
            self._flush()
            self.table = []
        elif tag == "tr" and self.table is not None:
            self.table.append([])
        elif tag in ("td", "th") and self.table is not None:
            self.cell = []
            self.header_row = self.header_row or (tag == "th" and len(self.table) == 1)

    def handle_endtag(self, tag):
        if tag in ("strong", "b"):
            self.bold = max(0, self.bold - 1)
        elif tag in ("em", "i"):
            self.italic = max(0, self.italic - 1)
        elif re.fullmatch(r"h[1-6]", tag):
            self._flush()
            self.heading = None
        elif tag in ("p", "blockquote", "div"):
            self._flush()
            self.quote -= tag == "blockquote" and self.quote > 0
        elif tag == "li":
            self._flush()
            if self.lists and self.lists[-1][0] is not None:
                self.lists[-1][0] += 1
        elif tag in ("ul", "ol"):
            self._flush()
            if self.lists:
                self.lists.pop()
        elif tag in ("td", "th") and self.table is not None and self.cell is not None:
            self.table[-1].append(_SPACES.sub(" ", "".join(self.cell)).strip())
            self.cell = None
        elif tag == "table" and self.table is not None:
            rows = [row for row in self.table if row]
            if rows:
                width = max(len(row) for row in rows)
                self.blocks.append(Table(tuple(tuple(row + [""] * (width - len(row))) for row in rows),
                                         header=self.header_row))
            self.table, self.header_row = None, False


def _trimmed(runs: list[Run]) -> tuple[Run, ...]:
    """Runs without the spaces the HTML's line breaks left at their ends."""
    while runs and not runs[0].text.strip():
        runs = runs[1:]
    while runs and not runs[-1].text.strip():
        runs = runs[:-1]
    if not runs:
        return ()
    runs = [replace(runs[0], text=runs[0].text.lstrip()), *runs[1:]]
    runs[-1] = replace(runs[-1], text=runs[-1].text.rstrip())
    return tuple(runs)


def html_blocks(html: str, heading_offset: int = 2) -> list[Block]:
    """``heading_offset``: added to the HTML's heading levels, so a section's own headings sit below the pack's."""
    parser = _Blocks(heading_offset)
    parser.feed(html)
    parser.close()
    parser._flush()
    return parser.blocks
