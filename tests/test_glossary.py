"""The glossary page: key terms from modules/glossary.yaml, per language, in each alphabet's order."""

from __future__ import annotations

import re

import pytest

from course.extensions import db
from course.learn.glossary import sort_key
from tests.test_content_validation import edit, problems_of


def glossary_in(client, make_user, login, language: str) -> str:
    """The glossary page as a reader whose language is ``language`` sees it."""
    make_user("reader").locale = language
    db.session.commit()
    login("reader")
    return client.get("/glossary").get_data(as_text=True)


def terms(page: str) -> list[str]:
    return re.findall(r'<dt id="[a-z-]+">(?:<span lang="\w+">)?([^<]+)', page)


@pytest.mark.parametrize(("language", "expected"), [
    ("en", ["Act", "Child", "Exploitation", "Means"]),
    ("ru", ["Действие", "Ребёнок", "Способ", "Эксплуатация"]),
    # Turkmen order: ç comes after b, so Çaga before Ekspluatasiýa, not after Usul as in Unicode.
    ("tk", ["Çaga", "Ekspluatasiýa", "Hereket", "Usul"]),
])
def test_the_glossary_lists_the_terms_in_the_readers_alphabet(client, synced, make_user, login, language, expected):
    assert terms(glossary_in(client, make_user, login, language)) == expected


def test_each_term_has_its_definition_and_links_to_its_sources(client, synced, make_user, login):
    page = glossary_in(client, make_user, login, "ru")
    assert "Что делается с человеком." in page
    assert page.count('href="/sources#source-src-one"') == 2 and 'href="/sources#source-src-two"' in page
    assert 'href="/glossary"' in page  # in the main navigation


def test_a_draft_translation_and_a_missing_one_are_said(client, synced, make_user, login):
    page = glossary_in(client, make_user, login, "tk")
    # one banner says both: the Turkmen is a draft, and some texts are shown in another language
    assert page.count('class="notice notice-status"') == 1
    assert 'class="notice-draft-translation"' in page and "notice-fallback" in page
    # no Turkmen text: shown in English, marked with its language
    assert '<span lang="en" class="fallback-text">The purpose of the act. <small class="fallback-note"' in page


def test_the_glossary_needs_a_sign_in(client, synced):
    assert client.get("/glossary").status_code == 302


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("sources: [src-one, src-two]", "sources: [src-one, ghost]",
     "modules/glossary.yaml:11: terms[1].sources[1]: no source has the id 'ghost'"),
    ("ru: Способ, ", "", "modules/glossary.yaml:5: terms[0].term: missing the ru translation"),
    ("  - id: child", "  - id: act", "'act' is listed twice"),
])
def test_a_glossary_with_mistakes_is_refused(editable_content, old, new, expected):
    edit(editable_content / "modules/glossary.yaml", old, new)
    problems = problems_of(editable_content)
    assert any(expected in p for p in problems), problems


def test_turkmen_sorting_follows_the_turkmen_alphabet():
    words = ["ýol", "ynam", "žurnal", "jaý", "şert", "söz", "ňil", "nan", "äpet", "ene"]
    assert sorted(words, key=lambda w: sort_key(w, "tk")) == [
        "ene", "äpet", "jaý", "žurnal", "nan", "ňil", "söz", "şert", "ynam", "ýol"]


def test_a_course_without_a_glossary_has_no_glossary_page_and_no_link(app, editable_content, make_user, login, client):
    from course.content.sync import sync_content  # noqa: PLC0415

    (editable_content / "modules/glossary.yaml").unlink()
    app.config["CONTENT_DIR"] = editable_content
    sync_content(editable_content)
    db.session.commit()
    make_user("reader", tracks=("short",))
    login("reader")
    assert client.get("/glossary").status_code == 404
    home = client.get("/").get_data(as_text=True)
    assert 'href="/certificates"' in home  # the navigation is there...
    assert 'href="/glossary"' not in home  # ...without the glossary
