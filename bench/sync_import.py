"""How long the central server takes to import a field laptop's bundle, and how much memory it needs.

A laptop (SQLite) holds one cohort of ``--learners`` learners (default 200), each enrolled, with their
sections read, one submitted post-test attempt of ``--answers`` answers (default 50: 10,000 answers for 200
learners), attendance on four session days, and a certificate. Its bundle is imported into a fresh central
database (PostgreSQL by default, as on the server).

Run: .venv/bin/python bench/sync_import.py [--centre URL] [--learners N] [--answers N]
Needs a PostgreSQL server (default postgresql://postgres@127.0.0.1:5432/, database cascade_bench_sync, made
and dropped by the script). Reports export time and size, import time and the import's peak Python memory,
and the time to apply the same records again in a bundle written anew (every record compared with the
centre's version).
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
import tracemalloc
from datetime import date, timedelta
from pathlib import Path

import psycopg
from sqlalchemy import insert

from course import create_app
from course.extensions import db
from course.models import (
    AttemptAnswer,
    Attendance,
    Certificate,
    Cohort,
    CohortTrainer,
    Enrolment,
    QuizAttempt,
    SectionRead,
    SessionDay,
    User,
)
from course.models.attempt import AttemptState
from course.models.attendance import AttendanceStatus
from course.models.certificate import CertificateKind
from course.models.identity import new_uid
from course.models.types import utcnow
from course.sync.services import export_bundle, import_bundle, join_device, register_device

CENTRE_DB = "cascade_bench_sync"
#: Nobody signs in as the bench's people: an impossible hash, and a placeholder session token.
NO_SIGN_IN, NO_SESSION = "!", "-"


def _config(url: str, instance: Path) -> dict:
    return {"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_DIR": str(instance), "SECRET_KEY": "b" * 48,
            "TESTING": True}


def _fill_laptop(learners: int, answers: int) -> None:
    """One cohort's worth of records, written directly (as months of a trainer's work would leave them)."""
    now = utcnow()
    lead = User(username="lead", full_name="Lead Trainer", password_hash=NO_SIGN_IN, session_token=NO_SESSION)
    db.session.add(lead)
    db.session.flush()
    cohort = Cohort(course_id="tot-trafficking", track_id="cascade", name="Mary prosecutors", language="tk",
                    velayat="mary", city="Mary", venue="Prosecutor's office", starts_on=date(2027, 3, 1),
                    ends_on=date(2027, 3, 4), audience=["prosecution"], join_code="BENCH001", created_by_id=lead.id)
    db.session.add(cohort)
    db.session.flush()
    db.session.add(CohortTrainer(cohort_id=cohort.id, user_id=lead.id, lead=True))
    days = [SessionDay(cohort_id=cohort.id, day=date(2027, 3, 1) + timedelta(days=n), topic="", modules=[])
            for n in range(4)]
    db.session.add_all(days)
    db.session.flush()
    people = db.session.execute(insert(User).returning(User.id), [
        {"username": f"learner{n:04d}", "full_name": f"Learner {n:04d}", "password_hash": NO_SIGN_IN,
         "session_token": NO_SESSION, "uid": new_uid()} for n in range(learners)]).scalars().all()
    db.session.execute(insert(Enrolment), [{"user_id": p, "course_id": "tot-trafficking", "track_id": "cascade",
                                            "cohort_id": cohort.id, "generation": 2, "uid": new_uid()} for p in people])
    db.session.execute(insert(SectionRead), [
        {"user_id": p, "module_id": f"module-{m}", "section_id": f"section-{s}", "module_hash": "h" * 64,
         "read_at": now, "uid": new_uid()} for p in people for m in range(6) for s in range(5)])
    db.session.execute(insert(Attendance), [
        {"session_day_id": d.id, "user_id": p, "status": AttendanceStatus.PRESENT, "marked_by_id": lead.id,
         "marked_at": now, "uid": new_uid()} for p in people for d in days])
    attempts = db.session.execute(insert(QuizAttempt).returning(QuizAttempt.id), [
        {"user_id": p, "quiz_id": "post-test", "quiz_hash": "h" * 64, "number": 1, "state": AttemptState.SUBMITTED,
         "layout": {"questions": [f"q{n}" for n in range(answers)], "orders": {}}, "started_at": now,
         "submitted_at": now, "earned": 40.0, "possible": 50.0, "score": 80.0, "passed": True, "uid": new_uid()}
        for p in people]).scalars().all()
    db.session.execute(insert(AttemptAnswer), [
        {"attempt_id": a, "question_id": f"q{n}", "response": {"choice": "b"}, "saved_at": now, "earned": 1.0,
         "possible": 1.0, "parts": None, "uid": new_uid()} for a in attempts for n in range(answers)])
    db.session.execute(insert(Certificate), [
        {"user_id": p, "course_id": "tot-trafficking", "track_id": "cascade", "kind": CertificateKind.COMPLETION,
         "serial": f"CMP-2027-MARY1-{n:06d}", "code": new_uid().replace("-", ""), "holder_name": f"Learner {n:04d}",
         "language": "tk", "contact_hours": 16.0, "cohort_id": cohort.id, "issued_at": now, "uid": new_uid()}
        for n, p in enumerate(people)])
    db.session.commit()


def main(centre_server: str, learners: int, answers: int) -> None:
    work = Path(tempfile.mkdtemp(prefix="cascade-bench-sync-"))
    with psycopg.connect(centre_server + "postgres", autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {CENTRE_DB}")
        admin.execute(f"CREATE DATABASE {CENTRE_DB}")
    centre = create_app(_config(f"{centre_server}{CENTRE_DB}", work / "centre"))
    laptop = create_app(_config(f"sqlite:///{work / 'laptop.sqlite3'}", work / "laptop"))
    try:
        with centre.app_context():
            db.create_all()
            _device, enrolment = register_device("Bench laptop", "MARY1", None)
            db.session.commit()
        with laptop.app_context():
            db.create_all()
            join_device(enrolment)
            _fill_laptop(learners, answers)
            start = time.perf_counter()
            _sequence, data = export_bundle()
            db.session.commit()
            _sequence, anew = export_bundle(again=True)  # the same records, as a lost stick's bundle written again
            db.session.commit()
            print(f"export: {time.perf_counter() - start:.2f} s, bundle {len(data) / 1024 / 1024:.1f} MiB "
                  f"({learners} learners, {learners * answers} answers)")
        with centre.app_context():
            rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            tracemalloc.start()
            start = time.perf_counter()
            result = import_bundle(data)
            db.session.commit()
            elapsed = time.perf_counter() - start
            _current, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            added = sum(result.report.added.values())
            print(f"import on PostgreSQL: {elapsed:.2f} s, {added} records added, peak Python memory "
                  f"{peak / 1024 / 1024:.0f} MiB, process peak RSS {rss_after / 1024:.0f} MiB "
                  f"(+{(rss_after - rss_before) / 1024:.0f} MiB)")
            start = time.perf_counter()
            import_bundle(data)
            db.session.commit()
            print(f"re-import of the same bundle: {time.perf_counter() - start:.2f} s (nothing changed)")
            start = time.perf_counter()
            again = import_bundle(anew)
            db.session.commit()
            print(f"the same records written anew (--again): {time.perf_counter() - start:.2f} s, every record "
                  f"compared with the centre's, {sum(again.report.added.values())} added")
            db.session.remove()
            db.engine.dispose()
    finally:
        with psycopg.connect(centre_server + "postgres", autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {CENTRE_DB}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--centre", default="postgresql://postgres@127.0.0.1:5432/",
                        help="PostgreSQL server URL ending in '/' (the script makes its own database)")
    parser.add_argument("--learners", type=int, default=200)
    parser.add_argument("--answers", type=int, default=50)
    arguments = parser.parse_args()
    main(arguments.centre, arguments.learners, arguments.answers)
