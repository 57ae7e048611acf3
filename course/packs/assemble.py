"""A trainer's pack for one day or one module of a cohort, assembled in the cohort's language.

Per module: the session plan (the trainer notes, with their timings), the module as a handout, its case studies
for group work without their keys; then, apart, the trainer's key (answers, feedback, explanations, sources);
the attendance sheet with the roster; the evaluation form. Every part carries the notices the screens show (not
yet legally reviewed, draft translation, the status of the legal texts cited), and the pack names the content
versions it was made from.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from flask_babel import format_date
from flask_babel import gettext as _

from course.cohorts.forms import AGENCY_LABELS
from course.cohorts.queries import roster
from course.content.localize import pick
from course.learn.queries import Catalogue, ModulePage
from course.learn.reviewed import reviewed_module_page
from course.learn.status import printed_notices
from course.models.attendance import SessionDay
from course.models.cohort import Cohort
from course.models.types import utcnow
from course.packs.document import Heading, Item, Lines, Pack, PageBreak, Paragraph, Run, Table, text
from course.packs.html_blocks import html_blocks
from course.paper.layout import lettered
from course.paper.printing import printed_question
from course.quiz.definition import QuizDefinition, live_definition
from course.quiz.presenters import question_view, review_item


@dataclass(frozen=True)
class PackScope:
    """What the pack covers: a session day (its modules, its attendance) or one module (every day)."""

    title: str
    module_ids: tuple[str, ...]
    days: tuple[SessionDay, ...]


def _notices(page: ModulePage) -> list[Paragraph]:
    return [text(sentence, "notice") for sentence in printed_notices(page.notice, page.legal_notices)]


def _case_studies(catalogue: Catalogue, module_id: str) -> list[QuizDefinition]:
    found = [live_definition(quiz_id) for quiz_id, meta in sorted(catalogue.quizzes.items())
             if meta.get("module") == module_id and meta.get("kind") == "case_study"]
    return [definition for definition in found if definition is not None]


def _session_plan(pack: Pack, catalogue: Catalogue, module, page: ModulePage, locale: str) -> None:
    pack.add(Heading(1, _("Session plan: %(module)s", module=page.title)), *_notices(page))
    notes = module.data["trainer_notes_html"]
    if notes:
        pack.add(*html_blocks(pick(notes, locale, catalogue.fallbacks(locale)).value))
    else:
        pack.add(text(_("This module has no trainer notes.")))


def _handout(pack: Pack, catalogue: Catalogue, module, page: ModulePage, locale: str) -> None:
    fallbacks = catalogue.fallbacks(locale)
    pack.add(PageBreak(), Heading(1, _("Handout: %(module)s", module=page.title)), *_notices(page),
             text(str(page.summary)))
    if page.objectives:
        pack.add(Heading(3, _("After this module you will be able to")),
                 *(Item((Run(str(objective)),)) for objective in page.objectives))
    for number, section in enumerate(module.data["sections"], start=1):
        pack.add(Heading(2, f"{number}. {pick(section['title'], locale, fallbacks)}"),
                 *html_blocks(pick(section["html"], locale, fallbacks).value, heading_offset=2))
    if page.sources:
        pack.add(Heading(3, _("Sources")),
                 *(Item((Run(f"{source.citation}" + (f" {source.url}" if source.url else "")),))
                   for source in page.sources if source.anchor))


def _group_work(pack: Pack, definitions: Sequence[QuizDefinition], locale: str, fallbacks) -> None:
    """The case studies as participants get them: scenario, question, lettered options; no key."""
    for definition in definitions:
        pack.add(PageBreak(), Heading(1, _("Case study for group work: %(title)s",
                                           title=pick(definition.settings.title, locale, fallbacks))))
        for number, (qid, spec) in enumerate(definition.questions.items(), start=1):
            printed = printed_question(lettered(question_view(
                spec, number, None, None, definition.question_type(qid).template, locale, fallbacks)))
            pack.add(Heading(3, printed.heading))
            if printed.scenario:
                pack.add(*(text(paragraph, "quote") for paragraph in printed.scenario.split("\n\n")))
            pack.add(text(printed.prompt))
            if printed.hint:
                pack.add(text(printed.hint, "notice"))
            pack.add(*(Item((Run(option),)) for option in printed.legend))
            for group in printed.groups:
                if group.label:
                    pack.add(Paragraph((Run(group.label, bold=True),)))
                pack.add(*(Item((Run(option),)) for option in group.options))
                if group.kind in ("write", "line"):
                    pack.add(Lines(1))


def _trainer_key(pack: Pack, catalogue: Catalogue, definitions: Sequence[QuizDefinition], locale: str,
                 fallbacks) -> None:
    """The right answers with their feedback, explanation and sources: for the trainer's eyes only."""
    if not definitions:
        return
    pack.add(PageBreak(), Heading(1, _("Trainer's key: not for participants")))
    for definition in definitions:
        pack.add(Heading(2, pick(definition.settings.title, locale, fallbacks).value))
        for number, (qid, spec) in enumerate(definition.questions.items(), start=1):
            question_type = definition.question_type(qid)
            key = question_type.key_view(spec)
            grade = question_type.grade(spec, key)
            item = review_item(spec, number, key, [part.as_json() for part in grade.parts], key, True,
                               catalogue.sources, locale, fallbacks)
            heading = _("Question %(number)d", number=number)
            pack.add(Heading(3, f"{heading}: {item.prompt}"))
            for part in item.parts:
                label = f"{part.label}: " if part.label else ""
                pack.add(Item((Run(label, bold=True), Run(part.expected or ""))))
                if part.feedback:
                    pack.add(Item((Run(str(part.feedback), italic=True),), depth=1))
                pack.add(*(Item((Run(str(citation)),), depth=1) for citation in part.citations))
            if item.explanation:
                pack.add(text(str(item.explanation)))
            if item.citations:
                pack.add(Paragraph((Run(_("Sources") + ": ", bold=True),
                                    Run("; ".join(str(citation) for _id, citation in item.citations)))))


def _attendance(pack: Pack, cohort: Cohort, days: Sequence[SessionDay]) -> None:
    learners = roster(cohort)
    columns = [format_date(day.day, "short") for day in days] or [_("Signature")]
    rows = [(_("No."), _("Learner"), _("Agency"), *columns)]
    rows += [(str(n), learner.display_name, str(AGENCY_LABELS[learner.agency]) if learner.agency else "",
              *[""] * len(columns)) for n, learner in enumerate(learners, start=1)]
    pack.add(PageBreak(), Heading(1, _("Attendance sheet")),
             text(_("Each learner signs in the column of each day they attend. Mark the attendance in Cascade "
                    "afterwards, on the cohort's Attendance tab.")),
             Table(tuple(rows), widths=(1, 6, 4, *[3] * len(columns)), writing_height=9))


def _evaluation(pack: Pack, catalogue: Catalogue, locale: str, fallbacks) -> None:
    form = catalogue.course.get("evaluation")
    if not form:
        return
    levels = form["likert"]
    pack.add(PageBreak(), Heading(1, pick(form["title"], locale, fallbacks).value),
             text(pick(form["intro"], locale, fallbacks).value),
             text(_("Do not write your name on this form: the evaluation is anonymous."), "notice"),
             text("  ".join(f"{level['value']} = {pick(level['label'], locale, fallbacks)}" for level in levels)))
    ratings = [item for item in form["items"] if item["type"] == "rating"]
    if ratings:
        pack.add(Table((("", *(str(level["value"]) for level in levels)),
                        *((pick(item["text"], locale, fallbacks).value, *[""] * len(levels)) for item in ratings)),
                       widths=(10, *[1] * len(levels)), writing_height=7))
    for item in form["items"]:
        if item["type"] == "text":
            pack.add(Paragraph((Run(pick(item["text"], locale, fallbacks).value, bold=True),)), Lines(3))


def assemble(catalogue: Catalogue, cohort: Cohort, scope: PackScope, locale: str) -> Pack:
    """The pack, in ``locale`` (the caller sets the translations to it: the cohort's language)."""
    fallbacks = catalogue.fallbacks(locale)
    modules = [catalogue.modules[module_id] for module_id in scope.module_ids if module_id in catalogue.modules]
    period = format_date(cohort.starts_on, "long") if cohort.starts_on == cohort.ends_on else \
        f"{format_date(cohort.starts_on, 'long')} – {format_date(cohort.ends_on, 'long')}"
    cases = {module.id: _case_studies(catalogue, module.id) for module in modules}
    versions = ", ".join([*(f"{module.id} {module.content_hash[:12]}" for module in modules),
                          *(f"{d.quiz_id} {d.content_hash[:12]}" for found in cases.values() for d in found)])
    pack = Pack(
        title=_("Trainer's pack: %(what)s", what=scope.title),
        facts=[cohort.name, ", ".join(part for part in (period, cohort.venue, cohort.city) if part),
               _("Made from the content versions %(versions)s on %(day)s.", versions=versions or "–",
                 day=format_date(utcnow(), "long"))],
        footer=f"{cohort.name} · {scope.title}")
    definitions: list[QuizDefinition] = []
    for module in modules:
        page = reviewed_module_page(catalogue, module, locale)
        _session_plan(pack, catalogue, module, page, locale)
        _handout(pack, catalogue, module, page, locale)
        _group_work(pack, cases[module.id], locale, fallbacks)
        definitions += cases[module.id]
    _trainer_key(pack, catalogue, definitions, locale, fallbacks)
    _attendance(pack, cohort, scope.days)
    _evaluation(pack, catalogue, locale, fallbacks)
    return pack
