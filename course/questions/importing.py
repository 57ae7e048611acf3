"""``course questions import``: a file of another system's questions as a quiz file of the course.

Nothing is written unless the whole content, with the new quiz in it, passes the same checks as
``course validate``: the quiz is written to a scratch copy of the content folder and loaded there. Every
problem points into the imported file (``bank.gift:12: ...``), at the question it concerns; a problem of the
course's own files is shown as it is.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from course.content.loader import load_content, load_vocabulary
from course.questions.aiken import parse_aiken
from course.questions.bank import Parsed, ParsedFile, SourceProblem, merge_translation, unique_ids
from course.questions.gift import parse_gift
from course.questions.moodle_xml import parse_moodle_xml
from course.questions.qti3 import parse_qti3
from course.questions.spreadsheet import parse_spreadsheet
from course.quiz.types.case_qualification import MULTI_SELECT_PARTS

PARSERS = {"gift": parse_gift, "aiken": parse_aiken, "moodle-xml": parse_moodle_xml}
#: Formats read from bytes: a workbook, a zip.
BINARY_PARSERS = {"spreadsheet": parse_spreadsheet, "qti3": parse_qti3}
SUFFIXES = {".gift": "gift", ".xml": "moodle-xml", ".aiken": "aiken", ".xlsx": "spreadsheet", ".zip": "qti3"}


class ImportRefused(Exception):
    """The file cannot become a quiz; ``problems`` say where and why. Nothing was written."""

    def __init__(self, problems: list[SourceProblem | str]):
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


@dataclass
class QuizOptions:
    """What the quiz file needs that a question file does not say."""

    quiz_id: str
    title: dict[str, str]
    kind: str = "module_check"
    module: str | None = None
    #: Source ids every imported question cites (besides any the file names).
    citations: list[str] = field(default_factory=list)
    pass_mark: int = 70
    attempts_allowed: int | None = None
    #: The explanation of the questions the file gives none (Aiken has no place for one).
    explanation: dict[str, str] | None = None


@dataclass
class ImportResult:
    path: Path
    questions: int
    notes: list[str]


def detect_format(path: Path, text: str) -> str:
    """The format by the file's suffix; a ``.txt`` is GIFT if it has an answer block, else Aiken."""
    if path.suffix.lower() in SUFFIXES:
        return SUFFIXES[path.suffix.lower()]
    if text.lstrip().startswith("<?xml") or text.lstrip().startswith("<quiz"):
        return "moodle-xml"
    return "gift" if "{" in text else "aiken"


def read_questions(path: Path, language: str, file_format: str | None = None) -> ParsedFile:
    binary = BINARY_PARSERS.get(file_format or SUFFIXES.get(path.suffix.lower()))
    if binary is not None:
        try:
            return binary(path.read_bytes(), path.name, language)
        except OSError as exc:
            raise ImportRefused([f"{path}: cannot be read: {exc.strerror}"]) from exc
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportRefused([f"{path}: not UTF-8 text (save it as UTF-8)"]) from exc
    except OSError as exc:
        raise ImportRefused([f"{path}: cannot be read: {exc.strerror}"]) from exc
    return PARSERS[file_format or detect_format(path, text)](text, str(path), language)


def _question(parsed: Parsed, options: QuizOptions) -> dict[str, Any]:
    data = dict(parsed.data)
    data["citations"] = list(dict.fromkeys([*data.get("citations", []), *options.citations]))
    if "explanation" not in data and options.explanation:
        data["explanation"] = dict(options.explanation)
    if options.module and options.kind in ("pre_test", "post_test") and "module" not in data:
        data["module"] = options.module
    order = ["id", "type", "points", "partial_credit", "prompt", "scenario", "choices", "answer", "accepted",
             "tolerance", "min", "max", "items", "options", "parts", "explanation", "citations", "tags", "module"]
    return {key: data[key] for key in order if key in data}


def quiz_document(questions: list[dict[str, Any]], options: QuizOptions) -> tuple[str, list[int]]:
    """The quiz file's YAML, and the line each question starts on in it."""
    head: dict[str, Any] = {"schema_version": 1, "id": options.quiz_id, "kind": options.kind,
                            "title": options.title, "pass_mark": options.pass_mark}
    if options.module and options.kind not in ("pre_test", "post_test", "final"):
        head["module"] = options.module
    if options.attempts_allowed:
        head["attempts_allowed"] = options.attempts_allowed
    text = "# Imported with 'course questions import'; check it, then list it in its module.yaml.\n"
    text += yaml.safe_dump(head, allow_unicode=True, sort_keys=False, width=1000) + "questions:\n"
    starts = []
    for question in questions:
        starts.append(text.count("\n") + 1)
        dumped = yaml.safe_dump([question], allow_unicode=True, sort_keys=False, width=1000)
        text += "".join(f"  {line}\n" for line in dumped.splitlines())
    return text, starts


def _where(line: int | None, starts: list[int], parsed: list[Parsed], source: str) -> str:
    """The place in the imported file that a line of the generated quiz file comes from."""
    if line is None or not starts or line < starts[0]:
        return source
    index = max(i for i, start in enumerate(starts) if start <= line)
    return f"{source}:{parsed[index].line}: question '{parsed[index].data['id']}'"


def name_case_options(parsed: ParsedFile, content_dir: Path, source: str) -> list[SourceProblem | str]:
    """Name a read case's options by the course's vocabulary: a Cloze case comes back with its options' texts
    (``{"texts": [...]}``), and the course's cases name them by id. A text the vocabulary does not have is a
    problem at its question; a vocabulary file that cannot be read, its own problems."""
    cases = [q for q in parsed.questions if q.data.get("type") == "case_qualification"]
    if not cases:
        return []
    vocabulary, problems = load_vocabulary(content_dir)
    found: list[SourceProblem | str] = list(problems)
    for question in cases:
        for part in question.data["parts"]:
            if not isinstance(part.get("answer"), dict):
                continue
            known = {text: entry["id"] for entry in vocabulary.get(part["part"], [])
                     for text in entry["text"].values()}
            missing = [text for text in part["answer"]["texts"] if text not in known]
            if missing and not problems:
                found.append(f"{source}:{question.line}: {part['part']}: not in the course's vocabulary: "
                             f"{', '.join(missing)}")
            ids = [known.get(text, text) for text in part["answer"]["texts"]]
            part["answer"] = ids if part["part"] in MULTI_SELECT_PARTS else (ids[0] if ids else "")
    return found


def import_questions(path: Path, content_dir: Path, options: QuizOptions, *, language: str,
                     translations: dict[str, Path] | None = None, file_format: str | None = None,
                     replace: bool = False) -> ImportResult:
    """Read, check against the whole content, and only then write ``quizzes/<id>.yaml``.

    :raises ImportRefused: with every problem found; nothing is written.
    """
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,99}", options.quiz_id):
        raise ImportRefused([f"quiz id '{options.quiz_id}': lower-case letters, digits and hyphens only"])
    target = content_dir / "quizzes" / f"{options.quiz_id}.yaml"
    if target.exists() and not replace:
        raise ImportRefused([f"{target}: exists already; choose another --quiz-id or give --replace"])
    parsed = read_questions(path, language, file_format)
    problems: list[SourceProblem | str] = list(parsed.problems)
    for code, other_path in (translations or {}).items():
        other = read_questions(other_path, code, file_format)
        problems += other.problems
        if len(other.questions) != len(parsed.questions):
            problems.append(f"{other_path}: {len(other.questions)} question(s) where {path} has "
                            f"{len(parsed.questions)}; a translation must have the same questions in the same order")
            continue
        for question, translated in zip(parsed.questions, other.questions, strict=True):
            try:
                question.data = merge_translation(question.data, translated.data, f"{other_path}:{translated.line}")
            except ValueError as exc:
                problems.append(str(exc))
    if not parsed.questions and not problems:
        problems.append(f"{path}: no questions found")
    problems += name_case_options(parsed, content_dir, str(path))
    if problems:
        raise ImportRefused(problems)
    unique_ids(parsed.questions)
    questions = [_question(question, options) for question in parsed.questions]
    problems = [f"{path}:{parsed_question.line}: question '{question['id']}': explanation: the file gives none "
                "(general feedback, '####' in GIFT; Aiken has none): add it, or give --explanation LANG=TEXT for "
                "the questions without one"
                for parsed_question, question in zip(parsed.questions, questions, strict=True)
                if "explanation" not in question]
    if problems:
        raise ImportRefused(problems)
    document, starts = quiz_document(questions, options)
    found = _check(content_dir, target.name, document)
    mine = f"quizzes/{target.name}"
    if found:
        raise ImportRefused([
            f"{_where(problem.line, starts, parsed.questions, str(path))}: {problem.field or '(quiz)'}: "
            f"{problem.message}" if problem.path == mine else str(problem)
            for problem in found])
    target.write_text(document, encoding="utf-8")
    notes = [str(skipped) for skipped in parsed.left_out]
    notes += [f"{path}:{question.line}: question '{question.data['id']}': {note}"
              for question in parsed.questions for note in question.notes]
    return ImportResult(target, len(questions), notes)


def _check(content_dir: Path, name: str, document: str) -> list:
    """The problems of the content with the new quiz file in it, loaded from a scratch copy."""
    with tempfile.TemporaryDirectory(prefix="cascade-import-") as scratch:
        copy = Path(scratch) / "content"
        shutil.copytree(content_dir / "modules", copy / "modules")
        shutil.copytree(content_dir / "quizzes", copy / "quizzes")
        (copy / "quizzes" / name).write_text(document, encoding="utf-8")
        return load_content(copy).problems
