"""The pack as a plain document: a few kinds of block, enough for the course's Markdown and the pack's forms."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Run:
    text: str
    bold: bool = False
    italic: bool = False


@dataclass(frozen=True)
class Heading:
    #: 1 for a part of the pack ("Handout"), 2 for a module or a section within it, 3 below.
    level: int
    text: str


@dataclass(frozen=True)
class Paragraph:
    runs: tuple[Run, ...]
    #: "body", "notice" (a status or legal notice, set apart) or "quote".
    style: str = "body"


@dataclass(frozen=True)
class Item:
    """A list item; ``marker`` is "•" or its number ("3.")."""

    runs: tuple[Run, ...]
    marker: str = "•"
    depth: int = 0


@dataclass(frozen=True)
class Table:
    rows: tuple[tuple[str, ...], ...]
    #: The first row is a header row.
    header: bool = True
    #: Relative column widths; equal when empty.
    widths: tuple[float, ...] = ()
    #: Row height for forms filled by hand (an attendance sheet's signature), in mm; 0 for text tables.
    writing_height: float = 0.0


@dataclass(frozen=True)
class Lines:
    """Ruled lines to write on."""

    count: int


@dataclass(frozen=True)
class PageBreak:
    pass


Block = Heading | Paragraph | Item | Table | Lines | PageBreak


@dataclass
class Pack:
    title: str
    #: The cohort, its dates and venue; the content version; printed under the title.
    facts: list[str]
    #: What the footer of every page says besides the page number.
    footer: str
    blocks: list[Block] = field(default_factory=list)

    def add(self, *blocks: Block) -> None:
        self.blocks.extend(blocks)


def text(value: str, style: str = "body") -> Paragraph:
    return Paragraph((Run(value),), style)
