"""How complete each language of the course is: what ``course validate --languages`` reports.

Required languages are enforced by validation; this report is for the others
(Turkmen today), so translators see what is left and where.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from course.content.loader import ContentBundle
from course.content.problems import field_name


@dataclass
class LanguageCoverage:
    language: str
    present: int = 0
    total: int = 0
    #: Where a text is missing: "file: field", in file order.
    missing: list[str] = field(default_factory=list)
    #: Modules, quizzes and the glossary whose text in this language is marked as a draft.
    drafts: list[str] = field(default_factory=list)

    @property
    def percent(self) -> int:
        return round(100 * self.present / self.total) if self.total else 100


def _localized(value: Any, languages: set[str], loc: tuple = ()) -> Iterator[tuple[tuple, dict[str, str]]]:
    """Every text-per-language inside a loaded model, with its path."""
    if isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _localized(getattr(value, name), languages, (*loc, name))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _localized(item, languages, (*loc, index))
    elif isinstance(value, dict) and value and set(value) <= languages and all(
        isinstance(text, str) for text in value.values()
    ):
        yield loc, value


def language_coverage(bundle: ContentBundle) -> list[LanguageCoverage]:
    course = bundle.course
    languages = set(course.languages)
    reports = {code: LanguageCoverage(code) for code in course.languages}

    def count(where: str, texts: dict[str, str], loc: tuple = ()) -> None:
        for code, report in reports.items():
            report.total += 1
            if texts.get(code):
                report.present += 1
            else:
                report.missing.append(f"{where}: {field_name(loc)}" if loc else where)

    documents: list[tuple[str, Any]] = [("modules/course.yaml", course), ("modules/sources*.yaml", bundle.sources)]
    for where, optional in (("modules/vocabulary.yaml", bundle.vocabulary),
                            ("modules/teaching-practice.yaml", bundle.rubric),
                            ("modules/evaluation.yaml", bundle.evaluation),
                            ("modules/glossary.yaml", bundle.glossary)):
        if optional:
            documents.append((where, optional))
    for module in bundle.modules.values():
        folder = f"modules/{module.folder}"
        documents.append((f"{folder}/module.yaml", module.meta))
    for quiz_id, quiz in bundle.quizzes.items():
        documents.append((f"quizzes/{quiz_id}.yaml", quiz.meta.model_copy(update={"questions": []})))
        for index, question in enumerate(quiz.questions):
            for loc, texts in _localized(question, languages, ("questions", index)):
                if "options" not in loc:  # vocabulary copies are counted in vocabulary.yaml
                    count(f"quizzes/{quiz_id}.yaml", texts, loc)
    for where, document in documents:
        for loc, texts in _localized(document, languages):
            count(where, texts, loc)
    for module in bundle.modules.values():
        folder = f"modules/{module.folder}"
        count(f"{folder}/<language>.md (module text)", dict.fromkeys(module.sections, "x"))
        if module.trainer_notes:
            count(f"{folder}/trainer-notes.<language>.md", dict.fromkeys(module.trainer_notes, "x"))
        for code in module.meta.draft_languages:
            if code in reports and code in module.sections:
                reports[code].drafts.append(module.meta.id)
    for quiz_id, quiz in bundle.quizzes.items():
        for code in quiz.meta.draft_languages:
            if code in reports:
                reports[code].drafts.append(quiz_id)
    for name, document in (("glossary", bundle.glossary), ("evaluation form", bundle.evaluation),
                           ("teaching-practice rubric", bundle.rubric)):
        for code in document.draft_languages if document else ():
            if code in reports:
                reports[code].drafts.append(name)
    for report in reports.values():
        report.missing = [entry.replace("<language>", report.language) for entry in report.missing]
    return list(reports.values())
