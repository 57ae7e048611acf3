"""Backups and restores of a whole installation, on the database the suite runs on (SQLite, or PostgreSQL with
COURSE_TEST_DATABASE_URL): every row comes back equal, and a backup that cannot be trusted changes nothing."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import inspect, select, text

from course.auth.services import create_user
from course.backup import BACKUPS_DIR, backup_before_upgrade
from course.cohorts.services import CohortDetails, create_cohort, enrol_in_cohort
from course.extensions import db
from course.learn.queries import load_catalogue
from course.models.user import Role, User, Velayat
from tests.test_cascade import pass_quiz, read_everything


def table_rows() -> dict[str, list[tuple]]:
    """Every row of every table, as text, in a stable order: what "every row equal" compares."""
    db.session.remove()
    found = {}
    for name in sorted(inspect(db.engine).get_table_names()):
        rows = db.session.execute(text(f'SELECT * FROM "{name}"')).all()  # noqa: S608  (names from the database)
        found[name] = sorted(tuple(str(value) for value in row) for row in rows)
    return found


@pytest.fixture
def installation(empty_database_app, runner_for):
    """A migrated installation with people, a cohort, reading, attempts and a certificate."""
    app = empty_database_app
    runner = runner_for(app)
    assert runner.invoke(args=["init"]).exit_code == 0
    # The instance secret a real installation keeps (the suite's apps get theirs from their config).
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    (Path(app.instance_path) / "secret_key").write_text("the-installation's-own-secret-" + "s" * 40)
    catalogue = load_catalogue()
    lead, _ = create_user("lead", {Role.TRAINER}, password="a long enough password", full_name="Lead Trainer")
    ana, _ = create_user("ana", {Role.LEARNER}, password="a long enough password", full_name="Aýna Durdyýewa")
    from datetime import date  # noqa: PLC0415

    cohort = create_cohort(CohortDetails(name="Mary", track_id="short", language="ru", velayat=Velayat.MARY,
                                         starts_on=date(2026, 3, 1), ends_on=date(2026, 3, 2)),
                           catalogue, lead=lead, actor=lead)
    enrol_in_cohort(ana, cohort)
    db.session.commit()
    read_everything(ana, "short")
    pass_quiz(ana, "pre-test")
    from course.certificates.services import issue_if_automatic  # noqa: PLC0415

    issue_if_automatic([ana.id], catalogue)
    db.session.commit()
    return app, runner


@pytest.fixture
def runner_for():
    return lambda app: app.test_cli_runner()


def backup(runner, out: Path):
    result = runner.invoke(args=["backup", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return result


def test_a_backup_restores_every_row_over_a_changed_database(installation, tmp_path):
    app, runner = installation
    before = table_rows()
    assert before["certificates"] and before["section_reads"] and before["quiz_attempts"]
    out = tmp_path / "nightly.zip"
    assert "Backup written" in backup(runner, out).output
    manifest = json.loads(zipfile.ZipFile(out).read("manifest.json"))
    assert manifest["database"] == db.engine.dialect.name and manifest["schema_revision"]
    assert manifest["content_version"] and "instance/secret_key" in manifest["files"]

    create_user("intruder", {Role.LEARNER}, password="a long enough password")
    db.session.execute(text("DELETE FROM section_reads"))
    db.session.commit()
    refused = runner.invoke(args=["restore", str(out)])
    assert refused.exit_code == 1 and "already holds data" in refused.output
    assert db.session.scalar(select(User.id).where(User.username == "intruder"))  # nothing changed

    restored = runner.invoke(args=["restore", str(out), "--force"])
    assert restored.exit_code == 0, restored.output
    assert table_rows() == before


def test_a_backup_restores_on_a_fresh_installation_with_its_secret(installation, tmp_path):
    app, runner = installation
    before = table_rows()
    secret = (Path(app.instance_path) / "secret_key").read_text()
    out = tmp_path / "laptop.zip"
    backup(runner, out)
    # A fresh machine: an empty database and a new instance secret.
    db.session.remove()
    if db.engine.dialect.name == "postgresql":
        schema = db.session.execute(text("SELECT current_schema()")).scalar()
        db.session.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        db.session.execute(text(f'CREATE SCHEMA "{schema}"'))
        db.session.commit()
    else:
        db.engine.dispose()
        Path(db.engine.url.database).unlink()
    (Path(app.instance_path) / "secret_key").write_text("a-new-machine's-secret-" + "x" * 40)
    result = runner.invoke(args=["restore", str(out)])
    assert result.exit_code == 0, result.output
    assert table_rows() == before
    assert (Path(app.instance_path) / "secret_key").read_text() == secret
    replaced = list(Path(app.instance_path).glob("secret_key.replaced-*"))
    assert len(replaced) == 1  # the new machine's own secret is kept beside it, not lost


def _rewritten(source: Path, target: Path, change) -> Path:
    """A copy of a backup with ``change(name, body) -> body`` applied to each member."""
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w") as copy:
        for name in original.namelist():
            copy.writestr(name, change(name, original.read(name)))
    return target


def _manifest_with(**changes):
    def change(name, body):
        if name != "manifest.json":
            return body
        return json.dumps({**json.loads(body), **changes}).encode()
    return change


@pytest.mark.parametrize(("make_bad", "message"), [
    (lambda good, bad: bad.write_bytes(good.read_bytes()[: len(good.read_bytes()) // 2]),
     "is not a Cascade backup, or it is truncated"),
    (lambda good, bad: bad.write_bytes(b"not a zip at all"), "is not a Cascade backup, or it is truncated"),
    (lambda good, bad: _rewritten(good, bad, lambda name, body: body if name == "manifest.json"
                                  else body[:-10] + b"0123456789"), "does not match its checksum"),
    (lambda good, bad: _rewritten(good, bad, _manifest_with(schema_revision="9999")),
     "comes from a newer version of Cascade"),
    (lambda good, bad: _rewritten(good, bad, _manifest_with(format=7)), "this version of Cascade reads 1"),
    (lambda good, bad: zipfile.ZipFile(bad, "w").writestr("notes.txt", "hello"), "it has no manifest.json"),
])
def test_a_backup_that_cannot_be_trusted_is_refused_and_changes_nothing(installation, tmp_path, make_bad,
                                                                         message):
    app, runner = installation
    good, bad = tmp_path / "good.zip", tmp_path / "bad.zip"
    backup(runner, good)
    create_user("after_backup", {Role.LEARNER}, password="a long enough password")
    db.session.commit()
    before = table_rows()
    make_bad(good, bad)
    result = runner.invoke(args=["restore", str(bad), "--force"])
    assert result.exit_code == 1
    assert message in result.output, result.output
    assert table_rows() == before


def test_a_backup_of_the_other_kind_of_database_is_refused(installation, tmp_path):
    app, runner = installation
    good, bad = tmp_path / "good.zip", tmp_path / "other.zip"
    backup(runner, good)
    other = "postgresql" if db.engine.dialect.name == "sqlite" else "sqlite"
    _rewritten(good, bad, _manifest_with(database=other))
    result = runner.invoke(args=["restore", str(bad), "--force"])
    assert result.exit_code == 1 and f"holds a {other} database" in result.output


def test_a_backup_never_overwrites_a_file(installation, tmp_path):
    app, runner = installation
    out = tmp_path / "kept.zip"
    out.write_bytes(b"precious")
    result = runner.invoke(args=["backup", "--out", str(out)])
    assert result.exit_code == 1 and "exists already" in result.output
    assert out.read_bytes() == b"precious"


def test_init_backs_up_a_database_with_data_before_it_migrates_and_keeps_the_newest(empty_database_app, tmp_path):
    from flask_migrate import downgrade, upgrade  # noqa: PLC0415

    app = empty_database_app
    directory = app.extensions["migrate"].directory
    runner = app.test_cli_runner()
    assert runner.invoke(args=["init"]).exit_code == 0
    assert backup_before_upgrade(keep=2) is None  # at head: nothing to protect against
    create_user("ana", {Role.LEARNER}, password="a long enough password")
    db.session.commit()
    folder = Path(app.instance_path) / BACKUPS_DIR
    for _round in range(3):
        db.session.remove()
        downgrade(directory=directory, revision="0016")
        app.config["BACKUPS_KEPT"] = 2
        result = runner.invoke(args=["init"])
        assert result.exit_code == 0, result.output
        assert "Backup before the upgrade:" in result.output
    kept = sorted(folder.glob("before-upgrade-0016-*.zip"))
    assert len(kept) == 2  # noqa: PLR2004  (the oldest went)
    with zipfile.ZipFile(kept[-1]) as archive:
        assert json.loads(archive.read("manifest.json"))["schema_revision"] == "0016"
    upgrade(directory=directory)


def test_a_backup_keeps_the_credential_signing_keys_so_issued_credentials_still_verify(installation, tmp_path):
    from course.credentials import keys  # noqa: PLC0415

    app, runner = installation
    signing = keys.current_key(app.instance_path)
    retired = keys.rotate(app.instance_path)  # one retired public key and a current private one
    out = tmp_path / "server.zip"
    backup(runner, out)
    with zipfile.ZipFile(out) as archive:
        assert {"instance/credentials/keys/key-1.public.pem", "instance/credentials/keys/key-2.pem"} <= set(
            archive.namelist())
    folder = keys.key_folder(app.instance_path)
    for path in folder.iterdir():  # the machine is lost; a new one starts with no keys
        path.unlink()
    result = runner.invoke(args=["restore", str(out), "--force"])
    assert result.exit_code == 0, result.output
    assert keys.current_key(app.instance_path).key.as_dict() == retired.key.as_dict()
    published = {key.name: key.key.as_dict(private=False) for key in keys.published_keys(app.instance_path)}
    assert published["key-1"] == signing.key.as_dict(private=False)
