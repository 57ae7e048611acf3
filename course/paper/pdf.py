"""Answer sheets as an A4 PDF: one learner's sheet after another, each starting on a new page.

A pure function of ``PrintedSheet`` values: every text arrives translated and in the cohort's language, so the
layout serves English, Russian and Turkmen alike (DejaVu Sans embedded, for Cyrillic and the Turkmen letters).
Each sheet's pages carry its number and the learner's name at the foot, so a page that comes loose from its
staple still says whose it is, and a small QR code naming the sheet and the page: with the positions of the
boxes, recorded as they are drawn (``SheetPositions``), it lets a scan of the page be read (course.paper.scan).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from course.certificates.pdf import FONT_DIR, qr_png

if TYPE_CHECKING:
    from fpdf import FPDF

#: Fixed texts the caller translates: "sheet" (label of the sheet number), "learner", "cohort", "version",
#: "instructions" (how to mark), "page" (with {page}), "write_answer" (above a line to write on).
LABEL_KEYS = ("sheet", "learner", "cohort", "version", "instructions", "page", "write_answer")

MARGIN, QR_SIZE, BOX = 15.0, 28.0, 4.0
#: The page's own QR code, bottom right, and the space kept for it below the text.
PAGE_QR, BOTTOM = 16.0, 32.0
#: Solid squares in three corners of every page, inside its margins: where a scan of the page lies, exactly.
CORNER, CORNER_INSET = 4.0, 5.0
INK, GREY = (34, 34, 34), (100, 100, 100)


@dataclass(frozen=True)
class PrintedGroup:
    """One thing to mark: boxes beside lettered options, a box to write a letter or a place in, or a line."""

    label: str
    #: "boxes", "write" (a small box for a letter or a place) or "line".
    kind: str
    options: tuple[str, ...] = ()
    #: The form field the boxes answer and each box's value in it (as the key-in page names them).
    field: str = ""
    values: tuple[str, ...] = ()


@dataclass(frozen=True)
class PrintedQuestion:
    heading: str  # "Question 1 (2 points)"
    scenario: str  # plain text, "" when none
    prompt: str
    hint: str
    groups: tuple[PrintedGroup, ...]
    #: Lettered options listed once before the groups (a matching question's answers).
    legend: tuple[str, ...] = ()


@dataclass(frozen=True)
class PrintedSheet:
    number: str
    title: str
    learner: str
    cohort: str
    version: str
    key_in_url: str
    notices: tuple[str, ...]
    questions: tuple[PrintedQuestion, ...]
    labels: Mapping[str, str]


def page_qr_text(key_in_url: str, page: int) -> str:
    """What a page's own QR code says: the sheet's key-in address and the page (1 is the first)."""
    return f"{key_in_url}?page={page}"


@dataclass
class SheetPositions:
    """Where one sheet's QR codes and boxes are, in mm from the top left of their page (the first page is 1):
    ``pages``: {page: [x, y, size]} of each page's own QR code; ``corners``: [x, y, size] of the squares at the
    top left, top right and bottom left of every page; ``boxes``: [page, x, y, size, field, value]."""

    pages: dict[str, list[float]] = field(default_factory=dict)
    corners: list[list[float]] = field(default_factory=list)
    boxes: list[list] = field(default_factory=list)


@dataclass(frozen=True)
class RenderedSheets:
    body: bytes
    #: By sheet number as printed.
    positions: dict[str, SheetPositions]


def _document() -> FPDF:
    from fpdf import FPDF  # noqa: PLC0415  (loaded for printing only)

    class SheetPDF(FPDF):
        sheet: PrintedSheet | None = None
        positions: SheetPositions | None = None
        first_page = 1

        @property
        def sheet_page(self) -> int:
            return self.page_no() - self.first_page + 1

        def footer(self):
            if self.sheet is None or self.positions is None:
                return
            x, y = self.w - MARGIN - PAGE_QR, self.h - MARGIN - PAGE_QR
            self.image(qr_png(page_qr_text(self.sheet.key_in_url, self.sheet_page)), x=x, y=y, w=PAGE_QR)
            self.positions.pages[str(self.sheet_page)] = [x, y, PAGE_QR]
            far = (self.w - CORNER_INSET - CORNER, self.h - CORNER_INSET - CORNER)
            self.positions.corners = [[CORNER_INSET, CORNER_INSET, CORNER], [far[0], CORNER_INSET, CORNER],
                                      [CORNER_INSET, far[1], CORNER]]
            self.set_fill_color(*INK)
            for corner_x, corner_y, size in self.positions.corners:
                self.rect(corner_x, corner_y, size, size, style="F")
            self.set_y(-12)
            self.set_font("DejaVu", "", 8)
            self.set_text_color(*GREY)
            page = self.sheet.labels["page"].format(page=self.sheet_page)
            self.cell(self.epw - PAGE_QR - 2, 5,
                      f"{self.sheet.labels['sheet']} {self.sheet.number} · {self.sheet.learner} · {page}", align="L")

    pdf = SheetPDF(orientation="P", unit="mm", format="A4")
    pdf.add_font("DejaVu", "", FONT_DIR / "DejaVuSans.ttf")
    pdf.add_font("DejaVu", "B", FONT_DIR / "DejaVuSans-Bold.ttf")
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(True, margin=BOTTOM)
    return pdf


def _room_for(pdf: FPDF, height: float) -> None:
    if pdf.get_y() + height > pdf.page_break_trigger:
        pdf.add_page()


def _write(pdf: FPDF, text: str, size: float = 10, style: str = "", color=INK, indent: float = 0.0,
           gap: float = 1.0) -> None:
    pdf.set_font("DejaVu", style, size)
    pdf.set_text_color(*color)
    pdf.set_x(MARGIN + indent)
    pdf.multi_cell(pdf.epw - indent, size * 0.45, text, new_x="LMARGIN", new_y="NEXT", align="L")
    pdf.ln(gap)


def _header(pdf: FPDF, sheet: PrintedSheet) -> None:
    labels = sheet.labels
    top = pdf.get_y()
    pdf.image(qr_png(sheet.key_in_url), x=pdf.w - MARGIN - QR_SIZE, y=top, w=QR_SIZE)
    pdf.set_right_margin(MARGIN + QR_SIZE + 4)
    _write(pdf, sheet.title, 14, "B", gap=2)
    _write(pdf, f"{labels['learner']}: {sheet.learner}", 12, "B")
    _write(pdf, f"{labels['cohort']}: {sheet.cohort}")
    _write(pdf, f"{labels['sheet']}: {sheet.number}", 12, "B")
    _write(pdf, f"{labels['version']}: {sheet.version}", 8, color=GREY)
    pdf.set_right_margin(MARGIN)
    pdf.set_y(max(pdf.get_y(), top + QR_SIZE) + 2)
    for notice in sheet.notices:
        _write(pdf, notice, 8, color=GREY)
    _write(pdf, labels["instructions"], 9, gap=3)


def _box_row(pdf: FPDF, text: str, indent: float, mark: tuple[str, str]) -> None:
    """An option with its box; ``mark``: the field and value the box stands for, recorded with its place."""
    pdf.set_font("DejaVu", "", 10)
    lines = pdf.multi_cell(pdf.epw - indent - BOX - 3, 4.5, text, dry_run=True, output="LINES")
    _room_for(pdf, len(lines) * 4.5 + 1.5)
    x, y = MARGIN + indent, pdf.get_y() + 0.3
    pdf.set_draw_color(*INK)
    pdf.rect(x, y, BOX, BOX)
    if mark[0]:
        pdf.positions.boxes.append([pdf.sheet_page, round(x, 2), round(y, 2), BOX, *mark])
    _write(pdf, text, indent=indent + BOX + 3, gap=1.5)


def _write_box(pdf: FPDF, text: str, indent: float) -> None:
    """An item with a box for the learner to write a letter or a number in."""
    width = 12.0
    _room_for(pdf, 9)
    y = pdf.get_y()
    pdf.rect(MARGIN + indent, y, width, 7)
    pdf.set_xy(MARGIN + indent + width + 3, y)
    pdf.set_font("DejaVu", "", 10)
    pdf.set_text_color(*INK)
    pdf.multi_cell(pdf.epw - indent - width - 3, 4.5, text, new_x="LMARGIN", new_y="NEXT", align="L")
    pdf.set_y(max(pdf.get_y(), y + 7) + 1.5)


def _question(pdf: FPDF, question: PrintedQuestion, labels: Mapping[str, str]) -> None:
    _room_for(pdf, 35)  # a heading never ends a page alone
    _write(pdf, question.heading, 11, "B", gap=1.5)
    if question.scenario:
        _write(pdf, question.scenario, 9.5, gap=2)
    _write(pdf, question.prompt, 10.5, gap=1.5)
    if question.hint:
        _write(pdf, question.hint, 9, color=GREY)
    for option in question.legend:
        _write(pdf, option, indent=4, gap=0.5)
    for group in question.groups:
        if group.kind == "boxes":
            if group.label:
                _write(pdf, group.label, 10, "B", indent=2)
            for option, value in zip(group.options, group.values or [""] * len(group.options), strict=True):
                _box_row(pdf, option, indent=4, mark=(group.field, value))
        elif group.kind == "write":
            _write_box(pdf, group.label, indent=4)
        else:
            _room_for(pdf, 12)
            _write(pdf, labels["write_answer"], 9, color=GREY, indent=4)
            y = pdf.get_y() + 6
            pdf.line(MARGIN + 4, y, pdf.w - MARGIN, y)
            pdf.set_y(y + 2)
    pdf.ln(3)


def render_sheets(sheets: Sequence[PrintedSheet]) -> RenderedSheets:
    """Every sheet, each from a new page, in one PDF, with where each sheet's boxes were drawn."""
    pdf = _document()
    positions: dict[str, SheetPositions] = {}
    for sheet in sheets:
        pdf.add_page()  # closes the previous sheet's last page, its footer still naming that sheet
        pdf.sheet, pdf.positions = sheet, positions.setdefault(sheet.number, SheetPositions())
        pdf.first_page = pdf.page_no()
        _header(pdf, sheet)
        for question in sheet.questions:
            _question(pdf, question, sheet.labels)
    body = bytes(pdf.output())
    return RenderedSheets(body, positions)
