"""Room mode: the links and QR codes a trainer gives the room carry an address the room can reach (issue 19)."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from course.extensions import db
from course.models.cohort import Cohort
from course.room import lan_addresses, room_addresses
from tests.conftest import CSRF_RE, TEST_PASSWORD
from tests.test_cohort_pages import as_user, create_via_form, world  # noqa: F401  (world is a fixture)

ROOM = "192.168.8.20"


@pytest.fixture
def adapters(monkeypatch):
    """This machine's network: loopback, the room's Wi-Fi, a public address, IPv6 and a link-local address."""
    ips = [SimpleNamespace(ip="127.0.0.1"), SimpleNamespace(ip=("::1", 0, 0)), SimpleNamespace(ip="203.0.113.7"),
           SimpleNamespace(ip=ROOM), SimpleNamespace(ip="169.254.3.3"), SimpleNamespace(ip=("fe80::1", 0, 4))]
    monkeypatch.setattr("course.room.ifaddr.get_adapters", lambda: [SimpleNamespace(ips=ips)])


def test_the_room_addresses_are_the_lan_ones_private_first(adapters):
    assert lan_addresses() == [ROOM, "203.0.113.7"]
    assert room_addresses("0.0.0.0") == [ROOM, "203.0.113.7"]
    assert room_addresses("127.0.0.1") == [] and room_addresses("localhost") == []
    assert room_addresses("10.1.1.1") == ["10.1.1.1"]


def roster(app, cohort_id: int, host: str) -> str:
    """The roster page as the lead trainer sees it, having opened Cascade at ``host``."""
    base = f"http://{host}"
    client = app.test_client()
    token = CSRF_RE.search(client.get("/login", base_url=base).get_data(as_text=True)).group(1)
    client.post("/login", data={"username": "lead", "password": TEST_PASSWORD, "csrf_token": token}, base_url=base)
    return client.get(f"/cohorts/{cohort_id}/roster", base_url=base).get_data(as_text=True)


@pytest.fixture
def cohort(app, world):  # noqa: F811
    create_via_form(as_user(app, "lead"), lead=str(world["lead"].id))
    return db.session.scalar(select(Cohort))


def test_a_trainer_on_the_laptops_own_address_gives_the_room_the_laptops_room_address(app, cohort):
    app.config["ROOM_ADDRESSES"] = [ROOM]
    page = roster(app, cohort.id, host="127.0.0.1:5000")
    assert f'href="http://{ROOM}:5000/join?code={cohort.join_code}"' in page
    assert "127.0.0.1" not in re.sub(r'<p class="notice notice-room".*?</p>', "", page, flags=re.S)
    assert "notice-room" in page and f"http://{ROOM}:5000/" in page  # the trainer is told which address to give


def test_a_trainer_on_the_room_address_gives_that_address_and_needs_no_notice(app, cohort):
    app.config["ROOM_ADDRESSES"] = [ROOM]
    page = roster(app, cohort.id, host=f"{ROOM}:5000")
    assert f'href="http://{ROOM}:5000/join?code={cohort.join_code}"' in page
    assert "notice-room" not in page


def test_a_laptop_serving_only_itself_says_how_to_serve_the_room(app, cohort):
    app.config["ROOM_ADDRESSES"] = []
    page = roster(app, cohort.id, host="127.0.0.1:5000")
    assert f"http://127.0.0.1:5000/join?code={cohort.join_code}" in page  # truly how it was reached
    assert "notice-room" in page and "course serve --host 0.0.0.0" in page


def test_certificate_links_use_the_centre_or_else_the_room_address(app, cohort):
    from course.certificates.document import verification_url  # noqa: PLC0415

    app.config["ROOM_ADDRESSES"] = [ROOM]
    certificate = SimpleNamespace(code="abc")
    with app.test_request_context("/", base_url="http://127.0.0.1:5000"):
        assert verification_url(certificate) == f"http://{ROOM}:5000/verify/abc"
        app.config["BASE_URL"] = "https://cascade.example.tm/"
        assert verification_url(certificate) == "https://cascade.example.tm/verify/abc"  # the centre, when set


def test_serve_prints_the_addresses_the_room_opens(app, adapters, monkeypatch):
    served = {}
    monkeypatch.setattr("waitress.serve", lambda wsgi, **options: served.update(options))
    result = app.test_cli_runner().invoke(args=["serve", "--host", "0.0.0.0", "--port", "8080"])
    assert result.exit_code == 0, result.output
    assert f"http://{ROOM}:8080/" in result.output and served["host"] == "0.0.0.0"
    assert app.config["ROOM_ADDRESSES"] == [ROOM, "203.0.113.7"]
    alone = app.test_cli_runner().invoke(args=["serve"])
    assert "use --host 0.0.0.0" in alone.output and app.config["ROOM_ADDRESSES"] == []


def test_credential_slips_tell_learners_the_room_address(app, world):  # noqa: F811
    from tests.test_roster_import import HEADER, confirm_form, upload  # noqa: PLC0415

    create_via_form(as_user(app, "lead"), lead=str(world["lead"].id))
    cohort = db.session.scalar(select(Cohort))
    app.config["ROOM_ADDRESSES"] = [ROOM]
    trainer = as_user(app, "lead")  # on http://localhost/, the laptop's own name
    preview = upload(trainer, cohort, f"{HEADER}\nJeren Learner,jeren,,prosecution,,female,lebap".encode())
    slips = trainer.post(f"/cohorts/{cohort.id}/import/confirm", data=confirm_form(preview.get_data(as_text=True)))
    page = slips.get_data(as_text=True)
    assert f"<dd>http://{ROOM}/login</dd>" in page and "notice-room" in page
