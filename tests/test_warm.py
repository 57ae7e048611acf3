"""Warming a server's master process before it forks (deploy/gunicorn.conf.py's when_ready)."""

from __future__ import annotations

import gc
import logging

from course import create_app
from course.content import repository
from course.warm import warm_up
from tests.conftest import base_config


def test_warming_loads_every_live_content_version_and_freezes_it_for_the_workers(synced):
    repository._DATA_CACHE.clear()  # noqa: SLF001
    try:
        warm_up(synced)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
    kinds = {kind for kind, _id, _hash in repository._DATA_CACHE}  # noqa: SLF001
    assert {"course", "module", "quiz"} <= kinds


def test_a_server_started_before_its_database_exists_still_starts(tmp_path, caplog):
    app = create_app(base_config(f"sqlite:///{tmp_path / 'empty.sqlite3'}", tmp_path / "instance"))
    with caplog.at_level(logging.WARNING, logger="course.warm"):
        try:
            warm_up(app)
        finally:
            gc.unfreeze()
    assert "content not warmed" in caplog.text
