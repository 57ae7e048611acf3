"""Report exports: formula injection, streamed UTF-8 CSV, typed XLSX, download headers."""

from __future__ import annotations

import csv
import io
import tracemalloc
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import openpyxl
import pytest
from flask import request
from openpyxl.worksheet._writer import ALL_TEMP_FILES
from werkzeug.exceptions import NotFound

from course.exports import FORMULA_PREFIXES, Table, csv_response, export_response, neutralise, xlsx_response

TURKMEN = "ä ç ň ö ş ü ý ž Ä Ç Ň Ö Ş Ü Ý Ž"
CYRILLIC = "Отчёт по когорте"


class CountingRows:
    """Rows made on demand, counting how many the export has taken."""

    def __init__(self, count: int, make=lambda number: (number, f"learner {number}", "done")):
        self.count, self.make, self.taken = count, make, 0

    def __iter__(self):
        for number in range(self.count):
            self.taken += 1
            yield self.make(number)


def body(response) -> bytes:
    response.direct_passthrough = False
    return response.get_data()


def read_csv(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data[3:].decode("utf-8"), newline="")))


def read_xlsx(data: bytes):
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    return workbook, workbook.worksheets[0]


# neutralise


@pytest.mark.parametrize("prefix", FORMULA_PREFIXES)
def test_each_formula_prefix_gets_an_apostrophe(prefix):
    value = f"{prefix}HYPERLINK(\"http://evil.example\")"
    assert neutralise(value) == "'" + value


@pytest.mark.parametrize("value", [" =1+1", "   +1", " -2", " @SUM(A1)", " \t=cmd", "\n=1", "\x01=1"])
def test_leading_blanks_before_a_formula_do_not_hide_it(value):
    assert neutralise(value) == "'" + value


@pytest.mark.parametrize("value", [-1, -2.5, Decimal("-3.10"), 0, True, False, None,
                                   date(2024, 1, 2), datetime(2024, 1, 2, 3, 4, tzinfo=UTC)])
def test_numbers_dates_booleans_and_none_pass_through(value):
    assert neutralise(value) is value


@pytest.mark.parametrize("value", ["Aýna Myradowa", CYRILLIC, TURKMEN, "a=b", "1-2", "e-mail@x", "", "  ", "'quoted"])
def test_ordinary_text_is_unchanged(value):
    assert neutralise(value) == value


def test_other_objects_become_neutralised_text():
    class Shown:
        def __init__(self, text):
            self.text = text

        def __str__(self):
            return self.text

    assert neutralise(Shown("=1+1")) == "'=1+1"
    assert neutralise(Shown("plain")) == "plain"
    assert neutralise(timedelta(hours=1)) == "1:00:00"


# CSV


def test_csv_has_bom_header_first_and_round_trips_cyrillic_and_turkmen(app):
    table = Table("cohort-12-progress", ["Ady", CYRILLIC, "When"],
                  [[TURKMEN, "Гүлнара", date(2024, 5, 1)], [1, None, datetime(2024, 5, 1, 9, 30, tzinfo=UTC)]])
    with app.test_request_context():
        response = csv_response(table)
        rows = read_csv(body(response))
        response.close()
    assert rows == [
        ["Ady", CYRILLIC, "When"],
        [TURKMEN, "Гүлнара", "2024-05-01"],
        ["1", "", "2024-05-01T09:30:00+00:00"],
    ]
    assert response.mimetype == "text/csv"
    assert response.mimetype_params.get("charset") == "utf-8"


def test_csv_uses_crlf_line_ends(app):
    with app.test_request_context():
        response = csv_response(Table("x", ["a"], [["b"]]))
        assert body(response) == b"\xef\xbb\xbfa\r\nb\r\n"
        response.close()


def test_csv_neutralises_dangerous_cells_and_header(app):
    table = Table("x", ["=Name", "Score"], [["=HYPERLINK(\"http://evil\")", -5], [" @SUM(A1:A9)", "-5"]])
    with app.test_request_context():
        response = csv_response(table)
        rows = read_csv(body(response))
        response.close()
    assert rows == [["'=Name", "Score"], ["'=HYPERLINK(\"http://evil\")", "-5"], ["' @SUM(A1:A9)", "'-5"]]


def test_csv_body_is_produced_lazily_in_chunks(app):
    rows = CountingRows(50_000)
    with app.test_request_context():
        response = csv_response(Table("big", ["n", "name", "state"], rows))
        assert rows.taken == 0  # building the response reads nothing
        chunks = iter(response.response)
        assert next(chunks).startswith(b"\xef\xbb\xbfn,name,state\r\n")
        assert rows.taken == 0  # the header goes out before any row is read
        next(chunks)
        assert 0 < rows.taken < rows.count  # one chunk, not the whole table
        rest = b"".join(chunks)
        response.close()
    assert rows.taken == rows.count
    assert rest.endswith(b"49999,learner 49999,done\r\n")


def test_csv_memory_does_not_grow_with_rows(app):
    rows = CountingRows(30_000, lambda number: (number, "Ýazgy " * 8, date(2024, 1, 1)))
    with app.test_request_context():
        response = csv_response(Table("big", ["n", "text", "day"], rows))
        tracemalloc.start()
        try:
            size = sum(len(chunk) for chunk in response.response)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        response.close()
    assert size > 2_000_000
    assert peak < 1_000_000  # about 0.7 MB whether there are 30,000 rows or 100,000


def test_csv_rows_are_read_inside_the_request_context(app):
    def rows():
        yield [request.path]  # a generator that queries the database needs the context just the same

    with app.test_request_context("/trainer/cohorts/12/export"):
        response = csv_response(Table("x", ["path"], rows()))
    data = body(response)  # read after the view returned, as a WSGI server does
    response.close()
    assert read_csv(data) == [["path"], ["/trainer/cohorts/12/export"]]


# XLSX


def test_xlsx_header_bold_frozen_and_typed_values(app):
    aware = datetime(2024, 5, 1, 12, 0, tzinfo=timezone(timedelta(hours=5)))
    table = Table("cohort-12-progress", ["Ady", CYRILLIC, "Score", "Ratio", "Exact", "Passed", "Day", "At", "Note"],
                  [[TURKMEN, "Гүлнара", -3, 0.75, Decimal("2.5"), True, date(2024, 5, 1), aware, None]])
    with app.test_request_context():
        response = xlsx_response(table, sheet_title="Progress")
        workbook, sheet = read_xlsx(body(response))
        response.close()
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert sheet.title == "Progress"
    assert sheet.freeze_panes == "A2"
    header, row = list(sheet.iter_rows(min_row=1, max_row=2))
    assert [cell.value for cell in header] == table.header
    assert all(cell.font.bold for cell in header)
    assert not row[0].font.bold
    assert [cell.value for cell in row[:6]] == [TURKMEN, "Гүлнара", -3, 0.75, 2.5, True]
    assert [cell.data_type for cell in row[:6]] == ["s", "s", "n", "n", "n", "b"]
    assert row[6].value == datetime(2024, 5, 1) and row[6].is_date
    assert row[7].value == datetime(2024, 5, 1, 7, 0) and row[7].is_date  # stored in UTC
    assert row[8].value is None


def test_xlsx_neutralises_dangerous_strings(app):
    table = Table("x", ["=Header"], [["=1+1"], ["+SUM(A1)"], [" -2"], ["@cmd"], ["\x02=evil"], [-2]])
    with app.test_request_context():
        response = xlsx_response(table)
        _, sheet = read_xlsx(body(response))
        response.close()
    cells = [row[0] for row in sheet.iter_rows()]
    for cell in cells[:-1]:
        assert cell.value.startswith("'") and cell.data_type != "f", cell.value
    assert cells[5].value == "'=evil"  # control characters go first, so they cannot hide a formula
    assert cells[-1].value == -2 and cells[-1].data_type == "n"


@pytest.mark.parametrize(("title", "expected"), [
    ("Cohort [12]: a/b*c?d\\e", "Cohort -12-- a-b-c-d-e"),
    ("A very long sheet title that goes on and on", "A very long sheet title that go"),
    ("'quoted'", "quoted"),
    ("[]", "--"),
    ("", "Export"),
])
def test_xlsx_sheet_title_is_sanitised(app, title, expected):
    with app.test_request_context():
        response = xlsx_response(Table("x", ["a"], []), sheet_title=title)
        _, sheet = read_xlsx(body(response))
        response.close()
    assert sheet.title == expected
    assert len(sheet.title) <= 31


def test_xlsx_temporary_file_closes_with_the_response(app):
    with app.test_request_context():
        response = xlsx_response(Table("x", ["a"], [[1]]))
    spool = response.response.file
    assert not spool.closed
    assert response.content_length == len(body(response))
    response.close()
    assert spool.closed


def test_xlsx_failure_while_reading_rows_propagates_and_leaves_no_temporary_file(app):
    def rows():
        yield [1]
        raise RuntimeError("database went away")

    temporary_files = list(ALL_TEMP_FILES)
    with app.test_request_context(), pytest.raises(RuntimeError, match="database went away"):
        xlsx_response(Table("x", ["a"], rows()))
    assert temporary_files == ALL_TEMP_FILES


# Both


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_download_headers(app, fmt):
    with app.test_request_context():
        response = export_response(Table("cohort-12-progress", ["a"], [["b"]]), fmt)
        body(response)
        response.close()
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == f'attachment; filename="cohort-12-progress.{fmt}"'
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_non_ascii_file_name_has_ascii_fallback_and_rfc5987_name(app, fmt):
    with app.test_request_context():
        response = export_response(Table('Gurbanowa Aýna "12"/ňž', ["a"], []), fmt)
        body(response)
        response.close()
    disposition = response.headers["Content-Disposition"]
    assert disposition.isascii()
    assert disposition.startswith(f'attachment; filename="Gurbanowa-Ayna-12-nz.{fmt}"; filename*=UTF-8\'\'')
    assert f"Gurbanowa-A%C3%BDna-12-%C5%88%C5%BE.{fmt}" in disposition


def test_cyrillic_only_name_falls_back_to_ascii_export(app):
    with app.test_request_context():
        response = csv_response(Table("отчёт", ["a"], []))
        response.close()
    assert response.headers["Content-Disposition"].startswith('attachment; filename="export.csv"; filename*=')


@pytest.mark.parametrize("fmt", ["pdf", "CSV", "", "../csv"])
def test_unknown_format_is_not_found(app, fmt):
    with app.test_request_context(), pytest.raises(NotFound):
        export_response(Table("x", ["a"], []), fmt)
