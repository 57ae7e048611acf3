"""CI's smoke check of the shipped server setup: gunicorn with deploy/gunicorn.conf.py on PostgreSQL, behind a
pretend proxy (COURSE_PROXY_FIX_HOPS=1, X-Forwarded-Proto: https), in production mode.

A fresh database is made, ``course init`` fills it, a learner is added; then the server is started and asked
what a load balancer and a learner ask: /readyz, sign in, start the pre-test, save an answer. Exits non-zero,
with the server's log, at the first thing that fails.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv" / "bin"
PORT = 8765
DATABASE = "cascade_smoke"
SERVER = "postgresql://postgres@127.0.0.1:5432"
PASSWORD = "a smoke test password"  # noqa: S105  (a throwaway account in a throwaway database)
NEW_PASSWORD = "the smoke learner's own password"  # noqa: S105


class Browser:
    """Just enough of a browser: cookies (kept by hand: they are Secure and this is plain HTTP on loopback)."""

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: bytes | None = None, content_type: str | None = None,
                extra: dict | None = None) -> tuple[int, dict, str]:
        connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=20)
        # As through the nginx site in deploy/: HTTPS outside, and a browser's Referer (Flask-WTF checks it on HTTPS).
        headers = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "198.51.100.7", "Host": "cascade.example.tm",
                   "Referer": f"https://cascade.example.tm{path}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        if content_type:
            headers["Content-Type"] = content_type
        connection.request(method, path, body=body, headers={**headers, **(extra or {})})
        response = connection.getresponse()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        text = response.read().decode("utf-8", "replace")
        connection.close()
        return response.status, dict(response.getheaders()), text


def check(condition: bool, what: str) -> None:
    if not condition:
        raise SystemExit(f"smoke check failed: {what}")
    print(f"ok: {what}")


def csrf(page: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', page) or re.search(r'name="csrf-token" content="([^"]+)"',
                                                                             page)
    check(match is not None, "the page carries a CSRF token")
    return match.group(1)


def psql(sql: str) -> None:
    subprocess.run(["psql", "-q", f"{SERVER}/postgres", "-c", sql], check=True)  # noqa: S603, S607


def main() -> None:
    psql(f"DROP DATABASE IF EXISTS {DATABASE}")
    psql(f"CREATE DATABASE {DATABASE}")
    instance = tempfile.mkdtemp(prefix="cascade-smoke-")
    env = {**os.environ, "COURSE_ENV": "production", "COURSE_DATABASE_URL": f"{SERVER}/{DATABASE}",
           "COURSE_INSTANCE_DIR": instance, "COURSE_PROXY_FIX_HOPS": "1", "COURSE_BIND": f"127.0.0.1:{PORT}",
           "COURSE_WORKERS": "2", "COURSE_SECRET_KEY": secrets.token_hex(32)}
    subprocess.run([str(VENV / "course"), "init"], env=env, check=True, cwd=ROOT)  # noqa: S603
    subprocess.run([str(VENV / "course"), "user", "add", "smoke", "--role", "learner", "--track", "cascade",  # noqa: S603
                    "--full-name", "Smoke Learner", "--password-stdin"], input=PASSWORD, text=True, env=env,
                   check=True, cwd=ROOT)
    log = Path(instance) / "gunicorn.log"
    with log.open("w") as output:
        server = subprocess.Popen([str(VENV / "gunicorn"), "-c", str(ROOT / "deploy" / "gunicorn.conf.py")],  # noqa: S603
                                  env=env, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT)
    try:
        run_checks()
    except BaseException:
        print(log.read_text(), file=sys.stderr)
        raise
    finally:
        server.terminate()
        server.wait(timeout=30)
        psql(f"DROP DATABASE IF EXISTS {DATABASE}")
    lines = [line for line in log.read_text().splitlines() if line.startswith("{")]
    requests = [json.loads(line) for line in lines if json.loads(line).get("message") == "request"]
    logged = log.read_text()
    check(bool(requests) and PASSWORD not in logged and NEW_PASSWORD not in logged,
          "the server logged JSON request lines, and no password")


def run_checks() -> None:
    browser = Browser()
    for _ in range(100):
        try:
            status, _headers, body = browser.request("GET", "/readyz")
            break
        except OSError:
            time.sleep(0.2)
    else:
        raise SystemExit("the server did not start within 20 s")
    check(status == 200 and json.loads(body)["status"] == "ok", f"/readyz says ready ({body.strip()})")  # noqa: PLR2004
    status, _headers, page = browser.request("GET", "/login")
    status, headers, _body = browser.request("POST", "/login", urlencode(
        {"username": "smoke", "password": PASSWORD, "csrf_token": csrf(page)}).encode(),
        "application/x-www-form-urlencoded")
    check(status == 302 and "/login" not in headers.get("Location", "/login"), "sign-in")  # noqa: PLR2004
    status, _headers, page = browser.request("GET", "/account/password")  # a new account chooses its password
    status, headers, _body = browser.request("POST", "/account/password", urlencode(
        {"current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD,
         "csrf_token": csrf(page)}).encode(), "application/x-www-form-urlencoded")
    check(status == 302, "the first password is changed")  # noqa: PLR2004
    status, _headers, page = browser.request("GET", "/quizzes/pre-test")
    status, headers, _body = browser.request("POST", "/quizzes/pre-test/start", urlencode(
        {"csrf_token": csrf(page)}).encode(), "application/x-www-form-urlencoded")
    attempt = re.search(r"/attempts/(\d+)$", headers.get("Location", ""))
    check(status == 302 and attempt is not None, "the pre-test starts")  # noqa: PLR2004
    status, _headers, page = browser.request("GET", f"/attempts/{attempt.group(1)}")
    question = re.search(r'id="question-([\w-]+)"', page)
    field = re.search(r'name="(q-[\w-]+)" value="([^"]+)"', page)
    check(status == 200 and question is not None and field is not None, "the attempt page shows a question")  # noqa: PLR2004
    status, _headers, body = browser.request(
        "POST", f"/attempts/{attempt.group(1)}/answers/{question.group(1)}",
        json.dumps({"fields": [[field.group(1), field.group(2)]]}).encode(), "application/json",
        {"X-CSRFToken": csrf(page)})
    check(status == 200 and json.loads(body)["ok"] is True, "an answer is saved")  # noqa: PLR2004


if __name__ == "__main__":
    main()
