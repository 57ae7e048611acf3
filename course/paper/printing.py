"""A print run as the PDF's printed sheets: every text in the cohort's language, each sheet's QR code opening its
key-in page at an address the room's phones can reach."""

from __future__ import annotations

from flask_babel import force_locale
from flask_babel import gettext as _

from course.content.localize import pick
from course.learn.queries import Catalogue
from course.learn.status import printed_notices
from course.models.cohort import Cohort
from course.paper.layout import sheet_definition, sheet_questions
from course.paper.pdf import PrintedGroup, PrintedQuestion, PrintedSheet
from course.paper.sheets import PrintRun
from course.questions.texts import html_to_text
from course.quiz.pages import quiz_notices
from course.quiz.presenters import QuestionView
from course.room import room_url


def printed_question(view: QuestionView) -> PrintedQuestion:
    """A lettered question as print lays it out: boxes beside options, a box per item, a line to write on."""
    groups, legend, hint = [], (), view.hint or ""
    for field in view.fields:
        label = str(field.label or "")
        if field.kind in ("radio", "checkbox"):
            groups.append(PrintedGroup(label, "boxes", tuple(str(o.label) for o in field.options), field.name,
                                       tuple(o.value for o in field.options)))
        elif field.kind == "select":
            groups.append(PrintedGroup(label, "write"))
            if view.type == "matching" and not legend:
                legend = tuple(str(o.label) for o in field.options)
                hint = _("Write in each item's box the letter of the answer that matches it.")
        else:
            groups.append(PrintedGroup(label, "line"))
    heading = _("Question %(number)d", number=view.number)
    return PrintedQuestion(
        heading=f"{heading} ({view.points_label})",
        scenario=html_to_text(view.scenario_html)[0] if view.scenario_html else "",
        prompt=str(view.prompt), hint=hint, groups=tuple(groups), legend=legend)


def printed_sheets(run: PrintRun, cohort: Cohort, catalogue: Catalogue) -> list[PrintedSheet]:
    locale = cohort.language
    fallbacks = catalogue.fallbacks(locale)
    printed = []
    with force_locale(locale):
        labels = {
            "sheet": _("Sheet"), "learner": _("Learner"), "cohort": _("Cohort"), "version": _("Content version"),
            "instructions": _("Mark each answer with a cross in its box; where several answers apply, mark each "
                              "one. To change an answer, fill its box completely and mark another. Hand the sheet "
                              "back to your trainer."),
            "page": _("page {page}"), "write_answer": _("Write your answer on the line:"),
        }
        notices: dict[tuple[str, str], tuple[str, ...]] = {}  # one reading per version, not per learner
        for sheet, learner in run.sheets:
            definition = sheet_definition(sheet)
            version = (sheet.quiz_id, sheet.quiz_hash)
            if version not in notices:
                shown = quiz_notices(definition, list(definition.questions), catalogue, locale)
                notices[version] = printed_notices(shown.status, shown.legal_notices)
            printed.append(PrintedSheet(
                number=sheet.printed_number, title=pick(definition.settings.title, locale, fallbacks).value,
                learner=learner.display_name, cohort=cohort.name, version=sheet.quiz_hash[:12],
                key_in_url=room_url("paper.sheet", number=sheet.number).url, notices=notices[version],
                questions=tuple(map(printed_question, sheet_questions(sheet, definition, locale, fallbacks))),
                labels=labels))
    return printed
