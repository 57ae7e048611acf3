"""Server time and query count of the coordinator dashboard on a generated population.

Run: .venv/bin/python bench/coordinator_dashboard.py [--learners 10000] [--requests 15] [--database-url URL]

Seeds a fresh database (SQLite in a temporary folder unless --database-url is given) with
``course demo-data``, then requests each coordinator page as a national coordinator, timing each
request in the process (no network) and counting its SQL statements. Prints the population, then,
per page, the median and 90th-percentile server time and the query count of a view computed afresh
(the figures this process kept are dropped first: the first view after a change) and of a view
served from the kept figures (course.reports.kept: a view while nothing has changed). Targets:
issue 7, median under 300 ms on a 2-core machine; issue 20, under 150 ms at 10,000 learners; and a
query count that does not grow with the population (tests/test_reports.py asserts it at two sizes).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import event, text

from course import create_app
from course.auth.services import create_user
from course.content.sync import sync_content
from course.demo_data import generate_demo_data
from course.extensions import db
from course.models.user import Role
from course.reports.kept import CACHE_KEY as KEPT_REPORTS

PASSWORD = "bench password 123"  # noqa: S105  (a throwaway account in a throwaway database)


def _app(database_url: str | None, folder: Path):
    config = {"INSTANCE_DIR": str(folder), "ARGON2_TIME_COST": 1, "ARGON2_MEMORY_COST": 8, "ARGON2_PARALLELISM": 1}
    if database_url:
        config["SQLALCHEMY_DATABASE_URI"] = database_url
    return create_app(config)


def seed(app, learners: int) -> None:
    with app.app_context():
        db.drop_all()
        db.create_all()
        sync_content(Path(app.config["CONTENT_DIR"]))
        user, _ = create_user("bench-coordinator", {Role.COORDINATOR}, password=PASSWORD)
        user.must_change_password = False
        started = time.perf_counter()
        summary = generate_demo_data(learners, seed=1)
        db.session.commit()
        # Fresh bulk-loaded tables have no planner statistics; production databases gather them on their own.
        db.session.execute(text("ANALYZE"))
        db.session.commit()
        print(f"seeded in {time.perf_counter() - started:.0f} s:")
        for line in summary.lines():
            print("  " + line)


def measure(app, url: str, requests: int, *, computed: bool) -> tuple[list[float], int]:
    client = app.test_client()
    with app.app_context():
        client.post("/login", data={"username": "bench-coordinator", "password": PASSWORD})
    statements: list[str] = []
    with app.app_context():
        engine = db.engine

    def count(*_args) -> None:
        statements.append("")

    times = []
    client.get(url)  # warm-up: content caches, compiled statements
    for _ in range(requests):
        statements.clear()
        if computed:
            app.extensions.pop(KEPT_REPORTS, None)
        event.listen(engine, "before_cursor_execute", count)
        started = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - started)
        event.remove(engine, "before_cursor_execute", count)
        assert response.status_code == 200, response.status_code
    return times, len(statements)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=15)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        app = _app(args.database_url, Path(folder))
        app.config["WTF_CSRF_ENABLED"] = False
        seed(app, args.learners)
        pages = (("whole period, every velayat", "/reports"), ("one velayat", "/reports?velayat=mary"),
                 ("programme view, every velayat", "/reports/programme"),
                 ("evaluations across cohorts", "/reports/evaluations"))
        for label, url in pages:
            for computed in (True, False):
                times, queries = measure(app, url, args.requests, computed=computed)
                ordered = sorted(times)
                kind = "computed" if computed else "kept"
                print(f"{label}, {kind}: median {statistics.median(times) * 1000:.0f} ms, "
                      f"p90 {ordered[int(len(ordered) * 0.9) - 1] * 1000:.0f} ms, {queries} queries per request")


if __name__ == "__main__":
    main()
