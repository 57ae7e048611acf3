"""The ``course`` command: a thin layer over the services.

Each command parses its arguments, calls services, commits once and prints
what happened. Exit status 1 means nothing was changed.
"""

from __future__ import annotations

import sys
from datetime import timedelta
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select, text

from course.account.services import profile_of, update_profile
from course.admin.services import set_active, set_scope
from course.auth.services import create_user, find_user, reset_password, set_roles
from course.backup import BackupError, backup_before_upgrade
from course.cascade.promotion import grant_master_trainer
from course.certificates.services import issue_due
from course.cli_refusals import fail, refusals_fail
from course.cohorts.services import CohortDetails, create_cohort, enrol_in_cohort
from course.content.coverage import language_coverage
from course.content.loader import load_content
from course.content.problems import ContentInvalid
from course.content.sync import sync_content
from course.days import today as local_today
from course.demo_data import MIN_LEARNERS, generate_demo_data
from course.domain import DomainError
from course.extensions import db
from course.learn.enrolment import enrol
from course.learn.queries import Catalogue, load_catalogue
from course.models.cohort import Cohort
from course.models.user import Agency, Gender, Role, User, Velayat
from course.quiz.attempts import expire_overdue
from course.summary import refresh_everyone, summaries_missing
from course.sync.cli import (
    join_from_file,
    sync_export_command,
    sync_import_command,
    sync_pull_command,
    sync_push_command,
)
from course.sync.device import this_device

ROLE_CHOICE = click.Choice([role.value for role in Role])

#: The demo population: a coordinator, a legal reviewer, a trainer and two learners. The trainer
#: is enrolled in every track; learners in the cascade track (or the first one).
DEMO_ACCOUNTS = [
    ("coordinator", "Demo Coordinator", {Role.COORDINATOR}, False),
    ("reviewer", "Demo Legal Reviewer", {Role.LEGAL_REVIEWER}, False),
    ("trainer", "Demo Trainer", {Role.TRAINER, Role.LEARNER}, True),
    ("learner1", "Aýna Durdyýewa", {Role.LEARNER}, True),
    ("learner2", "Иван Петров", {Role.LEARNER}, True),
]
LEARNER_DEMO_TRACK = "cascade"
DEMO_COHORT = "Demo cohort"


def _live_catalogue() -> Catalogue:
    catalogue = load_catalogue()
    if catalogue is None:
        raise DomainError("No course is loaded yet; run 'course sync' first.")
    return catalogue


def _content_dir(option: str | None) -> Path:
    return Path(option) if option else Path(current_app.config["CONTENT_DIR"])


def _print_problems(problems) -> None:
    for problem in problems:
        click.echo(str(problem))
    files = len({problem.path for problem in problems})
    click.secho(f"{len(problems)} problem(s) in {files} file(s); nothing was loaded.", fg="red", err=True)


def _print_warnings(warnings) -> None:
    for warning in warnings:
        click.echo(f"warning: {warning}")
    if warnings:
        click.secho(f"{len(warnings)} warning(s): content that cites a superseded edition of a provision.",
                    fg="yellow", err=True)


def _read_password_from_stdin() -> str:
    password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        fail("No password on standard input.")
    return password


@click.command("validate")
@click.option("--content-dir", type=click.Path(file_okay=False), help="Folder holding modules/ and quizzes/.")
@click.option("--languages", is_flag=True, help="Also report, per language, which texts are missing.")
@with_appcontext
def validate_command(content_dir: str | None, languages: bool) -> None:
    """Check modules/ and quizzes/; list every problem; exit 1 if there is any."""
    result = load_content(_content_dir(content_dir))
    _print_warnings(result.warnings)
    if result.problems:
        _print_problems(result.problems)
        sys.exit(1)
    bundle = result.bundle
    click.secho(
        f"Content is valid: {len(bundle.modules)} module(s), {len(bundle.quizzes)} quiz(zes), "
        f"{len(bundle.sources.sources)} source(s).",
        fg="green",
    )
    if languages:
        _print_language_coverage(bundle)


def _print_language_coverage(bundle) -> None:
    required = set(bundle.course.required_languages)
    for report in language_coverage(bundle):
        status = "required" if report.language in required else "optional"
        line = f"{report.language}: {report.present} of {report.total} texts ({report.percent}%), {status}"
        if report.drafts:
            line += f"; draft translation in: {', '.join(report.drafts)}"
        click.echo(line)
        for entry in report.missing:
            click.echo(f"  missing {entry}")


def _sync(content_dir: Path) -> None:
    try:
        report = sync_content(content_dir)
    except ContentInvalid as exc:
        db.session.rollback()
        _print_problems(exc.problems)
        sys.exit(1)
    db.session.commit()
    if not report.changed:
        click.echo(f"Content unchanged ({report.unchanged} item(s)).")
        return
    # Completion depends on the content (a module's sections, a track's quizzes): recount everyone's standing.
    refresh_everyone()
    db.session.commit()
    for label, items in (("new", report.created), ("new version", report.updated), ("moved", report.moved),
                         ("retired", report.retired)):
        for item in items:
            click.echo(f"  {label}: {item}")
    click.secho(f"Content synced: {len(report.created)} new, {len(report.updated)} changed, "
                f"{len(report.moved)} moved, {len(report.retired)} retired, {report.unchanged} unchanged.",
                fg="green")


@click.group("sync", invoke_without_command=True)
@click.option("--content-dir", type=click.Path(file_okay=False), help="Folder holding modules/ and quizzes/.")
@click.pass_context
@with_appcontext
def sync_command(context: click.Context, content_dir: str | None) -> None:
    """Load the content into the database (all or nothing); 'sync export|import' (a file) and 'sync push|pull' (over
    HTTPS) move a field laptop's records to the central server and the centre's bundle to the laptop."""
    if context.invoked_subcommand is None:
        if content_dir is None and _content_from_centre():
            fail("This laptop takes its course content from the central server ('course sync pull', or the "
                 "centre's bundle with 'course sync import'); loading the files here would replace it. Give "
                 "--content-dir to load files anyway.")
        _sync(_content_dir(content_dir))


def _content_from_centre() -> bool:
    """A field device has content from the central server once it has applied one of its bundles."""
    device = this_device()
    return device is not None and device.pulled_sequence > 0


sync_command.add_command(sync_export_command)
sync_command.add_command(sync_import_command)
sync_command.add_command(sync_push_command)
sync_command.add_command(sync_pull_command)


@click.command("init")
@click.option("--demo", is_flag=True, help="Also create demo accounts and print their passwords.")
@click.option("--device", "enrolment", type=click.Path(exists=True, dir_okay=False),
              help="Make this installation a field laptop of the central server (its enrolment file); the content "
                   "and the staff accounts come from the centre.")
@with_appcontext
def init_command(demo: bool, enrolment: str | None) -> None:
    """Create or upgrade the database, sync the content, optionally add demo accounts or join as a field laptop."""
    if demo and current_app.config["ENV_NAME"] == "production":
        fail("Demo accounts are not created when COURSE_ENV=production.")
    if demo and enrolment:
        fail("A field laptop takes its accounts from the central server: --demo and --device do not go together.")
    from flask_migrate import upgrade  # noqa: PLC0415  (Alembic is imported only where it is used)

    try:
        if kept := backup_before_upgrade(current_app.config["BACKUPS_KEPT"]):
            click.echo(f"Backup before the upgrade: {kept}")
    except BackupError as problem:
        fail(f"The database was not upgraded: the backup before it failed. {problem}")
    upgrade(directory=current_app.extensions["migrate"].directory)
    click.echo("Database is up to date.")
    compile_code(Path(__file__).resolve().parent)
    if enrolment:
        join_from_file(Path(enrolment))
    elif _content_from_centre():
        click.echo("Course content: as the central server last sent it ('course sync pull' brings new versions).")
    else:
        _sync(Path(current_app.config["CONTENT_DIR"]))
    if summaries_missing():
        click.echo(f"Progress summaries counted for the reports: {refresh_everyone()} row(s).")
        db.session.commit()
    if demo:
        _create_demo_accounts()


def compile_code(package: Path) -> bool:
    """Compile the application's modules to bytecode now, at installation and upgrade, as their owner.

    A server whose checkout the service may not write (``ProtectSystem=strict`` in deploy/cascade.service), or
    that runs with PYTHONDONTWRITEBYTECODE, cannot keep the compiled modules itself and compiled every one of
    them on every start: 0.12 s of each cold start (measured, bench/RESULTS.md). Modules already compiled are
    skipped. A folder this user cannot write is reported, not fatal: the server then compiles as before."""
    import compileall  # noqa: PLC0415

    compiled = compileall.compile_dir(package, quiet=2)
    if not compiled:
        click.echo(f"The code in {package} could not all be compiled to bytecode: each start will compile it.",
                   err=True)
    return compiled


def _create_demo_accounts() -> None:
    rows = []
    catalogue = load_catalogue()
    course = catalogue.course
    all_tracks = [track["id"] for track in course["tracks"]]
    learner_tracks = [LEARNER_DEMO_TRACK] if LEARNER_DEMO_TRACK in all_tracks else all_tracks[:1]
    users = {}
    for username, full_name, roles, enrolled in DEMO_ACCOUNTS:
        user = find_user(username)
        if user is None:
            user, password = create_user(username, roles, full_name=full_name)
        else:
            password = reset_password(user)
        # Demo accounts skip the forced change so a demonstration can start at once.
        user.must_change_password = False
        if enrolled and Role.TRAINER in roles:
            for track_id in all_tracks:
                enrol(user, catalogue, track_id)
        users[username] = (user, enrolled and Role.TRAINER not in roles)
        rows.append((username, password, ", ".join(sorted(roles))))
    # The demo trainer is a master trainer who runs a cohort the demo learners belong to.
    trainer = users["trainer"][0]
    grant_master_trainer(trainer, actor_id=None)
    cohort = db.session.scalar(select(Cohort).where(Cohort.name == DEMO_COHORT))
    if cohort is None:
        today = local_today()
        details = CohortDetails(name=DEMO_COHORT, track_id=learner_tracks[0], language=course["default_language"],
                                velayat=Velayat.ASHGABAT, starts_on=today, ends_on=today + timedelta(days=3),
                                city="Ashgabat")
        cohort = create_cohort(details, catalogue, lead=trainer, actor=trainer)
    for user, is_learner in users.values():
        if is_learner:
            enrol_in_cohort(user, cohort)
    db.session.commit()
    click.echo("\nDemo accounts (passwords are new on every 'course init --demo'):")
    for username, password, roles in rows:
        click.echo(f"  {username:<12} {password:<16} {roles}")
    click.echo(f"\nDemo cohort '{cohort.name}', led by the demo trainer; its join code is {cohort.join_code}.")


@click.command("expire-attempts")
@with_appcontext
def expire_attempts_command() -> None:
    """Submit every quiz attempt whose time limit has run out (run it from cron on a server)."""
    count = expire_overdue()
    db.session.commit()
    click.echo(f"{count} overdue attempt(s) submitted.")


@click.command("issue-due-certificates")
@with_appcontext
def issue_due_certificates_command() -> None:
    """Issue the automatic certificates that waited for their cohort's last day (run it daily from cron)."""
    issued = issue_due(_live_catalogue())
    db.session.commit()
    click.echo(f"{len(issued)} certificate(s) issued.")


@click.command("refresh-summaries")
@with_appcontext
def refresh_summaries_command() -> None:
    """Recount every learner's progress summary (reports read these); after an upgrade or a manual data fix."""
    rows = refresh_everyone()
    db.session.commit()
    click.echo(f"{rows} summary row(s) written.")


@click.command("demo-data")
@click.option("--learners", required=True, type=click.IntRange(min=MIN_LEARNERS),
              help="How many learners to generate (10000 makes about 400 cohorts).")
@click.option("--seed", type=int, default=None, help="Same seed, same population; random when left out.")
@with_appcontext
def demo_data_command(learners: int, seed: int | None) -> None:
    """Add a generated population (cohorts, trainers, progress, attempts, certificates) for demos and benchmarks."""
    if current_app.config["ENV_NAME"] == "production":
        fail("Demo data is not generated when COURSE_ENV=production.")
    with refusals_fail():
        summary = generate_demo_data(learners, seed=seed)
    db.session.commit()
    # The planner needs statistics for tables that just grew by thousands of rows (PostgreSQL chose a
    # 17-second plan for the coordinator dashboard without them).
    db.session.execute(text("ANALYZE"))
    db.session.commit()
    for line in summary.lines():
        click.echo(line)


@click.group("user")
def user_group() -> None:
    """Manage accounts."""


def _existing_user(username: str) -> User:
    user = find_user(username)
    if user is None:
        fail(f"No user named {username!r}.")
    return user


@user_group.command("add")
@click.argument("username")
@click.option("--role", "roles", multiple=True, required=True, type=ROLE_CHOICE, help="Repeat for several roles.")
@click.option("--full-name", default="")
@click.option("--email", default=None)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input (else one is generated).")
@click.option("--track", "tracks", multiple=True, help="Enrol in this track of the course (repeatable).")
@with_appcontext
def user_add(username, roles, full_name, email, password_stdin, tracks) -> None:
    """Create an account; it must change its password at first sign-in."""
    password = _read_password_from_stdin() if password_stdin else None
    with refusals_fail():
        user, generated = create_user(username, {Role(r) for r in roles}, full_name=full_name, email=email,
                                      password=password)
        if tracks:
            catalogue = _live_catalogue()
            for track_id in tracks:
                enrol(user, catalogue, track_id)
    db.session.commit()
    click.echo(f"Created {user.username} ({', '.join(sorted(roles))}).")
    if generated:
        click.echo(f"One-time password: {generated}")


@user_group.command("set-role")
@click.argument("username")
@click.option("--role", "roles", multiple=True, required=True, type=ROLE_CHOICE,
              help="The complete set of roles; repeat for several.")
@with_appcontext
def user_set_role(username, roles) -> None:
    """Replace a user's roles."""
    user = _existing_user(username)
    with refusals_fail():
        set_roles(user, {Role(r) for r in roles})
    db.session.commit()
    click.echo(f"{user.username} now has: {', '.join(sorted(user.roles))}.")


@user_group.command("reset-password")
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="Read the new password from standard input.")
@with_appcontext
def user_reset_password(username, password_stdin) -> None:
    """Set a new password that the user must change at next sign-in."""
    user = _existing_user(username)
    password = _read_password_from_stdin() if password_stdin else None
    with refusals_fail():
        generated = reset_password(user, password=password)
    db.session.commit()
    click.echo(f"Password of {user.username} reset; it must be changed at next sign-in.")
    if generated:
        click.echo(f"One-time password: {generated}")


@user_group.command("enrol")
@click.argument("username")
@click.option("--track", "tracks", multiple=True, required=True, help="Track id from course.yaml (repeatable).")
@with_appcontext
def user_enrol(username, tracks) -> None:
    """Enrol a user in tracks of the course."""
    user = _existing_user(username)
    with refusals_fail():
        catalogue = _live_catalogue()
        for track_id in tracks:
            enrol(user, catalogue, track_id)
    db.session.commit()
    click.echo(f"{user.username} is enrolled in: {', '.join(tracks)}.")


@user_group.command("make-master-trainer")
@click.argument("username")
@with_appcontext
def user_make_master_trainer(username) -> None:
    """Give a user the trainer role as a master trainer (generation 0 of the cascade)."""
    user = _existing_user(username)
    grant_master_trainer(user, actor_id=None)
    db.session.commit()
    click.echo(f"{user.username} is a master trainer.")


@user_group.command("set-scope")
@click.argument("username")
@click.option("--velayat", "velayats", multiple=True, type=click.Choice([v.value for v in Velayat]),
              help="A velayat the coordinator is responsible for (repeat it for several).")
@click.option("--national", is_flag=True, help="Remove every limit: the coordinator sees the whole country.")
@with_appcontext
def user_set_scope(username, velayats, national) -> None:
    """Limit a coordinator's reports, cohorts and certificates to some velayats, or make them national."""
    user = _existing_user(username)
    if Role.COORDINATOR not in user.roles:
        fail(f"{user.username} is not a coordinator.")
    if bool(velayats) == national:
        fail("Give one or more --velayat, or --national.")
    set_scope(user, {Velayat(v) for v in velayats}, actor_id=None)
    db.session.commit()
    click.echo(f"{user.username} sees {', '.join(sorted(set(velayats))) if velayats else 'every velayat'}.")


@user_group.command("edit")
@click.argument("username")
@click.option("--full-name", help="The name as certificates print it.")
@click.option("--email", help="An e-mail address; an empty value removes it.")
@click.option("--agency", type=click.Choice(["", *(a.value for a in Agency)]))
@click.option("--position")
@click.option("--gender", type=click.Choice([g.value for g in Gender]))
@click.option("--velayat", type=click.Choice(["", *(v.value for v in Velayat)]))
@with_appcontext
def user_edit(username, **changes) -> None:
    """Correct a person's name or profile (what is not given stays as it is)."""
    user = _existing_user(username)
    wanted = {**profile_of(user), **{key: value for key, value in changes.items() if value is not None}}
    if not wanted["full_name"].strip():
        fail("A full name cannot be empty.")
    with refusals_fail():
        update_profile(user, actor_id=None, **wanted)
    db.session.commit()
    click.echo(f"{user.username} is saved: {user.full_name}.")


@user_group.command("deactivate")
@click.argument("username")
@with_appcontext
def user_deactivate(username) -> None:
    """Sign a person out everywhere and stop them signing in; their records stay."""
    _set_active(username, active=False)


@user_group.command("reactivate")
@click.argument("username")
@with_appcontext
def user_reactivate(username) -> None:
    """Let a deactivated person sign in again."""
    _set_active(username, active=True)


def _set_active(username: str, *, active: bool) -> None:
    user = _existing_user(username)
    with refusals_fail():
        set_active(user, active, actor_id=None)
    db.session.commit()
    click.echo(f"{user.username} can sign in again." if active else f"{user.username} is deactivated.")


@user_group.command("list")
@with_appcontext
def user_list() -> None:
    """List accounts with their roles."""
    users = db.session.scalars(select(User).order_by(User.username)).all()
    click.echo(f"{'username':<20} {'full name':<30} {'roles':<30} password")
    for user in users:
        state = "must change" if user.must_change_password else "set"
        click.echo(f"{user.username:<20} {user.full_name[:30]:<30} {', '.join(sorted(user.roles)):<30} {state}")
