"""Report exports as CSV or XLSX, made safe to open and light on memory.

Cells hold what learners and trainers typed, and a cell such as ``=HYPERLINK(...)`` would run as a
formula when a coordinator opens the file (OWASP "CSV injection"), so every string is neutralised.
An export may hold 200,000 rows, so CSV is streamed chunk by chunk and XLSX is written by openpyxl's
write-only mode into a spooled temporary file: memory does not grow with the number of rows.
"""

from __future__ import annotations

import csv
import io
import re
import tempfile
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from itertools import chain
from urllib.parse import quote

from flask import Response, abort, send_file, stream_with_context

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_LEADING_BLANKS = re.compile(r"[\s\x00-\x1f]*")  # spreadsheets skip these before reading "=..."
_TYPED = (int, float, Decimal, date)  # bool is an int, datetime is a date
_CSV_CHUNK = 64 * 1024
_XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutralise(value):
    """A cell value safe to open in a spreadsheet: formula-like text gets a leading apostrophe.

    Numbers, dates, booleans and None pass through (a negative number is data, not a formula);
    any other object becomes text first.
    """
    if value is None or isinstance(value, _TYPED):
        return value
    text = value if isinstance(value, str) else str(value)
    rest = text[_LEADING_BLANKS.match(text).end():]
    return "'" + text if text.startswith(FORMULA_PREFIXES) or rest.startswith(("=", "+", "-", "@")) else text


def percent_cell(share: float | None) -> float | None:
    """A share (0..1) as the screen shows it, a percentage, with one decimal: 0.625 is written 62.5 under a
    heading that says "(%)", so a spreadsheet neither misreads it nor loses the number."""
    return None if share is None else round(share * 100, 1)


@dataclass(frozen=True)
class Table:
    """An export: file name without extension, translated header, and rows (read once, lazily)."""

    filename_stem: str
    header: Sequence[str]
    rows: Iterable[Sequence]


def _filename(stem: str, extension: str) -> str:
    stem = re.sub(r"[^\w.-]+", "-", stem).strip(".-") or "export"
    return f"{stem}.{extension}"


def _private(response: Response, filename: str) -> Response:
    """Attachment headers: an ASCII ``filename`` for old clients, RFC 5987 ``filename*`` for other letters."""
    stem, extension = filename.rsplit(".", 1)
    ascii_stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode("ascii")
    ascii_name = _filename(re.sub(r"[^A-Za-z0-9._-]+", "-", ascii_stem), extension)
    disposition = f'attachment; filename="{ascii_name}"'
    if not filename.isascii():
        disposition += f"; filename*=UTF-8''{quote(filename, safe='!#$&+-.^_`|~')}"
    response.headers["Content-Disposition"] = disposition
    response.headers["Cache-Control"] = "no-store"  # exports hold personal data
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _csv_chunks(table: Table) -> Iterator[bytes]:
    """The BOM and header, then rows in chunks of about 64 KiB; only one chunk is in memory at a time."""
    buffer = io.StringIO("\ufeff")  # the BOM makes Excel read UTF-8, so Cyrillic and Turkmen letters survive
    buffer.seek(1)
    writer = csv.writer(buffer, lineterminator="\r\n")
    for number, row in enumerate(chain([table.header], table.rows)):
        values = (neutralise(value) for value in row)
        writer.writerow([value.isoformat() if isinstance(value, date) else value for value in values])
        if number == 0 or buffer.tell() >= _CSV_CHUNK:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue().encode()


def csv_response(table: Table) -> Response:
    """A streamed CSV download; rows are read as the body is sent, inside the request's context."""
    response = Response(stream_with_context(_csv_chunks(table)), mimetype="text/csv")
    return _private(response, _filename(table.filename_stem, "csv"))


def json_response(chunks: Iterator[str], filename_stem: str) -> Response:
    """A streamed JSON download (learning records for a learning record store), read as the body is sent."""
    response = Response(stream_with_context(chunk.encode() for chunk in chunks), mimetype="application/json")
    return _private(response, _filename(filename_stem, "json"))


#: The characters a worksheet cannot hold (openpyxl's own rule, kept here so openpyxl loads only for a workbook).
ILLEGAL_CHARACTERS_RE = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")


def _xlsx_cell(value):
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)  # first: removing control characters could expose "="
    value = neutralise(value)
    if isinstance(value, datetime) and value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)  # Excel has no time zones; the app stores UTC
    return value


def _bold(sheet, value):
    from openpyxl.cell.cell import WriteOnlyCell  # noqa: PLC0415  (openpyxl is large: loaded for a workbook only)
    from openpyxl.styles import Font  # noqa: PLC0415

    cell = WriteOnlyCell(sheet, value=_xlsx_cell(value))
    cell.font = Font(bold=True)
    return cell


def _write_xlsx(table: Table, title: str, out) -> None:
    from openpyxl import Workbook  # noqa: PLC0415  (openpyxl is large: loaded for a workbook only)

    workbook = Workbook(write_only=True)  # rows go straight to a temporary file, not into a list of cells
    sheet = workbook.create_sheet(title)
    sheet.freeze_panes = "A2"
    try:
        sheet.append([_bold(sheet, value) for value in table.header])
        for row in table.rows:
            sheet.append([_xlsx_cell(value) for value in row])
    except BaseException:
        sheet.close()  # if rows fail (say the database goes away), stop openpyxl's writer
        sheet._writer.cleanup()  # and delete its temporary file now rather than at exit
        raise
    workbook.save(out)


def xlsx_response(table: Table, sheet_title: str = "Export") -> Response:
    """An XLSX download built in a temporary file (on disk past 4 MiB) that closes with the response."""
    title = re.sub(r"[\[\]:*?/\\\x00-\x1f]", "-", sheet_title).strip(" '")[:31].strip(" '") or "Export"
    filename = _filename(table.filename_stem, "xlsx")
    spool = tempfile.SpooledTemporaryFile(max_size=4 * 1024 * 1024)  # noqa: SIM115 - the response closes it
    try:
        _write_xlsx(table, title, spool)
        size = spool.tell()
        spool.seek(0)
        response = send_file(spool, mimetype=_XLSX_MIMETYPE, as_attachment=True, download_name=filename,
                             conditional=False, etag=False, max_age=None)
    except BaseException:
        spool.close()
        raise
    response.content_length = size
    return _private(response, filename)


def export_response(table: Table, fmt: str) -> Response:
    """The table as ``csv`` or ``xlsx``; any other format is a 404."""
    make = {"csv": csv_response, "xlsx": xlsx_response}.get(fmt)
    if make is None:
        abort(404)
    return make(table)
