"""The administrator's pages: an account (create, edit, roles and scope, new password, deactivate, personal
data, anonymise) and the audit log. Accounts are found on the list of people (``people.index``)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TypeVar

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from course.admin.forms import NewPersonForm, PersonForm
from course.admin.services import anonymise, personal_data, save_account, set_active
from course.audit import events_query, record_event
from course.auth.services import AccountError, create_user, reset_password
from course.backup import BackupError, backups_dir, default_backup_name, list_backups, take_backup
from course.cohorts.blueprint import carry_out
from course.confirm import confirmation
from course.downloads import private_download
from course.extensions import db
from course.models.audit import AuditEvent
from course.models.user import Role, User, Velayat
from course.pagination import paginate_query
from course.permissions import Permission, require, velayat_scope
from course.room import room_url
from course.web import current_locale, live_catalogue

bp = Blueprint("admin", __name__, url_prefix="/admin")
#: Audit events on one page.
AUDIT_PER_PAGE = 50
T = TypeVar("T")


def _person(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None or user.merged_into_id is not None:
        abort(404)
    return user


def _fill(form: PersonForm, user: User) -> None:
    """The form as the account stands (a GET)."""
    form.fill(user)
    form.roles.data = sorted(role.value for role in user.roles)
    form.scope.data = sorted(velayat_scope(user) or ())


def _save(form: PersonForm, user: User) -> User:
    save_account(user, form.profile(), {Role(value) for value in form.roles.data},
                 {Velayat(value) for value in form.scope.data}, actor_id=current_user.id)
    return user


def _saved(form: PersonForm, change: Callable[[], T], default_field: str) -> T | None:
    """``change``'s result, committed; or None when the account service refused it: nothing is kept, and the
    refusal stands beside the field it concerns (the email, the roles) or beside ``default_field``."""
    try:
        result = change()
    except AccountError as problem:
        db.session.rollback()
        getattr(form, problem.field or default_field).errors.append(str(problem))
        return None
    db.session.commit()
    return result


def _slip(user: User, password: str):
    return render_template("admin/slip.html", person=user, password=password,
                           sign_in_url=room_url("auth.login").url)


@bp.route("/people/new", methods=["GET", "POST"])
@require(Permission.MANAGE_USERS)
def new_person():
    form = NewPersonForm()
    if request.method == "GET":
        form.roles.data, form.gender.data = [Role.LEARNER.value], "not_stated"

    def create() -> tuple[User, str]:
        user, password = create_user(form.username.data, {Role(value) for value in form.roles.data},
                                     full_name=form.full_name.data, actor_id=current_user.id)
        return _save(form, user), password

    if form.validate_on_submit() and (created := _saved(form, create, "username")):
        return _slip(*created)
    return render_template("admin/person.html", form=form, person=None)


@bp.route("/people/<int:user_id>", methods=["GET", "POST"])
@require(Permission.MANAGE_USERS)
def person(user_id: int):
    user = _person(user_id)
    form = PersonForm()
    if request.method == "GET":
        _fill(form, user)
    elif form.validate_on_submit() and _saved(form, lambda: _save(form, user), "full_name"):
        flash(_("The account of %(name)s is saved.", name=user.display_name), "success")
        return redirect(url_for("admin.person", user_id=user.id))
    return render_template("admin/person.html", form=form, person=user,
                           events=list(db.session.scalars(events_query(user.username).limit(10))))


@bp.route("/people/<int:user_id>/password", methods=["POST"])
@require(Permission.MANAGE_USERS)
def new_password(user_id: int):
    """A one-time password on a printable slip; the person chooses their own at the next sign-in, and every
    session they have ends now."""
    user = _person(user_id)
    password = reset_password(user, actor_id=current_user.id)
    db.session.commit()
    return _slip(user, password)


@bp.route("/people/<int:user_id>/active", methods=["POST"])
@require(Permission.MANAGE_USERS)
def active(user_id: int):
    user = _person(user_id)
    activating = request.form.get("active") == "1"
    if not activating and user.active and user.id != current_user.id and (asked := confirmation(
            _("Deactivate the account of %(name)s?", name=user.display_name),
            lost=[_("%(name)s is signed out everywhere at once and can no longer sign in.", name=user.display_name)],
            kept=[_("Their records: enrolments, results, attendance, certificates, cohorts they trained. Reports "
                    "keep counting them, marked as deactivated.")],
            undo=_("An administrator can reactivate the account at any time."),
            button=_("Deactivate the account"), cancel_url=url_for("admin.person", user_id=user.id))):
        return asked

    def change() -> str:
        set_active(user, activating, actor_id=current_user.id)
        return (_("%(name)s can sign in again.", name=user.display_name) if activating
                else _("%(name)s is deactivated.", name=user.display_name))

    carry_out(change)
    return redirect(url_for("admin.person", user_id=user.id))


@bp.route("/people/<int:user_id>/data.json")
@require(Permission.MANAGE_USERS)
def data(user_id: int):
    """Everything held about the person, for a data subject request; the export itself is audited."""
    user = _person(user_id)
    body = json.dumps(personal_data(user), ensure_ascii=False, indent=2, default=str)
    record_event("user.export_data", user.username, actor_id=current_user.id)
    db.session.commit()
    return private_download(body, f"personal-data-{user.id}.json", "application/json; charset=utf-8")


@bp.route("/people/<int:user_id>/anonymise", methods=["POST"])
@require(Permission.MANAGE_USERS)
def anonymise_person(user_id: int):
    user = _person(user_id)
    if user.id != current_user.id and (asked := confirmation(
            _("Anonymise %(name)s?", name=user.display_name),
            lost=[_("Their name, username, e-mail address and position are removed for good, and the account can "
                    "no longer be used."),
                  _("Their certificates show an anonymised holder; the verification page still says whether each "
                    "is valid.")],
            kept=[_("Their results, attendance and enrolments, without their name, for the programme's figures "
                    "(agency, velayat and gender stay)."),
                  _("Download their personal data first if they asked for it.")],
            undo=_("This cannot be undone."), button=_("Anonymise"),
            cancel_url=url_for("admin.person", user_id=user.id))):
        return asked

    def forget() -> str:
        anonymise(user, actor_id=current_user.id)
        return _("The account is anonymised.")

    return redirect(url_for("people.index") if carry_out(forget) else url_for("admin.person", user_id=user.id))


@bp.route("/audit")
@require(Permission.MANAGE_USERS)
def audit():
    who, action = request.args.get("who", "")[:64], request.args.get("action", "")[:64]
    page = paginate_query(events_query(who, action), per_page=AUDIT_PER_PAGE)
    actors = {user.id: user.username for user in db.session.scalars(
        select(User).where(User.id.in_({event.actor_id for event in page.items if event.actor_id})))}
    actions = sorted(db.session.scalars(select(AuditEvent.action).distinct()))
    return render_template("admin/audit.html", page=page, events=page.items, actors=actors, who=who,
                           action=action, actions=actions)


@bp.route("/backups")
@require(Permission.MANAGE_USERS)
def backups():
    """The installation's backups: made now with a button, downloaded to a USB stick or another computer."""
    return render_template("admin/backups.html",
                           backups=[(path.name, path.stat().st_size / 1e6) for path in list_backups()])


@bp.route("/backups", methods=["POST"])
@require(Permission.MANAGE_USERS)
def make_backup():
    out = backups_dir() / default_backup_name()
    try:
        manifest = take_backup(out)
    except BackupError as problem:
        flash(_("The backup failed: %(problem)s", problem=str(problem)), "error")
    else:
        record_event("backup.create", out.name, actor_id=current_user.id, schema=manifest.schema_revision)
        db.session.commit()
        flash(_("Backup %(name)s is ready: download it and keep it off this computer.", name=out.name), "success")
    return redirect(url_for("admin.backups"))


@bp.route("/backups/<name>")
@require(Permission.MANAGE_USERS)
def download_backup(name: str):
    """One backup file, by its name in the backups folder (nothing else can be named)."""
    found = {path.name: path for path in list_backups()}.get(name) or abort(404)
    record_event("backup.download", name, actor_id=current_user.id)
    db.session.commit()
    response = send_file(found, mimetype="application/zip", as_attachment=True, download_name=name)
    response.headers["Cache-Control"] = "no-store"
    return response


#: The question files an administrator downloads: format, suffix and MIME type.
QUESTION_FILES = {
    "gift": ("gift", "text/plain; charset=utf-8"),
    "moodle-xml": ("xml", "application/xml"),
    "qti3": ("zip", "application/zip"),
    "spreadsheet": ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}


@bp.route("/questions")
@require(Permission.SYNC_CONTENT)
def questions():
    """The question bank out (GIFT, Moodle XML, spreadsheet) and the spreadsheet template in."""
    return render_template("admin/questions.html",
                           import_command="course questions import bank.xlsx --quiz-id new-check --title en=… "
                                          "--title ru=… --module … --cite …")


@bp.route("/questions/<any(template, bank):what>.<any('gift', 'moodle-xml', 'qti3', 'spreadsheet'):file_format>")
@require(Permission.SYNC_CONTENT)
def download_questions(what: str, file_format: str):
    """The whole live bank in a format, or the spreadsheet template (a real question of each type); the bank
    holds every answer key, so each download is in the audit log. A QTI package, of one language, is in the
    administrator's where the course has it."""
    from course.questions.exporting import export_questions, template_questions  # noqa: PLC0415
    from course.questions.spreadsheet import write_spreadsheet  # noqa: PLC0415

    catalogue = live_catalogue()
    if what == "template" and file_format != "spreadsheet":
        abort(404)
    languages = catalogue.course["languages"]
    if what == "template":
        data, _notes = write_spreadsheet(template_questions(sorted(catalogue.quizzes)), languages)
    else:
        locale = current_locale()
        data, _notes = export_questions(sorted(catalogue.quizzes), file_format, languages,
                                        locale if locale in languages else None)
    record_event("questions.export", what, actor_id=current_user.id, format=file_format)
    db.session.commit()
    suffix, mimetype = QUESTION_FILES[file_format]
    return private_download(data, f"questions-{what}.{suffix}", mimetype)
