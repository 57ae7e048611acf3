"""Course content from the centre to its laptops: the versions a laptop lacks travel in the centre's bundles.

The central server's content is the programme's: a module corrected after a legal review there must reach
every laptop that teaches it. A laptop tells the centre which version of each item it holds (in each of its
bundles and pull requests); the centre's next bundle to it names the live version of every item and carries
the data of those the laptop lacks. The laptop makes exactly that content live, as ``course sync`` does from
files: old versions stay, so records that name them still read as they were.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select, tuple_

from course.content.snapshot import Snapshot, canonical_hash
from course.content.sync import SyncReport, sync_snapshots
from course.extensions import db
from course.models.content import ContentItem, ContentKind, ContentSnapshot
from course.sync.bundle import BundleError


def _key(kind: str, content_id: str) -> str:
    return f"{kind}:{content_id}"


def live_versions() -> dict[str, str]:
    """The live version (content hash) of every item here, by ``kind:id``."""
    return {_key(kind, content_id): content_hash for kind, content_id, content_hash in db.session.execute(
        select(ContentItem.kind, ContentItem.content_id, ContentSnapshot.content_hash)
        .join(ContentSnapshot, ContentSnapshot.id == ContentItem.snapshot_id)
        .where(ContentItem.retired.is_(False)))}


def content_update(held: dict[str, str] | None) -> dict[str, Any]:
    """What a laptop holding ``held`` needs to have the centre's live content (all of it when unknown)."""
    held = held or {}
    live, snapshots = [], []
    rows = db.session.execute(
        select(ContentItem.kind, ContentItem.content_id, ContentItem.position, ContentSnapshot.content_hash,
               ContentSnapshot.data)
        .join(ContentSnapshot, ContentSnapshot.id == ContentItem.snapshot_id)
        .where(ContentItem.retired.is_(False)).order_by(ContentItem.kind, ContentItem.position))
    for kind, content_id, position, content_hash, data in rows:
        live.append([str(kind), content_id, content_hash, position])
        if held.get(_key(kind, content_id)) != content_hash:
            snapshots.append({"kind": str(kind), "content_id": content_id, "content_hash": content_hash,
                              "data": data})
    return {"live": live, "snapshots": snapshots}


def apply_content_update(update: dict[str, Any]) -> SyncReport:
    """Make the centre's live content live here (flushes; the caller commits)."""
    carried = {(entry["kind"], entry["content_id"], entry["content_hash"]): entry["data"]
               for entry in update.get("snapshots", [])}
    if any(canonical_hash(data) != content_hash for (_kind, _id, content_hash), data in carried.items()):
        raise BundleError(_("This bundle from the central server holds course content that does not match its "
                            "version: it is refused."))
    wanted = [(kind, content_id, content_hash) for kind, content_id, content_hash, _position in update["live"]]
    missing = [key for key in wanted if key not in carried]
    held = {(str(kind), content_id, content_hash): data for kind, content_id, content_hash, data in
            db.session.execute(select(ContentSnapshot.kind, ContentSnapshot.content_id, ContentSnapshot.content_hash,
                                      ContentSnapshot.data)
                               .where(tuple_(ContentSnapshot.kind, ContentSnapshot.content_id,
                                             ContentSnapshot.content_hash).in_(missing)))} if missing else {}
    if any(key not in held for key in missing):
        raise BundleError(_("This bundle from the central server lacks course content this laptop does not hold: "
                            "ask the centre for a new bundle (or pull again)."))
    snapshots = [Snapshot(ContentKind(kind), content_id, position,
                          carried.get((kind, content_id, content_hash)) or held[(kind, content_id, content_hash)],
                          content_hash)
                 for kind, content_id, content_hash, position in update["live"]]
    return sync_snapshots(snapshots)
