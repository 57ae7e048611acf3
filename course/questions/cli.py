"""``course questions import`` and ``course questions export``."""

from __future__ import annotations

import re
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from course.cli_refusals import fail

#: The formats, named here so that the parsers and writers load only when a command runs (not at every start).
IMPORT_FORMATS = ("aiken", "gift", "moodle-xml", "qti3", "spreadsheet")
EXPORT_FORMATS = ("gift", "moodle-xml", "qti3", "spreadsheet")

_PAIR = re.compile(r"^([a-z]{2})=(.+)$", re.DOTALL)


def _pairs(values: tuple[str, ...], what: str) -> dict[str, str]:
    found = {}
    for value in values:
        match = _PAIR.match(value)
        if not match:
            fail(f"{what} is given as LANGUAGE=VALUE (en=..., ru=...), not '{value}'.")
        found[match.group(1)] = match.group(2)
    return found


@click.group("questions")
def questions_group() -> None:
    """Questions in and out: GIFT, Aiken, Moodle XML and the question spreadsheet."""


@questions_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--quiz-id", required=True, help="The new quiz's id (its file is quizzes/ID.yaml).")
@click.option("--title", "titles", multiple=True, required=True, help="The quiz's title: en=..., ru=... (repeat).")
@click.option("--kind", default="module_check", show_default=True,
              type=click.Choice(["module_check", "case_study", "pre_test", "post_test", "final"]))
@click.option("--module", help="The module the quiz checks.")
@click.option("--cite", "citations", multiple=True, help="A source id (modules/sources.yaml) every question cites.")
@click.option("--language", default="en", show_default=True, help="The language of the file's plain texts.")
@click.option("--translation", "translations", multiple=True,
              help="LANGUAGE=FILE: the same questions in another language, in the same order (repeat).")
@click.option("--format", "file_format", type=click.Choice(IMPORT_FORMATS),
              help="The file's format; by default from its suffix (.gift, .xml, .aiken, .txt, .xlsx, .zip).")
@click.option("--explanation", "explanations", multiple=True,
              help="LANGUAGE=TEXT: the explanation of the questions the file gives none (repeat per language).")
@click.option("--pass-mark", default=70, show_default=True, type=click.IntRange(0, 100))
@click.option("--replace", is_flag=True, help="Overwrite a quiz file of the same id.")
@with_appcontext
def import_command(file: Path, quiz_id: str, titles: tuple[str, ...], kind: str, module: str | None,
                   citations: tuple[str, ...], language: str, translations: tuple[str, ...],
                   file_format: str | None, explanations: tuple[str, ...], pass_mark: int, replace: bool) -> None:
    """Write quizzes/QUIZ_ID.yaml from FILE, once the whole content passes 'course validate' with it."""
    from course.questions.importing import ImportRefused, QuizOptions, import_questions  # noqa: PLC0415

    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", quiz_id):
        fail("--quiz-id takes lower-case letters, digits and hyphens.")
    options = QuizOptions(quiz_id=quiz_id, title=_pairs(titles, "--title"), kind=kind, module=module,
                          citations=list(citations), pass_mark=pass_mark,
                          explanation=_pairs(explanations, "--explanation") or None)
    others = {code: Path(path) for code, path in _pairs(translations, "--translation").items()}
    try:
        result = import_questions(file, Path(current_app.config["CONTENT_DIR"]), options, language=language,
                                  translations=others, file_format=file_format, replace=replace)
    except ImportRefused as refused:
        for problem in refused.problems:
            click.secho(str(problem), fg="red", err=True)
        fail(f"Nothing was written: {len(refused.problems)} problem(s).")
    for note in result.notes:
        click.echo(f"note: {note}")
    click.echo(f"Wrote {result.path} ({result.questions} question(s)). List it in its module.yaml, then run "
               "'course sync'.")


@questions_group.command("export")
@click.argument("quiz_ids", nargs=-1)
@click.option("--format", "file_format", required=True, type=click.Choice(EXPORT_FORMATS))
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--language", default=None, help="For qti3 (one language per package): the language of its texts; "
              "the course's first by default.")
@with_appcontext
def export_command(quiz_ids: tuple[str, ...], file_format: str, out: Path, language: str | None) -> None:
    """Write the live course's quizzes (all when none is named) as a GIFT, Moodle XML, QTI 3.0 package (zip) or
    spreadsheet file."""
    from course.learn.queries import load_catalogue  # noqa: PLC0415
    from course.questions.exporting import UnknownQuiz, export_questions  # noqa: PLC0415

    catalogue = load_catalogue()
    if catalogue is None:
        fail("No course is loaded yet; run 'course sync' first.")
    try:
        if language is not None and language not in catalogue.course["languages"]:
            fail(f"The course has no language '{language}'; it has {', '.join(catalogue.course['languages'])}.")
        data, notes = export_questions(list(quiz_ids) or sorted(catalogue.quizzes), file_format,
                                       catalogue.course["languages"], language)
    except UnknownQuiz as unknown:
        fail(f"No live quiz has the id '{unknown.args[0]}'.")
    out.write_bytes(data)
    for note in notes:
        click.echo(f"not carried: {note}")
    click.echo(f"Wrote {out}.")
