"""The question spreadsheet: a sheet per language, one row per question, for authors who do not write YAML.

The first language sheet (by default the course's first language) holds everything; the others hold the same
rows (matched by ``id``) with their texts only. Columns:

- ``id``, ``type`` (single_choice, multiple_choice, true_false, short_text, numeric, matching, ordering),
  ``points``, ``prompt``, ``explanation``, ``tags``, ``citations`` (source ids), ``module``, comma-separated;
- ``choice 1`` ... ``choice 12``: a choice question's choices; a matching question's pairs as
  ``item -> option`` (an option no item matches as ``-> option``); an ordering question's items in the right
  order;
- ``feedback 1`` ... ``feedback 12``: the feedback of each choice (optional);
- ``answer``: the numbers of the right choices (``1`` or ``1, 3``); ``true`` or ``false``; the accepted answers
  of a short answer separated by ``|`` (each sheet adds its own); a number (``18``), a number and its tolerance
  (``18 ± 0.5``) or a range (``1..5``);
- ``partial credit``: all_or_nothing or right_minus_wrong (multiple choice), per_item (matching),
  per_position (ordering).

Problems name the sheet and row (``ru!7``). Read with openpyxl, which with defusedxml installed refuses XML
bombs in the file.
"""

from __future__ import annotations

import io
import re
from typing import Any
from zipfile import BadZipFile

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils.exceptions import InvalidFileException

from course.questions.bank import Parsed, ParsedFile, SourceProblem, letter_id

MAX_CHOICES = 12
FIXED = ["id", "type", "points", "partial credit", "prompt", "answer"]
TEXT_COLUMNS = ["prompt", "explanation"]
TAIL = ["explanation", "tags", "citations", "module"]
HEADER = FIXED + [f"choice {n}" for n in range(1, MAX_CHOICES + 1)] + \
    [f"feedback {n}" for n in range(1, MAX_CHOICES + 1)] + TAIL
TYPES = ("single_choice", "multiple_choice", "true_false", "short_text", "numeric", "matching", "ordering")
_TOLERANCE = re.compile(r"^\s*(-?[\d.]+)\s*(?:±|\+-|:)\s*([\d.]+)\s*$")
_RANGE = re.compile(r"^\s*(-?[\d.]+)\s*\.\.\s*(-?[\d.]+)\s*$")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _list(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


class _Sheet:
    """One language's sheet as rows of ``{column: text}``, with their row numbers."""

    def __init__(self, code: str, rows: list[tuple[int, dict[str, str]]]):
        self.code, self.rows = code, rows

    @classmethod
    def read(cls, worksheet, parsed: ParsedFile) -> _Sheet:
        values = list(worksheet.iter_rows(values_only=True))
        header = [_cell(value).lower() for value in (values[0] if values else [])]
        unknown = [name for name in header if name and name not in HEADER]
        if unknown:
            parsed.problems.append(SourceProblem(f"{worksheet.title}!1", f"unknown column '{unknown[0]}'; the "
                                                 "columns are those of the template"))
        rows = []
        for number, row in enumerate(values[1:], start=2):
            cells = {name: _cell(value) for name, value in zip(header, row, strict=False) if name}
            if any(cells.values()):
                rows.append((number, cells))
        return cls(worksheet.title, rows)


def _texts(code: str, value: str) -> dict[str, str]:
    return {code: value} if value else {}


def _question(sheet: _Sheet, number: int, row: dict[str, str], parsed: ParsedFile) -> Parsed | None:
    where = f"{sheet.code}!{number}"
    kind = row.get("type", "")
    if kind not in TYPES:
        parsed.problems.append(SourceProblem(where, f"type '{kind}' is not one of {', '.join(TYPES)}"))
        return None
    code = sheet.code
    data: dict[str, Any] = {"id": row.get("id", ""), "type": kind, "prompt": _texts(code, row.get("prompt", ""))}
    if row.get("points"):
        try:
            data["points"] = float(row["points"])
        except ValueError:
            parsed.problems.append(SourceProblem(where, f"points '{row['points']}' is not a number"))
            return None
    if row.get("partial credit"):
        data["partial_credit"] = row["partial credit"]
    entries = [(n, row.get(f"choice {n}", ""), row.get(f"feedback {n}", "")) for n in range(1, MAX_CHOICES + 1)]
    entries = [entry for entry in entries if entry[1]]
    answer = row.get("answer", "")
    try:
        _shape(data, code, entries, answer)
    except ValueError as exc:
        parsed.problems.append(SourceProblem(where, str(exc)))
        return None
    if row.get("explanation"):
        data["explanation"] = _texts(code, row["explanation"])
    for column in ("tags", "citations"):
        if row.get(column):
            data[column] = _list(row[column])
    if row.get("module"):
        data["module"] = row["module"]
    return Parsed(number, row.get("id", ""), data)


def _shape(data: dict[str, Any], code: str, entries: list[tuple[int, str, str]], answer: str) -> None:
    """The type's own fields from the choice columns and the answer column.

    :raises ValueError: what does not fit, as the author should read it.
    """
    kind = data["type"]
    if kind in ("single_choice", "multiple_choice"):
        try:
            right = {int(part) for part in _list(answer)}
        except ValueError:
            raise ValueError(f"answer '{answer}' should be the numbers of the right choices, like '1' or '1, 3'") \
                from None
        if not right or not right <= {n for n, _text, _feedback in entries}:
            raise ValueError(f"answer '{answer}' names no choice of the row")
        data["choices"] = []
        for index, (n, text, feedback) in enumerate(entries):
            choice: dict[str, Any] = {"id": letter_id(index), "text": {code: text}, "correct": n in right}
            if feedback:
                choice["feedback"] = {code: feedback}
            data["choices"].append(choice)
    elif kind == "true_false":
        if answer.lower() not in ("true", "false"):
            raise ValueError(f"answer '{answer}' should be true or false")
        data["answer"] = answer.lower() == "true"
    elif kind == "short_text":
        data["accepted"] = [part.strip() for part in answer.split("|") if part.strip()]
    elif kind == "numeric":
        if match := _RANGE.match(answer):
            data.update(min=float(match.group(1)), max=float(match.group(2)))
        elif match := _TOLERANCE.match(answer):
            data.update(answer=float(match.group(1)), tolerance=float(match.group(2)))
        else:
            try:
                data.update(answer=float(answer), tolerance=0.0)
            except ValueError:
                raise ValueError(f"answer '{answer}' should be a number, 'number ± tolerance' or 'low..high'") \
                    from None
    elif kind == "matching":
        data["items"], data["options"] = [], []
        for _n, text, _feedback in entries:
            left, arrow, right_text = text.partition("->")
            if not arrow:
                raise ValueError(f"'{text}' should be 'item -> option'")
            option = next((o for o in data["options"] if o["text"] == {code: right_text.strip()}), None)
            if option is None:
                option = {"id": letter_id(len(data["options"]), "o"), "text": {code: right_text.strip()}}
                data["options"].append(option)
            if left.strip():
                data["items"].append({"id": letter_id(len(data["items"]), "i"), "text": {code: left.strip()},
                                      "match": option["id"]})
    elif kind == "ordering":
        data["items"] = [{"id": letter_id(index), "text": {code: text}} for index, (_n, text, _f) in enumerate(entries)]


def parse_spreadsheet(content: bytes, path: str, language: str) -> ParsedFile:
    """The questions of a workbook; the sheet named ``language`` (else the first) gives the shape."""
    parsed = ParsedFile(path)
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (InvalidFileException, BadZipFile, OSError, KeyError, ValueError) as exc:
        parsed.problems.append(SourceProblem(path, f"not an .xlsx workbook ({exc.__class__.__name__})"))
        return parsed
    sheets = [_Sheet.read(sheet, parsed) for sheet in workbook.worksheets if len(sheet.title) == 2]  # noqa: PLR2004
    workbook.close()
    if not sheets:
        parsed.problems.append(SourceProblem(path, "no language sheet: name each sheet by its language (en, ru, tk)"))
        return parsed
    first = next((sheet for sheet in sheets if sheet.code == language), sheets[0])
    for number, row in first.rows:
        if (question := _question(first, number, row, parsed)) is not None:
            parsed.questions.append(question)
    by_id = {question.data["id"]: question for question in parsed.questions if question.data["id"]}
    first_ids = {row.get("id", "") for _number, row in first.rows}
    for sheet in (sheet for sheet in sheets if sheet is not first):
        for number, row in sheet.rows:
            question = by_id.get(row.get("id", ""))
            if question is None and row.get("id", "") in first_ids:
                continue  # its row of the first sheet has a problem already
            if question is None:
                parsed.problems.append(SourceProblem(f"{sheet.code}!{number}", f"id '{row.get('id', '')}' is not "
                                                     f"a question of the {first.code} sheet"))
                continue
            _add_language(question.data, sheet.code, row, f"{sheet.code}!{number}", parsed)
    return parsed


def _add_language(data: dict[str, Any], code: str, row: dict[str, str], where: str, parsed: ParsedFile) -> None:
    for column in TEXT_COLUMNS:
        if row.get(column):
            data.setdefault(column, {})[code] = row[column]
    entries = [row.get(f"choice {n}", "") for n in range(1, MAX_CHOICES + 1)]
    entries = [text for text in entries if text.replace("->", "").strip()]  # " -> ": a pair not translated
    feedback = [row.get(f"feedback {n}", "") for n in range(1, MAX_CHOICES + 1)]
    kind = data["type"]
    if kind == "short_text":
        data["accepted"] += [part.strip() for part in row.get("answer", "").split("|")
                             if part.strip() and part.strip() not in data["accepted"]]
        return
    listed = data.get("choices") or (data.get("items") if kind == "ordering" else None)
    if not entries:
        return  # no translation of the choices in this language (yet)
    if kind == "matching":
        pairs = [text.partition("->") for text in entries]
        lefts, rights = [left.strip() for left, _a, _r in pairs if left.strip()], [r.strip() for _l, _a, r in pairs]
        if len(lefts) != len(data["items"]):
            parsed.problems.append(SourceProblem(where, f"{len(lefts)} item(s) where the first sheet has "
                                                 f"{len(data['items'])}"))
            return
        for item, text in zip(data["items"], lefts, strict=True):
            item["text"][code] = text
        seen: list[str] = []
        for text in rights:
            if text not in seen:
                seen.append(text)
        for option, text in zip(data["options"], seen, strict=False):
            option["text"][code] = text
        return
    if listed is None:
        return
    if len(entries) != len(listed):
        parsed.problems.append(SourceProblem(where, f"{len(entries)} choice(s) where the first sheet has "
                                             f"{len(listed)}"))
        return
    for index, (entry, text) in enumerate(zip(listed, entries, strict=True)):
        entry["text"][code] = text
        if feedback[index] and "feedback" in entry:
            entry["feedback"][code] = feedback[index]


# -- writing -----------------------------------------------------------------------------------------------


def _row(question: dict[str, Any], code: str, first: bool) -> list[Any]:
    kind = question["type"]
    texts = lambda value: (value or {}).get(code, "")  # noqa: E731
    entries: list[str] = []
    feedback: list[str] = []
    answer = ""
    if kind in ("single_choice", "multiple_choice"):
        entries = [texts(choice["text"]) for choice in question["choices"]]
        feedback = [texts(choice.get("feedback")) for choice in question["choices"]]
        answer = ", ".join(str(n) for n, choice in enumerate(question["choices"], start=1) if choice.get("correct"))
    elif kind == "true_false":
        answer = "true" if question["answer"] else "false"
    elif kind == "short_text":
        answer = " | ".join(question["accepted"])
    elif kind == "numeric":
        answer = f"{question['min']:g}..{question['max']:g}" if question.get("min") is not None \
            else f"{question['answer']:g} ± {question.get('tolerance', 0):g}"
    elif kind == "matching":
        options = {option["id"]: option["text"] for option in question["options"]}
        used = {item["match"] for item in question["items"]}
        entries = [f"{texts(item['text'])} -> {texts(options[item['match']])}" for item in question["items"]]
        entries += [f"-> {texts(text)}" for oid, text in options.items() if oid not in used]
    elif kind == "ordering":
        entries = [texts(item["text"]) for item in question["items"]]
    shape = [question["type"], question.get("points", 1), question.get("partial_credit", "")] if first else \
        ["", "", ""]
    cells = [question["id"], *shape, texts(question["prompt"]), answer if first or kind == "short_text" else ""]
    cells += (entries + [""] * MAX_CHOICES)[:MAX_CHOICES] + (feedback + [""] * MAX_CHOICES)[:MAX_CHOICES]
    cells += [texts(question.get("explanation"))]
    cells += [", ".join(question.get("tags", [])), ", ".join(question.get("citations", [])),
              question.get("module", "")] if first else ["", "", ""]
    return cells


def write_spreadsheet(questions: list[dict[str, Any]], languages: list[str]) -> tuple[bytes, list[str]]:
    """A workbook of the questions, a sheet per language; case-qualification questions are left out."""
    workbook, notes = Workbook(), []
    workbook.remove(workbook.active)
    carried = [question for question in questions if question["type"] in TYPES]
    notes += [f"{question['id']}: a {question['type']} question cannot be written in the spreadsheet; left out"
              for question in questions if question["type"] not in TYPES]
    for position, code in enumerate(languages):
        sheet = workbook.create_sheet(code)
        sheet.append(HEADER)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for question in carried:
            sheet.append(_row(question, code, first=position == 0))
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = "s"  # text, never a formula: the workbook is opened in a spreadsheet
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue(), notes
