"""Alembic: one head, and migrating an empty database gives exactly the models' schema."""

from __future__ import annotations

import itertools

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import upgrade
from sqlalchemy import inspect

from course.extensions import db


def test_the_migrations_have_a_single_head(app):
    config = app.extensions["migrate"].migrate.get_config(app.extensions["migrate"].directory)
    assert len(ScriptDirectory.from_config(config).get_heads()) == 1


def test_migrating_an_empty_database_matches_the_models(empty_database_app):
    upgrade(directory=empty_database_app.extensions["migrate"].directory)
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
        tables = set(inspect(connection).get_table_names())
    assert differences == []
    assert {table.name for table in db.metadata.sorted_tables} <= tables


def test_foreign_keys_are_enforced(app, make_user):
    import pytest
    from sqlalchemy.exc import IntegrityError

    from course.models.progress import SectionRead

    db.session.add(SectionRead(user_id=999_999, module_id="m", section_id="s", module_hash="h" * 64))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_upgrading_a_database_with_data_keeps_it(empty_database_app):
    """Altering a table must not lose the rows that refer to it (SQLite copies tables to alter them)."""
    from sqlalchemy import text

    directory = empty_database_app.extensions["migrate"].directory
    upgrade(directory=directory, revision="0002")
    with db.engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO users (id, username, full_name, password_hash, must_change_password, active, "
            "session_token, created_at) VALUES (1, 'ana', 'Ana', 'x', false, true, 't', '2026-01-01 00:00:00')"))
        connection.execute(text("INSERT INTO user_roles (user_id, role, granted_at) "
                                "VALUES (1, 'trainer', '2026-01-01 00:00:00')"))
    upgrade(directory=directory)
    with db.engine.connect() as connection:
        assert connection.execute(text("SELECT role FROM user_roles")).scalars().all() == ["trainer"]
        assert connection.execute(text("SELECT gender, position FROM users")).one() == ("not_stated", "")


def test_the_upgraded_database_accepts_the_legal_reviewer_and_the_provisions_and_nothing_else(empty_database_app):
    """Migration 0009 widens two CHECK constraints in place (PostgreSQL) or by copying the table (SQLite)."""
    import pytest
    from sqlalchemy import text
    from sqlalchemy.exc import IntegrityError

    upgrade(directory=empty_database_app.extensions["migrate"].directory)
    with db.engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO users (id, uid, username, full_name, password_hash, must_change_password, active, "
            "session_token, created_at, gender, position) VALUES (1, 'u-1', 'rev', 'Rev', 'x', false, true, 't', "
            "'2026-01-01 00:00:00', 'not_stated', '')"))
        connection.execute(text("INSERT INTO user_roles (user_id, role, granted_at) "
                                "VALUES (1, 'legal_reviewer', '2026-01-01 00:00:00')"))
        connection.execute(text("INSERT INTO content_snapshots (id, kind, content_id, content_hash, data, created_at) "
                                "VALUES (1, 'provisions', 'provisions', 'h', '{}', '2026-01-01 00:00:00')"))
    with pytest.raises(IntegrityError), db.engine.begin() as connection:
        connection.execute(text("INSERT INTO user_roles (user_id, role, granted_at) "
                                "VALUES (1, 'emperor', '2026-01-01 00:00:00')"))


def test_every_existing_record_gets_its_own_sync_key(empty_database_app):
    """Migration 0011 gives each row a uid of its own (UUIDv7), so records keep their identity across devices."""
    import uuid

    import pytest
    from sqlalchemy import text
    from sqlalchemy.exc import IntegrityError

    directory = empty_database_app.extensions["migrate"].directory
    upgrade(directory=directory, revision="0010")
    with db.engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO users (id, username, full_name, password_hash, must_change_password, active, "
            "session_token, created_at, gender, position) VALUES (:id, :username, 'U', 'x', false, "
            "true, 't', '2026-01-01 00:00:00', 'not_stated', '')"),
            [{"id": number, "username": f"u{number}"} for number in (1, 2, 3)])
        connection.execute(text("INSERT INTO audit_events (id, at, actor_id, action, target, details) "
                                "VALUES (1, '2026-01-01 00:00:00', 1, 'user.create', 'u2', '{}')"))
    upgrade(directory=directory)
    with db.engine.connect() as connection:
        uids = connection.execute(text("SELECT uid FROM users ORDER BY id")).scalars().all()
        assert connection.execute(text("SELECT username FROM users ORDER BY id")).scalars().all() == ["u1", "u2", "u3"]
        event_uid = connection.execute(text("SELECT uid FROM audit_events")).scalar_one()
    assert len(set(uids)) == 3 and all(uuid.UUID(uid).version == 7 for uid in [*uids, event_uid])
    with pytest.raises(IntegrityError), db.engine.begin() as connection:  # unique, as a sync key must be
        connection.execute(text("UPDATE users SET uid = :uid WHERE id = 2"), {"uid": uids[0]})


def _at_0013_with_a_person(directory) -> None:
    from sqlalchemy import text

    upgrade(directory=directory, revision="0013")
    with db.engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO users (id, uid, username, full_name, password_hash, must_change_password, active, "
            "session_token, created_at, gender, position) VALUES (1, 'u-1', 'ana', 'Ana', 'x', false, true, 't', "
            "'2026-01-01 00:00:00', 'not_stated', '')"))


def test_a_field_laptops_records_are_stamped_by_the_upgrade_and_the_centres_are_not(empty_database_app):
    """Migration 0014: on a laptop, what it changed before the upgrade and has not sent yet must count as later
    than the centre's copy; on the centre, existing rows are older than any change."""
    from sqlalchemy import text

    directory = empty_database_app.extensions["migrate"].directory
    _at_0013_with_a_person(directory)
    with db.engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO this_device (id, device_uid, name, prefix, signing_key, centre_public_key, centre_url, "
            "joined_at, last_sequence, acknowledged_sequence, pulled_sequence) VALUES (1, 'd-1', 'Mary', 'MARY1', "
            "'00', '00', '', '2026-01-01 00:00:00', 2, 1, 1)"))
    upgrade(directory=directory)
    with db.engine.connect() as connection:
        clock = connection.execute(text("SELECT clock FROM users")).scalar_one()
        floor = connection.execute(text("SELECT value FROM hybrid_clock")).scalar_one()
    assert clock.endswith(".MARY1") and clock == floor


def test_the_centres_records_keep_the_empty_stamp_on_upgrade(empty_database_app):
    from sqlalchemy import text

    directory = empty_database_app.extensions["migrate"].directory
    _at_0013_with_a_person(directory)
    upgrade(directory=directory)
    with db.engine.connect() as connection:
        assert connection.execute(text("SELECT clock FROM users")).scalar_one() == ""


def test_answers_holding_half_a_utf16_pair_are_repaired_and_the_rest_kept(empty_database_app):
    """Before the autosave refused them, a JSON ``\\ud800`` could be stored in a typed answer; such an answer
    made its pages fail for good. Migration 0016 replaces each lone surrogate with U+FFFD."""
    from sqlalchemy import insert, select, text

    from course.models.attempt import AttemptAnswer, AttemptState, QuizAttempt

    directory = empty_database_app.extensions["migrate"].directory
    upgrade(directory=directory, revision="0015")
    # The account as a row of revision 0015 (the User model of today has columns 0015 does not).
    db.session.execute(text("INSERT INTO users (id, uid, username, full_name, password_hash, must_change_password, "
                            "active, session_token, created_at, gender, position) VALUES (1, 'u-ana', 'ana', 'Ana', "
                            "'x', false, true, 't', '2026-01-01 00:00:00', 'not_stated', '')"))
    # Core inserts name only the columns given (and those with defaults): the model has columns 0015 does not.
    attempt_id = db.session.execute(insert(QuizAttempt.__table__).values(
        user_id=1, quiz_id="q", quiz_hash="h" * 64, number=1, state=AttemptState.IN_PROGRESS,
        layout={"questions": ["q1", "q2"], "orders": {}})).inserted_primary_key[0]
    db.session.execute(insert(AttemptAnswer.__table__), [
        {"attempt_id": attempt_id, "question_id": "q1", "response": {"text": "x"}},
        {"attempt_id": attempt_id, "question_id": "q2", "response": {"text": "fine \\ud800 as typed"}}])
    db.session.commit()
    broken = '{"text": "a\\ud800b", "parts": ["\\udfff", "ok"]}'
    db.session.execute(text("UPDATE attempt_answers SET response = :broken WHERE question_id = 'q1'"
                            if db.engine.dialect.name == "sqlite" else
                            "UPDATE attempt_answers SET response = CAST(:broken AS JSON) WHERE question_id = 'q1'"),
                       {"broken": broken})
    db.session.commit()
    db.session.expunge_all()

    upgrade(directory=directory)

    responses = dict(db.session.execute(select(AttemptAnswer.question_id, AttemptAnswer.response)).all())
    assert responses["q1"] == {"text": "a\ufffdb", "parts": ["\ufffd", "ok"]}
    assert responses["q2"] == {"text": "fine \\ud800 as typed"}  # a backslash typed by the learner stays
    "".join(str(value) for value in responses.values()).encode("utf-8")  # writable as UTF-8 again


def _a_row(table, head_tables, filled: dict[str, dict]) -> dict:
    """One plausible row for ``table`` as it stands at some old revision: every column filled (a reference
    points to the row of its table ``filled`` before it), enumerations take a value today's model allows."""
    import datetime as dt  # noqa: PLC0415

    from sqlalchemy import JSON, Boolean, Date, DateTime, Float, Integer, Numeric, String  # noqa: PLC0415

    head = head_tables.get(table.name)
    row = {}
    for column in table.columns:
        model = head.columns.get(column.name) if head is not None else None
        references_itself = any(key.column.table.name == table.name for key in column.foreign_keys)
        if references_itself and column.nullable:
            row[column.name] = None
        elif column.foreign_keys:
            target = next(iter(column.foreign_keys)).column
            row[column.name] = filled.get(target.table.name, {}).get(target.name, 1)
        elif column.primary_key and isinstance(column.type, Integer):
            row[column.name] = 1
        elif model is not None and getattr(model.type, "enums", None):
            row[column.name] = model.type.enums[0]
        elif column.server_default is not None and not column.primary_key:
            continue  # the database's own default, as the migration that added it meant
        elif isinstance(column.type, Boolean):
            row[column.name] = False
        elif isinstance(column.type, Integer):
            row[column.name] = 1
        elif isinstance(column.type, Float | Numeric):
            row[column.name] = 1.0
        elif isinstance(column.type, DateTime):
            row[column.name] = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
        elif isinstance(column.type, Date):
            row[column.name] = dt.date(2026, 1, 1)
        elif isinstance(column.type, JSON):
            default = model.default.arg if model is not None and model.default is not None else dict
            row[column.name] = default({}) if callable(default) and default not in (dict, list) else (
                default() if callable(default) else default)
        elif isinstance(column.type, String):
            row[column.name] = ("h" * 64 if "hash" in column.name else f"{column.name}-1")[:column.type.length or 64]
        else:
            row[column.name] = f"{column.name}-1"
    return row


def test_a_database_living_through_every_revision_keeps_a_row_in_every_table(empty_database_app):
    """One database walked from the first revision to head a revision at a time, as a laptop left unupgraded
    for months is: at each revision every table without a row gets one, and after each step every row
    is still there (a migration that drops or rewrites a table loses none). Rows made at the first revision
    go through every migration after it; each later table's rows through every migration after it appears."""
    from sqlalchemy import MetaData, func, insert, select  # noqa: PLC0415

    directory = empty_database_app.extensions["migrate"].directory
    config = empty_database_app.extensions["migrate"].migrate.get_config(directory)
    revisions = [script.revision for script in reversed(list(ScriptDirectory.from_config(config).walk_revisions()))]
    head_tables = db.metadata.tables
    rows: dict[str, dict] = {}
    with db.engine.begin() as connection:
        everything = MetaData()
        everything.reflect(connection)
        everything.drop_all(connection)
    upgrade(directory=directory, revision=revisions[0])
    for before, after in itertools.pairwise(revisions):
        old = MetaData()
        with db.engine.begin() as connection:
            old.reflect(connection)
            for table in old.sorted_tables:
                if table.name == "alembic_version" or table.name in rows:
                    continue
                if connection.execute(select(func.count()).select_from(table)).scalar():
                    rows[table.name] = {}  # a migration wrote its own row (the hybrid clock's one row)
                else:
                    rows[table.name] = _a_row(table, head_tables, rows)
                    connection.execute(insert(table).values(**rows[table.name]))
        upgrade(directory=directory, revision=after)
        with db.engine.connect() as connection:
            now = MetaData()
            now.reflect(connection)
            assert set(rows) <= set(now.tables), f"upgrading from {before} to {after} dropped tables"
            lost = {name for name in rows
                    if connection.execute(select(func.count()).select_from(now.tables[name])).scalar() < 1}
        assert lost == set(), f"upgrading from {before} to {after} lost the rows of {sorted(lost)}"
