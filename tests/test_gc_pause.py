"""Starting with the cyclic garbage collector paused (course.gc_pause): a server starts sooner, and nothing else
that imports Cascade finds its collector changed."""

from __future__ import annotations

import gc
import subprocess
import sys
import tomllib

import pytest

from course import create_app
from course.command import main
from course.gc_pause import collector_paused
from course.warm import warm_up
from tests.conftest import PROJECT_ROOT, base_config


@pytest.fixture
def collector_disabled():
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def test_the_collector_is_paused_inside_and_restored_after():
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_collector_its_caller_had_disabled_stays_disabled(collector_disabled):
    with collector_paused():
        pass
    assert not gc.isenabled()


def test_the_collector_comes_back_when_loading_fails():
    with pytest.raises(RuntimeError), collector_paused():
        raise RuntimeError("a module that does not import")
    assert gc.isenabled()


def test_building_the_app_leaves_the_callers_collector_as_it_was(tmp_path, collector_disabled):
    create_app(base_config(f"sqlite:///{tmp_path / 'a.sqlite3'}", tmp_path / "instance"))
    assert not gc.isenabled()
    gc.enable()
    create_app(base_config(f"sqlite:///{tmp_path / 'b.sqlite3'}", tmp_path / "instance"))
    assert gc.isenabled()


def test_warming_runs_without_the_collector_and_gives_it_back(synced, monkeypatch):
    seen = []
    from course.quiz import definition  # noqa: PLC0415

    original = definition.live_definition

    def watched(quiz_id):
        seen.append(gc.isenabled())
        return original(quiz_id)

    monkeypatch.setattr(definition, "live_definition", watched)
    warm_up(synced)
    assert seen and not any(seen)
    assert gc.isenabled()


def test_the_course_command_runs_with_the_collector_back_on(monkeypatch, capsys):
    monkeypatch.setattr(sys, "argv", ["course", "--version"])
    with pytest.raises(SystemExit) as stopped:
        main()
    assert stopped.value.code == 0
    assert "Cascade" in capsys.readouterr().out
    assert gc.isenabled()


def test_the_installed_course_command_is_the_one_that_pauses_the_collector():
    scripts = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts["course"] == "course.command:main"
    started = subprocess.run([sys.executable, "-c", "from course.command import main; main()", "--help"],
                             capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=60, check=False)
    assert started.returncode == 0, started.stderr
    assert "serve" in started.stdout


def test_course_serve_starts_without_the_collector_and_serves_with_the_start_frozen(tmp_path, monkeypatch):
    """From the command's first line to the server: no collection pass over the start (course.gc_pause); the
    content is then loaded in the background."""
    import waitress  # noqa: PLC0415

    seen = {}

    def serve(app, **_options):
        seen.update(enabled=gc.isenabled(), frozen=gc.get_freeze_count(), app=app.name)

    monkeypatch.setattr(waitress, "serve", serve)
    monkeypatch.setattr(sys, "argv", ["course", "serve", "--port", "8799"])
    monkeypatch.setenv("COURSE_INSTANCE_DIR", str(tmp_path))
    monkeypatch.setenv("COURSE_DATABASE_URL", f"sqlite:///{tmp_path / 'serve.sqlite3'}")
    warmed = []
    monkeypatch.setattr("course.serve.warm_after_first_answer", warmed.append)  # its own test: test_warm
    paused = []
    monkeypatch.setattr("course.command.pause_until_frozen", lambda: paused.append(gc.isenabled()) or gc.disable())
    try:
        with pytest.raises(SystemExit) as stopped:
            main()
    finally:
        gc.unfreeze()
        gc.enable()
    assert stopped.value.code == 0
    assert paused == [True]
    assert seen["enabled"] and seen["frozen"] > 0 and seen["app"] == "course"
    assert [app.name for app in warmed] == ["course"]
