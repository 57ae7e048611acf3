"""Recording reading progress."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from course.extensions import db
from course.models.progress import SectionRead


def already_read(user_id: int, module_id: str, section_key: str) -> bool:
    return db.session.scalar(select(SectionRead.id).where(
        SectionRead.user_id == user_id, SectionRead.module_id == module_id, SectionRead.section_id == section_key,
    )) is not None


def mark_section_read(user_id: int, module_id: str, section_key: str, module_hash: str) -> bool:
    """Record that the user read a section; True if this is the first time.

    A double click, or two tabs, may race to insert the same row: the unique
    constraint decides, and the loser is simply already recorded.
    """
    if already_read(user_id, module_id, section_key):
        return False
    try:
        with db.session.begin_nested():
            db.session.add(SectionRead(user_id=user_id, module_id=module_id, section_id=section_key,
                                       module_hash=module_hash))
    except IntegrityError:
        return False
    return True
