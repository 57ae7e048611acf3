"""``course backup`` and ``course restore``: the command-line side of ``course.backup``."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from course.backup import BackupError, backups_dir, default_backup_name, restore_backup, take_backup
from course.cli_refusals import fail


@click.command("backup")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="The backup file to write (default: cascade-backup-<time>.zip in the instance folder's backups/).")
@with_appcontext
def backup_command(out: Path | None) -> None:
    """Write one file holding the database, the instance secret and a manifest with checksums."""
    target = out or backups_dir() / default_backup_name()
    try:
        manifest = take_backup(target)
    except BackupError as problem:
        fail(str(problem))
    size = sum(int(entry["size"]) for entry in manifest.files.values())
    click.echo(f"Backup written: {target} ({manifest.database}, schema {manifest.schema_revision}, "
               f"{size / 1e6:.1f} MB before compression).")


@click.command("restore")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace a database that already holds data.")
@with_appcontext
def restore_command(path: Path, force: bool) -> None:
    """Restore a backup written by 'course backup', then bring the schema up to this version."""
    try:
        manifest = restore_backup(path, force=force)
    except BackupError as problem:
        fail(str(problem))
    click.echo(f"Restored the backup of {manifest.created_at} (Cascade {manifest.cascade_version}, schema "
               f"{manifest.schema_revision}); the database is up to date.")
