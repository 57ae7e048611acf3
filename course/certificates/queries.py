"""Reads for certificate pages: one's own, a cohort's, all of them (searchable), and public verification."""

from __future__ import annotations

from sqlalchemy import Select, func, select

from course.extensions import db
from course.models.certificate import Certificate
from course.models.cohort import Cohort
from course.models.user import User, Velayat
from course.search import fold, matches

#: Certificates on one page of the coordinator's list (newest first; a search narrows it).
PER_PAGE = 50


def certificates_of(user_id: int) -> list[Certificate]:
    return list(db.session.scalars(select(Certificate).where(Certificate.user_id == user_id)
                                   .order_by(Certificate.issued_at.desc())))


def cohort_certificates(cohort: Cohort, *, valid_only: bool = False) -> list[Certificate]:
    query = select(Certificate).where(Certificate.cohort_id == cohort.id).order_by(Certificate.holder_name)
    if valid_only:
        query = query.where(Certificate.revoked_at.is_(None))
    return list(db.session.scalars(query))


def search_certificates(text: str = "", velayats: frozenset[Velayat] | None = None) -> Select:
    """Newest first; ``text`` matches part of a serial, a holder's name or username (any case, with or without
    the letters' marks: ``course.search``); within ``velayats``."""
    query = select(Certificate).join(User, User.id == Certificate.user_id)
    if velayats is not None:
        query = query.join(Cohort, Cohort.id == Certificate.cohort_id).where(Cohort.velayat.in_(sorted(velayats)))
    if (condition := matches(text, Certificate.serial, Certificate.holder_name, User.username)) is not None:
        query = query.where(condition)
    return query.order_by(Certificate.issued_at.desc(), Certificate.id.desc())


def by_code(code: str) -> Certificate | None:
    return db.session.scalar(select(Certificate).where(Certificate.code == code.strip()))


def _fold(text: str) -> str:
    """A name as it is compared: folded as every search folds it (``course.search``: Durdyýewa is Durdyyewa,
    Şirin is Sirin, Ёлкин is Елкин), without the punctuation around a word."""
    return fold(text).strip(" .,'’")


def _name_parts(name: str) -> set[str]:
    """Each word of a name, and each part of a hyphenated word: "Ataýewa-Saryýewa" gives all three."""
    words = {_fold(word) for word in name.split()}
    return {part for word in words for part in (word, *word.split("-")) if len(part) >= 2}


def by_serial_and_name(serial: str, family_name: str) -> Certificate | None:
    """The certificate with this serial if ``family_name`` is a word (or hyphenated part) of the holder's name.

    Names are written surname first in Russian and last in English, so any word
    of the printed name counts; the serial alone must never be enough.
    """
    certificate = db.session.scalar(select(Certificate).where(
        func.upper(Certificate.serial) == serial.strip().upper()))
    wanted = _fold(family_name)
    if certificate is None or not wanted or " " in wanted or wanted not in _name_parts(certificate.holder_name):
        return None
    return certificate
