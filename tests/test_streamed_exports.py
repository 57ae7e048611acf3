"""Every export, downloaded from a real HTTP server and read to its last byte, with every kind of row it holds.

Exports are streamed (CSV chunk by chunk), so a row that fails half-way does not give a 500: the download just
stops, and the person gets a file that looks whole. This test downloads each export of a trainer and of a
coordinator over a socket, after the rows that broke one before (a learner holding a certificate: the stream
read an expired database object after the export had been recorded), and checks each file is complete.
"""

from __future__ import annotations

import csv
import io
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar

import pytest
from openpyxl import load_workbook

from course.extensions import db
from course.models.certificate import Certificate, CertificateKind
from course.models.types import utcnow
from course.models.user import Agency, Gender, User, Velayat
from tests.conftest import CSRF_RE, TEST_PASSWORD
from tests.live import served
from tests.test_cohort_pages import as_user
from tests.test_evaluation import NAMES, evaluate, group  # noqa: F401  (fixture)


def _certificate(user: User, cohort, number: int, *, revoked: bool) -> Certificate:
    certificate = Certificate(
        user_id=user.id, course_id=cohort.course_id, track_id=cohort.track_id, kind=CertificateKind.COMPLETION,
        serial=f"TOT-2026-{number:06d}", code=f"code-{number}-" + "x" * 40, holder_name=user.full_name,
        language="en", contact_hours=6.0, cohort_id=cohort.id,
        revoked_at=utcnow() if revoked else None, revocation_reason="Issued by mistake." if revoked else None)
    db.session.add(certificate)
    return certificate


@pytest.fixture
def rich_cohort(app, group):  # noqa: F811
    """Every kind of row: certificates valid and revoked, full and empty profiles, a formula for a name,
    five evaluations (ratings and written answers)."""
    cohort, learners = group["cohort"], group["learners"]
    first, second, third = learners[:3]
    first.agency, first.velayat, first.gender, first.position = (Agency.PROSECUTION, Velayat.LEBAP, Gender.FEMALE,
                                                                 "Investigator")
    third.full_name = '=HYPERLINK("http://x")'
    _certificate(first, cohort, 1, revoked=False)
    _certificate(second, cohort, 2, revoked=True)
    db.session.commit()
    for name in NAMES[:5]:
        evaluate(as_user(app, name), cohort, apply=f"{name} will check the means.")
    return cohort


class Browser:
    """Signs in over HTTP and downloads whole files."""

    def __init__(self, base: str, username: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
        token = CSRF_RE.search(self.read("/login").decode()).group(1)
        body = urllib.parse.urlencode({"username": username, "password": TEST_PASSWORD, "csrf_token": token}).encode()
        self.opener.open(self.base + "/login", data=body).read()

    def read(self, path: str) -> bytes:
        with self.opener.open(self.base + path) as response:
            assert response.status == 200, path
            return response.read()  # IncompleteRead if the stream stopped before its end


def csv_rows(body: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))


def xlsx_rows(body: bytes) -> list[list]:
    return [list(row) for row in load_workbook(io.BytesIO(body), read_only=True).active.iter_rows(values_only=True)]


def test_every_export_of_a_trainer_and_a_coordinator_arrives_whole(app, rich_cohort):
    cohort = rich_cohort
    with served(app) as base:
        trainer, coordinator = Browser(base, "trainer"), Browser(base, "coord")
        for fmt, rows_of in (("csv", csv_rows), ("xlsx", xlsx_rows)):
            progress = rows_of(trainer.read(f"/cohorts/{cohort.id}/export.{fmt}"))
            header, *learners = progress
            assert len(learners) == len(NAMES), fmt
            serials = {row[1]: row[header.index("Certificate no.")] for row in learners}
            assert serials["aman"] == "TOT-2026-000001"  # a valid certificate
            assert serials["bahar"] in ("", None)  # revoked: no valid certificate
            assert any(str(row[0]).startswith("'=") for row in learners)  # a formula stays text

            evaluation = rows_of(trainer.read(f"/cohorts/{cohort.id}/evaluation/results.{fmt}"))
            assert len(evaluation) > 1 and evaluation[1][2] in ("5", 5)

            certificates = rows_of(coordinator.read(f"/reports/export/certificates.{fmt}"))
            assert sorted(row[0] for row in certificates[1:]) == ["TOT-2026-000001", "TOT-2026-000002"]
            assert {row[-1] for row in certificates[1:]} == {"valid", "revoked"}
            assert {row[2] for row in certificates[1:]} == {"Short track"}  # the track by its title, not its id

            cohorts = rows_of(coordinator.read(f"/reports/export/cohorts.{fmt}"))
            assert [row[0] for row in cohorts[1:]] == [cohort.name]
            assert cohorts[1][2] == "Short track" and "Attendance (%)" in cohorts[0]

            disaggregation = rows_of(coordinator.read(f"/reports/export/disaggregation.{fmt}"))
            assert len(disaggregation) > 1

            ratings = rows_of(coordinator.read(f"/reports/evaluations.{fmt}"))
            assert len(ratings) > 1
            answers = rows_of(coordinator.read(f"/reports/evaluations/answers.{fmt}"))
            assert sorted(row[2] for row in answers[1:]) == sorted(f"{n} will check the means." for n in NAMES[:5])
