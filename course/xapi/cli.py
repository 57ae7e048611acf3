"""``course export-xapi``: every cohort's learning records as xAPI statements, for a learning record store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

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
    written = 0

    def counted() -> Iterator[dict[str, Any]]:
        nonlocal written
        for statement in learning_statements(select(Cohort.id), catalogue, home):
            written += 1
            yield statement

    partial = out.with_name(out.name + ".partial")
    with partial.open("w", encoding="utf-8") as file:
        file.writelines(json_array(counted()))
    partial.replace(out)  # a reader never sees half a file
    record_event("report.export", "learning-records", format="xapi", statements=written)
    db.session.commit()
    click.echo(f"{written} statement(s) written to {out}.")
