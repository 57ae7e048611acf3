# ruff: noqa: S310, S603, S607  (a benchmark: it starts the servers and tools it names, on the loopback)
"""Cascade under load, served as in production: the figures of issue 20 in one table.

Seeds a database with a generated population and one cohort of ``--cohort`` learners (default 200) with
realistic progress, then, for each server:

- ``gunicorn``: the shipped ``deploy/gunicorn.conf.py`` on PostgreSQL (the central server);
- ``serve``: ``course serve`` (waitress) on SQLite (a trainer's laptop);

starts it, times the cold start to the first 200, signs in a trainer and a learner, and measures with wrk
(Debian's ``wrk``) the trainer's cohort dashboard, the quiz page's answer save and a module page at 1 and
32 connections (``--duration`` seconds each): requests per second, median and 99th-percentile latency,
non-2xx answers. After the load it reads each server process's resident memory, loads the dashboard
``--repeat`` more times and reads it again (it must not grow). With ``--coordinator`` it also measures
/reports and the evaluations page at 8 connections (seed ``--learners 10000`` for issue 20's figure).

Run: .venv/bin/python bench/load.py [--servers gunicorn,serve] [--learners 300] [--cohort 200]
     [--duration 10] [--database-url postgresql://postgres@127.0.0.1:5432/] [--coordinator]
     [--starts 5] [--cold-only [--against CHECKOUT]]
Needs: apt-get install -y wrk; a PostgreSQL server for gunicorn (the script makes and drops its database).
"""

from __future__ import annotations

import argparse
import html.parser
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import tomllib
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from http.cookiejar import CookieJar
from pathlib import Path

import psycopg
from sqlalchemy import func, select, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from course import create_app  # noqa: E402
from course.auth.passwords import hash_password  # noqa: E402
from course.auth.services import create_user  # noqa: E402
from course.cli import compile_code  # noqa: E402
from course.content.sync import sync_content  # noqa: E402
from course.demo_data import generate_demo_data  # noqa: E402
from course.extensions import db  # noqa: E402
from course.models import CohortTrainer, Enrolment, User  # noqa: E402
from course.models.user import Role  # noqa: E402
from course.quiz.attempts import open_attempt, start_attempt  # noqa: E402
from course.quiz.definition import live_definition  # noqa: E402

PASSWORD = "bench password 123"  # noqa: S105  (throwaway accounts in a throwaway database)
DATABASE = "cascade_bench_load"
SECRET = "bench-secret-key-" + "0" * 40
PORT = {"gunicorn": 8731, "serve": 8732}
#: The same for the sign-in and for wrk: a session is bound to its browser.
USER_AGENT = "cascade-bench"


# -- seeding -------------------------------------------------------------------------------------------------------

@dataclass
class Seeded:
    cohort_id: int
    trainer: str
    learner: str
    attempt_id: int
    module_id: str


def _environment(url: str, instance: Path) -> dict[str, str]:
    return {**os.environ, "COURSE_DATABASE_URL": url, "COURSE_INSTANCE_DIR": str(instance),
            "COURSE_SECRET_KEY": SECRET, "COURSE_ENV": "production", "COURSE_BASE_URL": "http://127.0.0.1"}


def seed(url: str, instance: Path, learners: int, cohort: int) -> Seeded:
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_DIR": str(instance), "SECRET_KEY": SECRET})
    with app.app_context():
        db.drop_all()
        db.create_all()
        sync_content(Path(app.config["CONTENT_DIR"]))
        started = time.perf_counter()
        generate_demo_data(learners, seed=1, large_cohort=cohort)
        create_user("bench-coordinator", {Role.COORDINATOR}, password=PASSWORD)
        db.session.commit()
        cohort_id, size = db.session.execute(
            select(Enrolment.cohort_id, func.count()).where(Enrolment.cohort_id.is_not(None))
            .group_by(Enrolment.cohort_id).order_by(func.count().desc()).limit(1)).one()
        lead = db.session.scalar(select(User).join(CohortTrainer, CohortTrainer.user_id == User.id)
                                 .where(CohortTrainer.cohort_id == cohort_id, CohortTrainer.lead.is_(True)))
        learner = db.session.scalar(select(User).join(Enrolment, Enrolment.user_id == User.id)
                                    .where(Enrolment.cohort_id == cohort_id).order_by(User.id).limit(1))
        for person in (lead, learner, db.session.scalar(select(User).where(User.username == "bench-coordinator"))):
            person.password_hash, person.must_change_password = hash_password(PASSWORD), False
        enrolment = db.session.scalar(select(Enrolment).where(Enrolment.user_id == learner.id))
        catalogue_track = enrolment.track_id
        from course.learn.queries import load_catalogue  # noqa: PLC0415

        catalogue = load_catalogue()
        module_id = catalogue.track(catalogue_track)["modules"][0]
        quiz_id = catalogue.course["post_test"]
        attempt = open_attempt(learner.id, quiz_id) or start_attempt(learner.id, live_definition(quiz_id))
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            db.session.execute(text("ANALYZE"))
            db.session.commit()
        print(f"  seeded {url.split('://')[0]} in {time.perf_counter() - started:.0f} s: cohort {cohort_id} of "
              f"{size} learners", flush=True)
        seeded = Seeded(cohort_id, lead.username, learner.username, attempt.id, module_id)
        db.session.remove()
        db.engine.dispose()  # the servers measured open their own connections; none is left behind
        return seeded


# -- a signed-in client ----------------------------------------------------------------------------------------------

class Session:
    """Signs in like a browser and hands wrk the cookie and CSRF token. The server runs as in production, whose
    cookies are marked Secure; over the loopback's plain HTTP the cookie is sent by hand."""

    def __init__(self, base: str, username: str):
        self.base, self.jar = base, CookieJar()
        token = self.token("/login")
        body = urllib.parse.urlencode({"username": username, "password": PASSWORD, "csrf_token": token}).encode()
        self.open("/login", body)
        if 'name="password"' in self.get("/"):
            raise SystemExit(f"could not sign in as {username}")

    def open(self, path: str, body: bytes | None = None) -> str:
        request = urllib.request.Request(self.base + path, data=body,
                                         headers={"Cookie": self.cookie, "User-Agent": USER_AGENT})
        opener = urllib.request.build_opener(_NoRedirect)
        try:
            response = opener.open(request)
        except urllib.error.HTTPError as exc:  # a redirect: follow it with the cookies it set
            self.jar.extract_cookies(exc, request)
            return self.open(urllib.parse.urlsplit(exc.headers["Location"]).path) if exc.code in (301, 302, 303) \
                else ""
        self.jar.extract_cookies(response, request)
        return response.read().decode()

    def get(self, path: str) -> str:
        return self.open(path)

    def token(self, path: str) -> str:
        return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', self.get(path)).group(1)

    @property
    def cookie(self) -> str:
        return "; ".join(f"{c.name}={c.value}" for c in self.jar)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class _FirstChoice(html.parser.HTMLParser):
    """The first question of a quiz page with a radio button: its id, the field's name and a value."""

    def __init__(self):
        super().__init__()
        self.question = self.found = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "data-question" in attrs and self.found is None:
            self.question = attrs["data-question"]
        if tag == "input" and attrs.get("type") == "radio" and self.question and self.found is None:
            self.found = (self.question, attrs["name"], attrs["value"])


# -- a server --------------------------------------------------------------------------------------------------------

def _entry_point(code: Path) -> str:
    """The ``course`` command as the checkout served declares it (a "before" run may predate today's)."""
    module, function = tomllib.loads((code / "pyproject.toml").read_text())["project"]["scripts"]["course"].split(":")
    return f"import sys; sys.argv[0] = 'course'; from {module} import {function}; sys.exit({function}())"


def start(kind: str, env: dict[str, str], log: Path, code: Path) -> tuple[subprocess.Popen, float]:
    port = PORT[kind]
    env = {**env, "PYTHONPATH": str(code)}  # the checkout whose code is served (another one: a "before" run)
    if kind == "gunicorn":
        config = next(path for path in (code / "deploy" / "gunicorn.conf.py", code / "gunicorn.conf.py",
                                        ROOT / "deploy" / "gunicorn.conf.py") if path.exists())
        command = [str(ROOT / ".venv/bin/gunicorn"), "-c", str(config), "--bind",
                   f"127.0.0.1:{port}"]
    else:
        command = [str(ROOT / ".venv/bin/python"), "-c", _entry_point(code), "serve", "--port", str(port)]
    compile_code(code / "course")  # as 'course init' does at installation: the bytecode a start reads
    began = time.perf_counter()
    process = subprocess.Popen(command, cwd=code, env=env, stdout=subprocess.DEVNULL,  # noqa: SIM115
                               stderr=log.open("w"), start_new_session=True)
    while True:
        try:
            if urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=2).status == 200:  # noqa: S310
                return process, time.perf_counter() - began
        except (urllib.error.URLError, ConnectionError):
            if process.poll() is not None:
                raise SystemExit(f"{kind} did not start: {log.read_text()[-2000:]}") from None
            time.sleep(0.02)


def stop(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=30)


def resident_mb(process: subprocess.Popen) -> list[tuple[float, float, float]]:
    """Memory of the server and of each of its worker processes, in MB: resident (RSS, which counts in full the
    pages forked workers share with the master), proportional (PSS: each shared page divided among the
    processes sharing it, so the PSS of all processes adds up to what the server costs the machine), and
    private to the process (USS, what another worker adds)."""
    pids = [process.pid, *map(int, subprocess.run(["pgrep", "-P", str(process.pid)], capture_output=True,
                                                  text=True).stdout.split())]
    sizes = []
    for pid in pids:
        rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
        kb = {name: int(re.search(rf"^{name}:\s+(\d+)", rollup, re.M).group(1))
              for name in ("Rss", "Pss", "Private_Clean", "Private_Dirty")}
        sizes.append((kb["Rss"] / 1024, kb["Pss"] / 1024, (kb["Private_Clean"] + kb["Private_Dirty"]) / 1024))
    return sizes


def _memory(sizes: list[tuple[float, float, float]]) -> str:
    total = sum(pss for _rss, pss, _uss in sizes)
    return " / ".join(f"{rss:.0f} (PSS {pss:.0f}, USS {uss:.0f})" for rss, pss, uss in sizes) + f"; all {total:.0f}"


# -- wrk -------------------------------------------------------------------------------------------------------------

@dataclass
class Figure:
    rate: float
    p50: float
    p99: float
    errors: int


def _ms(value: str) -> float:
    """wrk's latency ("812.35us", "1.02s", "2.50m") in milliseconds; NaN for what it prints when no request
    finished."""
    found = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", value)
    if found is None:
        return float("nan")
    number, unit = found.groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60_000, "h": 3_600_000}[unit]


def wrk(url: str, connections: int, seconds: int, cookie: str, script: Path | None = None) -> Figure:
    command = ["wrk", "-t", str(min(2, connections)), "-c", str(connections), "-d", f"{seconds}s", "--latency",
               "--timeout", "30s",
               "-H", f"Cookie: {cookie}", "-H", f"User-Agent: {USER_AGENT}", url]
    if script:
        command[1:1] = ["-s", str(script)]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    if "50%" not in out:
        raise SystemExit(f"wrk gave no latency figures for {url}:\n{out}")
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    timeouts = re.search(r"timeout (\d+)", out)
    return Figure(float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
                  _percentile(out, 50), _percentile(out, 99),
                  int(errors.group(1)) if errors else 0 + (int(timeouts.group(1)) if timeouts else 0))


def _percentile(out: str, percent: int) -> float:
    """A line of wrk's latency distribution ("     50%   62.68ms"); not the "+/- Stdev" column of its thread
    table, which can end in the same digits ("67.50%")."""
    return _ms(re.search(rf"^\s+{percent}%\s+(\S+)", out, re.M).group(1))


def save_script(folder: Path, token: str, question: str, field: str, value: str) -> Path:
    body = json.dumps({"fields": [[field, value]]})
    path = folder / f"save-{question}.lua"
    path.write_text(f'wrk.method = "POST"\nwrk.body = {json.dumps(body)}\n'
                    f'wrk.headers["Content-Type"] = "application/json"\nwrk.headers["X-CSRFToken"] = "{token}"\n')
    return path


def sessions_opened(args) -> int | None:
    """PostgreSQL's count of the sessions ever opened on the bench's database: its growth during the load is
    the connections the server opened, which a pool reuses instead of opening one a request."""
    with psycopg.connect(args.database_url + "postgres", autocommit=True) as admin:
        return admin.execute("SELECT sessions FROM pg_stat_database WHERE datname = %s", (DATABASE,)).fetchone()[0]


def cold_starts(kind: str, env: dict[str, str], args, folder: Path) -> list[str]:
    """The cold start, ``--starts`` times: one start on a 2-core machine varies by a tenth of a second, as much as
    the changes it judges. Reported as the median and the range. With ``--against``, the starts of the two
    checkouts alternate, so a machine that slows down or speeds up meanwhile weighs on both alike."""
    codes = [Path(args.code).resolve(), *([Path(args.against).resolve()] if args.against else [])]
    times: dict[Path, list[float]] = {code: [] for code in codes}
    for _ in range(args.starts):
        for code in codes:
            process, cold = start(kind, env, folder / f"{kind}.log", code)
            stop(process)
            times[code].append(cold)
    rows = []
    for code, measured in times.items():
        measured.sort()
        label = f", {code.name}" if args.against else ""
        rows.append(f"| {kind} | cold start to first 200 (median of {len(measured)}{label}) | "
                    f"{measured[len(measured) // 2]:.2f} s ({measured[0]:.2f}-{measured[-1]:.2f}) | | | |")
    return rows


def measure(kind: str, env: dict[str, str], seeded: Seeded, args, folder: Path) -> list[str]:
    rows = cold_starts(kind, env, args, folder)
    if args.cold_only:
        return rows
    process, _cold = start(kind, env, folder / f"{kind}.log", Path(args.code).resolve())
    base = f"http://127.0.0.1:{PORT[kind]}"
    try:
        trainer, learner = Session(base, seeded.trainer), Session(base, seeded.learner)
        choice = _FirstChoice()
        choice.feed(learner.get(f"/attempts/{seeded.attempt_id}"))
        question, field, value = choice.found
        token = learner.token(f"/attempts/{seeded.attempt_id}")
        targets = [
            ("trainer cohort dashboard", f"{base}/cohorts/{seeded.cohort_id}", trainer.cookie, None),
            ("answer save", f"{base}/attempts/{seeded.attempt_id}/answers/{question}", learner.cookie,
             save_script(folder, token, question, field, value)),
            ("module page", f"{base}/modules/{seeded.module_id}", learner.cookie, None),
        ]
        if args.coordinator:
            coordinator = Session(base, "bench-coordinator")
            targets += [("coordinator /reports", f"{base}/reports", coordinator.cookie, None),
                        ("coordinator evaluations", f"{base}/reports/evaluations", coordinator.cookie, None)]
        sessions_before = sessions_opened(args) if kind == "gunicorn" else None
        requests = 0
        for label, url, cookie, script in targets:
            if script is None:  # a page that answers with the sign-in form or a redirect measures nothing
                page = urllib.request.urlopen(urllib.request.Request(url, headers={
                    "Cookie": cookie, "User-Agent": USER_AGENT}))
                if page.url != url or page.status != 200:
                    raise SystemExit(f"{url} does not answer 200 to the signed-in client")
            for connections in ((8,) if label.startswith("coordinator") else (1, 32)):
                figure = wrk(url, connections, args.duration, cookie, script)
                requests += round(figure.rate * args.duration)
                rows.append(f"| {kind} | {label}, c={connections} | {figure.rate:.1f} req/s | {figure.p50:.1f} ms | "
                            f"{figure.p99:.1f} ms | {figure.errors} |")
        if sessions_before is not None:
            rows.append(f"| {kind} | database connections opened during the load | "
                        f"{sessions_opened(args) - sessions_before} for about {requests} requests | | | |")
        after = resident_mb(process)
        for _ in range(args.repeat):
            trainer.get(f"/cohorts/{seeded.cohort_id}")
        again = resident_mb(process)
        rows.append(f"| {kind} | memory after load, MB per process (master first) | {_memory(after)} | "
                    f"after {args.repeat} more dashboards: {_memory(again)} | | |")
    finally:
        stop(process)
    return rows


def main(args) -> None:
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install -y wrk")
    folder = Path(tempfile.mkdtemp(prefix="cascade-bench-load-"))
    rows = ["| server | figure | throughput / value | p50 | p99 | non-2xx |", "| --- | --- | --- | --- | --- | --- |"]
    for kind in args.servers.split(","):
        instance = folder / kind
        if kind == "gunicorn":
            with psycopg.connect(args.database_url + "postgres", autocommit=True) as admin:
                admin.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")  # a run stopped halfway
                admin.execute(f"CREATE DATABASE {DATABASE}")
            url = f"{args.database_url}{DATABASE}"
        else:
            url = f"sqlite:///{instance / 'cascade.sqlite3'}"
        instance.mkdir(parents=True, exist_ok=True)
        seeded = seed(url, instance, args.learners, args.cohort)
        rows += measure(kind, _environment(url, instance), seeded, args, folder)
    print("\n".join(rows))
    if "gunicorn" in args.servers:
        with psycopg.connect(args.database_url + "postgres", autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--servers", default="gunicorn,serve")
    parser.add_argument("--learners", type=int, default=300, help="the generated population besides the cohort")
    parser.add_argument("--cohort", type=int, default=200, help="learners in the trainer's cohort")
    parser.add_argument("--duration", type=int, default=10, help="seconds of each wrk run")
    parser.add_argument("--repeat", type=int, default=50, help="dashboards loaded again to watch memory")
    parser.add_argument("--coordinator", action="store_true", help="also measure the coordinator pages")
    parser.add_argument("--starts", type=int, default=5, help="cold starts measured (median and range)")
    parser.add_argument("--cold-only", action="store_true", help="measure the cold starts only")
    parser.add_argument("--against", help="another checkout whose cold starts alternate with --code's")
    parser.add_argument("--database-url", default="postgresql://postgres@127.0.0.1:5432/")
    parser.add_argument("--code", default=str(ROOT), help="serve the code of this checkout (e.g. a worktree of an "
                        "earlier commit, for before/after figures from one run); seeding uses this one's")
    main(parser.parse_args())
