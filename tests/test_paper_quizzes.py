"""Quizzes taken on paper (course.paper): a sheet printed per learner, keyed in once as an ordinary graded attempt
pinned to the version printed; foreign, repeated and withdrawn learners' sheets refused."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from course.cohorts.services import enrol_in_cohort
from course.extensions import db
from course.models.attempt import AttemptAnswer, AttemptState, QuizAttempt
from course.models.audit import AuditEvent
from course.models.paper_sheet import PaperSheet
from course.models.user import Role, User
from tests.conftest import csrf_token
from tests.quiz.conftest import RIGHT_ANSWERS
from tests.test_cascade import cohort_of
from tests.test_cohort_pages import as_user

LEARNERS = ("ana", "bo", "cem")


def _cohort(make_user, name="Mary court", trainer="trainer", learners=LEARNERS):
    lead = make_user(trainer, roles={Role.TRAINER}) if User.query.filter_by(username=trainer).first() is None \
        else User.query.filter_by(username=trainer).one()
    cohort = cohort_of(lead, "full", name)
    for username in learners:
        enrol_in_cohort(make_user(username, full_name=f"{username.title()} Learner"), cohort)
    db.session.commit()
    return cohort


def _print(client, cohort_id: int, quiz_id: str):
    token = csrf_token(client, f"/cohorts/{cohort_id}/paper")
    return client.post(f"/cohorts/{cohort_id}/paper/print", data={"quiz_id": quiz_id, "csrf_token": token})


def _sheets(quiz_id: str | None = None) -> dict[str, PaperSheet]:
    """The sheets by learner's username."""
    query = select(User.username, PaperSheet).join(User, User.id == PaperSheet.user_id)
    if quiz_id:
        query = query.where(PaperSheet.quiz_id == quiz_id)
    return dict(db.session.execute(query).tuples().all())


def _key_in(client, sheet: PaperSheet, marks: dict):
    token = csrf_token(client, f"/cohorts/{sheet.cohort_id}/paper")
    return client.post(f"/paper/{sheet.number}", data={**marks, "csrf_token": token})


def _pdf_text(body: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)


def test_a_trainer_prints_a_sheet_per_learner_and_keys_them_in_as_graded_attempts(app, synced, make_user):
    cohort = _cohort(make_user)
    trainer = as_user(app, "trainer")
    page = trainer.get(f"/cohorts/{cohort.id}/paper").get_data(as_text=True)
    assert "All question types" in page and "Pre-test" in page

    response = _print(trainer, cohort.id, "all-types")
    assert response.status_code == 200 and response.mimetype == "application/pdf"  # noqa: PLR2004
    sheets = _sheets()
    assert sorted(sheets) == sorted(LEARNERS)
    text = _pdf_text(response.data)
    for username in LEARNERS:
        assert f"{username.title()} Learner" in text and sheets[username].printed_number in text
    assert "Single prompt" in text and "Qualify the case" in text and "A scenario about a recruiter." in text
    assert "FEEDBACK" not in text and "EXPLANATION" not in text  # no key, no feedback on a learner's sheet

    # Printing again gives the same sheets, not new ones that could be counted twice.
    _print(trainer, cohort.id, "all-types")
    assert {u: s.number for u, s in _sheets().items()} == {u: s.number for u, s in sheets.items()}

    ana = sheets["ana"]
    keying = trainer.get(f"/paper/{ana.printed_number}").get_data(as_text=True)
    assert "Ana Learner" in keying and "A. " in keying and "Record this sheet" in keying
    response = _key_in(trainer, ana, RIGHT_ANSWERS)
    assert response.status_code == 302, response.get_data(as_text=True)  # noqa: PLR2004
    db.session.expire_all()
    attempt = db.session.get(QuizAttempt, db.session.get(PaperSheet, ana.id).attempt_id)
    assert (attempt.state, attempt.score, attempt.submitted_by, attempt.quiz_hash) == (
        AttemptState.SUBMITTED, 100.0, "paper", ana.quiz_hash)
    assert attempt.layout == ana.layout
    listed = trainer.get(f"/cohorts/{cohort.id}/paper").get_data(as_text=True)
    assert "100.0%" in listed
    dashboard = trainer.get(f"/cohorts/{cohort.id}").get_data(as_text=True)
    assert '<td class="cell-passed">100 (1)' in dashboard  # the paper attempt in the quiz's column
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "paper_sheet.key_in"))
    assert event.details["sheet"] == ana.printed_number and event.details["score"] == 100.0  # noqa: PLR2004
    # The learner sees it as their attempt, taken on paper.
    overview = as_user(app, "ana").get("/quizzes/all-types").get_data(as_text=True)
    assert "on paper" in overview


def test_a_sheet_keyed_in_twice_counts_once_and_says_who_keyed_it(app, synced, make_user):
    cohort = _cohort(make_user)
    trainer = as_user(app, "trainer")
    _print(trainer, cohort.id, "alpha-check")
    sheet = _sheets()["bo"]
    assert _key_in(trainer, sheet, {"q-q1": "a", "q-q2": "true"}).status_code == 302  # noqa: PLR2004
    again = _key_in(trainer, sheet, {"q-q1": "b", "q-q2": "false"})
    assert again.status_code == 409  # noqa: PLR2004
    assert "was keyed in already, by" in again.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(QuizAttempt)) == 1
    found = trainer.get(f"/cohorts/{cohort.id}/paper/find?number={sheet.number.lower()}", follow_redirects=True)
    assert "was keyed in already" in found.get_data(as_text=True)


def test_a_sheet_of_another_cohort_or_of_a_learner_taken_out_is_refused(app, synced, make_user):
    mary = _cohort(make_user)
    lebap = _cohort(make_user, "Lebap police", trainer="other", learners=("dag",))
    trainer, other = as_user(app, "trainer"), as_user(app, "other")
    _print(trainer, mary.id, "alpha-check")
    _print(other, lebap.id, "alpha-check")
    sheets = _sheets()
    # Typed into the wrong cohort's page: refused without naming the cohort it belongs to.
    found = trainer.get(f"/cohorts/{mary.id}/paper/find?number={sheets['dag'].printed_number}",
                        follow_redirects=True).get_data(as_text=True)
    assert "was printed for another cohort" in found and "Lebap" not in found
    # Its QR code opened by a trainer who does not lead that cohort: not found.
    assert trainer.get(f"/paper/{sheets['dag'].number}").status_code == 404  # noqa: PLR2004
    assert _key_in(trainer, sheets["dag"], {"q-q1": "a"}).status_code == 404  # noqa: PLR2004
    assert trainer.get(f"/cohorts/{mary.id}/paper/find?number=ZZZZ-ZZZZ",
                       follow_redirects=True).get_data(as_text=True).count("No sheet has the number") == 1
    # A learner taken out of the cohort after printing: their sheet is not counted.
    token = csrf_token(trainer, f"/cohorts/{mary.id}/roster")
    cem = User.query.filter_by(username="cem").one()
    trainer.post(f"/cohorts/{mary.id}/learners/{cem.id}/remove", data={"csrf_token": token, "confirmed": "yes"})
    refused = _key_in(trainer, sheets["cem"], {"q-q1": "a", "q-q2": "true"})
    assert refused.status_code == 409  # noqa: PLR2004
    assert "Cem Learner is no longer a learner of this cohort" in refused.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(QuizAttempt)) == 0


def test_marks_that_do_not_fit_are_refused_with_nothing_recorded(app, synced, make_user):
    cohort = _cohort(make_user)
    trainer = as_user(app, "trainer")
    _print(trainer, cohort.id, "all-types")
    sheet = _sheets()["ana"]
    response = _key_in(trainer, sheet, {**RIGHT_ANSWERS, "q-single": "not-an-option", "q-number": "lots"})
    assert response.status_code == 422  # noqa: PLR2004
    page = response.get_data(as_text=True)
    assert page.count('class="field-error"') == 2  # noqa: PLR2004
    db.session.expire_all()
    assert db.session.get(PaperSheet, sheet.id).keyed_at is None
    assert db.session.scalar(select(func.count()).select_from(QuizAttempt)) == 0


@pytest.mark.parametrize("who", ["ana", "other", None])
def test_only_the_cohorts_trainers_print_and_key_in(app, synced, make_user, who):
    cohort = _cohort(make_user)
    make_user("other", roles={Role.TRAINER})
    trainer = as_user(app, "trainer")
    _print(trainer, cohort.id, "alpha-check")
    sheet = _sheets()["ana"]
    client = as_user(app, who) if who else app.test_client()
    assert client.get(f"/cohorts/{cohort.id}/paper").status_code in (302, 403, 404)
    assert client.get(f"/paper/{sheet.number}").status_code in (302, 403, 404)
    token = csrf_token(client, "/") if who else ""
    assert client.post(f"/paper/{sheet.number}", data={"q-q1": "a", "csrf_token": token}).status_code in (
        302, 400, 403, 404)
    assert client.post(f"/cohorts/{cohort.id}/paper/print",
                       data={"quiz_id": "alpha-check", "csrf_token": token}).status_code in (302, 400, 403, 404)
    db.session.expire_all()
    assert db.session.get(PaperSheet, sheet.id).keyed_at is None
    assert len(_sheets()) == len(LEARNERS)



def test_a_sheet_printed_before_the_quiz_changed_is_graded_against_the_version_printed(
        app, synced, make_user, editable_content):
    from course.content.sync import sync_content  # noqa: PLC0415
    from tests.test_content_validation import edit  # noqa: PLC0415

    app.config["CONTENT_DIR"] = editable_content
    cohort = _cohort(make_user, learners=("ana",))
    trainer = as_user(app, "trainer")
    _print(trainer, cohort.id, "alpha-check")
    printed = _sheets()["ana"]
    quiz = editable_content / "quizzes/alpha-check.yaml"
    edit(quiz, "{id: a, text: {en: Right, ru: Верно}, correct: true}", "{id: a, text: {en: Right, ru: Верно}}")
    edit(quiz, "{id: b, text: {en: Wrong, ru: Неверно}}", "{id: b, text: {en: Wrong, ru: Неверно}, correct: true}")
    assert "quiz alpha-check" in sync_content(editable_content).updated
    db.session.commit()

    assert _key_in(trainer, printed, {"q-q1": "a", "q-q2": "true"}).status_code == 302  # noqa: PLR2004
    attempt = db.session.scalar(select(QuizAttempt))
    assert (attempt.quiz_hash, attempt.score) == (printed.quiz_hash, 100.0)  # "a" was right on the sheet's version
    # A new print run is of the new version: a new sheet, the one keyed in left as it was.
    _print(trainer, cohort.id, "alpha-check")
    numbers = db.session.scalars(select(PaperSheet.number).order_by(PaperSheet.id)).all()
    assert len(numbers) == 2 and numbers[0] == printed.number  # noqa: PLR2004


def test_a_test_allowing_one_attempt_is_not_printed_again_nor_keyed_in_twice_over_an_online_attempt(
        app, synced, make_user):
    from tests.quiz.conftest import Learner  # noqa: PLC0415

    cohort = _cohort(make_user, learners=("ana", "bo"))
    trainer = as_user(app, "trainer")
    _print(trainer, cohort.id, "pre-test")
    sheets = _sheets()
    # Bo takes the pre-test online after the sheets were printed: his sheet can no longer count.
    bo = Learner(as_user(app, "bo"))
    attempt_id = bo.start("pre-test")
    bo.save(attempt_id, {"q-p1": "true", "q-p2": "false"})
    bo.submit(attempt_id)
    refused = _key_in(trainer, sheets["bo"], {"q-p1": "false", "q-p2": "false"})
    assert refused.status_code == 409  # noqa: PLR2004
    assert "Bo Learner has used every attempt this quiz allows" in refused.get_data(as_text=True)
    assert _key_in(trainer, sheets["ana"], {"q-p1": "true"}).status_code == 302  # noqa: PLR2004
    # Printing again leaves out both: each has used the pre-test's one attempt.
    response = _print(trainer, cohort.id, "pre-test")
    assert response.status_code == 302  # noqa: PLR2004
    assert "No sheet to print" in trainer.get(f"/cohorts/{cohort.id}/paper").get_data(as_text=True)


@pytest.mark.parametrize(("language", "expected"), [("ru", ("Выберите один", "Лист", "Слушатель")),
                                                    ("tk", ("Pick one", "Diňleýji",))])
def test_sheets_print_in_the_cohorts_language_and_their_qr_code_opens_the_learners_sheet(
        app, synced, make_user, language, expected):
    import zxingcpp  # noqa: PLC0415

    cohort = _cohort(make_user, learners=("ana",))
    cohort.language = language
    db.session.commit()
    trainer = as_user(app, "trainer")
    body = _print(trainer, cohort.id, "alpha-check").data
    text = _pdf_text(body)
    for words in expected:
        assert words in text
    sheet = _sheets()["ana"]
    image = PdfReader(io.BytesIO(body)).pages[0].images[0].image
    codes = zxingcpp.read_barcodes(image)
    assert len(codes) == 1 and codes[0].text.endswith(f"/paper/{sheet.number}")
    page = trainer.get(re.sub(r"^https?://[^/]+", "", codes[0].text)).get_data(as_text=True)
    assert "Ana Learner" in page and sheet.printed_number in page


def test_a_sheet_keyed_in_on_a_field_laptop_reaches_the_centre_with_its_attempt(app, synced, make_user, tmp_path,
                                                                               content_dir):
    from werkzeug.datastructures import MultiDict  # noqa: PLC0415

    from course.learn.queries import load_catalogue  # noqa: PLC0415
    from course.paper.keying import key_in  # noqa: PLC0415
    from course.paper.sheets import print_sheets  # noqa: PLC0415
    from tests.test_field_sync import imported, new_laptop  # noqa: PLC0415

    make_user("coord", roles={Role.COORDINATOR})
    mary = new_laptop(tmp_path, content_dir, "MARY1")
    with mary.use():
        trainer, cohort, _learner = mary.trainer_cohort()
        run = print_sheets(load_catalogue(), cohort, "alpha-check", trainer)
        key_in(cohort, run.sheets[0][0], MultiDict({"q-q1": "a", "q-q2": "false"}), trainer)
        db.session.commit()
        number = run.sheets[0][0].number

    result = imported(mary.export())

    assert result.applied and result.report.added["paper_sheets"] == 1
    sheet = db.session.scalar(select(PaperSheet).where(PaperSheet.number == number))
    attempt = db.session.get(QuizAttempt, sheet.attempt_id)
    assert (attempt.score, attempt.submitted_by, attempt.quiz_hash) == (50.0, "paper", sheet.quiz_hash)
    assert sheet.keyed_at is not None and db.session.get(User, sheet.keyed_by_id).username == "laptop-trainer"


MM = 150 / 25.4  # pixels per mm at 150 dpi


def _scanned_pages(pdf: bytes, sheet: PaperSheet, marks: dict[tuple[str, str], str], *, turn: float = 1.2):
    """The sheet's pages as a scanner would give them (150 dpi, slightly turned and shrunk), with a pen's cross
    in the boxes of ``marks`` ({(field, value): "cross" | "faint" | "filled"})."""
    import pypdfium2  # noqa: PLC0415
    from PIL import ImageDraw  # noqa: PLC0415

    document = pypdfium2.PdfDocument(pdf)
    pages = []
    for number in range(len(document)):
        image = document[number].render(scale=150 / 72).to_pil().convert("L")
        draw = ImageDraw.Draw(image)
        for page, x, y, size, field, value in sheet.print_layout["boxes"]:
            how = marks.get((field, value))
            if page != number + 1 or how is None:
                continue
            left, top, right, bottom = (x * MM, y * MM, (x + size) * MM, (y + size) * MM)
            if how == "filled":
                draw.rectangle((left, top, right, bottom), fill=20)
            elif how == "faint":
                draw.ellipse((left + 8, top + 8, left + 12, top + 12), fill=90)
            else:
                draw.line((left + 2, top + 2, right - 2, bottom - 2), fill=30, width=3)
                draw.line((left + 2, bottom - 2, right - 2, top + 2), fill=30, width=3)
        image = image.rotate(turn, expand=True, fillcolor=255, resample=3)
        image = image.resize((int(image.width * 0.97), int(image.height * 0.97)))
        buffer = io.BytesIO()
        image.save(buffer, format="PNG")
        pages.append(buffer.getvalue())
    return pages


def _upload(client, cohort_id: int, files: list[bytes]):
    token = csrf_token(client, f"/cohorts/{cohort_id}/paper")
    return client.post(f"/cohorts/{cohort_id}/paper/scan", content_type="multipart/form-data",
                       data={"csrf_token": token, "scan": [(io.BytesIO(f), f"page{n}.png") for n, f in
                                                          enumerate(files, start=1)]}, follow_redirects=True)


def test_a_scanned_sheet_is_read_into_its_key_in_page_with_what_to_check_on_the_paper(app, synced, make_user):
    cohort = _cohort(make_user, learners=("ana",))
    trainer = as_user(app, "trainer")
    pdf = _print(trainer, cohort.id, "all-types").data
    sheet = _sheets()["ana"]
    marks = {("q-single", "s-right"): "cross", ("q-multi", "m-a"): "cross", ("q-multi", "m-b"): "cross",
             ("q-multi", "m-c"): "filled", ("q-truth", "false"): "cross",
             ("q-case-acts", "recruitment"): "cross", ("q-case-acts", "transportation"): "faint",
             ("q-case-means", "deception"): "cross", ("q-case-purposes", "forced-labour"): "cross",
             ("q-case-child_victim", "false"): "cross", ("q-case-aggravating", "two-or-more"): "cross",
             ("q-case-qualification", "art-1-part-2"): "cross", ("q-case-qualification", "art-9"): "cross"}
    page = _upload(trainer, cohort.id, _scanned_pages(pdf, sheet, marks)).get_data(as_text=True)

    assert "These marks were read from the scan" in page and "Ana Learner" in page
    checked = set(re.findall(r'name="(q-[\w-]+)" value="([\w-]+)" checked', page))
    # The filled box is an answer withdrawn; of two qualifications marked, neither is taken.
    assert checked == {key for key, how in marks.items() if how == "cross" and key[0] != "q-case-qualification"}
    assert page.count("Not read from the scan") == 4  # noqa: PLR2004  (matching, ordering, text, number)
    assert page.count("The scan is not clear here") == 1  # the case: a faint mark, two qualifications
    db.session.expire_all()
    assert db.session.get(PaperSheet, sheet.id).keyed_at is None  # nothing recorded before the trainer confirms

    confirmed = {**RIGHT_ANSWERS}
    assert _key_in(trainer, sheet, confirmed).status_code == 302  # noqa: PLR2004
    assert db.session.scalar(select(QuizAttempt.score)) == 100.0  # noqa: PLR2004


def test_a_scan_that_is_not_a_sheet_of_this_cohort_is_refused(app, synced, make_user):
    from PIL import Image  # noqa: PLC0415

    mary = _cohort(make_user, learners=("ana",))
    lebap = _cohort(make_user, "Lebap police", trainer="other", learners=("dag",))
    trainer, other = as_user(app, "trainer"), as_user(app, "other")
    foreign_pdf = _print(other, lebap.id, "alpha-check").data
    foreign = _scanned_pages(foreign_pdf, _sheets()["dag"], {})
    blank = io.BytesIO()
    Image.new("L", (1240, 1754), 255).save(blank, format="PNG")
    for files, said in ((foreign, "was printed for another cohort"),
                        ([blank.getvalue()], "page code was found in this image"),
                        ([b"%PDF-1.4 not an image"], "not an image Cascade can read")):
        page = _upload(trainer, mary.id, files).get_data(as_text=True)
        assert said in page, said
    assert _upload(trainer, mary.id, []).status_code == 200  # noqa: PLR2004  (back on the page, with why)
    assert db.session.scalar(select(func.count()).select_from(QuizAttempt)) == 0


def test_where_the_tests_are_parallel_forms_each_learner_gets_their_form_on_paper(app, synced, make_user,
                                                                                  editable_content):
    from tests.test_cascade import edit_course  # noqa: PLC0415

    edit_course(app, editable_content, "post_test: post-test\n", "post_test: post-test\nparallel_forms: true\n")
    cohort = _cohort(make_user, learners=("ana", "bo"))  # enrolled in turn: one takes the forms the other way
    trainer = as_user(app, "trainer")
    text = _pdf_text(_print(trainer, cohort.id, "pre-test").data)
    sheets = _sheets()
    forms = {username: (sheet.quiz_id, sheet.counts_as) for username, sheet in sheets.items()}
    assert sorted(forms.values()) == [("post-test", "pre-test"), ("pre-test", None)]
    assert "P1" in text and "R1" in text  # each sheet has its own form's questions
    swapped = next(username for username, (quiz_id, _as) in forms.items() if quiz_id == "post-test")
    assert _key_in(trainer, sheets[swapped], {"q-r1": "true", "q-r2": "true"}).status_code == 302  # noqa: PLR2004
    attempt = db.session.scalar(select(QuizAttempt))
    assert (attempt.quiz_id, attempt.counts_as, attempt.counted_quiz_id, attempt.score) == (
        "post-test", "pre-test", "pre-test", 100.0)


def test_printing_reads_the_database_the_same_number_of_times_for_any_cohort_size(app, synced, make_user,
                                                                                 count_queries):
    from course.content import repository  # noqa: PLC0415
    from course.quiz import definition  # noqa: PLC0415

    # The process keeps versions it has read, and empties a keep that reaches its limit: one filled by the tests
    # this process ran before must not empty itself between the two counts.
    repository._DATA_CACHE.clear()  # noqa: SLF001
    definition._CACHE.clear()  # noqa: SLF001
    small = _cohort(make_user, learners=("ana", "bo"))
    large = _cohort(make_user, "Lebap police", learners=("c1", "c2", "c3", "c4", "c5", "c6", "c7"))
    trainer = as_user(app, "trainer")
    for cohort in (small, large):  # the first runs read what the process then keeps, and make the sheets
        _print(trainer, cohort.id, "alpha-check")
    # The fewest reads of three print runs each: a read per learner would be in every run, while a keep the
    # process refreshes now and then (at most once in a run, and not in every run) is not.
    reads = []
    for cohort in (small, large):
        runs = []
        for _run in range(3):
            with count_queries() as counter:
                _print(trainer, cohort.id, "alpha-check")
            runs.append([statement[:80] for statement in counter.statements
                         if statement.lstrip().startswith("SELECT")])
        reads.append(min(runs, key=len))
    assert len(reads[0]) == len(reads[1]), reads  # a sheet more is a row written, never a read more


def test_a_sheet_keyed_in_wrongly_is_corrected_from_the_paper_and_graded_again(app, synced, make_user):
    cohort = _cohort(make_user, learners=("ana",))
    make_user("other", roles={Role.TRAINER})
    trainer = as_user(app, "trainer")
    _print(trainer, cohort.id, "alpha-check")
    sheet = _sheets()["ana"]
    _key_in(trainer, sheet, {"q-q1": "a", "q-q2": "false"})  # q2 tapped wrong: the paper says True
    page = trainer.get(f"/paper/{sheet.number}").get_data(as_text=True)
    assert "Correct the sheet" in page and re.search(r'value="false" checked', page)
    url = f"/paper/{sheet.number}/correct"
    token = csrf_token(trainer, f"/cohorts/{cohort.id}/paper")

    refused = trainer.post(url, data={"q-q1": "zzz", "q-q2": "true", "csrf_token": token})
    assert refused.status_code == 422  # noqa: PLR2004
    other = as_user(app, "other")
    assert other.post(url, data={"q-q2": "true", "csrf_token": csrf_token(other, "/")}).status_code == 404  # noqa: PLR2004
    assert db.session.scalar(select(QuizAttempt.score)) == 50.0  # noqa: PLR2004

    done = trainer.post(url, data={"q-q1": "a", "q-q2": "true", "csrf_token": token}, follow_redirects=True)
    assert "now has 100%" in done.get_data(as_text=True)
    db.session.expire_all()
    attempt = db.session.scalar(select(QuizAttempt))
    assert (attempt.score, attempt.passed, db.session.scalar(select(func.count()).select_from(QuizAttempt))) == (
        100.0, True, 1)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "paper_sheet.correct"))
    assert (event.details["before"], event.details["after"]) == (50.0, 100.0)
    # A sheet not keyed in yet is recorded, not corrected.
    _print(trainer, cohort.id, "pre-test")
    fresh = _sheets("pre-test")["ana"]
    assert trainer.post(f"/paper/{fresh.number}/correct",
                        data={"q-p1": "true", "csrf_token": token}).status_code == 409  # noqa: PLR2004


def test_printing_is_refused_for_a_quiz_not_the_cohorts_a_draft_and_an_archived_cohort(app, synced, make_user):
    from course.cohorts.services import set_status  # noqa: PLC0415
    from course.models.cohort import CohortStatus  # noqa: PLC0415
    from tests.test_trainer_quizzes import _draft, _setting_up  # noqa: PLC0415

    _trainer, cohort = _setting_up(app, make_user)
    trainer = as_user(app, "trainer")
    draft = _draft(trainer, cohort.id)
    for quiz_id, said in (("nope", "not part of the cohort"), (draft.quiz_id, "not open to the cohort")):
        response = _print(trainer, cohort.id, quiz_id)
        assert response.status_code == 302  # noqa: PLR2004
        assert said in trainer.get(f"/cohorts/{cohort.id}/paper").get_data(as_text=True)
    set_status(cohort, CohortStatus.ARCHIVED, actor=User.query.filter_by(username="trainer").one())
    db.session.commit()
    _print(trainer, cohort.id, "alpha-check")
    assert "archived" in trainer.get(f"/cohorts/{cohort.id}/paper").get_data(as_text=True)
    assert _sheets() == {}


def test_an_archived_cohorts_sheet_is_neither_keyed_in_nor_corrected(app, synced, make_user):
    from course.cohorts.services import set_status  # noqa: PLC0415
    from course.models.cohort import CohortStatus  # noqa: PLC0415

    cohort = _cohort(make_user, learners=("ana", "bo"))
    trainer = as_user(app, "trainer")
    _print(trainer, cohort.id, "alpha-check")
    sheets = _sheets()
    _key_in(trainer, sheets["ana"], {"q-q1": "a", "q-q2": "true"})
    set_status(cohort, CohortStatus.ARCHIVED, actor=User.query.filter_by(username="trainer").one())
    db.session.commit()
    assert _key_in(trainer, sheets["bo"], {"q-q1": "a"}).status_code == 409  # noqa: PLR2004
    token = csrf_token(trainer, f"/cohorts/{cohort.id}/paper")
    corrected = trainer.post(f"/paper/{sheets['ana'].number}/correct", data={"q-q1": "b", "csrf_token": token})
    assert corrected.status_code == 409 and "archived" in corrected.get_data(as_text=True)  # noqa: PLR2004
    assert db.session.scalar(select(QuizAttempt.score)) == 100.0  # noqa: PLR2004


def test_more_scans_than_one_sheet_has_pages_are_refused(app, synced, make_user):
    from course.paper.views import MAX_SCANS  # noqa: PLC0415

    cohort = _cohort(make_user, learners=("ana",))
    trainer = as_user(app, "trainer")
    page = _upload(trainer, cohort.id, [b"x"] * (MAX_SCANS + 1)).get_data(as_text=True)
    assert f"from 1 to {MAX_SCANS} images" in page


def test_a_box_tapped_by_mistake_is_put_right_with_no_mark_which_the_printed_sheet_does_not_have(
        app, synced, make_user):
    cohort = _cohort(make_user, learners=("ana",))
    trainer = as_user(app, "trainer")
    printed = _pdf_text(_print(trainer, cohort.id, "all-types").data)
    assert "No mark" not in printed
    ana = _sheets()["ana"]
    page = trainer.get(f"/paper/{ana.printed_number}").get_data(as_text=True)
    # Each one-answer group (single choice, true/false, the case's one-answer parts) ends with it, checked.
    for name in ("q-single", "q-truth", "q-case-child_victim", "q-case-qualification"):
        assert f'name="{name}" value="" checked> <span>No mark</span>' in page, name
    for name in ("q-multi", "q-case-means", "q-case-acts"):  # several boxes: each can be untapped
        assert f'name="{name}" value=""' not in page, name

    # The trainer tapped the single choice by mistake, then "No mark": the question is recorded unanswered.
    response = _key_in(trainer, ana, {**RIGHT_ANSWERS, "q-single": ""})
    assert response.status_code == 302, response.get_data(as_text=True)  # noqa: PLR2004
    db.session.expire_all()
    attempt = db.session.get(QuizAttempt, db.session.get(PaperSheet, ana.id).attempt_id)
    recorded = dict(db.session.execute(select(AttemptAnswer.question_id, AttemptAnswer.response)
                                       .where(AttemptAnswer.attempt_id == attempt.id)).tuples().all())
    assert recorded.get("single") is None and recorded["truth"] is False  # field q-single is question single
    assert attempt.score < 100.0  # noqa: PLR2004

    correcting = trainer.get(f"/paper/{ana.printed_number}").get_data(as_text=True)
    assert 'name="q-single" value="" checked>' in correcting and 'name="q-truth" value="" checked>' not in correcting
