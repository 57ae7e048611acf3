"""``course export-xapi``: every cohort's learning records as xAPI statements, for a learning record store."""

from __future__ import annotations

import itertools
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from course.audit import record_event
from course.cli_refusals import fail
from course.extensions import db
from course.learn.queries import load_catalogue
from course.models.cohort import Cohort
from course.xapi.export import json_array, learning_statements


@click.command("export-xapi")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The JSON file to write (an array of statements).")
@with_appcontext
def export_xapi_command(out: Path) -> None:
    """Write every cohort's learning records as xAPI statements; exporting again gives the same statement ids."""
    home = current_app.config.get("BASE_URL")
    if not home:
        fail("Set COURSE_BASE_URL: the statements name people and activities under the programme's address.")
    catalogue = load_catalogue()
    if catalogue is None:
        fail("No course is loaded yet; run 'course sync' first.")
    counted = itertools.count()
    statements = (statement for statement in learning_statements(select(Cohort.id), catalogue, home)
                  if next(counted) >= 0)
    partial = out.with_name(out.name + ".partial")
    with partial.open("w", encoding="utf-8") as file:
        file.writelines(json_array(statements))
    partial.replace(out)  # a reader never sees half a file
    written = next(counted)
    record_event("report.export", "learning-records", format="xapi", statements=written)
    db.session.commit()
    click.echo(f"{written} statement(s) written to {out}.")
