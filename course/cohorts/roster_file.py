"""Reading a roster of learners from an uploaded CSV or XLSX file.

Pure parsing, no database: the file becomes one ``RosterLine`` per data row, each with its problems,
so the trainer sees every mistake at once. Whatever makes the file as a whole untrustworthy or
unreadable (wrong type, formula cells, unknown columns) raises ``RosterFileError`` instead.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass, replace
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from flask_babel import gettext as _

from course.auth.services import USERNAME_PATTERN, normalise_username, username_problem
from course.domain import DomainError
from course.models.user import AgeBand, Agency, Disability, Gender, Velayat

MAX_ROSTER_BYTES = 512 * 1024
MAX_ROSTER_ROWS = 500
#: A 512 KB workbook can unzip to gigabytes; a real roster of 500 rows unzips to well under this.
MAX_XLSX_UNPACKED_BYTES = 20 * 1024 * 1024
MAX_TEXT = 200
#: Cells that mean "nothing here".
EMPTY_MARKS = ("-", "—", "–")
MAX_EMAIL = 254
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
ZIP_MAGIC = b"PK\x03\x04"
COLUMN_NAMES = "full name, username, email, agency, position, gender, velayat, age band, disability"
#: What openpyxl and the XML parser raise on a damaged or hostile workbook, while opening or reading it.
_XLSX_ERRORS = (zipfile.BadZipFile, zlib.error, KeyError, IndexError, ValueError, TypeError, EOFError, OSError,
                DefusedXmlException, ParseError)

def column_letter(number: int) -> str:
    """A spreadsheet's name of column ``number`` (1 is A, 27 is AA), as openpyxl names it."""
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


_HEADERS = {
    "full_name": ("full name", "name", "фио", "ф.и.о.", "полное имя", "doly ady", "ady we familiýasy"),
    "username": ("username", "login", "логин", "имя пользователя", "ulanyjy ady", "login ady"),
    "email": ("email", "e-mail", "электронная почта", "почта", "e-poçta"),
    "agency": ("agency", "ведомство", "организация", "edara"),
    "position": ("position", "должность", "wezipe", "wezipesi"),
    "gender": ("gender", "sex", "пол", "jyns", "jynsy"),
    "velayat": ("velayat", "region", "велаят", "область", "welaýat"),
    "age_band": ("age band", "age", "age group", "возраст", "возрастная группа", "ýaş", "ýaş topary"),
    "disability": ("disability", "инвалидность", "овз", "ограниченные возможности здоровья", "maýyplyk"),
}
_AGENCIES = {
    Agency.PROSECUTION: ("prosecutor", "prosecutor's office", "прокуратура", "прокурор", "prokuratura"),
    Agency.JUDICIARY: ("court", "judge", "суд", "судья", "kazyýet", "kazy"),
    Agency.ADVOCACY: ("advocate", "bar", "lawyer", "адвокатура", "адвокат", "adwokatura", "adwokat"),
    Agency.LAW_ENFORCEMENT: ("law enforcement", "police", "полиция", "мвд", "милиция", "polisiýa", "içeri işler"),
    Agency.OTHER: ("другое", "beýleki"),
}
_GENDERS = {
    Gender.FEMALE: ("f", "female", "woman", "ж", "жен", "женский", "женщина", "aýal", "zenan", "a"),
    Gender.MALE: ("m", "male", "man", "м", "муж", "мужской", "мужчина", "erkek", "e"),
    Gender.NOT_STATED: ("", "not stated", "не указан", "не указано", "görkezilmedik"),
}
_AGE_BANDS = {
    AgeBand.UNDER_25: ("under 25", "<25", "до 25", "младше 25", "моложе 25", "25-den az", "25-den kiçi"),
    AgeBand.FROM_25_TO_34: ("25-34", "25–34", "25 34"),
    AgeBand.FROM_35_TO_44: ("35-44", "35–44", "35 44"),
    AgeBand.FROM_45_TO_54: ("45-54", "45–54", "45 54"),
    AgeBand.FROM_55: ("55+", "55 and over", "55 and older", "55 и старше", "старше 55", "55 we ondan uly"),
    AgeBand.NOT_STATED: ("", "prefer not to say", "not stated", "не указан", "не указано", "не хочу указывать",
                         "görkezilmedik", "aýtmak islemeýärin"),
}
_DISABILITIES = {
    Disability.YES: ("yes", "y", "да", "есть", "hawa", "bar"),
    Disability.NO: ("no", "n", "нет", "ýok"),
    Disability.NOT_STATED: ("", "prefer not to say", "not stated", "не указано", "не хочу указывать",
                            "görkezilmedik", "aýtmak islemeýärin"),
}
#: The youngest age a roster may give (professionals in training); younger is a typing mistake.
MIN_AGE = 15
#: An age written as a number of years is put in its band (and the number is not kept).
_AGE_LIMITS = ((25, AgeBand.UNDER_25), (35, AgeBand.FROM_25_TO_34), (45, AgeBand.FROM_35_TO_44),
               (55, AgeBand.FROM_45_TO_54), (120, AgeBand.FROM_55))
#: Velayats as trainers write them: English, Russian (noun and adjective, old spellings) and Turkmen; the words
#: "velayat", "welaýaty", "область", "city", "şäheri" around them are ignored (``_FILLER``).
_VELAYATS = {
    Velayat.AHAL: ("ахал", "ахалский", "ахальский", "ахалская", "ахальская"),
    Velayat.BALKAN: ("балкан", "балканский", "балканская"),
    Velayat.DASHOGUZ: ("дашогуз", "дашогузский", "дашогузская", "дашховуз", "дашховузский", "дашховузская",
                       "daşoguz", "dashhowuz"),
    Velayat.LEBAP: ("лебап", "лебапский", "лебапская"),
    Velayat.MARY: ("мары", "марыйский", "марыйская"),
    Velayat.ASHGABAT: ("ashgabat city", "ашхабад", "ашгабат", "aşgabat", "ashkhabad"),
}
#: Words that name the kind of place, not the place: dropped before a velayat (or any choice) is looked up.
_FILLER = {"velayat", "welayat", "welayaty", "велаят", "велаята", "велаяты", "область", "обл", "region",
           "province", "city", "город", "г", "saheri", "saher"}


#: The sample file trainers download from the import page, in the cohort's language: the column titles and
#: values as a trainer would write them, two learners (a test reads each sample back).
SAMPLES = {
    "en": (["Full name", "Username", "Email", "Agency", "Position", "Gender", "Velayat", "Age band", "Disability"],
           [["Ayna Amanova", "a.amanova", "", "Prosecutor", "Investigator", "F", "Ahal", "25-34", "No"],
            ["Merdan Orazov", "", "m.orazov@example.tm", "Police", "Inspector", "M", "Ashgabat city", "", ""]]),
    "ru": (["ФИО", "Логин", "Электронная почта", "Ведомство", "Должность", "Пол", "Велаят", "Возраст", "Инвалидность"],
           [["Аманова Айна", "a.amanova", "", "Прокуратура", "Следователь", "жен.", "Ахалский велаят", "25-34", "нет"],
            ["Оразов Мердан", "", "m.orazov@example.tm", "МВД", "Инспектор", "муж.", "г. Ашхабад", "", ""]]),
    "tk": (["Doly ady", "Ulanyjy ady", "E-poçta", "Edara", "Wezipe", "Jyns", "Welaýat", "Ýaş topary", "Maýyplyk"],
           [["Aýna Amanowa", "a.amanowa", "", "Prokuratura", "Derňewçi", "aýal", "Ahal welaýaty", "25-34", "ýok"],
            ["Merdan Orazow", "", "m.orazow@example.tm", "Polisiýa", "Inspektor", "erkek", "Aşgabat şäheri", "", ""]]),
}


class RosterFileError(DomainError):
    """The whole file is refused; the message says why."""


@dataclass(frozen=True)
class RosterLine:
    """One data row, read and checked; ``problems`` holds translated messages, empty when the row is valid."""

    line: int
    full_name: str
    username: str
    email: str
    agency: Agency | None
    position: str
    gender: Gender
    velayat: Velayat | None
    problems: tuple[str, ...]
    #: Voluntary: "not stated" unless the file gives them.
    age_band: AgeBand = AgeBand.NOT_STATED
    disability: Disability = Disability.NOT_STATED

    @property
    def valid(self) -> bool:
        return not self.problems


def _key(text: str) -> str:
    """Compare labels as a person reads them: case, spacing, underscores and Unicode forms do not matter."""
    text = unicodedata.normalize("NFC", text).replace("İ", "i").replace("\u2019", "'").lower().replace("_", " ")
    return " ".join(text.split())


def _choice_key(text: str) -> str:
    """A cell of a choice column as it is looked up: ``_key``, without accents (Daşoguz is Dasoguz, муж. is
    муж), without a trailing full stop, and without the words that only say what kind of place it is."""
    decomposed = unicodedata.normalize("NFKD", _key(text))
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    words = re.sub(r"[.,;:()]", " ", bare).split()
    return " ".join(word for word in words if word not in _FILLER)


def _lookup(table: dict) -> dict:
    """Synonyms keyed by ``_choice_key``; each enum's own value is always accepted."""
    return {_choice_key(name): member for member, names in table.items() for name in (member.value, *names)}


_HEADER_FIELDS = {_key(name): field for field, names in _HEADERS.items() for name in (field, *names)}
_AGENCY_KEYS, _GENDER_KEYS, _VELAYAT_KEYS = _lookup(_AGENCIES), _lookup(_GENDERS), _lookup(_VELAYATS)
_AGE_BAND_KEYS, _DISABILITY_KEYS = _lookup(_AGE_BANDS), _lookup(_DISABILITIES)


def _header_key(text: str) -> str:
    """Headers often carry a required-marker ``*`` or a trailing colon; neither changes the column's meaning."""
    return _key(re.sub(r"^[\s*]+|[\s*:]+$", "", text))


def read_roster(filename: str, data: bytes) -> list[RosterLine]:
    """Read an uploaded roster; raises RosterFileError when the file as a whole must be refused."""
    if not data:
        raise RosterFileError(_("The file is empty. Choose the roster file and upload it again."))
    if len(data) > MAX_ROSTER_BYTES:
        raise RosterFileError(_("The file is larger than %(limit)d KB. Split the roster into smaller files and "
                                "upload them one at a time.", limit=MAX_ROSTER_BYTES // 1024))
    extension = filename.strip().lower().rpartition(".")[2] if "." in filename else ""
    if extension == "csv":
        rows, by_letter = _csv_rows(data), False
    elif extension == "xlsx":
        rows, by_letter = _xlsx_rows(data), True
    else:
        raise RosterFileError(_("Upload the roster as a CSV file (.csv) or an Excel workbook (.xlsx). Other "
                                "formats, such as .xls or .ods, cannot be read: save the file as .xlsx or CSV first."))
    if not rows:
        raise RosterFileError(_("The file has no rows. The first row must hold the column names: %(names)s.",
                                names=COLUMN_NAMES))
    (header_line, header), data_rows = rows[0], rows[1:]
    _refuse_formulas(rows, header_line, header, by_letter)
    if len(data_rows) > MAX_ROSTER_ROWS:
        raise RosterFileError(_("The file has more than %(limit)d learners. Split it into files of at most "
                                "%(limit)d rows and upload them one at a time.", limit=MAX_ROSTER_ROWS))
    columns = _map_header(header)
    _refuse_unnamed_values(data_rows, header_line, columns)
    if not data_rows:
        raise RosterFileError(_("The file has column names but no learners. Add one row per learner below "
                                "the column names."))
    return _mark_duplicates([_parse_line(line, cells, columns) for line, cells in data_rows])


def _csv_rows(data: bytes) -> list[tuple[int, list[str]]]:
    """CSV from Russian Excel is cp1251 and ``;``-separated; UTF-8 (with or without BOM) is tried first."""
    if data.startswith(ZIP_MAGIC):
        raise RosterFileError(_("This file is named .csv but holds an Excel workbook. Rename it to .xlsx, or save "
                                "it as CSV, and upload it again."))
    not_text = _("The file is not CSV text. In Excel, save it as “CSV UTF-8 (comma delimited)” and upload it again.")
    if b"\x00" in data:
        raise RosterFileError(not_text)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1251")
        except UnicodeDecodeError:
            raise RosterFileError(not_text) from None
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max(",;\t", key=first_line.count)  # ties, including none at all, go to the comma
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error:
        raise RosterFileError(_("The CSV file could not be read: a cell may be far too long or a quotation mark "
                                "left open. Check the file and upload it again.")) from None
    return [(number, cells) for number, cells in enumerate(rows, start=1) if any(cell.strip() for cell in cells)]


def _xlsx_rows(data: bytes) -> list[tuple[int, list[str]]]:
    """The first worksheet's non-blank rows as text; formula cells refuse the file, as in CSV."""
    unreadable = _("The file is not a readable Excel workbook. Open it in Excel, save it as “Excel Workbook (.xlsx)” "
                   "and upload it again. If it is a CSV file, name it .csv.")
    if not data.startswith(ZIP_MAGIC):
        raise RosterFileError(unreadable)
    # openpyxl is large: it is loaded for a workbook only.
    from openpyxl import load_workbook  # noqa: PLC0415
    from openpyxl.utils.exceptions import InvalidFileException  # noqa: PLC0415

    errors = (*_XLSX_ERRORS, InvalidFileException)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
        if unpacked > MAX_XLSX_UNPACKED_BYTES:
            raise RosterFileError(_("The workbook is too large once unpacked. Copy the roster into a new, empty "
                                    "workbook and upload that."))
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except RosterFileError:
        raise
    except errors:
        raise RosterFileError(unreadable) from None
    try:
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # other programs write wrong dimensions, which would cut rows off
        rows: list[tuple[int, list[str]]] = []
        for number, cells in enumerate(sheet.iter_rows(), start=1):
            for column, cell in enumerate(cells, start=1):
                if cell.data_type == "f":
                    raise RosterFileError(_formula_message(number, column_letter(column), "="))
            values = ["" if cell.value is None else str(cell.value) for cell in cells]
            if any(value.strip() for value in values):
                rows.append((number, values))
            if len(rows) > MAX_ROSTER_ROWS + 1:
                break  # enough to refuse the file; reading on would only cost time
        return rows
    except RosterFileError:
        raise
    except errors:
        raise RosterFileError(unreadable) from None
    finally:
        workbook.close()


def _formula_message(line: int, column: str, char: str) -> str:
    return _("Row %(line)d, column %(column)s: the cell starts with %(char)s, which a spreadsheet could run as a "
             "formula. Remove it and upload again.", line=line, column=column, char=char)


def _refuse_formulas(rows: list[tuple[int, list[str]]], header_line: int, header: list[str], by_letter: bool) -> None:
    """Cells a spreadsheet would run as formulas are how CSV injection works, so the whole file is refused."""
    for line, cells in rows:
        for index, value in enumerate(cells):
            stripped = value.lstrip()
            if stripped.strip() in EMPTY_MARKS:
                continue  # a lone dash means "none" in many registers, and no spreadsheet runs it
            if stripped and (stripped[0] in "=+-@" or value[0] in "\t\r"):
                named = not by_letter and line != header_line and index < len(header) and header[index].strip()
                column = header[index].strip() if named else column_letter(index + 1)
                char = stripped[0] if stripped[0] in "=+-@" else _("a tab or line break")
                raise RosterFileError(_formula_message(line, column, char))


def _map_header(header: list[str]) -> dict[str, int]:
    """Which column holds which field; unknown names are refused so a typo does not silently drop a column."""
    columns: dict[str, int] = {}
    unknown: list[str] = []
    for index, text in enumerate(header):
        key = _header_key(text)
        field = _HEADER_FIELDS.get(key)
        if key and field is None:
            unknown.append(f"“{text.strip()}”")
        elif field in columns:
            raise RosterFileError(_("The columns “%(first)s” and “%(second)s” mean the same thing. Keep one of them.",
                                    first=header[columns[field]].strip(), second=text.strip()))
        elif field:
            columns[field] = index
    if unknown:
        raise RosterFileError(_("These columns are not recognised: %(columns)s. The first row must hold column names "
                                "from this list: %(names)s. Correct the spelling or delete the columns.",
                                columns=", ".join(unknown), names=COLUMN_NAMES))
    if "full_name" not in columns or not ("username" in columns or "email" in columns):
        raise RosterFileError(_("The file needs a full name column and a username or email column. The first row "
                                "must hold the column names, for example: full name, username, email."))
    return columns


def _refuse_unnamed_values(rows: list[tuple[int, list[str]]], header_line: int, columns: dict[str, int]) -> None:
    """A value under no column name would otherwise be dropped without the trainer knowing."""
    named = set(columns.values())
    for line, cells in rows:
        for index, value in enumerate(cells):
            if value.strip() and index not in named:
                raise RosterFileError(_("Row %(line)d has a value in column %(column)s, which has no column name. "
                                        "Add a name in row %(header)d or delete the value.",
                                        line=line, column=column_letter(index + 1), header=header_line))


def _parse_line(line: int, cells: list[str], columns: dict[str, int]) -> RosterLine:
    def cell(field: str) -> str:
        index = columns.get(field)
        value = cells[index].strip() if index is not None and index < len(cells) else ""
        return "" if value in EMPTY_MARKS else value

    problems: list[str] = []
    full_name, position, email = cell("full_name"), cell("position"), cell("email").lower()
    if not full_name:
        problems.append(_("The full name is missing."))
    elif len(full_name) > MAX_TEXT:
        problems.append(_("The full name is longer than %(limit)d characters; shorten it.", limit=MAX_TEXT))
    if email and (len(email) > MAX_EMAIL or not EMAIL_PATTERN.match(email)):
        problems.append(_("“%(email)s” is not an email address; write it as name@example.tm.", email=email))
    username = _username(normalise_username(cell("username")), email, problems)
    if len(position) > MAX_TEXT:
        problems.append(_("The position is longer than %(limit)d characters; shorten it.", limit=MAX_TEXT))
    return RosterLine(
        line=line, full_name=full_name, username=username, email=email, position=position,
        agency=_choice(cell("agency"), _AGENCY_KEYS, Agency, _("agency"), problems),
        gender=_choice(cell("gender"), _GENDER_KEYS, Gender, _("gender"), problems) or Gender.NOT_STATED,
        velayat=_choice(cell("velayat"), _VELAYAT_KEYS, Velayat, _("velayat"), problems),
        age_band=_age_band(cell("age_band"), problems),
        disability=_choice(cell("disability"), _DISABILITY_KEYS, Disability, _("disability"), problems)
        or Disability.NOT_STATED,
        problems=tuple(problems),
    )


def _age_band(value: str, problems: list[str]) -> AgeBand:
    """A band as written ("25-34", "55+", "до 25"), or an age in years put in its band."""
    if value.isdigit():
        years = int(value)
        band = next((band for limit, band in _AGE_LIMITS if years < limit), None) if years >= MIN_AGE else None
        if band is None:
            problems.append(_("In the age band column, “%(value)s” is not an age; write the age or its band "
                              "(e.g. 25-34).", value=value))
            return AgeBand.NOT_STATED
        return band
    return _choice(value, _AGE_BAND_KEYS, AgeBand, _("age band"), problems) or AgeBand.NOT_STATED


def _username(username: str, email: str, problems: list[str]) -> str:
    """A blank username is made from the email's local part, which is how most learners are known anyway."""
    if username:
        if not USERNAME_PATTERN.match(username):
            problems.append(_("The username “%(username)s” cannot be used.", username=username) + " "
                            + username_problem(username))
        return username
    if not email:
        problems.append(_("Give a username or an email address; the row has neither."))
        return ""
    derived = re.sub(r"[^a-z0-9._-]", "", email.partition("@")[0]).lstrip("._-")
    if USERNAME_PATTERN.match(derived):
        return derived
    problems.append(_("Give this row a username: none could be made from the email address."))
    return ""


def _choice(value: str, keys: dict, enum: type, column: str, problems: list[str]):
    """The enum member a cell names, None for a blank cell; an unknown value becomes a problem."""
    if not value:
        return keys.get("")
    key = _choice_key(value)
    member = keys.get(key) if key else None  # "welaýaty" alone names no place
    if member is None:
        accepted = ", ".join(member.value.replace("_", " ") for member in enum)
        problems.append(_("In the %(column)s column, “%(value)s” is not recognised. Write one of: %(accepted)s.",
                          column=column, value=value, accepted=accepted))
    return member


def _mark_duplicates(lines: list[RosterLine]) -> list[RosterLine]:
    """The same person twice in one file is a mistake to fix in the file, not something to guess about."""
    first_username: dict[str, int] = {}
    first_email: dict[str, int] = {}
    marked = []
    for line in lines:
        problems = list(line.problems)
        if line.username in first_username:
            problems.append(_("The username “%(username)s” is also used in row %(first)d. Give this learner a "
                              "different username.", username=line.username, first=first_username[line.username]))
        if line.email in first_email:
            problems.append(_("The email address “%(email)s” is also used in row %(first)d. Each learner needs "
                              "their own address.", email=line.email, first=first_email[line.email]))
        if line.username:
            first_username.setdefault(line.username, line.line)
        if line.email:
            first_email.setdefault(line.email, line.line)
        marked.append(replace(line, problems=tuple(problems)) if len(problems) > len(line.problems) else line)
    return marked
