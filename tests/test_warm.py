"""A server's process: content loaded in the background, compiled code, malloc arenas and trimming (course.warm)."""

from __future__ import annotations

import gc
import logging
from pathlib import Path

import pytest

from course import cli, create_app, warm
from course.cli import compile_code
from course.content import repository
from course.warm import warm_after_first_answer, warm_up
from tests.conftest import base_config


def test_a_server_loads_the_live_content_in_the_background_after_its_first_answer(synced, monkeypatch):
    repository._DATA_CACHE.clear()  # noqa: SLF001
    started = []
    monkeypatch.setattr(warm, "Thread", lambda **kwargs: started.append(kwargs) or _Started())
    warm_after_first_answer(synced)
    assert not started  # nothing before the first answer
    client = synced.test_client()
    assert client.get("/healthz").status_code == 200
    assert client.get("/healthz").status_code == 200
    [thread] = started  # one thread, after the first answer only
    assert not repository._DATA_CACHE  # noqa: SLF001
    thread["target"](*thread["args"])
    kinds = {kind for kind, _id, _hash in repository._DATA_CACHE}  # noqa: SLF001
    assert {"course", "module", "quiz"} <= kinds
    assert gc.isenabled()


class _Started:
    def start(self):
        pass


def test_a_server_started_before_its_database_exists_still_starts(tmp_path, caplog):
    app = create_app(base_config(f"sqlite:///{tmp_path / 'empty.sqlite3'}", tmp_path / "instance"))
    with caplog.at_level(logging.WARNING, logger="course.warm"):
        warm_up(app)
    assert "content not warmed" in caplog.text


def test_installing_compiles_the_code_so_a_read_only_checkout_starts_without_compiling(tmp_path):
    package = tmp_path / "package"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "module.py").write_text("ANSWER = 42\n")
    assert compile_code(package)
    compiled = {path.name.split(".")[0] for path in (package / "__pycache__").iterdir()}
    assert compiled == {"__init__", "module"}


def test_a_module_that_does_not_compile_is_reported_and_installing_goes_on(tmp_path, capsys):
    package = tmp_path / "package"
    package.mkdir()
    (package / "good.py").write_text("ANSWER = 42\n")
    (package / "broken.py").write_text("def (:\n")
    assert not compile_code(package)
    assert "could not all be compiled to bytecode" in capsys.readouterr().err
    assert [path.name.split(".")[0] for path in (package / "__pycache__").iterdir()] == ["good"]


def test_course_init_compiles_the_application(empty_database_app, monkeypatch):
    """The application's own package, through the function tested above (a check for its compiled files alone
    could not fail: an earlier run leaves them there)."""
    compiled = []
    monkeypatch.setattr(cli, "compile_code", lambda package: compiled.append(package) or compile_code(package))
    result = empty_database_app.test_cli_runner().invoke(args=["init"])
    assert result.exit_code == 0, result.output
    assert "could not all be compiled" not in result.output
    assert compiled == [Path(cli.__file__).resolve().parent]


class _FakeLibc:
    def __init__(self):
        self.trims = 0

    def malloc_trim(self, _pad):
        self.trims += 1
        return 1


@pytest.mark.parametrize(("every", "trims"), [(3, 2), (0, 0)])
def test_freed_memory_goes_back_to_the_system_every_few_requests(tmp_path, monkeypatch, database_url, every, trims):
    libc = _FakeLibc()
    monkeypatch.setattr(warm, "_libc", lambda: libc)
    app = create_app({**base_config(database_url, tmp_path / "instance"), "TRIM_MEMORY_EVERY": every})
    client = app.test_client()
    for _ in range(7):
        assert client.get("/healthz").status_code == 200
    assert libc.trims == trims


def test_a_servers_threads_share_two_malloc_arenas_where_glibc_is_there():
    if not hasattr(warm._libc(), "mallopt"):  # noqa: SLF001
        pytest.skip("not glibc: nothing to limit")
    assert warm.limit_malloc_arenas()
