"""The ``course`` command: Flask's command group, with each of Cascade's commands imported when it is run.

The administration commands (``course.cli``) import nearly every module of the app; ``course serve`` needs few
of them, and a trainer's laptop starts that much sooner when it does not load the rest (bench/load.py, cold
start). ``app.cli`` is a group that knows every command by name and where it lives (click's "lazily loading
subcommands"); ``course --help`` imports them all to show their help.
"""

from __future__ import annotations

import sys

import click
from flask import Flask
from flask.cli import AppGroup, FlaskGroup

from course.gc_pause import collector_paused, pause_until_frozen
from course.lazy_views import imported

#: Every command: its name and the module and attribute it is defined as.
COMMANDS = {
    "init": "course.cli:init_command",
    "serve": "course.serve:serve_command",
    "backup": "course.backup_cli:backup_command",
    "restore": "course.backup_cli:restore_command",
    "user": "course.cli:user_group",
    "sync": "course.cli:sync_command",
    "validate": "course.cli:validate_command",
    "device": "course.sync.cli:device_group",
    "credential": "course.credentials.cli:credential_group",
    "expire-attempts": "course.cli:expire_attempts_command",
    "issue-due-certificates": "course.cli:issue_due_certificates_command",
    "refresh-summaries": "course.cli:refresh_summaries_command",
    "demo-data": "course.cli:demo_data_command",
    "export-xapi": "course.xapi.cli:export_xapi_command",
    "questions": "course.questions.cli:questions_group",
}

#: The commands ``course --help`` lists first, in the order the README teaches them; the rest follow by name.
FIRST_COMMANDS = ("init", "serve", "backup", "restore", "user", "sync", "validate", "device", "credential",
                  "expire-attempts", "issue-due-certificates", "refresh-summaries", "demo-data")


class LazyCommands(AppGroup):
    """``app.cli``: each command imported from where ``COMMANDS`` says, when it is asked for."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in COMMANDS and cmd_name not in self.commands:
            with collector_paused():  # the administration commands import most of the app (course.gc_pause)
                self.add_command(imported(COMMANDS[cmd_name]), cmd_name)
        return super().get_command(ctx, cmd_name)


def register(app: Flask) -> None:
    app.cli = LazyCommands(app.cli.name)


def _create_app(*_args) -> Flask:
    from course import create_app  # noqa: PLC0415  (the CLI imports the app lazily)

    return create_app()


class CascadeGroup(FlaskGroup):
    """Flask's command group, with Cascade's commands first and ``--version`` saying which Cascade this is."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        names = super().list_commands(ctx)
        return sorted(names, key=lambda name: (FIRST_COMMANDS.index(name) if name in FIRST_COMMANDS
                                               else len(FIRST_COMMANDS), name))


def _print_version(ctx: click.Context, _param, value: bool) -> None:
    """Cascade's version, and the content version of the database this installation uses (if it can be read)."""
    if not value or ctx.resilient_parsing:
        return
    from sqlalchemy.exc import OperationalError, ProgrammingError  # noqa: PLC0415  (only --version reads these)

    from course.learn.queries import load_catalogue  # noqa: PLC0415
    from course.version import cascade_version  # noqa: PLC0415

    click.echo(f"Cascade {cascade_version()}")
    try:
        with _create_app().app_context():
            catalogue = load_catalogue()
            click.echo(f"Content {catalogue.fingerprint[:12]} ({catalogue.course['id']})" if catalogue
                       else "Content: none loaded yet ('course init' loads it)")
    except (OperationalError, ProgrammingError):
        click.echo("Content: unknown (the database has no tables yet, or cannot be reached; 'course init')")
    ctx.exit()


cascade_command = CascadeGroup(
    create_app=_create_app,
    add_version_option=False,
    params=[click.Option(["--version"], is_flag=True, expose_value=False, is_eager=True, callback=_print_version,
                         help="Show Cascade's version and the content version, then exit.")],
    help="Cascade course engine. 'course init --demo' then 'course serve' to try it on this computer.",
)


def main() -> None:
    if sys.argv[1:2] == ["serve"]:
        pause_until_frozen()  # course.serve resumes the collector once the start is loaded (course.gc_pause)
    cascade_command()
