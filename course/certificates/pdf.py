"""Render one certificate as an A4 landscape PDF.

A pure function of a `CertificateDocument`: no database, no request, no translation. The caller
passes every text already in the holder's language, so the same layout serves English, Russian and
Turkmen. DejaVu Sans is embedded (subset) because the PDF base fonts cover neither Cyrillic nor the
Turkmen letters ä ç ň ö ş ü ý ž.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from babel.numbers import format_decimal

FONT_DIR = Path(__file__).resolve().parent.parent / "static" / "fonts"

# The fixed texts the caller translates (gettext) and passes in `labels`. Give them without a trailing colon:
# the layout puts labels in their own column, except "track", which it joins to the title as "Track: …".
# An empty text counts as missing, so an untranslated blank never reaches a printed certificate.
if TYPE_CHECKING:
    from fpdf import FPDF

LABEL_KEYS: tuple[str, ...] = (
    "heading",  # the title of the page: "Certificate of completion" or "Trainer certificate"
    "certifies",  # the line before the name: "This is to certify that"
    "completed",  # the line between the name and the course: "has completed the training"
    "track",  # label of the track row: "Track"
    "hours",  # a phrase with a {hours} placeholder: "{hours} contact hours"
    "period",  # label of the dates row: "Period"
    "venue",  # label of the place row: "Venue"
    "trainer",  # label of the trainer row: "Trainer"
    "issuer",  # label of the issuing body row: "Issued by"
    "serial",  # label above the serial number: "Certificate no."
    "issued",  # label above the issue date: "Date of issue"
    "verify",  # the line under the QR code: "Check this certificate at"
)

PAGE_W, PAGE_H = 297.0, 210.0
TEXT_W = 235.0  # wide enough for long names, narrow enough to stay clear of the double border
QR_SIZE = 35.0
BODY_BOTTOM = 160.0  # below this the serial block (left) and the QR caption (right) begin
NAVY, INK, GREY = (28, 54, 93), (34, 34, 34), (100, 100, 100)
PT = 0.3528  # mm per typographic point


@dataclass(frozen=True)
class CertificateDocument:
    """Everything printed on one certificate, already in the holder's language."""

    language: str  # "en", "ru" or "tk"
    kind: str  # "completion" or "trainer"
    holder_name: str
    course_title: str
    track_title: str
    contact_hours: float
    period: str  # already formatted dates of the training, e.g. "1–4 March 2027"
    venue: str  # e.g. "Mary, Regional prosecutor's office" (may be "")
    velayat: str  # e.g. "Mary" (may be "")
    trainer_name: str  # may be ""
    issuer: str  # e.g. "Cascade training programme"
    serial: str  # e.g. "TOT-2026-000123"
    issued_on: str  # formatted date
    verify_url: str  # e.g. "https://cascade.example.tm/verify/AbC..."
    labels: Mapping[str, str]  # translated fixed texts, keyed by LABEL_KEYS
    #: On a field laptop: that it was issued offline, and where it verifies once the laptop's records arrive.
    offline_note: str = ""


def qr_png(url: str) -> bytes:
    """The verification QR code as a PNG; medium error correction survives a creased or stamped paper copy."""
    buffer = io.BytesIO()
    import segno  # noqa: PLC0415  (loaded for a certificate only)

    segno.make(url, error="m").save(buffer, kind="png", scale=10, border=0)
    return buffer.getvalue()


def _fit(pdf: FPDF, text: str, style: str, size: float, min_size: float, width: float, max_lines: int) -> list[str]:
    """Shrink the font until `text` wraps into `max_lines` lines of `width`; truncate only as a last resort.

    Names and titles come from user input of any length; the layout has a fixed height, so text
    must never push later lines off the single page (auto page break is off).
    """
    while True:
        pdf.set_font("DejaVu", style, size)
        lines = pdf.multi_cell(width, text=text, dry_run=True, output="LINES")
        if len(lines) <= max_lines or size <= min_size:
            break
        size = max(min_size, size - 1)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        while lines[-1] and pdf.get_string_width(lines[-1] + "…") > width - 2 * pdf.c_margin:
            lines[-1] = lines[-1][:-1]
        lines[-1] += "…"
    return lines


def _text(pdf: FPDF, x: float, y: float, w: float, text: str, style: str, size: float, min_size: float,
          max_lines: int = 1, color: tuple[int, int, int] = INK, align: str = "C", draw: bool = True) -> float:
    """Print `text` in a box starting at (x, y) (or only measure it) and return the y just below it."""
    lines = _fit(pdf, text, style, size, min(min_size, size), w, max_lines)
    height = pdf.font_size_pt * PT * 1.3
    if draw:
        pdf.set_text_color(*color)
        for i, line in enumerate(lines):
            pdf.set_xy(x, y + i * height)
            pdf.cell(w, height, line, align=align)
    return y + len(lines) * height


def _body(pdf: FPDF, document: CertificateDocument, scale: float, draw: bool) -> float:
    """Heading, holder, course and facts, with every size multiplied by `scale`; returns the bottom y."""
    labels, x = document.labels, (PAGE_W - TEXT_W) / 2

    def put(y, text, style, size, min_size, max_lines=1, color=INK, left=x, w=TEXT_W, align="C"):
        return _text(pdf, left, y, w, text, style, size * scale, min_size * scale, max_lines, color, align, draw)

    y = put(28, labels["heading"].upper(), "B", 30, 16, color=NAVY)
    if draw:
        pdf.set_line_width(0.5)
        pdf.line(PAGE_W / 2 - 35, y + 3 * scale, PAGE_W / 2 + 35, y + 3 * scale)
    y = put(y + 10 * scale, labels["certifies"], "", 13, 9, color=GREY)
    y = put(y + 3 * scale, document.holder_name, "B", 28, 14, max_lines=3)
    y = put(y + 3 * scale, labels["completed"], "", 13, 9, color=GREY)
    y = put(y + 2 * scale, document.course_title, "B", 18, 11, max_lines=3, color=NAVY)
    y = put(y + 2 * scale, f"{labels['track']}: {document.track_title}", "", 12.5, 9, max_lines=3)

    # The facts block: hours as a phrase, then label/value rows; empty facts are left out, not shown as blanks.
    # No hours held yet (confirmed before the first face-to-face day): no hours line rather than "0 hours".
    if document.contact_hours > 0:
        hours = format_decimal(round(float(document.contact_hours), 2), format="#,##0.##", locale=document.language)
        y = put(y + 7 * scale, labels["hours"].format(hours=hours), "B", 12.5, 9)
    else:
        y += 7 * scale
    place = document.venue
    if document.velayat and document.velayat.casefold() not in place.casefold():
        place = f"{place}, {document.velayat}" if place else document.velayat
    facts = [("period", document.period), ("venue", place), ("trainer", document.trainer_name),
             ("issuer", document.issuer)]
    for key, value in facts:
        if value:
            put(y + 1.5 * scale, labels[key], "", 11, 8, color=GREY, left=50, w=88, align="R")
            y = put(y + 1.5 * scale, value, "", 11, 8, max_lines=3, left=141, w=93, align="L")
    return y


def render_certificate(document: CertificateDocument) -> bytes:
    """An A4 landscape PDF of one certificate, ready to download or print."""
    missing = [key for key in LABEL_KEYS if not document.labels.get(key)]
    if missing:
        raise ValueError(f"certificate labels missing: {', '.join(missing)}")
    labels = document.labels

    from fpdf import FPDF  # noqa: PLC0415  (fpdf2 and its fonts are large: loaded for a certificate only)

    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.add_font("DejaVu", "", FONT_DIR / "DejaVuSans.ttf")
    pdf.add_font("DejaVu", "B", FONT_DIR / "DejaVuSans-Bold.ttf")
    pdf.set_title(f"{labels['heading']} — {document.holder_name}")
    pdf.set_author(document.issuer)
    pdf.set_subject(document.course_title)
    pdf.set_lang(document.language)
    pdf.set_auto_page_break(False)
    pdf.add_page()

    # A thin double border: the conventional frame of a formal certificate.
    pdf.set_draw_color(*NAVY)
    pdf.set_line_width(0.9)
    pdf.rect(9, 9, PAGE_W - 18, PAGE_H - 18)
    pdf.set_line_width(0.3)
    pdf.rect(12, 12, PAGE_W - 24, PAGE_H - 24)

    # Measure first, then draw: long texts shrink the whole body evenly rather than one line at a time.
    scale = next((s for s in (1.0, 0.92, 0.84, 0.76, 0.68) if _body(pdf, document, s, draw=False) <= BODY_BOTTOM), 0.6)
    _body(pdf, document, scale, draw=True)

    # Bottom-left: what a clerk types into the verification page; bottom-right: the same check as a QR code,
    # its caption kept about four modules below it because scanners need that quiet zone (the PNG has no border).
    bottom = PAGE_H - 22
    _text(pdf, 22, bottom - 22, 90, labels["serial"], "", 8.5, 6, color=GREY, align="L")
    _text(pdf, 22, bottom - 17, 90, document.serial, "B", 12, 8, align="L")
    _text(pdf, 22, bottom - 10, 90, labels["issued"], "", 8.5, 6, color=GREY, align="L")
    _text(pdf, 22, bottom - 5, 90, document.issued_on, "", 11, 8, align="L")

    right = PAGE_W - 22
    qr_top = bottom - 13 - QR_SIZE
    pdf.image(io.BytesIO(qr_png(document.verify_url)), right - QR_SIZE, qr_top, QR_SIZE, QR_SIZE)
    _text(pdf, right - 110, qr_top + QR_SIZE + 4.5, 110, labels["verify"], "", 7.5, 6, color=GREY, align="R")
    _text(pdf, right - 110, qr_top + QR_SIZE + 8, 110, document.verify_url, "", 7, 5, 2, color=NAVY, align="R")
    if document.offline_note:
        _text(pdf, 22, bottom + 1, PAGE_W - 48 - QR_SIZE, document.offline_note, "", 6.5, 5, 2, color=GREY, align="L")
    return bytes(pdf.output())
