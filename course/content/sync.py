"""Load content into the database as versioned snapshots.

Sync is idempotent: with no change it writes nothing. A changed item gets a
new snapshot and its pointer moves; an item gone from the files is retired,
never deleted, so learner records that name it still resolve. The caller
commits once, so an invalid bundle or a failure leaves the database as it was.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select, tuple_
from sqlalchemy.orm import lazyload

from course.content.loader import load_content
from course.content.problems import ContentInvalid, Problem
from course.content.schema import CourseFile
from course.content.snapshot import Snapshot, build_snapshots
from course.extensions import db
from course.models.cohort import Cohort
from course.models.content import ContentItem, ContentSnapshot
from course.models.enrolment import Enrolment
from course.models.types import utcnow


@dataclass
class SyncReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    #: Same version, new place in the course.
    moved: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)
    unchanged: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.moved or self.retired)


def _label(kind: str, content_id: str) -> str:
    return f"{kind} {content_id}"


def sync_snapshots(snapshots: list[Snapshot]) -> SyncReport:
    """Make the database's live content match ``snapshots``; flush, do not commit."""
    report = SyncReport()
    keys = [(s.kind, s.content_id, s.content_hash) for s in snapshots]
    known = {
        (row.kind, row.content_id, row.content_hash): row.id
        for row in db.session.execute(
            select(ContentSnapshot.id, ContentSnapshot.kind, ContentSnapshot.content_id, ContentSnapshot.content_hash)
            .where(tuple_(ContentSnapshot.kind, ContentSnapshot.content_id, ContentSnapshot.content_hash).in_(keys))
        )
    } if keys else {}
    items = {
        (item.kind, item.content_id): item
        for item in db.session.scalars(select(ContentItem).options(lazyload(ContentItem.snapshot)))
    }
    now = utcnow()
    for snap in snapshots:
        key = (snap.kind, snap.content_id, snap.content_hash)
        snapshot_id = known.get(key)
        if snapshot_id is None:
            row = ContentSnapshot(kind=snap.kind, content_id=snap.content_id,
                                  content_hash=snap.content_hash, data=snap.data, created_at=now)
            db.session.add(row)
            db.session.flush()
            snapshot_id = row.id
        item = items.pop((snap.kind, snap.content_id), None)
        label = _label(snap.kind, snap.content_id)
        if item is None:
            db.session.add(ContentItem(kind=snap.kind, content_id=snap.content_id, snapshot_id=snapshot_id,
                                       position=snap.position, updated_at=now))
            report.created.append(label)
        elif item.snapshot_id != snapshot_id or item.retired:
            item.snapshot_id, item.retired, item.position, item.updated_at = snapshot_id, False, snap.position, now
            report.updated.append(label)
        elif item.position != snap.position:
            item.position, item.updated_at = snap.position, now
            report.moved.append(label)
        else:
            report.unchanged += 1
    for item in items.values():
        if not item.retired:
            item.retired, item.updated_at = True, now
            report.retired.append(_label(item.kind, item.content_id))
    db.session.flush()
    return report


def sync_content(content_dir: Path) -> SyncReport:
    """Validate everything under ``content_dir`` and sync it.

    :raises ContentInvalid: with every problem; nothing is written.
    """
    result = load_content(content_dir)
    if result.bundle is None:
        raise ContentInvalid(result.problems)
    if problems := _tracks_still_in_use(result.bundle.course):
        raise ContentInvalid(problems)
    return sync_snapshots(build_snapshots(result.bundle))


def _tracks_still_in_use(course: CourseFile) -> list[Problem]:
    """A track that cohorts or enrolments follow cannot leave the course: their progress would mean nothing."""
    kept = {track.id for track in course.tracks}
    in_use = set(db.session.scalars(select(Cohort.track_id).where(Cohort.course_id == course.id))) | set(
        db.session.scalars(select(Enrolment.track_id).where(Enrolment.course_id == course.id)))
    return [Problem("modules/course.yaml", None, "tracks",
                    f"track '{track_id}' is followed by cohorts or learners; keep it (a title may change)")
            for track_id in sorted(in_use - kept)]
