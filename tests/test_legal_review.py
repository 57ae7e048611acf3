"""The legal review: a reviewer signs off content versions, the draft notice follows, sources are verified,
and a new edition of the law puts what cites the old one back under review (issue 17)."""

from __future__ import annotations

import html
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import select

from course.content.sync import sync_content
from course.extensions import db
from course.models.audit import AuditEvent
from course.models.content import ContentItem, ContentKind
from course.models.review import CertificateLegalBasis, ContentReview, ReviewDecision, TranslationReview
from course.models.user import Role
from tests.conftest import csrf_token
from tests.test_certificates import certify
from tests.test_cohort_pages import as_user as client_of

DRAFT = "This module is a draft"
QUIZ_DRAFT = "This quiz is a draft"
UNOFFICIAL = "is quoted and applied here from an unofficial translation of its 2010 edition"
SUPERSEDED = "A newer edition of Code, Article 1"

NEW_EDITION = """      - id: "2023"
        in_force: 2023-01-01
        status: official
        source: src-one
"""


@pytest.fixture
def content_dir(editable_content) -> Path:
    return editable_content


@pytest.fixture
def people(synced, make_user):
    return {
        "reviewer": make_user("rev", roles={Role.LEGAL_REVIEWER}, full_name="Rena Reviewer"),
        "learner": make_user("lea", tracks=("full",)),
        "trainer": make_user("tra", roles={Role.TRAINER}),
        "coordinator": make_user("coo", roles={Role.COORDINATOR}),
    }


@contextmanager
def as_user(app, user):
    """A client signed in as ``user``."""
    yield client_of(app, user.username)


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def live_snapshot(kind: ContentKind, content_id: str) -> int:
    return db.session.scalar(select(ContentItem.snapshot_id).where(ContentItem.kind == kind,
                                                                   ContentItem.content_id == content_id))


def decide(client, kind: str, content_id: str, decision: str, snapshot_id: int | None = None, **fields):
    url = f"/review/{kind}/{content_id}"
    data = {"csrf_token": csrf_token(client, url), "decision": decision,
            "snapshot_id": snapshot_id or live_snapshot(ContentKind(kind), content_id), **fields}
    return client.post(url, data=data)


def resync(content: Path) -> None:
    sync_content(content)
    db.session.commit()


def test_a_reviewer_signs_off_a_module_version_and_the_draft_notice_goes(app, people):
    with as_user(app, people["learner"]) as learner:
        assert DRAFT in page(learner, "/modules/alpha")
    with as_user(app, people["reviewer"]) as reviewer:
        assert "Alpha module" in page(reviewer, "/review/")
        response = decide(reviewer, "module", "alpha", "sign_off", comment="Checked against the fact sheet.")
        assert response.status_code == 302
        assert "This version is signed off." in page(reviewer, "/review/module/alpha")
    with as_user(app, people["learner"]) as learner:
        assert DRAFT not in page(learner, "/modules/alpha")
        assert DRAFT not in page(learner, "/modules/alpha/first")
        assert DRAFT in page(learner, "/modules/beta")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "content.signed_off"))
    assert event.target == "module:alpha" and event.actor_id == people["reviewer"].id


def test_a_quiz_version_is_signed_off_the_same_way(app, people):
    with as_user(app, people["learner"]) as learner:
        assert QUIZ_DRAFT in page(learner, "/quizzes/alpha-check")
    with as_user(app, people["reviewer"]) as reviewer:
        assert decide(reviewer, "quiz", "alpha-check", "sign_off").status_code == 302
    with as_user(app, people["learner"]) as learner:
        assert QUIZ_DRAFT not in page(learner, "/quizzes/alpha-check")


def test_a_changed_section_reopens_the_review_of_that_module_only(app, people, content_dir):
    with as_user(app, people["reviewer"]) as reviewer:
        decide(reviewer, "module", "alpha", "sign_off")
        decide(reviewer, "module", "beta", "sign_off")
    text = content_dir / "modules" / "01-alpha" / "en.md"
    text.write_text(text.read_text().replace("## Second section", "## Second section\n\nA sentence the reviewer "
                                                                   "has not read.\n", 1))
    resync(content_dir)
    with as_user(app, people["learner"]) as learner:
        assert DRAFT in page(learner, "/modules/alpha")
        assert DRAFT not in page(learner, "/modules/beta")
    with as_user(app, people["reviewer"]) as reviewer:
        detail = page(reviewer, "/review/module/alpha")
        assert "1 part to read." in detail
        assert "A sentence the reviewer has not read." in detail
        assert 'class="review-part review-changed" id="part-second-section"' in detail
        assert 'class="review-part review-unchanged" id="part-first"' in detail
        assert "changed since it was signed off" in page(reviewer, "/review/")


def test_returning_a_version_needs_a_comment_and_keeps_the_notes_per_part(app, people):
    with as_user(app, people["reviewer"]) as reviewer:
        response = decide(reviewer, "module", "alpha", "return")
        assert "Say what must change" in response.get_data(as_text=True)
        assert db.session.scalar(select(ContentReview.id)) is None
        assert decide(reviewer, "module", "alpha", "return",
                      **{"note-first": "Cite the official text here."}).status_code == 302
    review = db.session.scalar(select(ContentReview))
    assert review.decision == ReviewDecision.RETURNED
    assert [(note.part_key, note.note) for note in review.notes] == [("first", "Cite the official text here.")]
    with as_user(app, people["learner"]) as learner:
        assert DRAFT in page(learner, "/modules/alpha")


def test_a_stale_version_or_a_second_sign_off_records_nothing(app, people):
    with as_user(app, people["reviewer"]) as reviewer:
        stale = decide(reviewer, "module", "alpha", "sign_off", snapshot_id=live_snapshot(ContentKind.MODULE, "beta"))
        assert "A newer version of this content was loaded" in stale.get_data(as_text=True)
        assert decide(reviewer, "module", "alpha", "sign_off").status_code == 302
        again = decide(reviewer, "module", "alpha", "sign_off")
        assert "already signed off" in again.get_data(as_text=True)
    assert db.session.query(ContentReview).count() == 1


@pytest.mark.parametrize("who", ["learner", "trainer", "coordinator"])
def test_only_a_legal_reviewer_reviews(app, people, who):
    with as_user(app, people[who]) as client:
        assert client.get("/review/").status_code == 403
        assert client.get("/review/module/alpha").status_code == 403
        assert client.get("/review/sources").status_code == 403
        token = csrf_token(client, "/")
        assert client.post("/review/module/alpha", data={"csrf_token": token, "decision": "sign_off",
                                                         "snapshot_id": 1}).status_code == 403
        assert client.post("/review/sources/src-one/verify", data={"csrf_token": token}).status_code == 403
    assert db.session.query(ContentReview).count() == 0


def test_review_writes_need_the_csrf_token_and_unknown_items_are_not_found(app, people):
    with as_user(app, people["reviewer"]) as reviewer:
        assert reviewer.post("/review/module/alpha", data={"decision": "sign_off"}).status_code == 400
        assert reviewer.get("/review/module/nowhere").status_code == 404
        assert reviewer.get("/review/lesson/alpha").status_code == 404
        token = csrf_token(reviewer, "/review/sources")
        assert reviewer.post("/review/sources/nowhere/verify", data={"csrf_token": token}).status_code == 404
    assert db.session.query(ContentReview).count() == 0


def test_a_verified_source_loses_its_not_verified_badge(app, people):
    """On the course's list of sources and on the module that cites it, though both lists are rendered once
    and kept (course.fragments)."""
    badge = "not yet verified against the official text"
    with as_user(app, people["learner"]) as learner:
        assert page(learner, "/sources").count(badge) == 2
        assert page(learner, "/modules/alpha").count(badge) == 1
    with as_user(app, people["reviewer"]) as reviewer:
        token = csrf_token(reviewer, "/review/sources")
        response = reviewer.post("/review/sources/src-one/verify", data={"csrf_token": token, "note": "OK"})
        assert response.status_code == 302
    with as_user(app, people["learner"]) as learner:
        assert page(learner, "/sources").count(badge) == 1
        assert page(learner, "/modules/alpha").count(badge) == 0
    assert db.session.scalar(select(AuditEvent.target).where(AuditEvent.action == "source.verify")) == "src-one"


def test_a_changed_primary_link_needs_verifying_again(app, people, content_dir):
    with as_user(app, people["reviewer"]) as reviewer:
        reviewer.post("/review/sources/src-one/verify", data={"csrf_token": csrf_token(reviewer, "/review/sources")})
    sources = content_dir / "modules" / "sources.yaml"
    sources.write_text(sources.read_text().replace("https://example.org/one", "https://example.org/one-moved"))
    resync(content_dir)
    with as_user(app, people["learner"]) as learner:
        assert page(learner, "/sources").count("not yet verified against the official text") == 2


def test_the_edition_status_tells_learners_about_the_translation_where_it_is_cited(app, people):
    with as_user(app, people["learner"]) as learner:
        assert UNOFFICIAL in page(learner, "/modules/alpha/first")
        assert "Check the current official text." in page(learner, "/modules/alpha/first")
        assert UNOFFICIAL not in page(learner, "/modules/alpha/third")
        assert UNOFFICIAL in page(learner, "/quizzes/alpha-check")


def test_a_new_edition_lists_what_cites_the_old_one_and_the_certificates_issued_on_it(app, people, content_dir,
                                                                                        make_user):
    learner = make_user("cert_holder", tracks=("short",), full_name="Cert Holder")
    certificate = certify(learner)
    assert db.session.scalars(select(CertificateLegalBasis.citation)
                              .where(CertificateLegalBasis.certificate_id == certificate.id)).all() == [
        "code-art-1@2010"]
    with as_user(app, people["reviewer"]) as reviewer:
        decide(reviewer, "module", "alpha", "sign_off")
        decide(reviewer, "quiz", "alpha-check", "sign_off")
    with as_user(app, people["coordinator"]) as coordinator:
        assert "nothing is waiting for re-keying" in page(coordinator, "/review/legal-basis")

    provisions = content_dir / "modules" / "provisions.yaml"
    provisions.write_text(provisions.read_text() + NEW_EDITION)
    resync(content_dir)

    with as_user(app, people["learner"]) as reader:
        section = page(reader, "/modules/alpha/first")
        assert SUPERSEDED in section and "still applies the 2010 edition" in section
        assert DRAFT in page(reader, "/modules/alpha")  # signed off, but its legal basis changed
        assert QUIZ_DRAFT in page(reader, "/quizzes/alpha-check")
        assert SUPERSEDED not in page(reader, "/modules/beta")
    with as_user(app, people["coordinator"]) as coordinator:
        report = page(coordinator, "/review/legal-basis")
        assert "edition 2010 superseded by 2023" in report
        assert "Alpha module: first" in report and "Alpha check: q1" in report
        assert certificate.serial in report and "Cert Holder" in report
    with as_user(app, people["reviewer"]) as reviewer:
        assert "cites law that has changed" in page(reviewer, "/review/")
        # The reviewer sees what is affected, not the holders.
        assert certificate.serial not in page(reviewer, "/review/legal-basis")
    with as_user(app, people["learner"]) as learner:
        assert learner.get("/review/legal-basis").status_code == 403


def test_validate_warns_about_content_citing_a_superseded_edition(app, runner, content_dir):
    provisions = content_dir / "modules" / "provisions.yaml"
    provisions.write_text(provisions.read_text() + NEW_EDITION)
    result = runner.invoke(args=["validate", "--content-dir", str(content_dir)])
    assert result.exit_code == 0
    assert ("warning: modules/01-alpha/module.yaml:13: section_cites.first[0]: cites the 2010 edition of "
            "'code-art-1', superseded by the 2023 edition (in force 2023-01-01)") in result.output
    assert "quizzes/alpha-check.yaml:15: questions[0].cites[0]: cites the 2010 edition" in result.output


def test_editions_must_be_listed_oldest_first(runner, content_dir):
    provisions = content_dir / "modules" / "provisions.yaml"
    provisions.write_text(provisions.read_text() + NEW_EDITION.replace("2023-01-01", "2001-01-01"))
    result = runner.invoke(args=["validate", "--content-dir", str(content_dir)])
    assert result.exit_code == 1
    assert "the editions of 'code-art-1' must be listed oldest first" in result.output


def test_a_primary_link_outside_the_allow_list_is_refused(runner, content_dir):
    sources = content_dir / "modules" / "sources.yaml"
    sources.write_text(sources.read_text().replace("https://example.org/one", "https://mirror.blogg.se/one"))
    result = runner.invoke(args=["validate", "--content-dir", str(content_dir)])
    assert result.exit_code == 1
    assert "'mirror.blogg.se' is not an official or institutional publisher in modules/source-hosts.yaml" in (
        result.output)


def test_an_overlong_comment_or_a_note_on_a_part_the_version_lacks_records_nothing(app, people):
    with as_user(app, people["reviewer"]) as reviewer:
        long = decide(reviewer, "module", "alpha", "sign_off", comment="x" * 5001)
        assert "Keep each comment under 5000 characters." in long.get_data(as_text=True)
        stray = decide(reviewer, "module", "alpha", "return", **{"note-nowhere": "A part that is not there."})
        assert "This version has no part 'nowhere' to comment on." in html.unescape(stray.get_data(as_text=True))
    assert db.session.query(ContentReview).count() == 0
    with as_user(app, people["learner"]) as learner:
        assert DRAFT in page(learner, "/modules/alpha")


def test_a_quiz_marked_as_a_draft_translation_says_so_in_that_language_only(app, people, content_dir):
    quiz = content_dir / "quizzes" / "alpha-check.yaml"
    quiz.write_text(quiz.read_text().replace("module: alpha\n", "module: alpha\ndraft_languages: [tk]\n", 1))
    resync(content_dir)
    with as_user(app, people["learner"]) as learner:
        assert "notice-draft-translation" not in page(learner, "/quizzes/alpha-check")
        people["learner"].locale = "tk"
        db.session.commit()
        assert "notice-draft-translation" in page(learner, "/quizzes/alpha-check")


def review_translation(client, kind: str, content_id: str, language: str, snapshot_id: int | None = None,
                       token_from: str | None = None):
    url = f"/review/{kind}/{content_id}"
    return client.post(f"{url}/translation", data={
        "csrf_token": csrf_token(client, token_from or url), "language": language,
        "translation_comment": "Read in full.",
        "snapshot_id": snapshot_id or live_snapshot(ContentKind(kind), content_id)}, follow_redirects=True)


def test_a_native_speaker_marks_a_draft_translation_reviewed_until_the_text_changes(app, people, content_dir):
    people["learner"].locale = "tk"
    db.session.commit()
    with as_user(app, people["learner"]) as learner:
        assert "notice-draft-translation" in page(learner, "/modules/alpha/first")
    with as_user(app, people["reviewer"]) as reviewer:
        assert "Draft translation, not yet reviewed by a native speaker." in page(reviewer, "/review/module/alpha")
        done = review_translation(reviewer, "module", "alpha", "tk").get_data(as_text=True)
        assert "Reviewed by Rena Reviewer" in done
    with as_user(app, people["learner"]) as learner:
        assert "notice-draft-translation" not in page(learner, "/modules/alpha/first")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "content.translation_reviewed"))
    assert event is not None and event.target == "module:alpha"
    # a new version of the text is a draft again
    text = content_dir / "modules" / "01-alpha" / "tk.md"
    text.write_text(text.read_text(encoding="utf-8").replace("Alfa, birinji tekst.", "Alfa, birinji tekst täzelendi."),
                    encoding="utf-8")
    resync(content_dir)
    with as_user(app, people["learner"]) as learner:
        assert "notice-draft-translation" in page(learner, "/modules/alpha/first")


def test_a_translation_review_of_a_language_that_is_no_draft_a_stale_version_or_twice_records_one(app, people):
    with as_user(app, people["reviewer"]) as reviewer:
        not_draft = review_translation(reviewer, "module", "alpha", "ru").get_data(as_text=True)
        assert "no draft translation in that language" in not_draft
        stale = review_translation(reviewer, "module", "alpha", "tk",
                                   snapshot_id=live_snapshot(ContentKind.MODULE, "beta")).get_data(as_text=True)
        assert "A newer version of this content was loaded" in stale
        assert db.session.query(TranslationReview).count() == 0
        review_translation(reviewer, "module", "alpha", "tk")
        twice = review_translation(reviewer, "module", "alpha", "tk").get_data(as_text=True)
        assert "already marked as reviewed" in twice
    assert db.session.query(TranslationReview).count() == 1


def test_only_a_reviewer_with_a_csrf_token_reviews_a_translation(app, people):
    for who in ("learner", "trainer", "coordinator"):
        with as_user(app, people[who]) as client:
            assert review_translation(client, "module", "alpha", "tk", token_from="/").status_code == 403
    with as_user(app, people["reviewer"]) as reviewer:
        assert reviewer.post("/review/module/alpha/translation", data={"language": "tk"}).status_code == 400
        token = csrf_token(reviewer, "/review/")
        assert reviewer.post("/review/lesson/alpha/translation", data={"csrf_token": token}).status_code == 404
    assert db.session.query(TranslationReview).count() == 0
