"""The reading path: home, track, module and section pages, and progress recorded on the server."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from course.content.sync import sync_content
from course.extensions import db
from course.models.progress import SectionRead
from course.models.user import Role
from tests.conftest import csrf_token


def text_of(response) -> str:
    """Visible text, whitespace folded, for assertions a reader would make."""
    html = response.get_data(as_text=True)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def finish(client, module_id: str, section_key: str):
    token = csrf_token(client, f"/modules/{module_id}/{section_key}")
    return client.post(f"/modules/{module_id}/{section_key}/done", data={"csrf_token": token})


@pytest.fixture
def learner(client, synced, make_user, login):
    make_user("ana", tracks=("full",))
    return login("ana")


def test_home_lists_my_tracks_with_progress(learner):
    page = text_of(learner.get("/"))
    assert "Full track" in page
    assert "Short track" not in page  # not enrolled
    assert "0 of 2 modules complete (0%)" in page


def test_a_learner_with_no_enrolment_is_told_what_to_do(client, synced, make_user, login):
    make_user("ana")
    login("ana")
    assert "You are not enrolled in a course yet" in text_of(client.get("/"))


def test_the_home_page_says_when_no_content_is_loaded(client, app, make_user, login):
    make_user("ana")
    login("ana")
    assert "The course content has not been loaded yet" in text_of(client.get("/"))


def test_track_page_lists_modules_in_order_with_status(learner):
    page = text_of(learner.get("/tracks/full"))
    assert page.index("Alpha module") < page.index("Beta module")
    assert "Not started" in page
    assert "0 of 3 sections read" in page and "20 min" in page


def test_module_page_shows_objectives_time_sections_and_sources(learner):
    response = learner.get("/modules/alpha")
    page = text_of(response)
    for expected in ("Alpha module", "Read three sections.", "20 min", "Legal basis as of", "January 15, 2026",
                     "First section", "Second section", "Third section", "Source one", "Start reading"):
        assert expected in page, expected
    assert 'href="https://example.org/one"' in response.get_data(as_text=True)
    assert "Trainer notes" not in page


def test_reading_records_progress_section_by_section(learner):
    response = finish(learner, "alpha", "first")
    assert response.headers["Location"] == "/modules/alpha/second-section"
    assert "In progress" in text_of(learner.get("/modules/alpha"))
    assert "Continue reading" in text_of(learner.get("/modules/alpha"))
    finish(learner, "alpha", "second-section")
    last = finish(learner, "alpha", "third")
    assert last.headers["Location"] == "/modules/alpha?finished=1"
    assert "Complete" in text_of(learner.get("/modules/alpha"))
    assert "1 of 2 modules complete (50%)" in text_of(learner.get("/"))
    rows = db.session.scalars(select(SectionRead.section_id).order_by(SectionRead.id)).all()
    assert rows == ["first", "second-section", "third"]


def test_reading_a_section_twice_records_it_once(learner):
    finish(learner, "alpha", "first")
    finish(learner, "alpha", "first")
    assert len(db.session.scalars(select(SectionRead)).all()) == 1


def test_section_pages_have_previous_and_next(learner):
    page = learner.get("/modules/alpha/second-section").get_data(as_text=True)
    assert 'href="/modules/alpha/first"' in page and 'rel="prev"' in page
    assert "Section 2 of 3" in text_of(learner.get("/modules/alpha/second-section"))
    assert "Alpha text two." in page
    first = learner.get("/modules/alpha/first").get_data(as_text=True)
    assert 'rel="prev"' not in first
    assert "Finish the module" in learner.get("/modules/alpha/third").get_data(as_text=True)


def test_recording_progress_needs_csrf_and_a_real_section(learner):
    assert learner.post("/modules/alpha/first/done").status_code == 400
    token = csrf_token(learner, "/modules/alpha/first")
    assert learner.post("/modules/alpha/nowhere/done", data={"csrf_token": token}).status_code == 404
    assert learner.get("/modules/alpha/first/done").status_code == 405
    assert db.session.scalars(select(SectionRead)).all() == []


@pytest.mark.parametrize("url", ["/tracks/short", "/tracks/none", "/modules/gamma", "/modules/alpha/none"])
def test_what_is_not_mine_or_does_not_exist_is_not_found(learner, url):
    assert learner.get(url).status_code == 404


def test_a_learner_cannot_open_a_module_outside_their_tracks(client, synced, make_user, login):
    make_user("ana", tracks=("short",))
    login("ana")
    assert client.get("/modules/alpha").status_code == 200
    assert client.get("/modules/beta").status_code == 404
    token = csrf_token(client, "/modules/alpha/first")
    assert client.post("/modules/beta/only/done", data={"csrf_token": token}).status_code == 404


def test_trainers_preview_every_track_and_read_trainer_notes(client, synced, make_user, login):
    make_user("tom", roles={Role.TRAINER})
    login("tom")
    home = text_of(client.get("/"))
    assert "Full track" in home and "Short track" in home
    assert "Trainer notes and session plan" in text_of(client.get("/modules/alpha"))
    notes = client.get("/modules/alpha/trainer-notes")
    assert notes.status_code == 200
    assert "TRAINER-ONLY-MARKER" in notes.get_data(as_text=True)
    assert "<h2>Session plan</h2>" in notes.get_data(as_text=True)  # a part of the notes, not bare text
    assert client.get("/modules/beta/trainer-notes").status_code == 404


def test_one_readers_progress_and_rights_never_show_on_anothers_module_page(app, synced, make_user):
    """The module page is built once for every reader in a language (course.learn.queries.module_page): what is
    the reader's own (sections read, where to go on, the trainer notes link) must be theirs alone."""
    from tests.test_cohort_pages import as_user

    make_user("ana", tracks=("full",))
    make_user("bea", tracks=("full",))
    make_user("tom", roles={Role.TRAINER})
    ana, bea, tom = as_user(app, "ana"), as_user(app, "bea"), as_user(app, "tom")
    assert "Trainer notes and session plan" in text_of(tom.get("/modules/alpha"))
    finish(ana, "alpha", "first")
    finish(ana, "alpha", "second-section")
    ana_page = ana.get("/modules/alpha").get_data(as_text=True)
    bea_page = bea.get("/modules/alpha").get_data(as_text=True)
    assert ana_page.count(">read</span>") == 2 and "In progress" in text_of(ana.get("/modules/alpha"))
    assert 'href="/modules/alpha/third">Continue reading' in ana_page
    assert ">read</span>" not in bea_page and "Not started" in re.sub(r"\s+", " ", bea_page)
    assert 'href="/modules/alpha/first">Start reading' in bea_page
    assert "Trainer notes and session plan" not in bea_page + ana_page
    assert "Trainer notes and session plan" in text_of(tom.get("/modules/alpha"))


def test_trainer_notes_never_appear_on_learner_pages(learner):
    for url in ("/", "/tracks/full", "/modules/alpha", "/modules/alpha/first", "/modules/alpha/third"):
        assert "TRAINER-ONLY-MARKER" not in learner.get(url).get_data(as_text=True)


def test_a_missing_translation_falls_back_and_says_so(client, synced, make_user, login):
    user = make_user("ana", tracks=("full",))
    user.locale = "tk"
    db.session.commit()
    login("ana")
    beta = client.get("/modules/beta")
    html = beta.get_data(as_text=True)
    # the text carries its language, and a small note names it in the reader's language
    assert re.search(r'<span lang="en" class="fallback-text">Beta module <small class="fallback-note" lang="tk">'
                     r'\(iňlis[^)]*\)</small></span>', html), html
    assert html.count('class="notice notice-status"') == 1  # one banner, whatever it has to say
    assert "notice-fallback" in html
    section = client.get("/modules/beta/only").get_data(as_text=True)
    assert re.search(r'<div class="prose" lang="en"><small class="fallback-note" lang="tk">', section)


def test_a_missing_turkmen_text_falls_back_to_russian_first(client, editable_content, make_user, login, app):
    """course.yaml's chain ``tk: [ru, en]``: a Turkmen prosecutor reads Russian sooner than English."""
    course_file = editable_content / "modules/course.yaml"
    course_file.write_text(course_file.read_text(encoding="utf-8").replace(
        "required_languages: [en, ru]\n", "required_languages: [en, ru]\nfallback_languages: {tk: [ru, en]}\n"),
        encoding="utf-8")
    app.config["CONTENT_DIR"] = editable_content
    sync_content(editable_content)
    db.session.commit()
    user = make_user("ana", tracks=("full",))
    user.locale = "tk"
    db.session.commit()
    login("ana")
    html = client.get("/tracks/full").get_data(as_text=True)
    assert '<span lang="ru" class="fallback-text">Полная программа' in html  # the track has no Turkmen title
    assert "Full track" not in html
    assert "notice-fallback" in html and "rus" in html.lower()
    module = client.get("/modules/beta").get_data(as_text=True)
    assert '<span lang="ru" class="fallback-text">Модуль бета' in module and "Beta module" not in module
    section = client.get("/modules/beta/only").get_data(as_text=True)
    assert '<div class="prose" lang="ru">' in section


def test_a_draft_translation_is_marked_as_a_draft(client, synced, make_user, login):
    user = make_user("ana", tracks=("full",))
    user.locale = "tk"
    db.session.commit()
    login("ana")
    section = client.get("/modules/alpha/first").get_data(as_text=True)
    assert "Alfa, birinji tekst." in section
    assert "notice-draft-translation" in section
    assert "notice-draft-translation" in client.get("/modules/alpha").get_data(as_text=True)
    # in a language whose text is not a draft, there is no such notice
    client.post("/language", data={"language": "ru", "csrf_token": csrf_token(client, "/")})
    assert "notice-draft-translation" not in client.get("/modules/alpha/first").get_data(as_text=True)


def test_pages_work_without_other_hosts_and_offer_a_print_stylesheet(learner):
    for url in ("/", "/tracks/full", "/modules/alpha", "/modules/alpha/first"):
        html = learner.get(url).get_data(as_text=True)
        # stylesheets, scripts and images all come from this site
        for match in re.finditer(r'<(?:link|script|img)\b[^>]*?(?:href|src)="([^"]+)"', html):
            assert match.group(1).startswith("/"), (url, match.group(1))
        assert 'media="print"' in html
        assert 'name="viewport"' in html


def test_module_page_query_count_does_not_depend_on_progress(learner, count_queries):
    learner.get("/modules/alpha")
    with count_queries() as before:
        learner.get("/modules/alpha")
    for key in ("first", "second-section", "third"):
        finish(learner, "alpha", key)
    with count_queries() as after:
        learner.get("/modules/alpha")
    assert after.count == before.count
    # The account with its roles, the content with the marks of its review (course.content.state), enrolments,
    # progress. What the review says of this version (signed off? sources verified?) is kept until a review is
    # added.
    assert before.count <= 4, before.statements


def test_home_and_track_pages_say_when_titles_fall_back(client, synced, make_user, login):
    user = make_user("ana", tracks=("full",))
    user.locale = "tk"  # the tracks have no Turkmen titles in the fixture
    db.session.commit()
    login("ana")
    for url in ("/", "/tracks/full"):
        html = client.get(url).get_data(as_text=True)
        assert "notice-fallback" in html, url
        assert "iňlis" in html.lower(), url  # "English", named in Turkmen


def test_content_with_markup_is_safe_on_the_page(client, editable_content, make_user, login, app):
    from pathlib import Path

    from course.content.sync import sync_content

    notes = Path(editable_content) / "modules/01-alpha/trainer-notes.en.md"
    text = Path(editable_content) / "modules/01-alpha/en.md"
    text.write_text(text.read_text(encoding="utf-8").replace(
        "Alpha text two.", 'Alpha <script>alert(1)</script> [x](javascript:alert(2)) <img src=x onerror="alert(3)">'),
        encoding="utf-8")
    notes.write_text("## Plan\n\n<script>alert(4)</script>\n", encoding="utf-8")
    app.config["CONTENT_DIR"] = editable_content
    sync_content(editable_content)
    db.session.commit()
    make_user("tom", roles={Role.TRAINER})
    login("tom")
    for url in ("/modules/alpha/second-section", "/modules/alpha/trainer-notes"):
        html = client.get(url).get_data(as_text=True)
        assert "<script>alert" not in html
        assert 'href="javascript:' not in html
        assert "<img" not in html


def test_the_track_page_leads_to_the_pre_test_and_post_test(learner):
    page = learner.get("/tracks/full").get_data(as_text=True)
    assert page.index('href="/quizzes/pre-test"') < page.index("Alpha module") < page.index('href="/quizzes/post-test"')
    assert 'href="/quizzes/all-types"' in learner.get("/modules/alpha").get_data(as_text=True)


def test_the_sources_page_lists_each_modules_sources_and_those_of_quizzes(learner):
    page = learner.get("/sources").get_data(as_text=True)
    assert page.index("Alpha module") < page.index('id="source-src-one"')
    assert page.index("Beta module") < page.index('id="source-src-two"')


def test_a_source_cited_by_two_modules_has_one_anchor(learner, app):
    from course.learn.queries import load_catalogue, source_groups

    with app.test_request_context():
        catalogue = load_catalogue()
        catalogue.modules["beta"].data["meta"]["sources"].append("src-one")  # a copy in this test's cache only
        try:
            groups = source_groups(catalogue, "en", frozenset())
        finally:
            catalogue.modules["beta"].data["meta"]["sources"].remove("src-one")
    anchors = [entry.id for group in groups for entry in group.sources if entry.anchor]
    assert anchors.count("src-one") == 1
    assert sum(entry.id == "src-one" for group in groups for entry in group.sources) == 2
