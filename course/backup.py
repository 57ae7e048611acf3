"""Backups of a whole installation, and restoring them.

A backup is one ZIP file: a consistent copy of the database (SQLite's online backup API, so a laptop in use is
copied safely; ``pg_dump``'s custom format on PostgreSQL), the instance files that cannot be made again (the
secret that signs sessions and the central server's sync keys), and ``manifest.json``: when it was taken, by
which version of Cascade, the schema revision, the content version, and a SHA-256 checksum of every file.

Restoring checks everything before it changes anything: a file that is not a backup, is damaged or truncated,
comes from a newer schema or from the other kind of database is refused with the reason; a database that already
holds data is overwritten only when asked (``--force``). After the copy, the schema is migrated to this version.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from flask import current_app
from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url

from course.config import SECRET_KEY_FILE
from course.extensions import db
from course.version import cascade_version

FORMAT = 1
MANIFEST = "manifest.json"
#: Instance files a backup carries: without them a restored server signs everyone out and cannot open the
#: bundles its field laptops sealed to it.
INSTANCE_FILES = (SECRET_KEY_FILE, "sync-keys.json")
#: Instance folders whose every file is kept too: the Open Badges signing keys (a credential signed with a lost
#: key no longer verifies, and a new key would take its name).
INSTANCE_FOLDERS = ("credentials/keys",)
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
#: Backups ``course init`` keeps in the instance folder before it upgrades a database (the oldest go first).
BACKUPS_DIR = "backups"
CHUNK = 1 << 20
#: A pg_restore list entry that creates (or comments on) a schema: "3; 2615 16385 SCHEMA - public postgres".
_SCHEMA_ENTRY = re.compile(r"^\d+; \d+ \d+ (SCHEMA|COMMENT - SCHEMA) ")


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why, and nothing was changed."""


@dataclass(frozen=True)
class Manifest:
    created_at: str
    cascade_version: str
    schema_revision: str | None
    content_version: str | None
    database: str
    files: dict[str, dict[str, int | str]]
    #: PostgreSQL: the schema the tables were dumped from (pg_dump names it in every statement).
    schema: str | None = None

    def to_json(self) -> str:
        return json.dumps({"format": FORMAT, **self.__dict__}, indent=2, sort_keys=True)


def database_kind() -> str:
    return db.engine.dialect.name


def schema_revision() -> str | None:
    """The Alembic revision the database is at; None for an empty database."""
    if not inspect(db.engine).has_table("alembic_version"):
        return None
    return db.session.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _scripts():
    """The migration scripts, through Flask-Migrate's own Alembic configuration."""
    from alembic.script import ScriptDirectory  # noqa: PLC0415  (Alembic is imported only where it is used)

    migrate = current_app.extensions["migrate"]
    return ScriptDirectory.from_config(migrate.migrate.get_config(migrate.directory))


def head_revision() -> str:
    """The newest revision this version of Cascade knows (read from the files once per application)."""
    if "course.schema_head" not in current_app.extensions:
        current_app.extensions["course.schema_head"] = _scripts().get_current_head()
    return current_app.extensions["course.schema_head"]


def holds_data() -> bool:
    """Whether the database has any account: the one table every installation in use fills first."""
    if not inspect(db.engine).has_table("users"):
        return False
    return db.session.execute(text("SELECT 1 FROM users LIMIT 1")).first() is not None


def _content_version() -> str | None:
    from course.learn.queries import load_catalogue  # noqa: PLC0415

    try:
        catalogue = load_catalogue()
    except Exception:  # noqa: BLE001  (a database before its first content sync has none; the backup still runs)
        db.session.rollback()
        return None
    return catalogue.fingerprint if catalogue else None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _sqlite_file() -> str:
    return make_url(current_app.config["SQLALCHEMY_DATABASE_URI"]).database


def _sqlite_copy(source_path: str | Path, target_path: str | Path) -> None:
    """Copy one SQLite database into another through SQLite's online backup API: consistent however many
    requests write to the source meanwhile, and in place (the target file keeps its name and permissions)."""
    source, target = sqlite3.connect(source_path), sqlite3.connect(target_path)
    try:
        with target:
            source.backup(target)
    finally:
        target.close()
        source.close()


def _libpq_url() -> str:
    """The database URL as pg_dump and pg_restore take it (no SQLAlchemy driver name)."""
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"]).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def _run(command: list[str], what: str) -> None:
    tool = shutil.which(command[0])
    if tool is None:
        raise BackupError(f"{command[0]} is not installed; on Debian: apt-get install postgresql-client")
    result = subprocess.run([tool, *command[1:]], capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{what} failed: {result.stderr.strip()[:500]}")


def take_backup(out: Path) -> Manifest:
    """Write a backup of this installation to ``out`` (a new file; never one that exists)."""
    if out.exists():
        raise BackupError(f"{out} exists already; choose another name.")
    kind = database_kind()
    if kind not in DATABASE_FILES:
        raise BackupError(f"Backups of a {kind} database are not supported.")
    instance = Path(current_app.instance_path)
    with tempfile.TemporaryDirectory(prefix="cascade-backup-") as work:
        dump = Path(work) / DATABASE_FILES[kind]
        if kind == "sqlite":
            _sqlite_copy(_sqlite_file(), dump)
        else:
            _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--schema={_schema()}",
                  f"--file={dump}", _libpq_url()], "pg_dump")
        files = {dump.name: dump, **_instance_files(instance)}
        manifest = Manifest(
            created_at=datetime.now(UTC).isoformat(timespec="seconds"), cascade_version=cascade_version(),
            schema_revision=schema_revision(), content_version=_content_version(), database=kind,
            schema=_schema() if kind == "postgresql" else None,
            files={name: {"sha256": _sha256(path), "size": path.stat().st_size} for name, path in files.items()})
        out.parent.mkdir(parents=True, exist_ok=True)
        partial = out.with_name(out.name + ".partial")
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(MANIFEST, manifest.to_json())
            for name, path in files.items():
                archive.write(path, name)
        os.chmod(partial, 0o600)  # it holds every account's data and the instance secret
        partial.replace(out)  # a crash never leaves a half-written file under the real name
    return manifest


def read_manifest(archive: zipfile.ZipFile) -> Manifest:
    try:
        data = json.loads(archive.read(MANIFEST))
    except KeyError:
        raise BackupError("This is a ZIP file but not a Cascade backup: it has no manifest.json.") from None
    except (ValueError, zipfile.BadZipFile) as problem:
        raise BackupError(f"The backup's manifest is damaged ({problem}).") from None
    if data.get("format") != FORMAT:
        raise BackupError(f"This backup has format {data.get('format')!r}; this version of Cascade reads {FORMAT}.")
    data.pop("format")
    return Manifest(**data)


def open_backup(path: Path) -> tuple[zipfile.ZipFile, Manifest]:
    """The backup's archive and manifest, every file checked against its checksum.

    :raises BackupError: not a backup, truncated, damaged, or a file missing.
    """
    try:
        archive = zipfile.ZipFile(path)
    except FileNotFoundError:
        raise BackupError(f"{path} does not exist.") from None
    except zipfile.BadZipFile:
        raise BackupError(f"{path} is not a Cascade backup, or it is truncated (it does not read as a ZIP file); "
                          "nothing was changed.") from None
    manifest = read_manifest(archive)
    for name, expected in manifest.files.items():
        digest = hashlib.sha256()
        try:
            with archive.open(name) as member:
                while chunk := member.read(CHUNK):
                    digest.update(chunk)
        except KeyError:
            raise BackupError(f"The backup lacks {name}, which its manifest lists; nothing was changed.") from None
        except (zipfile.BadZipFile, OSError, EOFError) as problem:
            raise BackupError(f"{name} in the backup is damaged ({problem}); nothing was changed.") from None
        if digest.hexdigest() != expected["sha256"]:
            raise BackupError(f"{name} in the backup does not match its checksum: the file is damaged; "
                              "nothing was changed.")
    return archive, manifest


def _revision_order() -> list[str]:
    """Every revision, oldest first."""
    return [script.revision for script in reversed(list(_scripts().walk_revisions()))]


def check_restorable(manifest: Manifest, *, force: bool) -> None:
    """:raises BackupError: the backup cannot be restored here, or would overwrite data without ``force``."""
    kind = database_kind()
    if manifest.database != kind:
        raise BackupError(f"This backup holds a {manifest.database} database and this installation uses {kind}. "
                          "Restore it where it was taken; a field laptop's records reach the central server with "
                          "'course sync export'.")
    if manifest.schema and manifest.schema != _schema():
        raise BackupError(f"This backup's tables are in the PostgreSQL schema {manifest.schema}, and this database "
                          f"uses {_schema()}: set the same search_path, then restore.")
    known = _revision_order()
    if manifest.schema_revision is not None and manifest.schema_revision not in known:
        raise BackupError(f"This backup comes from a newer version of Cascade (schema {manifest.schema_revision}; "
                          f"this version knows up to {known[-1]}). Upgrade Cascade, then restore it.")
    if holds_data() and not force:
        raise BackupError("This database already holds data. Restoring replaces all of it: run again with --force "
                          "if that is what you want (take a backup of it first).")


def restore_backup(path: Path, *, force: bool = False) -> Manifest:
    """Replace this installation's database (and instance secret) with the backup's, then migrate to head."""
    archive, manifest = open_backup(path)
    with archive:
        check_restorable(manifest, force=force)
        with tempfile.TemporaryDirectory(prefix="cascade-restore-") as work:
            dump = Path(archive.extract(DATABASE_FILES[manifest.database], work))
            schema = _schema() if manifest.database == "postgresql" else None
            _close_connections()
            if schema is None:
                _sqlite_copy(dump, _sqlite_file())
            else:
                _restore_postgresql(dump, schema)
        _restore_instance_files(archive, manifest)
    _close_connections()
    from flask_migrate import upgrade  # noqa: PLC0415

    upgrade(directory=current_app.extensions["migrate"].directory)
    return manifest


def _close_connections() -> None:
    """Give back the session's connection and close the pool's: the database is about to change under them."""
    db.session.remove()
    db.engine.dispose()


def _schema() -> str:
    """The PostgreSQL schema Cascade's tables live in (``public`` unless the URL sets a search path)."""
    return db.session.execute(text("SELECT current_schema()")).scalar()


def _restore_postgresql(dump: Path, schema: str) -> None:
    """Empty Cascade's schema, then load the dump's tables into it (the schema itself is made here, so the dump's
    own CREATE SCHEMA entry is left out of the list pg_restore follows)."""
    listing = subprocess.run([shutil.which("pg_restore") or "pg_restore", "--list", str(dump)],  # noqa: S603
                             capture_output=True, text=True, check=False)
    if listing.returncode != 0:
        raise BackupError(f"pg_restore cannot read the dump: {listing.stderr.strip()[:500]}")
    entries = dump.with_suffix(".list")
    entries.write_text("".join(f"{line}\n" for line in listing.stdout.splitlines()
                               if not _SCHEMA_ENTRY.match(line)), encoding="utf-8")
    with db.engine.begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    _run(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", f"--use-list={entries}",
          f"--dbname={_libpq_url()}", str(dump)], "pg_restore")


def _instance_files(instance: Path) -> dict[str, Path]:
    """The instance files a backup holds, by their name in the archive."""
    files = {f"instance/{name}": instance / name for name in INSTANCE_FILES if (instance / name).is_file()}
    for folder in INSTANCE_FOLDERS:
        if (instance / folder).is_dir():
            files.update({f"instance/{path.relative_to(instance).as_posix()}": path
                          for path in sorted((instance / folder).iterdir()) if path.is_file()})
    return files


def _restore_instance_files(archive: zipfile.ZipFile, manifest: Manifest) -> None:
    """Put the backup's secret and keys in the instance folder; a different file already there is kept beside
    them with the restore's time in its name (nothing is lost)."""
    instance = Path(current_app.instance_path)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    for name in manifest.files:
        if not name.startswith("instance/"):
            continue
        target = instance / name.removeprefix("instance/")
        body = archive.read(name)
        if target.is_file():
            if target.read_bytes() == body:
                continue
            target.replace(target.with_name(f"{target.name}.replaced-{stamp}"))
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(body)
        os.chmod(target, 0o600)


def default_backup_name() -> str:
    """A name that sorts by time, to the millisecond (two backups in one second keep apart)."""
    now = datetime.now(UTC)
    return f"cascade-backup-{now:%Y%m%dT%H%M%S}.{now.microsecond // 1000:03d}Z.zip"


def backups_dir() -> Path:
    return Path(current_app.instance_path) / BACKUPS_DIR


def list_backups() -> list[Path]:
    """The backup files in the instance folder's backups/, newest first."""
    folder = backups_dir()
    return sorted((path for path in folder.glob("*.zip") if path.is_file()), key=lambda path: path.stat().st_mtime,
                  reverse=True) if folder.is_dir() else []


def backup_before_upgrade(keep: int) -> Path | None:
    """Before ``course init`` migrates a database that holds data: a backup in the instance folder's backups/,
    keeping the newest ``keep``. None when there is nothing to protect or nothing to migrate.

    The session's transaction ends here: on PostgreSQL the rows it read stay locked until it does, and a migration
    that alters their table (0022 adds columns to users) would wait for it for ever.
    """
    try:
        return _backup_before_upgrade(keep)
    finally:
        db.session.remove()


def _backup_before_upgrade(keep: int) -> Path | None:
    revision = schema_revision()
    if not holds_data() or revision == head_revision():
        return None
    folder = backups_dir()
    out = folder / f"before-upgrade-{revision}-{default_backup_name()}"
    take_backup(out)
    for old in sorted(folder.glob("before-upgrade-*.zip"), key=lambda path: path.name.rsplit("-backup-", 1)[-1])[
            :-keep or None]:
        old.unlink()
    return out
