"""The shipped gunicorn configuration for the central server: ``gunicorn -c deploy/gunicorn.conf.py``.

Sized for the machine it runs on (a 2-core VM is the programme's reference): one worker process per core,
each with a few threads, because a request mostly waits on PostgreSQL, and threads share one copy of the
course catalogue where processes each need their own. More processes than cores start slower, double the
memory and gain nothing (measured: bench/RESULTS.md). The app is loaded once before the workers fork
(``preload_app``), so they start at once and share the imported libraries and models; each worker then loads
the live content in the background (course.warm), imports the views it is asked for (course.lazy_views) and
opens its own pool of database connections, reused across requests.

Every setting can be overridden from the environment (COURSE_BIND, COURSE_WORKERS, COURSE_THREADS) or on
the command line.
"""

import multiprocessing
import os

from course.gc_pause import freeze_and_resume, pause_until_frozen

pause_until_frozen()  # gunicorn reads this before it loads the app: no collection until when_ready freezes it

wsgi_app = "course:create_app()"
bind = os.environ.get("COURSE_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("COURSE_WORKERS", multiprocessing.cpu_count()))
worker_class = "gthread"
threads = int(os.environ.get("COURSE_THREADS", "4"))
preload_app = True
# A request that takes longer than this is a bug, not a slow page: the worker is restarted.
timeout = 30
graceful_timeout = 20
keepalive = 5


def when_ready(server):
    """Before the workers fork: freeze what the start loaded and resume the collector (course.gc_pause), and let
    each worker's threads share two malloc arenas (course.warm)."""
    from course.warm import limit_malloc_arenas  # noqa: PLC0415

    freeze_and_resume()
    limit_malloc_arenas()


def post_fork(server, worker):
    """Connections are never shared across a fork: each worker opens its own on first use."""
    from course.extensions import db  # noqa: PLC0415

    with server.app.wsgi().app_context():
        db.engine.dispose(close=False)


def post_worker_init(worker):
    """Once a worker has answered its first request, it loads the live content in the background (course.warm)."""
    from course.warm import warm_after_first_answer  # noqa: PLC0415

    warm_after_first_answer(worker.app.wsgi())
