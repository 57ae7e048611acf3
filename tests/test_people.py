"""Finding people: the coordinators' list of learners, the trainers' list and the certificates, searched as
names are typed (any case, with or without the marks of Turkmen and Russian letters), a page at a time."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import literal, select

from course.cohorts.services import enrol_in_cohort
from course.extensions import db
from course.models.scope import CoordinatorScope
from course.models.user import Role, Velayat
from course.people.queries import PER_PAGE
from course.search import fold, folded
from tests.test_cascade import cohort_of
from tests.test_certificates import certify
from tests.test_cohort_pages import as_user

NAMES = ["Aýna Durdyýewa", "Şirin Çaryýewa", "Ёлкин Пётр", "Иван Петров", "Merdan Öwezow", "Gül Nazarowa"]


@pytest.fixture
def people(app, synced, make_user):
    coord = make_user("coord", roles={Role.COORDINATOR}, full_name="Cora Coordinator")
    lebap_coord = make_user("lebapcoord", roles={Role.COORDINATOR})
    db.session.add(CoordinatorScope(user_id=lebap_coord.id, velayat=Velayat.LEBAP))
    lead = make_user("lead", roles={Role.TRAINER}, full_name="Lead Trainer")
    cohort = cohort_of(lead, "short", "Mary prosecutors", ending_today=True)
    users = [make_user(f"user{number}", full_name=name, email=f"user{number}@example.tm")
             for number, name in enumerate(NAMES)]
    for number, user in enumerate(users):
        user.velayat = Velayat.LEBAP if number == len(NAMES) - 1 else Velayat.MARY
    for user in users[:4]:
        enrol_in_cohort(user, cohort)
    db.session.commit()
    return {"coord": coord, "users": users, "cohort": cohort, "lead": lead}


def names_on(page: str) -> list[str]:
    body = page[page.index("<tbody>"):page.index("</tbody>")] if "<tbody>" in page else ""
    return re.findall(r"<tr><td>([^<]+?)(?: <span|</td>)", body)


@pytest.mark.parametrize(("typed", "found"), [
    ("durdyyewa", ["Aýna Durdyýewa"]),
    ("DURDYÝEWA", ["Aýna Durdyýewa"]),
    ("caryyewa", ["Şirin Çaryýewa"]),
    ("sirin", ["Şirin Çaryýewa"]),
    ("ЕЛКИН", ["Ёлкин Пётр"]),
    ("петр", ["Ёлкин Пётр", "Иван Петров"]),
    ("owez", ["Merdan Öwezow"]),
    ("user3@example", ["Иван Петров"]),
    ("%", []),  # a wildcard is a character like any other
    ("_", []),
])
def test_the_coordinator_finds_a_learner_as_the_name_is_typed(app, people, typed, found):
    page = as_user(app, "coord").get("/people", query_string={"q": typed}).get_data(as_text=True)
    assert sorted(names_on(page)) == sorted(found)
    if not found:
        assert "Nobody matches." in page


def test_the_list_shows_cohorts_certificates_and_roles(app, people):
    certify(people["users"][0])
    page = as_user(app, "coord").get("/people", query_string={"q": "Durdy"}).get_data(as_text=True)
    row = page[page.index("Aýna Durdyýewa"):page.index("</tr>", page.index("Aýna Durdyýewa"))]
    assert "Mary prosecutors" in row and "<td>1</td>" in row and "Mary" in row
    lead = as_user(app, "coord").get("/people", query_string={"q": "lead"}).get_data(as_text=True)
    assert "Lead Trainer <span class=\"badge\">trainer</span>" in lead


def test_a_velayat_coordinator_sees_only_their_velayat(app, people):
    page = as_user(app, "lebapcoord").get("/people").get_data(as_text=True)
    assert names_on(page) == ["Gül Nazarowa"]


@pytest.mark.parametrize("username", ["lead", "user0"])
def test_learners_and_trainers_cannot_open_the_list(app, people, username):
    assert as_user(app, username).get("/people").status_code in (403, 404)


def test_the_list_is_read_a_page_at_a_time_in_a_fixed_number_of_queries(app, people, make_user, count_queries):
    client = as_user(app, "coord")
    client.get("/people")
    with count_queries() as small:
        client.get("/people")
    for number in range(PER_PAGE + 5):
        make_user(f"bulk{number:03d}", full_name=f"Bulk Learner {number:03d}")
    with count_queries() as large:
        first = client.get("/people").get_data(as_text=True)
    assert large.count == small.count, large.statements
    assert len(names_on(first)) == PER_PAGE
    total = PER_PAGE + 5 + len(NAMES) + 3  # and the coordinators and the trainer
    assert f"{total} people, by name." in first
    second = client.get("/people", query_string={"page": 2}).get_data(as_text=True)
    assert len(names_on(second)) == total - PER_PAGE
    assert not set(names_on(first)) & set(names_on(second))


def test_the_coordinator_finds_a_certificate_without_the_marks_of_the_name(app, people):
    certificate = certify(people["users"][0])
    page = as_user(app, "coord").get("/certificates/all", query_string={"q": "durdyyewa"}).get_data(as_text=True)
    assert certificate.serial in page
    page = as_user(app, "coord").get("/certificates/all", query_string={"q": "%"}).get_data(as_text=True)
    assert "No certificate matches." in page


def test_the_trainers_list_is_searchable(app, people, make_user):
    make_user("ogul", roles={Role.TRAINER}, full_name="Ogulgerek Ýazmyradowa")
    page = as_user(app, "coord").get("/trainers", query_string={"q": "yazmyr"}).get_data(as_text=True)
    trainers = page[page.index('id="all-trainers"'):]
    assert "Ogulgerek Ýazmyradowa" in trainers and "Lead Trainer" not in trainers


def test_the_database_folds_exactly_as_python_does(app, synced):
    """One table on both databases: what a search finds cannot depend on where Cascade runs."""
    samples = [*NAMES, "ÝAZMYRADOWA", "ŇŞŽÄÖÜÇ", "ӘӨҮҖҢ әөүҗң", "Ёжик", "Mixed Çase 123 %_"]
    for text in samples:
        assert db.session.scalar(select(folded(literal(text)))) == fold(text), text
