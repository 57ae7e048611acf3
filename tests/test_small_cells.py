"""Small cells withheld from donor tables (course.reports.suppression): on the page, in the CSV and in the XLSX."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from sqlalchemy import func, select

from course.cohorts.services import enrol_in_cohort
from course.extensions import db
from course.models.audit import AuditEvent
from course.models.user import AgeBand, Agency, Disability, Gender, Velayat
from course.reports.suppression import FEWER, WITHHELD, withheld
from tests.test_cohort_pages import as_user
from tests.test_reports import learner, population  # noqa: F401  (the fixture)


@pytest.mark.parametrize(("total", "parts", "shown"), [
    (12, (3, 9, 0), (12, [FEWER, WITHHELD, 0])),  # the 9 would give the 3 back with the total
    (12, (2, 3, 7), (12, [FEWER, FEWER, 7])),  # two small cells hide each other
    (15, (8, 7, 0), (15, [8, 7, 0])),
    (3, (1, 2, 0), (FEWER, [WITHHELD, WITHHELD, WITHHELD])),  # no breakdown of a small total
    (0, (0, 0, 0), (0, [0, 0, 0])),  # zeros describe no one
    (9, (4, 5, 0), (9, [FEWER, WITHHELD, 0])),
    (11, (1, 5, 5), (11, [FEWER, WITHHELD, 5])),  # only one of the equal others needs withholding
])
def test_small_cells_and_the_cells_that_would_reveal_them_are_withheld(total, parts, shown):
    assert withheld(total, parts) == shown


@pytest.fixture
def mary_with_three_women(app, population, make_user):  # noqa: F811
    """Mary's prosecutors: 3 women (a cell under five) and 9 men."""
    for number in range(9):
        person = learner(make_user, f"pm{number}", Agency.PROSECUTION, Gender.MALE if number < 7 else Gender.FEMALE,
                         Velayat.MARY)
        enrol_in_cohort(person, population["mary"])
    db.session.commit()
    return as_user(app, "coord")


def _row(rows, velayat="Mary", agency="Prosecution"):
    return next(list(row) for row in rows if row[0] == velayat and row[1] == agency)


def test_a_three_person_cell_is_withheld_in_the_csv(mary_with_three_women):
    body = mary_with_three_women.get("/reports/export/disaggregation.csv").get_data().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert _row(rows)[2:6] == ["12", FEWER, WITHHELD, "0"]
    assert _row(rows, "Lebap", "Judiciary")[2:6] == [FEWER, WITHHELD, WITHHELD, WITHHELD]
    assert "withheld so that no one can be identified" in rows[-1][0] and len(rows[-1]) == len(rows[0])
    assert all(cell != "3" for row in rows[1:-1] for cell in row[2:])


def test_a_three_person_cell_is_withheld_in_the_xlsx(mary_with_three_women):
    response = mary_with_three_women.get("/reports/export/disaggregation.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.get_data())).active
    response.close()
    rows = list(sheet.iter_rows(values_only=True))
    assert _row(rows)[2:6] == [12, FEWER, WITHHELD, 0]
    assert "withheld" in rows[-1][0]
    assert all(cell not in (1, 2, 3, 4) for row in rows[1:-1] for cell in row[2:])


def test_a_three_person_cell_is_withheld_on_the_page_and_in_its_charts(mary_with_three_women):
    page = mary_with_three_women.get("/reports").get_data(as_text=True)
    assert "12 prosecutors (&lt;5 female, * male)" in page
    assert "3 female" not in page and "9 male" not in page
    # completion by velayat: Lebap's 2 learners give no percentage
    assert "Lebap</th><td>&lt;5</td>" in page.replace("\n", "")


@pytest.fixture
def ages(app, population, make_user):  # noqa: F811
    """Six learners aged 35-44 with no disability, the reports' five as they were (not stated)."""
    for number in range(6):
        person = learner(make_user, f"age{number}", Agency.JUDICIARY, Gender.FEMALE, Velayat.MARY)
        person.age_band, person.disability = AgeBand.FROM_35_TO_44, Disability.NO
        enrol_in_cohort(person, population["mary"])
    population["p1"].disability = Disability.YES  # one person: never shown as such
    db.session.commit()
    return as_user(app, "coord")


def _table(page: str, heading: str) -> str:
    return page[page.index(heading):].split("</table>")[0]


def test_participants_by_age_band_with_small_bands_withheld(ages):
    page = ages.get("/reports?by=age_band").get_data(as_text=True)
    table = _table(page, "Participants by age band")
    assert "<th scope=\"row\">35–44</th><td>6</td>" in table
    assert "<th scope=\"row\">Prefer not to say</th><td>5</td>" in table
    assert "<th scope=\"row\">Total</th><td>11</td>" in table


def test_participants_by_disability_in_the_page_csv_and_xlsx(ages):
    table = _table(ages.get("/reports?by=disability").get_data(as_text=True), "Participants by disability")
    assert "<th scope=\"row\">Yes</th><td>&lt;5</td>" in table  # one person
    assert "<th scope=\"row\">No</th><td>6</td>" in table
    body = ages.get("/reports/export/breakdown.csv?by=disability").get_data().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0] == ["Disability", "Participants", "Completed", "Certified"]
    assert rows[1][:2] == ["Yes", FEWER] and rows[2][:2] == ["No", "6"]
    assert rows[-2][0] == "Total" and "withheld" in rows[-1][0] and len(rows[-1]) == 4
    response = ages.get("/reports/export/breakdown.xlsx?by=disability")
    sheet = openpyxl.load_workbook(io.BytesIO(response.get_data())).active
    response.close()
    xlsx = list(sheet.iter_rows(values_only=True))
    assert xlsx[1][:2] == ("Yes", FEWER) and xlsx[2][:2] == ("No", 6)


def test_an_unknown_breakdown_is_explained_and_exports_nothing(ages):
    page = ages.get("/reports?by=religion", follow_redirects=True).get_data(as_text=True)
    assert "does not exist; the one by gender is shown" in page and "Participants by gender" in page
    before = db.session.scalar(select(func.count()).select_from(AuditEvent))
    assert ages.get("/reports/export/breakdown.csv?by=religion").status_code == 400
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == before
