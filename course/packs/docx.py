"""A pack as a DOCX document, for trainers who adapt it: Word's own headings, lists and tables, so what a trainer
changes keeps its styles; the pack's name and the page number in the footer."""

from __future__ import annotations

import io

from course.packs.document import Heading, Item, Lines, Pack, PageBreak, Paragraph, Run, Table

WRITING_LINE = "_" * 60


def _runs(paragraph, runs: tuple[Run, ...]) -> None:
    for run in runs:
        added = paragraph.add_run(run.text)
        added.bold, added.italic = run.bold or None, run.italic or None


def _page_number_footer(section, label: str) -> None:
    """``label`` with a PAGE field where the page number goes (Word computes it on every page)."""
    from docx.oxml import OxmlElement  # noqa: PLC0415
    from docx.oxml.ns import qn  # noqa: PLC0415

    paragraph = section.footer.paragraphs[0]
    before, _sep, after = label.partition("{page}")
    paragraph.add_run(before)
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    number = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    number.append(text)
    field.append(number)
    paragraph._p.append(field)
    paragraph.add_run(after)


def _table(document, block: Table) -> None:
    from docx.shared import Mm  # noqa: PLC0415

    table = document.add_table(rows=len(block.rows), cols=len(block.rows[0]))
    table.style = "Table Grid"
    for r, row in enumerate(block.rows):
        for c, value in enumerate(row):
            cell = table.cell(r, c)
            cell.text = value
            if block.header and r == 0:
                for run in cell.paragraphs[0].runs:
                    run.bold = True
        if block.writing_height and r:
            table.rows[r].height = Mm(block.writing_height)
    document.add_paragraph()


def render_pack_docx(pack: Pack, page_label: str) -> bytes:
    """``page_label``: the translated "page {page}" (Word cannot show the total without a second field)."""
    from docx import Document  # noqa: PLC0415  (loaded for a pack only)
    from docx.shared import Mm  # noqa: PLC0415

    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(18))
    _page_number_footer(section, f"{pack.footer} · {page_label}")
    document.core_properties.title = pack.title
    document.add_heading(pack.title, level=0)
    for fact in pack.facts:
        document.add_paragraph(fact)
    for block in pack.blocks:
        if isinstance(block, PageBreak):
            document.add_page_break()
        elif isinstance(block, Heading):
            document.add_heading(block.text, level=min(block.level, 9))
        elif isinstance(block, Paragraph):
            style = {"notice": "Intense Quote", "quote": "Quote"}.get(block.style)
            _runs(document.add_paragraph(style=style), block.runs)
        elif isinstance(block, Item):
            # Bullets in Word's list styles; numbers written out, as Word would continue one list's numbering
            # into the next.
            bullet = block.marker == "•"
            style = ("List Bullet" if bullet else "List Paragraph") + (f" {min(block.depth + 1, 3)}"
                                                                       if bullet and block.depth else "")
            paragraph = document.add_paragraph(style=style)
            _runs(paragraph, block.runs if bullet else (Run(f"{block.marker} "), *block.runs))
        elif isinstance(block, Table):
            _table(document, block)
        elif isinstance(block, Lines):
            for _ in range(block.count):
                document.add_paragraph(WRITING_LINE)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
