"""Reading roster uploads: good files in both formats, per-row problems, and every reason to refuse a file."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from course.cohorts.roster_file import MAX_ROSTER_BYTES, MAX_ROSTER_ROWS, RosterFileError, RosterLine, read_roster
from course.domain import DomainError
from course.extensions import db
from course.models.cohort import Cohort
from course.models.user import AgeBand, Agency, Disability, Gender, Role, Velayat

pytestmark = pytest.mark.usefixtures("app")

HEADER = ["full name", "username", "email", "agency", "position", "gender", "velayat"]
ANNA = ["Anna Orazova", "anna", "anna@example.tm", "prosecution", "Prosecutor", "female", "ahal"]
BERDI = ["Berdi Atayev", "berdi", "berdi@example.tm", "judiciary", "Judge", "male", "mary"]


def csv_bytes(rows, delimiter=",", encoding="utf-8") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def read_one(*row, header=HEADER) -> RosterLine:
    [line] = read_roster("roster.csv", csv_bytes([header, list(row)]))
    return line


def refusal(filename: str, data: bytes) -> str:
    with pytest.raises(RosterFileError) as caught:
        read_roster(filename, data)
    return str(caught.value)


def rewrite_zip(data: bytes, name: str, content: bytes) -> bytes:
    """The workbook with one member replaced, to build damaged or hostile files."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item.filename, content if item.filename == name else source.read(item.filename))
    return out.getvalue()


# --- good files -------------------------------------------------------------------------------------------------


def test_a_good_comma_separated_file_gives_one_valid_line_per_row():
    lines = read_roster("Roster.CSV", csv_bytes([HEADER, ANNA, BERDI]))

    assert lines == [
        RosterLine(line=2, full_name="Anna Orazova", username="anna", email="anna@example.tm",
                   agency=Agency.PROSECUTION, position="Prosecutor", gender=Gender.FEMALE, velayat=Velayat.AHAL,
                   problems=()),
        RosterLine(line=3, full_name="Berdi Atayev", username="berdi", email="berdi@example.tm",
                   agency=Agency.JUDICIARY, position="Judge", gender=Gender.MALE, velayat=Velayat.MARY, problems=()),
    ]
    assert all(line.valid for line in lines)


def test_a_semicolon_file_from_russian_excel_in_cp1251_is_read():
    header = ["ФИО", "Логин", "Электронная почта", "Ведомство", "Должность", "Пол", "Велаят"]
    row = ["Иванова Анна", " Anna.I ", "ANNA@Example.TM", "Прокуратура", "Старший прокурор", "Ж", "Ахалский"]
    data = csv_bytes([header, row], delimiter=";", encoding="cp1251")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")  # the test really is about the fallback

    [line] = read_roster("список.csv", data)

    assert (line.full_name, line.username, line.email) == ("Иванова Анна", "anna.i", "anna@example.tm")
    assert (line.agency, line.position, line.gender, line.velayat) == (
        Agency.PROSECUTION, "Старший прокурор", Gender.FEMALE, Velayat.AHAL)
    assert line.valid


def test_utf8_with_bom_tabs_and_decorated_headers_are_read():
    header = ["Full_Name*", "Login:", " E-mail ", "Welaýat"]
    data = "\ufeff".encode() + csv_bytes([header, ["Aýna Nurýewa", "ayna", "", "Aşgabat"]], delimiter="\t")

    [line] = read_roster("roster.csv", data)

    assert (line.full_name, line.username, line.email, line.velayat) == ("Aýna Nurýewa", "ayna", "", Velayat.ASHGABAT)
    assert line.agency is None and line.gender is Gender.NOT_STATED and line.position == ""
    assert line.valid


def test_a_good_workbook_is_read_with_numbers_and_empty_cells_as_text():
    rows = [HEADER, ANNA, [None] * 7, ["Merdan Ataýew", None, "Merdan@Example.tm", "Police", 7, None, "Lebap"]]

    lines = read_roster("roster.XLSX", xlsx_bytes(rows))

    assert [line.line for line in lines] == [2, 4]  # the blank row 3 is skipped but still counted
    merdan = lines[1]
    assert (merdan.username, merdan.email, merdan.position) == ("merdan", "merdan@example.tm", "7")
    assert (merdan.agency, merdan.gender, merdan.velayat) == (Agency.LAW_ENFORCEMENT, Gender.NOT_STATED, Velayat.LEBAP)
    assert all(line.valid for line in lines)


def test_blank_csv_rows_are_skipped_but_keep_line_numbers():
    lines = read_roster("roster.csv", csv_bytes([HEADER, ANNA, ["", " ", ""], [], BERDI]))

    assert [line.line for line in lines] == [2, 5]


@pytest.mark.parametrize(("value", "agency"), [
    ("Prosecutor's office", Agency.PROSECUTION), ("прокуратура", Agency.PROSECUTION), ("Kazyýet", Agency.JUDICIARY),
    ("court", Agency.JUDICIARY), ("Адвокат", Agency.ADVOCACY), ("bar", Agency.ADVOCACY),
    ("LAW_ENFORCEMENT", Agency.LAW_ENFORCEMENT), ("МВД", Agency.LAW_ENFORCEMENT),
    ("içeri işler", Agency.LAW_ENFORCEMENT), ("Beýleki", Agency.OTHER), ("", None),
])
def test_agency_synonyms(value, agency):
    assert read_one("Anna", "anna", "", value, header=["name", "username", "email", "agency"]).agency == agency


@pytest.mark.parametrize(("value", "gender"), [
    ("F", Gender.FEMALE), ("женский", Gender.FEMALE), ("aýal", Gender.FEMALE), ("a", Gender.FEMALE),
    ("M", Gender.MALE), ("муж", Gender.MALE), ("Erkek", Gender.MALE), ("e", Gender.MALE),
    ("", Gender.NOT_STATED), ("Not stated", Gender.NOT_STATED), ("not_stated", Gender.NOT_STATED),
    ("не указан", Gender.NOT_STATED),
    # as trainers write them, with a full stop, in any of the three languages
    ("муж.", Gender.MALE), ("жен.", Gender.FEMALE), ("Мужчина", Gender.MALE), ("женщина", Gender.FEMALE),
    ("Aýal", Gender.FEMALE), ("ayal", Gender.FEMALE), ("zenan", Gender.FEMALE), ("male", Gender.MALE),
])
def test_gender_synonyms(value, gender):
    assert read_one("Anna", "anna", value, header=["name", "login", "sex"]).gender is gender


@pytest.mark.parametrize(("value", "velayat"), [
    ("Balkan", Velayat.BALKAN), ("балканский", Velayat.BALKAN), ("Daşoguz", Velayat.DASHOGUZ),
    ("дашогуз", Velayat.DASHOGUZ), ("Мары", Velayat.MARY), ("Ashgabat city", Velayat.ASHGABAT),
    ("Ашхабад", Velayat.ASHGABAT), ("", None),
    # with and without the word for velayat, in Russian and Turkmen, with and without Turkmen letters
    ("Ахалский велаят", Velayat.AHAL), ("Ахальский велаят", Velayat.AHAL), ("Ahal welaýaty", Velayat.AHAL),
    ("Balkan welaýaty", Velayat.BALKAN), ("Балканская область", Velayat.BALKAN),
    ("Daşoguz welaýaty", Velayat.DASHOGUZ), ("Dasoguz", Velayat.DASHOGUZ), ("Дашогузский велаят", Velayat.DASHOGUZ),
    ("Lebap welaýaty", Velayat.LEBAP), ("Лебапский велаят", Velayat.LEBAP),
    ("Mary welaýaty", Velayat.MARY), ("Марыйский велаят", Velayat.MARY),
    ("г. Ашхабад", Velayat.ASHGABAT), ("Ашгабат", Velayat.ASHGABAT), ("Aşgabat şäheri", Velayat.ASHGABAT),
])
def test_velayat_synonyms(value, velayat):
    assert read_one("Anna", "anna", value, header=["name", "username", "region"]).velayat is velayat


# --- problems in a row ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["Velayat", "welaýaty", "Tashkent", "Дашогузск"])
def test_a_place_that_is_no_velayat_is_a_problem_that_names_the_choices(value):
    line = read_one("Anna", "anna", value, header=["name", "username", "region"])
    assert "is not recognised" in only_problem(line) and "ashgabat" in only_problem(line)


def only_problem(line: RosterLine) -> str:
    assert not line.valid
    [problem] = line.problems
    return problem


def test_a_blank_full_name_is_a_problem():
    assert "full name is missing" in only_problem(read_one("", "anna", "anna@example.tm"))


def test_a_full_name_over_200_characters_is_a_problem():
    assert "longer than 200 characters" in only_problem(read_one("A" * 201, "anna", ""))
    assert read_one("A" * 200, "anna", "").valid


def test_a_row_with_neither_username_nor_email_is_a_problem():
    line = read_one("Anna", "", "")

    assert "username or an email address" in only_problem(line)
    assert line.username == ""


@pytest.mark.parametrize("username", ["a", ".anna", "anna orazova", "анна", "x" * 65])
def test_a_username_outside_the_pattern_is_a_problem(username):
    problem = only_problem(read_one("Anna", username, ""))

    assert f"“{username.lower()}” cannot be used" in problem and "2 to 64 characters" in problem


@pytest.mark.parametrize("email", ["anna", "anna@example", "anna@@example.tm", "an na@example.tm",
                                   "a@" + "b" * 250 + ".tm"])
def test_a_malformed_email_is_a_problem(email):
    assert f"“{email}” is not an email address" in only_problem(read_one("Anna", "anna", email))


def test_a_blank_username_is_made_from_the_email():
    line = read_one("Anna", "", " Anna.O+Training@Example.tm ")

    assert (line.username, line.email) == ("anna.otraining", "anna.o+training@example.tm")
    assert line.valid


def test_leading_punctuation_is_dropped_from_a_username_made_from_the_email():
    assert read_one("Anna", "", "_.anna@example.tm").username == "anna"


def test_an_email_that_gives_no_usable_username_asks_for_one():
    line = read_one("Anna", "", "ж@example.tm")

    assert "Give this row a username" in only_problem(line)
    assert line.username == ""


@pytest.mark.parametrize(("column", "value", "accepted"), [
    ("agency", "ministry", "prosecution, judiciary, advocacy, law enforcement, other"),
    ("gender", "x", "female, male, not stated"),
    ("velayat", "Moscow", "ahal, balkan, dashoguz, lebap, mary, ashgabat"),
])
def test_an_unrecognised_choice_names_the_value_and_the_accepted_ones(column, value, accepted):
    line = read_one("Anna", "anna", value, header=["name", "username", column])
    problem = only_problem(line)

    assert f"“{value}”" in problem and column in problem and accepted in problem
    assert getattr(line, column) in (None, Gender.NOT_STATED)


def test_a_position_over_200_characters_is_a_problem():
    line = read_one("Anna", "anna", "P" * 201, header=["name", "username", "position"])

    assert "position is longer than 200" in only_problem(line)


def test_several_problems_in_one_row_are_all_reported():
    line = read_one("", "", "", "ministry")

    assert len(line.problems) == 3


def test_a_repeated_username_or_email_names_the_first_row():
    rows = [HEADER, ANNA, BERDI, ["Anna Two", "ANNA", "anna2@example.tm"], ["Anna Three", "anna3", "Anna@example.tm"]]

    lines = read_roster("roster.csv", csv_bytes(rows))

    assert [line.valid for line in lines] == [True, True, False, False]
    assert "“anna” is also used in row 2" in only_problem(lines[2])
    assert "“anna@example.tm” is also used in row 2" in only_problem(lines[3])


def test_a_username_made_from_the_email_counts_as_a_repeat():
    rows = [["name", "username", "email"], ["Anna", "", "anna@one.tm"], ["Anna", "", "anna@two.tm"]]

    first, second = read_roster("roster.csv", csv_bytes(rows))

    assert first.valid
    assert "“anna” is also used in row 2" in only_problem(second)


# --- refused files ----------------------------------------------------------------------------------------------


def test_a_refusal_is_a_domain_error():
    assert issubclass(RosterFileError, DomainError)


def test_an_empty_upload_is_refused():
    assert "empty" in refusal("roster.csv", b"")


def test_a_file_over_the_size_limit_is_refused_naming_the_limit():
    assert "512 KB" in refusal("roster.csv", b"a" * (MAX_ROSTER_BYTES + 1))


@pytest.mark.parametrize("filename", ["roster.xls", "roster.ods", "roster.txt", "roster", "roster.csv.exe"])
def test_other_file_types_are_refused_naming_the_accepted_ones(filename):
    message = refusal(filename, csv_bytes([HEADER, ANNA]))

    assert ".csv" in message and ".xlsx" in message


def test_a_workbook_named_csv_is_refused():
    assert "holds an Excel workbook" in refusal("roster.csv", xlsx_bytes([HEADER, ANNA]))


def test_csv_text_named_xlsx_is_refused():
    assert "not a readable Excel workbook" in refusal("roster.xlsx", csv_bytes([HEADER, ANNA]))


@pytest.mark.parametrize("data", [
    b"PK\x03\x04" + b"\x00garbage" * 20,
    rewrite_zip(xlsx_bytes([HEADER, ANNA]), "xl/workbook.xml", b"<not-xml"),
    rewrite_zip(xlsx_bytes([HEADER, ANNA]), "xl/worksheets/sheet1.xml", b"<worksheet><sheetData><row>"),
], ids=["corrupt-zip", "broken-workbook-xml", "broken-sheet-xml"])
def test_a_damaged_workbook_is_refused(data):
    assert "not a readable Excel workbook" in refusal("roster.xlsx", data)


def test_a_zip_without_a_workbook_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "hello")

    assert "not a readable Excel workbook" in refusal("roster.xlsx", out.getvalue())


def test_a_workbook_with_xml_entities_is_refused():
    bomb = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
            b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            b'<row r="1"><c r="A1" t="inlineStr"><is><t>&lol2;</t></is></c></row></sheetData></worksheet>')
    data = rewrite_zip(xlsx_bytes([HEADER, ANNA]), "xl/worksheets/sheet1.xml", bomb)

    assert "not a readable Excel workbook" in refusal("roster.xlsx", data)


def test_a_workbook_that_unpacks_too_large_is_refused():
    data = rewrite_zip(xlsx_bytes([HEADER, ANNA]), "docProps/app.xml", b" " * (21 * 1024 * 1024))

    assert len(data) < MAX_ROSTER_BYTES
    assert "too large once unpacked" in refusal("roster.xlsx", data)


def test_a_csv_with_nul_bytes_is_refused():
    assert "not CSV text" in refusal("roster.csv", "full name,username\nAnna,anna\n".encode("utf-16"))


def test_a_csv_in_neither_utf8_nor_cp1251_is_refused():
    assert "not CSV text" in refusal("roster.csv", b"full name,username\nAnna \x98,anna\n")


def test_a_file_of_blank_rows_has_no_header():
    assert "no rows" in refusal("roster.csv", b"\r\n ,, \r\n")


@pytest.mark.parametrize("header", [["full name", "position"], ["username", "email"], ["Anna", "anna"]])
def test_a_header_without_the_required_columns_is_refused(header):
    message = refusal("roster.csv", csv_bytes([header, ["x", "y"]]))

    assert "full name column and a username or email column" in message or "not recognised" in message


def test_a_missing_required_column_is_refused_by_name():
    message = refusal("roster.csv", csv_bytes([["full name", "agency"], ["Anna", "court"]]))

    assert "full name column and a username or email column" in message


def test_unknown_columns_are_refused_and_listed():
    message = refusal("roster.csv", csv_bytes([["name", "username", "velyat", "Phone"], ["Anna", "anna", "", ""]]))

    assert "“velyat”, “Phone”" in message and "not recognised" in message


def test_two_columns_for_the_same_field_are_refused():
    message = refusal("roster.csv", csv_bytes([["Name", "username", "ФИО"], ["Anna", "anna", "Анна"]]))

    assert "“Name” and “ФИО” mean the same thing" in message


def test_a_value_under_no_column_name_is_refused():
    message = refusal("roster.csv", csv_bytes([["name", "username"], ["Anna", "anna", "extra"]]))

    assert "Row 2 has a value in column C" in message


@pytest.mark.parametrize(("cell", "char"), [
    ('=HYPERLINK("http://evil.example","click")', "="), ("+1", "+"), ("-2+3", "-"), ("@SUM(A1:A2)", "@"),
    ("  =1+1", "="), ("\tcmd", "a tab or line break"), ("\r=1", "="),
])
def test_a_formula_in_a_csv_cell_refuses_the_file(cell, char):
    message = refusal("roster.csv", csv_bytes([HEADER, ANNA, ["Berdi", "berdi", "", "", cell]]))

    assert "Row 3, column position" in message and f"starts with {char}" in message and "formula" in message


def test_a_formula_in_a_csv_header_names_the_column_letter():
    assert "Row 1, column B" in refusal("roster.csv", csv_bytes([["name", "=cmd()"], ["Anna", "anna"]]))


def test_a_real_formula_in_a_workbook_refuses_the_file():
    data = xlsx_bytes([HEADER, ["=1+1", "anna", "anna@example.tm"]])

    assert "Row 2, column A" in refusal("roster.xlsx", data)


def test_formula_looking_text_in_a_workbook_refuses_the_file():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    sheet.append(ANNA)
    sheet["D2"] = "@SUM(A1)"  # openpyxl stores this as text, not as a formula
    buffer = io.BytesIO()
    workbook.save(buffer)

    assert sheet["D2"].data_type == "s"
    assert "Row 2, column D: the cell starts with @" in refusal("roster.xlsx", buffer.getvalue())


def numbered_rows(count: int) -> list[list[str]]:
    return [[f"Learner {n}", f"learner{n}", ""] for n in range(count)]


def test_the_row_limit_allows_exactly_the_maximum_and_ignores_blank_rows():
    rows = [["name", "username", "email"], *numbered_rows(MAX_ROSTER_ROWS), ["", "", ""], ["", "", ""]]

    assert len(read_roster("roster.csv", csv_bytes(rows))) == MAX_ROSTER_ROWS


@pytest.mark.parametrize(("filename", "to_bytes"), [("roster.csv", csv_bytes), ("roster.xlsx", xlsx_bytes)])
def test_more_rows_than_the_limit_are_refused(filename, to_bytes):
    rows = [["name", "username", "email"], *numbered_rows(MAX_ROSTER_ROWS + 1)]

    assert f"more than {MAX_ROSTER_ROWS} learners" in refusal(filename, to_bytes(rows))


@pytest.mark.parametrize(("filename", "to_bytes"), [("roster.csv", csv_bytes), ("roster.xlsx", xlsx_bytes)])
def test_a_header_without_learners_is_refused(filename, to_bytes):
    assert "no learners" in refusal(filename, to_bytes([HEADER]))


def test_a_lone_dash_means_empty_and_is_not_taken_for_a_formula(app):
    data = "full name,username,position\nAýna Ataýewa,ayna,-\n".encode()
    [line] = read_roster("roster.csv", data)
    assert line.valid and line.position == ""


@pytest.mark.parametrize("language", ["en", "ru", "tk"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_sample_file_in_each_language_reads_back_as_two_valid_learners(app, synced, make_user, language, fmt):
    """The sample a trainer downloads from the import page is a file the import reads without a problem."""
    from tests.test_cohort_pages import as_user, create_via_form

    lead = make_user("lead", roles={Role.TRAINER})
    trainer = as_user(app, "lead")
    create_via_form(trainer, lead=str(lead.id), language=language)
    cohort_id = db.session.scalar(select(Cohort.id))
    assert f"/cohorts/{cohort_id}/roster-sample.{fmt}" in trainer.get(f"/cohorts/{cohort_id}/roster").get_data(
        as_text=True)
    response = trainer.get(f"/cohorts/{cohort_id}/roster-sample.{fmt}")
    assert response.status_code == 200
    first, second = read_roster(f"sample.{fmt}", response.get_data())
    response.close()
    assert first.valid and second.valid, (first.problems, second.problems)
    assert (first.agency, first.gender, first.velayat) == (Agency.PROSECUTION, Gender.FEMALE, Velayat.AHAL)
    assert (second.agency, second.gender, second.velayat) == (Agency.LAW_ENFORCEMENT, Gender.MALE,
                                                             Velayat.ASHGABAT)
    assert second.username  # made from the email address
    assert (first.age_band, first.disability) == (AgeBand.FROM_25_TO_34, Disability.NO)
    assert (second.age_band, second.disability) == (AgeBand.NOT_STATED, Disability.NOT_STATED)  # voluntary


@pytest.mark.parametrize(("typed", "suggested"), [
    ("Durdyýewa", "durdyyewa"), ("Дурдыева", "durdyeva"), ("aýna.şirin", "ayna.shirin"),
])
def test_a_username_in_turkmen_or_cyrillic_letters_gets_a_latin_suggestion(typed, suggested):
    line = read_one("Aýna Durdyýewa", typed, header=["name", "username"])
    assert "cannot be used" in only_problem(line)
    assert f"Try “{suggested}”." in only_problem(line)


@pytest.mark.parametrize(("who", "status"), [("ana", 403), ("stranger", 404)])
def test_the_sample_file_is_only_for_the_cohorts_trainers(app, synced, make_user, who, status):
    from tests.test_cohort_pages import as_user, create_via_form

    lead = make_user("lead", roles={Role.TRAINER})
    make_user("stranger", roles={Role.TRAINER})
    make_user("ana")
    create_via_form(as_user(app, "lead"), lead=str(lead.id))
    cohort_id = db.session.scalar(select(Cohort.id))
    assert as_user(app, who).get(f"/cohorts/{cohort_id}/roster-sample.csv").status_code == status
    assert as_user(app, "lead").get(f"/cohorts/{cohort_id}/roster-sample.pdf").status_code == 404


@pytest.mark.parametrize(("age", "band"), [
    ("24", AgeBand.UNDER_25), ("25", AgeBand.FROM_25_TO_34), ("44", AgeBand.FROM_35_TO_44),
    ("54", AgeBand.FROM_45_TO_54), ("55", AgeBand.FROM_55), ("25-34", AgeBand.FROM_25_TO_34),
    ("35–44", AgeBand.FROM_35_TO_44), ("55+", AgeBand.FROM_55),
    ("до 25", AgeBand.UNDER_25), ("55 и старше", AgeBand.FROM_55), ("", AgeBand.NOT_STATED),
    ("Prefer not to say", AgeBand.NOT_STATED), ("не указано", AgeBand.NOT_STATED),
])
def test_an_age_or_its_band_is_read_into_the_band(age, band):
    line = read_one(*ANNA, age, header=[*HEADER, "возраст"])
    assert line.valid and line.age_band == band


@pytest.mark.parametrize(("value", "disability"), [
    ("yes", Disability.YES), ("нет", Disability.NO), ("hawa", Disability.YES), ("", Disability.NOT_STATED),
    ("не хочу указывать", Disability.NOT_STATED),
])
def test_disability_is_voluntary_and_read_in_each_language(value, disability):
    line = read_one(*ANNA, value, header=[*HEADER, "disability"])
    assert line.valid and line.disability == disability


@pytest.mark.parametrize(("header", "value", "message"), [
    ("age", "7", "is not an age"),
    ("age", "130", "is not an age"),
    ("age", "thirty", "In the age band column, “thirty” is not recognised"),
    ("disability", "sometimes", "In the disability column, “sometimes” is not recognised"),
])
def test_an_age_or_disability_that_cannot_be_read_is_explained(header, value, message):
    line = read_one(*ANNA, value, header=[*HEADER, header])
    assert not line.valid and any(message in problem for problem in line.problems), line.problems
    assert line.age_band == AgeBand.NOT_STATED and line.disability == Disability.NOT_STATED


def test_a_roster_without_the_voluntary_columns_states_neither():
    line = read_one(*ANNA)
    assert line.valid and (line.age_band, line.disability) == (AgeBand.NOT_STATED, Disability.NOT_STATED)
