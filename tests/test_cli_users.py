"""``course user ...`` and ``course init``: accounts from the command line, audited."""

from __future__ import annotations

import re

from sqlalchemy import select

from course.extensions import db
from course.models.audit import AuditEvent
from course.models.enrolment import Enrolment
from course.models.user import Role, User
from tests.conftest import sign_in


def user(username: str) -> User:
    db.session.expire_all()
    return db.session.scalar(select(User).where(User.username == username))


def audit_actions() -> list[tuple[str, str]]:
    return [(e.action, e.target) for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]


def test_user_add_generates_a_one_time_password_that_must_be_changed(runner, client, synced):
    result = runner.invoke(args=["user", "add", "Ogulgerek", "--role", "learner", "--full-name", "Ogulgerek A.",
                                 "--track", "full"])
    assert result.exit_code == 0, result.output
    password = re.search(r"One-time password: (\S+)", result.output).group(1)
    created = user("ogulgerek")
    assert created.full_name == "Ogulgerek A."
    assert created.roles == {Role.LEARNER}
    assert created.must_change_password is True
    assert db.session.scalar(select(Enrolment.track_id).where(Enrolment.user_id == created.id)) == "full"
    assert ("user.create", "ogulgerek") in audit_actions()
    assert sign_in(client, "ogulgerek", password).headers["Location"] == "/account/password"


def test_user_add_reads_the_password_from_stdin(runner, client, app):
    result = runner.invoke(args=["user", "add", "merdan", "--role", "trainer", "--role", "learner",
                                 "--password-stdin"], input="a long enough password\n")
    assert result.exit_code == 0, result.output
    assert "One-time password" not in result.output
    assert user("merdan").roles == {Role.TRAINER, Role.LEARNER}
    assert sign_in(client, "merdan", "a long enough password").status_code == 302


def test_user_add_refuses_bad_input_and_writes_nothing(runner, synced, make_user):
    make_user("taken")
    cases = [
        (["user", "add", "taken", "--role", "learner"], "already taken"),
        (["user", "add", "bad name!", "--role", "learner"], "A username has 2 to 64 characters"),
        (["user", "add", "newbie", "--role", "learner", "--password-stdin"], "Use at least 10 characters."),
        (["user", "add", "newbie", "--role", "wizard"], "Invalid value for '--role'"),
        (["user", "add", "newbie", "--role", "learner", "--track", "nope"], "The course has no track nope."),
    ]
    for args, message in cases:
        result = runner.invoke(args=args, input="short\n")
        assert result.exit_code != 0, args
        assert message in result.output, (args, result.output)
    assert user("newbie") is None
    assert [a for a in audit_actions() if a[1] == "newbie"] == []


def test_set_role_replaces_roles_and_is_audited(runner, app, make_user):
    make_user("ana", roles={Role.LEARNER})
    result = runner.invoke(args=["user", "set-role", "ana", "--role", "trainer", "--role", "learner"])
    assert result.exit_code == 0, result.output
    assert user("ana").roles == {Role.TRAINER, Role.LEARNER}
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.set_roles"))
    assert event.details == {"before": ["learner"], "after": ["learner", "trainer"]}
    assert runner.invoke(args=["user", "set-role", "ghost", "--role", "learner"]).exit_code == 1


def test_reset_password_forces_a_change_and_ends_sessions(runner, app, client, make_user, login):
    make_user("ana")
    login("ana")
    result = runner.invoke(args=["user", "reset-password", "ana"])
    assert result.exit_code == 0, result.output
    password = re.search(r"One-time password: (\S+)", result.output).group(1)
    assert client.get("/").headers["Location"].startswith("/login")
    assert user("ana").must_change_password is True
    assert sign_in(client, "ana", password).headers["Location"] == "/account/password"
    assert ("user.reset_password", "ana") in audit_actions()


def test_user_list_shows_roles_and_password_state(runner, app, make_user):
    make_user("ana", roles={Role.LEARNER, Role.TRAINER}, full_name="Ana Tester", must_change_password=True)
    result = runner.invoke(args=["user", "list"])
    assert re.search(r"^ana\s+Ana Tester\s+learner, trainer\s+must change$", result.output, re.M), result.output


def test_enrol_adds_tracks_once(runner, synced, make_user):
    make_user("ana")
    for _ in range(2):
        assert runner.invoke(args=["user", "enrol", "ana", "--track", "short"]).exit_code == 0
    assert db.session.scalars(select(Enrolment.track_id)).all() == ["short"]


def test_init_demo_creates_the_demo_accounts_and_can_run_again(empty_database_app):
    runner = empty_database_app.test_cli_runner()
    first = runner.invoke(args=["init", "--demo"])
    assert first.exit_code == 0, first.output
    for username in ("coordinator", "reviewer", "trainer", "learner1", "learner2"):
        assert re.search(rf"^  {username}\s+\S{{4}}-\S{{4}}-\S{{4}}\s", first.output, re.M), first.output
    assert "Database is up to date." in first.output
    assert user("coordinator").roles == {Role.COORDINATOR}
    assert user("reviewer").roles == {Role.LEGAL_REVIEWER}
    assert user("learner1").must_change_password is False
    password = re.search(r"^  learner1\s+(\S+)", first.output, re.M).group(1)
    assert sign_in(empty_database_app.test_client(), "learner1", password).headers["Location"] == "/"
    second = runner.invoke(args=["init", "--demo"])
    assert second.exit_code == 0, second.output
    assert "Content unchanged" in second.output
    assert db.session.scalar(select(db.func.count(User.id))) == 5
    # the demo learners are in the demo trainer's cohort, one generation below the master trainer
    from course.models.cohort import Cohort
    from course.models.enrolment import Enrolment

    assert len(db.session.scalars(select(Cohort)).all()) == 1
    learners = {user("learner1").id, user("learner2").id}
    rows = db.session.execute(select(Enrolment.user_id, Enrolment.generation).where(Enrolment.cohort_id.is_not(None)))
    assert {(uid, gen) for uid, gen in rows} == {(uid, 1) for uid in learners}
    assert "join code is" in second.output


def test_init_refuses_demo_accounts_in_production(runner, app):
    app.config["ENV_NAME"] = "production"
    result = runner.invoke(args=["init", "--demo"])
    assert result.exit_code == 1
    assert "not created when COURSE_ENV=production" in result.output


def test_serve_hands_the_app_to_waitress(runner, app, monkeypatch):
    import waitress

    calls = []
    monkeypatch.setattr(waitress, "serve", lambda wsgi, **options: calls.append((wsgi, options)))
    result = runner.invoke(args=["serve", "--host", "0.0.0.0", "--port", "8080"])
    assert result.exit_code == 0, result.output
    assert calls == [(app, {"host": "0.0.0.0", "port": 8080, "threads": 8})]
    assert runner.invoke(args=["serve", "--port", "0"]).exit_code == 2


def test_make_master_trainer_gives_the_role_and_generation_zero(runner, app, make_user):
    from course.models.cohort import TrainerStanding

    make_user("mergen")
    result = runner.invoke(args=["user", "make-master-trainer", "mergen"])
    assert result.exit_code == 0, result.output
    assert Role.TRAINER in user("mergen").roles
    assert db.session.scalar(select(TrainerStanding.generation)) == 0
    assert ("trainer.grant_master", "mergen") in audit_actions()
    assert runner.invoke(args=["user", "make-master-trainer", "ghost"]).exit_code == 1


def test_a_coordinator_is_limited_to_velayats_and_made_national_again(runner, synced, make_user):
    from course.models.scope import CoordinatorScope
    from course.models.user import Role
    from course.permissions import velayat_scope

    coordinator = make_user("coord", roles={Role.COORDINATOR})
    result = runner.invoke(args=["user", "set-scope", "coord", "--velayat", "mary", "--velayat", "lebap"])
    assert result.exit_code == 0, result.output
    assert velayat_scope(coordinator) == {"mary", "lebap"}
    assert runner.invoke(args=["user", "set-scope", "coord", "--national"]).exit_code == 0
    assert velayat_scope(coordinator) is None
    make_user("ana")
    refused = runner.invoke(args=["user", "set-scope", "ana", "--velayat", "mary"])
    assert refused.exit_code != 0 and "not a coordinator" in refused.output
    both = runner.invoke(args=["user", "set-scope", "coord", "--velayat", "mary", "--national"])
    assert both.exit_code != 0 and db.session.query(CoordinatorScope).count() == 0
