"""A pack as an A4 PDF: the course's fonts (DejaVu Sans, for Cyrillic and the Turkmen letters), the pack's title
and facts on the first page, its name and "page n of N" at the foot of every page."""

from __future__ import annotations

from typing import TYPE_CHECKING

from course.certificates.pdf import FONT_DIR
from course.packs.document import Heading, Item, Lines, Pack, PageBreak, Paragraph, Run, Table

if TYPE_CHECKING:
    from fpdf import FPDF

MARGIN = 18.0
INK, GREY, NOTICE_FILL = (34, 34, 34), (90, 90, 90), (240, 240, 240)
HEADING_SIZES = {1: 15, 2: 12.5, 3: 11, 4: 10.5, 5: 10, 6: 10}
LINE = 5.0  # mm per line of body text


def _document(pack: Pack, page_label: str) -> FPDF:
    from fpdf import FPDF  # noqa: PLC0415  (loaded for a pack only)

    class PackPDF(FPDF):
        def footer(self):
            self.set_y(-12)
            self.set_font("DejaVu", "", 8)
            self.set_text_color(*GREY)
            self.cell(0, 5, f"{pack.footer} · {page_label.format(page=self.page_no(), pages='{nb}')}", align="C")

    pdf = PackPDF(orientation="P", unit="mm", format="A4")
    pdf.add_font("DejaVu", "", FONT_DIR / "DejaVuSans.ttf")
    pdf.add_font("DejaVu", "B", FONT_DIR / "DejaVuSans-Bold.ttf")
    # No italic face is shipped: italic runs are set in the regular face, in grey.
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(True, margin=18)
    pdf.alias_nb_pages("{nb}")
    return pdf


def _runs(pdf: FPDF, runs: tuple[Run, ...], size: float, indent: float = 0.0, color=INK) -> None:
    left = pdf.l_margin
    pdf.set_left_margin(left + indent)
    pdf.set_x(left + indent)
    for run in runs:
        pdf.set_font("DejaVu", "B" if run.bold else "", size)
        pdf.set_text_color(*(GREY if run.italic else color))
        pdf.write(size * 0.45, run.text)
    pdf.ln(size * 0.45)
    pdf.set_left_margin(left)


def _paragraph(pdf: FPDF, block: Paragraph) -> None:
    if block.style == "notice":
        pdf.set_fill_color(*NOTICE_FILL)
        pdf.set_font("DejaVu", "", 8.5)
        pdf.set_text_color(*GREY)
        pdf.multi_cell(0, 4.2, "".join(run.text for run in block.runs), fill=True, padding=1.5,
                       new_x="LMARGIN", new_y="NEXT", align="L")
    else:
        _runs(pdf, block.runs, 9.5 if block.style == "quote" else 10, indent=6 if block.style == "quote" else 0)
    pdf.ln(2)


def _table(pdf: FPDF, block: Table) -> None:
    pdf.set_font("DejaVu", "", 8.5)
    pdf.set_text_color(*INK)
    widths = block.widths or tuple(1.0 for _ in block.rows[0])
    with pdf.table(col_widths=widths, first_row_as_headings=block.header, line_height=4.4,
                   headings_style=None if not block.header else _bold_heading(), text_align="LEFT",
                   min_row_height=block.writing_height or None) as table:
        for row in block.rows:
            cells = table.row()
            for value in row:
                cells.cell(value)
    pdf.ln(3)


def _bold_heading():
    from fpdf.fonts import FontFace  # noqa: PLC0415

    return FontFace(emphasis="BOLD", fill_color=NOTICE_FILL)


def _lines(pdf: FPDF, count: int) -> None:
    for _ in range(count):
        y = pdf.get_y() + 7
        if y > pdf.page_break_trigger:
            pdf.add_page()
            y = pdf.get_y() + 7
        pdf.set_draw_color(*GREY)
        pdf.line(pdf.l_margin, y, pdf.w - pdf.r_margin, y)
        pdf.set_y(y + 1)
    pdf.ln(2)


def render_pack(pack: Pack, page_label: str) -> bytes:
    """``page_label``: the translated "page {page} of {pages}"."""
    pdf = _document(pack, page_label)
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 18)
    pdf.set_text_color(*INK)
    pdf.multi_cell(0, 8, pack.title, new_x="LMARGIN", new_y="NEXT", align="L")
    pdf.ln(2)
    for fact in pack.facts:
        pdf.set_font("DejaVu", "", 10)
        pdf.multi_cell(0, 5, fact, new_x="LMARGIN", new_y="NEXT", align="L")
    pdf.ln(4)
    for block in pack.blocks:
        if isinstance(block, PageBreak):
            pdf.add_page()
        elif isinstance(block, Heading):
            if pdf.get_y() + 25 > pdf.page_break_trigger:  # a heading never ends a page alone
                pdf.add_page()
            pdf.ln(2)
            pdf.set_font("DejaVu", "B", HEADING_SIZES[block.level])
            pdf.set_text_color(*INK)
            pdf.multi_cell(0, HEADING_SIZES[block.level] * 0.5, block.text, new_x="LMARGIN", new_y="NEXT",
                           align="L")
            pdf.ln(2)
        elif isinstance(block, Paragraph):
            _paragraph(pdf, block)
        elif isinstance(block, Item):
            indent = 4 + 6 * block.depth
            pdf.set_font("DejaVu", "", 10)
            pdf.set_x(pdf.l_margin + indent)
            pdf.cell(6, LINE, block.marker)
            _runs(pdf, block.runs, 10, indent=indent + 6)
            pdf.ln(1)
        elif isinstance(block, Table):
            _table(pdf, block)
        elif isinstance(block, Lines):
            _lines(pdf, block.count)
    return bytes(pdf.output())
