"""``course sync``: versions content by hash, writes nothing when nothing changed, all or nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from course.content.snapshot import canonical_hash
from course.content.sync import sync_content
from course.extensions import db
from course.models.content import ContentItem, ContentKind, ContentSnapshot
from tests.test_content_validation import edit


@pytest.fixture
def content_dir(editable_content):
    return editable_content


def snapshot_rows():
    return db.session.execute(
        select(ContentSnapshot.kind, ContentSnapshot.content_id, ContentSnapshot.content_hash)
        .order_by(ContentSnapshot.id)
    ).all()


def live_hash(kind: ContentKind, content_id: str) -> str:
    return db.session.scalar(
        select(ContentSnapshot.content_hash).join(ContentItem, ContentItem.snapshot_id == ContentSnapshot.id)
        .where(ContentItem.kind == kind, ContentItem.content_id == content_id)
    )


def test_first_sync_stores_every_item(runner, content_dir):
    result = runner.invoke(args=["sync"])
    assert result.exit_code == 0, result.output
    assert "Content synced: 9 new, 0 changed, 0 moved, 0 retired, 0 unchanged." in result.output
    stored = sorted((str(kind), content_id) for kind, content_id, _ in snapshot_rows())
    assert stored == [("course", "sample-course"), ("module", "alpha"), ("module", "beta"),
                      ("provisions", "provisions"), ("quiz", "all-types"), ("quiz", "alpha-check"),
                      ("quiz", "post-test"), ("quiz", "pre-test"), ("sources", "sources")]


def test_snapshots_are_keyed_by_the_hash_of_their_canonical_json(app, content_dir):
    sync_content(content_dir)
    for snapshot in db.session.scalars(select(ContentSnapshot)):
        assert snapshot.content_hash == canonical_hash(snapshot.data)


def test_a_second_sync_with_no_change_writes_nothing(runner, count_queries, content_dir):
    runner.invoke(args=["sync"])
    with count_queries() as counter:
        result = runner.invoke(args=["sync"])
    assert result.exit_code == 0
    assert "Content unchanged (9 item(s))." in result.output
    writes = [s for s in counter.statements if s.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]
    assert writes == []


def test_a_changed_file_makes_a_new_version_and_keeps_the_old(runner, content_dir):
    runner.invoke(args=["sync"])
    old_hash = live_hash(ContentKind.MODULE, "alpha")
    edit(content_dir / "modules/01-alpha/en.md", "Alpha text two.", "Alpha text two, revised.")
    result = runner.invoke(args=["sync"])
    assert "new version: module alpha" in result.output
    assert "Content synced: 0 new, 1 changed, 0 moved, 0 retired, 8 unchanged." in result.output
    new_hash = live_hash(ContentKind.MODULE, "alpha")
    assert new_hash != old_hash
    hashes = {h for kind, cid, h in snapshot_rows() if cid == "alpha"}
    assert hashes == {old_hash, new_hash}
    new_data = db.session.scalar(select(ContentSnapshot.data).where(ContentSnapshot.content_hash == new_hash))
    assert "revised" in new_data["sections"][1]["html"]["en"]


def test_reverting_a_file_points_back_to_the_existing_version(runner, content_dir):
    runner.invoke(args=["sync"])
    original = live_hash(ContentKind.MODULE, "alpha")
    edit(content_dir / "modules/01-alpha/en.md", "Alpha text two.", "Changed.")
    runner.invoke(args=["sync"])
    edit(content_dir / "modules/01-alpha/en.md", "Changed.", "Alpha text two.")
    runner.invoke(args=["sync"])
    assert live_hash(ContentKind.MODULE, "alpha") == original
    assert db.session.scalar(select(func.count()).select_from(ContentSnapshot)) == 10


def test_an_invalid_file_changes_nothing_at_all(runner, content_dir):
    runner.invoke(args=["sync"])
    before = snapshot_rows()
    live_before = live_hash(ContentKind.MODULE, "alpha")
    # one valid change and one broken file: neither may be written
    edit(content_dir / "modules/01-alpha/en.md", "Alpha text two.", "A valid change.")
    edit(content_dir / "quizzes/alpha-check.yaml", "type: true_false", "type: essay")
    result = runner.invoke(args=["sync"])
    assert result.exit_code == 1
    assert "unknown question type 'essay'" in result.output
    assert "nothing was loaded" in result.output
    db.session.expire_all()
    assert snapshot_rows() == before
    assert live_hash(ContentKind.MODULE, "alpha") == live_before


def test_a_removed_module_is_retired_not_deleted(runner, content_dir):
    runner.invoke(args=["sync"])
    edit(content_dir / "modules/course.yaml", "modules: [alpha, beta]", "modules: [alpha]")
    edit(content_dir / "modules/course.yaml", "    modules: [alpha, beta]", "    modules: [alpha]")
    for name in ("module.yaml", "en.md", "ru.md"):
        (content_dir / "modules/02-beta" / name).unlink()
    (content_dir / "modules/02-beta").rmdir()
    for test in ("pre-test", "post-test"):  # their questions on beta now test alpha
        edit(content_dir / f"quizzes/{test}.yaml", "module: beta", "module: alpha")
    result = runner.invoke(args=["sync"])
    assert result.exit_code == 0, result.output
    assert "retired: module beta" in result.output
    item = db.session.scalar(select(ContentItem).where(ContentItem.content_id == "beta"))
    assert item.retired is True
    assert item.snapshot.data["meta"]["id"] == "beta"
