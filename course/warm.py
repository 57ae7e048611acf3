"""What a server process does to its memory and its start: content loaded in the background, a bounded number
of malloc arenas, freed memory handed back.

The live content and the quiz definitions (with the pydantic schemas they are read with) take a quarter of a
second to load. A server loads them in a thread of its own once it has given its first answer
(``warm_after_first_answer``): that answer does not wait for them, and the first learner's page seldom does.
gunicorn's master used to load them before forking, so that the workers would share one copy; measured on the
bench's load (bench/RESULTS.md, 2026-12-08), the workers ended with the same memory either way (all processes'
PSS 192-202 MB warmed in the master, 199-205 MB not: reading the content touches its objects' reference counts,
which copies their pages into each worker), while the master's warm-up held the first answer back 0.14 s and
kept 24 MB in the master.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import itertools
import logging
from threading import Lock, Thread

from flask import Flask
from sqlalchemy.exc import SQLAlchemyError

from course.extensions import db
from course.gc_pause import collector_paused

log = logging.getLogger(__name__)

#: glibc's mallopt parameter for the number of malloc arenas.
_M_ARENA_MAX = -8
#: Arenas a server process may use, whatever its number of threads.
MALLOC_ARENAS = 2


def _libc() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("c")
    try:
        return ctypes.CDLL(name) if name else None
    except OSError:
        return None


def limit_malloc_arenas(arenas: int = MALLOC_ARENAS) -> bool:
    """Let a server's threads share a couple of malloc arenas instead of one each.

    glibc gives each thread that allocates at once an arena of its own (up to eight per core) and seldom
    hands their memory back: a worker's four threads grew it by some 15 MB of memory held for nothing
    (measured with gunicorn on the bench's load; the same as MALLOC_ARENA_MAX=2 in the environment, which
    the service manager may not pass). Called before the threads start (in gunicorn's master, before it
    forks); elsewhere than glibc (macOS, musl) it does nothing and says so.
    """
    libc = _libc()
    return bool(libc and hasattr(libc, "mallopt") and libc.mallopt(_M_ARENA_MAX, arenas) == 1)


def trim_memory_periodically(app: Flask) -> bool:
    """Every ``TRIM_MEMORY_EVERY`` requests, hand the memory freed since back to the system (glibc's
    malloc_trim, about a millisecond).

    A national report or a large export builds thousands of rows and frees them; glibc keeps the freed pages
    for later, so a worker stayed at the size of its largest request: 120 MB where 105 MB was in use
    (measured under the bench's load). Elsewhere than glibc it does nothing.
    """
    libc, every = _libc(), app.config["TRIM_MEMORY_EVERY"]
    if not every or libc is None or not hasattr(libc, "malloc_trim"):
        return False
    served = itertools.count(1)

    @app.teardown_request
    def trim(_error: BaseException | None = None) -> None:
        if next(served) % every == 0:
            libc.malloc_trim(0)

    return True


def warm_up(app: Flask) -> None:
    """Load every live content version and quiz definition into the process's caches."""
    with collector_paused():  # decoding 5 MB of content makes objects by the hundred thousand (course.gc_pause)
        _load_live_content(app)


def warm_after_first_answer(app: Flask) -> None:
    """Once the server's first request has been answered, ``warm_up`` in a thread of its own (see the module's
    docstring): started earlier, it would compete with that first answer for the interpreter."""
    claimed = Lock()

    @app.teardown_request
    def start_warming(_error: BaseException | None = None) -> None:
        if claimed.acquire(blocking=False):  # the first teardown only; never released
            Thread(target=warm_up, args=(app,), name="cascade-warm-up", daemon=True).start()


def _load_live_content(app: Flask) -> None:
    from course.content.repository import live_versions  # noqa: PLC0415
    from course.models.content import ContentKind  # noqa: PLC0415
    from course.quiz.definition import live_definition  # noqa: PLC0415

    with app.app_context():
        try:
            quizzes = [item.content_id for item in live_versions(*ContentKind) if item.kind == ContentKind.QUIZ]
            for quiz_id in quizzes:
                live_definition(quiz_id)
        except SQLAlchemyError:  # no database yet (a first start before 'course init'): pages load it later
            log.warning("content not warmed: the database cannot be read yet", exc_info=True)
        finally:
            db.session.remove()
