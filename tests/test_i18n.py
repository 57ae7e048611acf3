"""Three interface languages: catalogues complete and compiled, choice remembered per user."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from sqlalchemy import select

from course.extensions import db
from course.models.user import User
from tests.conftest import PROJECT_ROOT, csrf_token

TRANSLATIONS = Path(__file__).parent.parent / "course" / "translations"


def catalogue(language: str):
    with open(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po", "rb") as handle:
        return read_po(handle)


@pytest.mark.parametrize("language", ["ru", "tk"])
def test_catalogue_translates_every_message_and_has_no_fuzzy_entry(language):
    messages = [m for m in catalogue(language) if m.id]
    assert messages
    assert [m.id for m in messages if not all(_forms(m.string))] == []
    assert [m.id for m in messages if m.fuzzy] == []


def _forms(value) -> tuple[str, ...]:
    """Singular messages as one form, plural ones as all their forms."""
    return tuple(value) if isinstance(value, (tuple, list)) else (value,)


def _placeholders(text: str) -> set[str]:
    return set(re.findall(r"%\(\w+\)\w", text))


@pytest.mark.parametrize("language", ["ru", "tk"])
def test_placeholders_survive_translation(language):
    for message in catalogue(language):
        if not message.id:
            continue
        expected = set().union(*(_placeholders(form) for form in _forms(message.id)))
        for form in _forms(message.string):
            # a plural form may leave the count itself unsaid ("один модуль"), nothing else
            assert expected - {"%(num)d"} <= _placeholders(form) <= expected, (message.id, form)


def test_the_template_catalogue_covers_every_source_message():
    with open(TRANSLATIONS / "messages.pot", "rb") as handle:
        template_ids = {m.id for m in read_po(handle) if m.id}
    for language in ("ru", "tk"):
        assert {m.id for m in catalogue(language) if m.id} >= template_ids, language


#: A gettext call inside an f-string's braces: the catalogue's extraction does not look there, so the message
#: would never be translated (the disaggregation export's column names were, in English, for a while).
GETTEXT_IN_FSTRING = re.compile(r"""\bf(["'])[^"'\n]*\{\s*(?:_|gettext|ngettext|_l|lazy_gettext)\(""")


def test_no_message_hides_inside_an_f_string_where_extraction_cannot_find_it():
    found = [f"{path.relative_to(PROJECT_ROOT)}:{number}" for path in sorted((PROJECT_ROOT / "course").rglob("*.py"))
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if GETTEXT_IN_FSTRING.search(line)]
    assert not found, found


@pytest.mark.parametrize("language", ["ru", "tk"])
def test_compiled_catalogue_matches_its_source(language):
    with open(TRANSLATIONS / language / "LC_MESSAGES" / "messages.mo", "rb") as handle:
        compiled = {_forms(m.id): _forms(m.string) for m in read_mo(handle) if m.id}
    source = {_forms(m.id): _forms(m.string) for m in catalogue(language) if m.id and m.string}
    assert compiled == source, "run: pybabel compile -d course/translations"


def test_language_choice_is_saved_on_the_account(client, synced, make_user, login):
    make_user("ana", tracks=("full",))
    login("ana")
    response = client.post("/language", data={"language": "ru", "next": "/tracks/full",
                                               "csrf_token": csrf_token(client, "/")})
    assert response.headers["Location"] == "/tracks/full"
    db.session.expire_all()
    assert db.session.scalar(select(User.locale).where(User.username == "ana")) == "ru"
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="ru">' in page
    assert "Мои курсы" in page
    assert "Полная программа" in page  # content in Russian too
    # a new session on another device keeps the choice
    other = client.application.test_client()
    from tests.conftest import sign_in

    sign_in(other, "ana")
    assert '<html lang="ru">' in other.get("/").get_data(as_text=True)


def test_the_sign_in_page_follows_the_browser_language(client, app):
    page = client.get("/login", headers={"Accept-Language": "ru-RU,ru;q=0.9,en;q=0.5"}).get_data(as_text=True)
    assert '<html lang="ru">' in page and "Войти" in page


def test_an_unknown_language_is_refused(client, app):
    response = client.post("/language", data={"language": "xx", "csrf_token": csrf_token(client)})
    assert response.status_code == 400


def test_the_language_switch_never_redirects_off_site(client, app):
    response = client.post("/language", data={"language": "tk", "next": "//evil.example",
                                              "csrf_token": csrf_token(client)})
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize(
    ("language", "hours", "expected"),
    [
        ("en", 1, "1 contact hour"), ("en", 16, "16 contact hours"), ("en", 1.5, "1.5 contact hours"),
        ("ru", 1, "1 контактный час"), ("ru", 2, "2 контактных часа"), ("ru", 5, "5 контактных часов"),
        ("ru", 21, "21 контактный час"), ("ru", 1.5, "1,5 контактных часа"),
        ("tk", 16, "16 okuw sagady"),
    ],
)
def test_numbers_and_plurals_follow_the_language(app, language, hours, expected):
    from flask_babel import force_locale

    from course.learn.queries import contact_hours_label

    with app.test_request_context(), force_locale(language):
        assert contact_hours_label(hours) == expected


@pytest.mark.parametrize(("language", "counts", "expected"), [
    ("ru", (1, 2, 5, 21, 22, 11), ["1 модуль", "2 модуля", "5 модулей", "21 модуль", "22 модуля", "11 модулей"]),
    ("en", (1, 2), ["1 module", "2 modules"]),
    ("tk", (1, 7), ["1 modul", "7 modul"]),
])
def test_russian_plurals_of_modules(app, language, counts, expected):
    from flask_babel import force_locale

    from course.learn.queries import modules_label

    with app.test_request_context(), force_locale(language):
        assert [modules_label(count) for count in counts] == expected


@pytest.mark.parametrize(("language", "points", "expected"), [
    ("en", 1, "1 point"), ("en", 2, "2 points"), ("en", 1.5, "1.5 points"),
    ("ru", 1, "1 балл"), ("ru", 3, "3 балла"), ("ru", 5, "5 баллов"), ("ru", 0.5, "0,5 балла"),
])
def test_question_points_take_the_plural_of_the_language(app, language, points, expected):
    from flask_babel import force_locale

    from course.quiz.presenters import QuestionView

    view = QuestionView(id="q", number=1, type="true_false", template="", prompt=None, points=points, fields=())
    with app.test_request_context(), force_locale(language):
        assert view.points_label == expected


def test_the_template_catalogue_is_up_to_date_with_the_code(tmp_path):
    """A new _() string that was never extracted would show in English to everyone."""
    import subprocess
    import sys

    fresh = tmp_path / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg", "-k", "_l",
         "-k", "lazy_gettext", "--no-location", "--sort-output", "-o", str(fresh), "."],
        cwd=TRANSLATIONS.parent.parent, check=True, capture_output=True,
    )
    with open(fresh, "rb") as handle:
        extracted = {m.id for m in read_po(handle) if m.id}
    with open(TRANSLATIONS / "messages.pot", "rb") as handle:
        committed = {m.id for m in read_po(handle) if m.id}
    assert extracted - committed == set(), "run pybabel extract and update (see README)"


def test_scores_are_written_the_readers_way(app):
    from flask_babel import force_locale

    from course.formatting import number

    with app.test_request_context():
        with force_locale("ru"):
            assert number(19.149) == "19,15"
            assert number(1234.0) == "1\xa0234"
        with force_locale("en"):
            assert number(19.1) == "19.1"
            assert number(6.000001) == "6"


TEMPLATES = Path(__file__).parent.parent / "templates"
#: Words a template may show as they are in every language.
SAME_IN_EVERY_LANGUAGE = {"Cascade", "CSV", "Excel", "PDF", "DOCX"}
_JINJA = re.compile(r"\{#.*?#\}|\{\{.*?\}\}|\{%.*?%\}", re.S)
_VISIBLE_ATTRIBUTE = re.compile(r'\b(?:title|aria-label|placeholder|alt)="([^"]*)"')
_WORD = re.compile(r"[^\W\d_]{2,}")


def text_outside_gettext(source: str) -> list[str]:
    """Words a template shows that no gettext call produced: text between tags, and visible attributes."""
    markup = _JINJA.sub(" ", source)
    markup = re.sub(r"<(script|style)\b.*?</\1>", " ", markup, flags=re.S)
    words = [value for value in _VISIBLE_ATTRIBUTE.findall(markup) if re.search(r"[^\W\d_A-Z]{2,}", value)]
    words += [word for word in _WORD.findall(re.sub(r"<[^>]*>", " ", markup)) if word not in SAME_IN_EVERY_LANGUAGE]
    return words


def test_the_checker_finds_text_left_outside_gettext():
    assert text_outside_gettext('<p>{{ _("Saved") }}</p><button title="{{ _(\'Close\') }}">×</button>') == []
    assert text_outside_gettext("<p>Saved {{ name }}</p>") == ["Saved"]
    assert text_outside_gettext('<input placeholder="your name"><a href="/x">Cascade</a>') == ["your name"]
    assert text_outside_gettext('<input placeholder="TOT-2026-000123" value="open">') == []


@pytest.mark.parametrize("path", sorted(TEMPLATES.rglob("*.html")), ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_templates_show_no_text_outside_gettext(path):
    assert text_outside_gettext(path.read_text(encoding="utf-8")) == []


def test_dates_in_messages_and_charts_follow_the_language(app, synced, make_user):
    from course.models.user import Role
    from tests.test_cascade import cohort_of
    from tests.test_cohort_pages import as_user

    trainer = make_user("trainer", roles={Role.TRAINER})
    coordinator = make_user("coord", roles={Role.COORDINATOR})
    trainer.locale = coordinator.locale = "ru"
    db.session.commit()
    cohort = cohort_of(trainer, "short", "Mary police")  # 1 to 4 March 2027
    client = as_user(app, "trainer")
    page = client.post(f"/cohorts/{cohort.id}/days", data={
        "csrf_token": csrf_token(client, f"/cohorts/{cohort.id}/days"), "day": "2027-03-09", "topic": ""},
        follow_redirects=True).get_data(as_text=True).replace("\u202f", " ")  # Babel's narrow space before "г."
    assert "9 мар. 2027 г. — вне дат группы (с 1 мар. 2027 г. по 4 мар. 2027 г.)" in page
    assert "март 2027" in as_user(app, "coord").get("/reports").get_data(as_text=True)  # cohorts by month


def test_a_page_rendered_in_another_language_speaks_it_throughout(app):
    """A credential slip is rendered in the cohort's language from an English request: the template's own
    strings, those of a macro it imports and plurals all follow the forced language, and the request's own
    language comes back after."""
    from flask import render_template_string  # noqa: PLC0415
    from flask_babel import force_locale  # noqa: PLC0415

    template = ('{% from "_macros/text.html" import t %}{{ _("Sign in") }}|'
                '{{ ngettext("%(num)d module", "%(num)d modules", 5) }}|{{ t(text) }}')
    fallen_back = type("Fallback", (), {"value": "Alpha", "lang": "en", "fallback": True})()
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        english = render_template_string(template, text=fallen_back)
        with force_locale("ru"):
            russian = render_template_string(template, text=fallen_back)
        assert render_template_string(template, text=fallen_back) == english
    assert english.startswith("Sign in|5 modules|")
    signed, modules, fallback = russian.split("|")
    assert signed == "Войти" and modules == "5 модулей", russian
    assert "англ" in fallback, fallback  # the note names English in Russian
