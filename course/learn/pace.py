"""The reading rule: a section counts as read when it was open long enough to read it.

Pressing "Next" 48 times in two minutes must not complete a module. The rule: a section counts once it has
been open for its words at ``READING_WORDS_PER_MINUTE`` (600 by default: three times a careful reader's 200,
so nobody who reads is held up), at least ``MIN_SECONDS`` and at most ``MAX_SECONDS``. The moment a section
is opened is kept in the signed session cookie (nothing to forge, nothing written on a page view); a quicker
"Next" keeps the learner on the section with a message and is recorded as a skim for the trainer.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from flask import current_app, session
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from course.content.localize import pick
from course.extensions import db
from course.learn.services import already_read
from course.models.progress import ReadingSkim
from course.models.types import utcnow

if TYPE_CHECKING:
    from course.learn.queries import Catalogue, LiveModule

MIN_SECONDS = 10
MAX_SECONDS = 180
#: Sections whose opening time the session keeps (the most recent): enough for a module read in two tabs.
KEPT_SECTIONS = 12
#: An opening older than this is a past sitting: the section is timed again from its next opening.
STALE_SECONDS = 6 * 3600
SESSION_KEY = "opened_sections"
_TAG = re.compile(r"<[^>]+>")


def needed_seconds(html: str) -> int:
    """How long a section must be open to count as read; 0 when the rule is switched off."""
    pace = current_app.config["READING_WORDS_PER_MINUTE"]
    if pace <= 0:
        return 0
    words = len(_TAG.sub(" ", html).split())
    return min(MAX_SECONDS, max(MIN_SECONDS, round(words * 60 / pace)))


def _key(module_id: str, section_key: str) -> str:
    return f"{module_id}/{section_key}"


def section_opened(module_id: str, section_key: str) -> None:
    """Note when the section was opened, unless it is already open in this sitting (a reload keeps the time)."""
    opened: dict[str, int] = dict(session.get(SESSION_KEY) or {})
    now, key = int(time.time()), _key(module_id, section_key)
    if key in opened and now - opened[key] < STALE_SECONDS:
        return
    opened[key] = now
    session[SESSION_KEY] = dict(sorted(opened.items(), key=lambda item: item[1])[-KEPT_SECTIONS:])


def seconds_open(module_id: str, section_key: str) -> int:
    """Seconds since the section was opened in this sitting; 0 if it never was (a "Next" posted from nowhere)."""
    opened = (session.get(SESSION_KEY) or {}).get(_key(module_id, section_key))
    if not isinstance(opened, int):
        return 0
    elapsed = int(time.time()) - opened
    return elapsed if 0 <= elapsed < STALE_SECONDS else 0


@dataclass(frozen=True)
class Skim:
    """A "Next" pressed too soon: how long the section was open, and how long it needs."""

    seconds: int
    needed: int


def left_too_soon(user_id: int, catalogue: Catalogue, live: LiveModule, section_key: str,
                  locale: str) -> Skim | None:
    """Apply the rule to a "Next": None when the section counts (or was read before); otherwise the skim,
    recorded for the trainer (flushed; the caller commits). ``live`` is the module as served."""
    if already_read(user_id, live.id, section_key):
        return None
    html = pick(live.data["sections"][live.section_keys.index(section_key)]["html"], locale,
                catalogue.fallbacks(locale)).value
    skim = Skim(seconds_open(live.id, section_key), needed_seconds(html))
    if skim.seconds >= skim.needed:
        return None
    _record_skim(user_id, live.id, section_key, skim)
    return skim


def _record_skim(user_id: int, module_id: str, section_key: str, found: Skim) -> None:
    """Keep the quick "Next" for the trainer: one row a section, the latest try and how many (flushes)."""
    skim = db.session.scalar(select(ReadingSkim).where(
        ReadingSkim.user_id == user_id, ReadingSkim.module_id == module_id, ReadingSkim.section_id == section_key))
    if skim is not None:
        skim.seconds, skim.needed, skim.times, skim.at = found.seconds, found.needed, skim.times + 1, utcnow()
        db.session.flush()
        return
    try:
        with db.session.begin_nested():  # a double click may race to insert it: the first one is enough
            db.session.add(ReadingSkim(user_id=user_id, module_id=module_id, section_id=section_key,
                                       seconds=found.seconds, needed=found.needed, times=1))
    except IntegrityError:
        pass
