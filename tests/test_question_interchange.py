"""Questions in and out (course.questions): GIFT, Aiken and Moodle XML read into quiz files, and written back."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
import yaml

from course.content.loader import load_content
from course.questions.exporting import export_questions, live_questions
from course.questions.gift import parse_gift
from course.questions.importing import ImportRefused, QuizOptions, import_questions

OPTIONS = QuizOptions(quiz_id="imported-check", title={"en": "Imported", "ru": "Импорт"}, module="alpha",
                      citations=["src-one"])

GIFT_EN = r"""// A bank on the definition of trafficking, as a Moodle export writes it.
$CATEGORY: $course$/top/Definitions

// [id:three-elements] [tag:definitions]
::Three elements::[html]<p>How many <b>elements</b> has the definition for adults?</p><img src="a.png">{
  =Three\: act, means and purpose # right
  ~Two # the means cannot be left out
  ~One
  ####Article 3(a) names act, means and purpose.
}

::Consent::Consent obtained by deception makes the act lawful.{FALSE####Consent is irrelevant where a means was used.}

::Acts::Which are acts under Article 3(a)?{
  ~%50%recruitment
  ~%50%harbouring
  ~%-100%begging
  ####Recruitment and harbouring are acts.
}

::Age::Under what age is a person a child? {#18:0####Article 3(d).}

::Range::Give a year from 2000 to 2003. {#2000..2003####Any.}

::Word::Name the protocol (one word).{=Palermo =%50%Trafficking####The Palermo Protocol.}

::Match::Match each fact to its element.{
  =Recruiting through an advert -> act
  =Threats of violence -> means
  = -> purpose
  ####Act, means, purpose.
}

::Essay::Describe a case you handled.{}
"""

GIFT_RU = r"""::Три элемента::[html]<p>Сколько <b>элементов</b> в определении для взрослых?</p>{
  =Три\: деяние, способ и цель # верно
  ~Два # способ нельзя опустить
  ~Один
  ####Статья 3(a) называет деяние, способ и цель.
}

::Согласие::Согласие, полученное обманом, делает деяние законным.{FALSE####Согласие не имеет значения.}

::Деяния::Что из этого — деяния?{
  ~%50%вербовка
  ~%50%укрывательство
  ~%-100%попрошайничество
  ####Вербовка и укрывательство — деяния.
}

::Возраст::До какого возраста человек — ребёнок? {#18:0####Статья 3(d).}

::Диапазон::Назовите год с 2000 по 2003. {#2000..2003####Любой.}

::Слово::Назовите протокол (одно слово).{=Палермский####Палермский протокол.}

::Сопоставление::Сопоставьте каждый факт с элементом.{
  =Вербовка через объявление -> деяние
  =Угрозы насилием -> способ
  = -> цель
  ####Деяние, способ, цель.
}

::Эссе::Опишите дело.{}
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def imported(content: Path, quiz_id: str = "imported-check") -> dict[str, dict]:
    """The questions of the written quiz, as the content loader reads them (so: valid)."""
    result = load_content(content)
    assert result.problems == []
    return {spec.id: spec.model_dump(mode="json", exclude_none=True)
            for spec in result.bundle.quizzes[quiz_id].questions}


def test_a_gift_bank_and_its_russian_translation_become_one_valid_quiz(tmp_path, editable_content):
    source = write(tmp_path, "bank.gift", GIFT_EN)
    result = import_questions(source, editable_content, OPTIONS, language="en",
                              translations={"ru": write(tmp_path, "bank.ru.gift", GIFT_RU)})
    assert result.path == editable_content / "quizzes" / "imported-check.yaml" and result.questions == 7  # noqa: PLR2004
    questions = imported(editable_content)
    assert list(questions) == ["three-elements", "consent", "acts", "age", "range", "word", "match"]
    first = questions["three-elements"]
    assert first["type"] == "single_choice" and first["tags"] == ["definitions"]
    assert first["prompt"] == {"en": "How many elements has the definition for adults?",  # plain text, as shown
                               "ru": "Сколько элементов в определении для взрослых?"}
    assert first["choices"][0] == {"id": "a", "text": {"en": "Three: act, means and purpose",
                                                       "ru": "Три: деяние, способ и цель"},
                                   "correct": True, "feedback": {"en": "right", "ru": "верно"}}
    assert first["explanation"]["ru"] == "Статья 3(a) называет деяние, способ и цель."
    assert questions["consent"]["answer"] is False
    assert questions["acts"]["type"] == "multiple_choice" and questions["acts"]["partial_credit"] == "right_minus_wrong"
    assert [c["correct"] for c in questions["acts"]["choices"]] == [True, True, False]
    assert (questions["age"]["answer"], questions["age"]["tolerance"]) == (18, 0)
    assert (questions["range"]["min"], questions["range"]["max"]) == (2000, 2003)
    assert questions["word"]["accepted"] == ["Palermo", "Палермский"]  # the 50% answer is not carried
    match = questions["match"]
    assert [item["match"] for item in match["items"]] == ["oa", "ob"] and len(match["options"]) == 3  # noqa: PLR2004
    assert all(question["citations"] == ["src-one"] for question in questions.values())
    notes = "\n".join(result.notes)
    assert "bank.gift:34: an essay or description" in notes
    assert "bank.gift:2: category '$course$/top/Definitions': not carried; its questions join this quiz" in notes
    assert "bank.gift:5: question 'three-elements': <img> content dropped" in notes
    assert "question 'word': a partly right short answer (50%) is not carried" in notes


def test_every_problem_names_the_line_of_the_imported_file_and_nothing_is_written(tmp_path, editable_content):
    source = write(tmp_path, "bank.gift", GIFT_EN)
    with pytest.raises(ImportRefused) as refused:
        import_questions(source, editable_content, OPTIONS, language="en")  # no Russian
    problems = [str(problem) for problem in refused.value.problems]
    assert "bank.gift:5: question 'three-elements': questions[0].prompt: missing the ru translation" in problems[0]
    assert any("bank.gift:12: question 'consent'" in p for p in problems)
    assert not (editable_content / "quizzes" / "imported-check.yaml").exists()


@pytest.mark.parametrize(("text", "line", "message"), [
    ("::A::Question one{=yes ~no}\n\n::B::Question two{=yes ~no\n\n\n", 3, "not closed with '}'"),
    ("::A::No answers here\n", 1, "no answer block"),
    ("::A::All wrong{~yes ~no}\n", 1, "no right answer"),
    ("::A:: A number {#abc}\n", 1, "'abc' is not a number"),
    ("::A Unclosed name{T}\n", 1, "not closed with '::'"),
])
def test_malformed_gift_is_refused_with_its_line(tmp_path, editable_content, text, line, message):
    with pytest.raises(ImportRefused) as refused:
        import_questions(write(tmp_path, "bad.gift", text), editable_content, OPTIONS, language="en")
    assert any(str(problem).startswith(f"{tmp_path / 'bad.gift'}:{line}: ") and message in str(problem)
               for problem in refused.value.problems), refused.value.problems
    assert not (editable_content / "quizzes" / "imported-check.yaml").exists()


def test_gift_escapes_and_multilang_spans_are_read(tmp_path):
    text = (r'::Esc::[html]<span lang="en" class="multilang">Is 2\+2 \= 4 \{yes\}?</span>'
            r'<span lang="ru" class="multilang">Верно ли 2\+2 \= 4?</span>{TRUE}')
    question = parse_gift(text, "x.gift", "en").questions[0]
    assert question.data["prompt"] == {"en": "Is 2\\+2 = 4 {yes}?", "ru": "Верно ли 2\\+2 = 4?"}
    assert question.data["answer"] is True


AIKEN = """Which protocol defines trafficking in persons?
A) The Palermo Protocol
B) The Smuggling Protocol
C. The Firearms Protocol
ANSWER: A

What does the means element cover?
A) Coercion, deception, abuse of vulnerability
B) Only physical force
ANSWER: A
"""


RUSSIAN_AIKEN = """Какой протокол определяет торговлю людьми?
A) Палермский протокол
B) Протокол о незаконном ввозе мигрантов
C. Протокол об огнестрельном оружии
ANSWER: A

Что охватывает элемент способа?
A) Принуждение, обман, злоупотребление уязвимостью
B) Только физическую силу
ANSWER: A
"""


def test_an_aiken_file_needs_an_explanation_and_imports_with_one(tmp_path, editable_content):
    source, russian = write(tmp_path, "bank.txt", AIKEN), write(tmp_path, "bank.ru.txt", RUSSIAN_AIKEN)
    with pytest.raises(ImportRefused) as refused:
        import_questions(source, editable_content, OPTIONS, language="en", translations={"ru": russian})
    assert any(str(p).endswith(":1: question 'q1': explanation: the file gives none (general feedback, '####' in "
                               "GIFT; Aiken has none): add it, or give --explanation LANG=TEXT for the questions "
                               "without one") for p in refused.value.problems), refused.value.problems
    options = QuizOptions(**{**OPTIONS.__dict__, "explanation": {"en": "See module 2.", "ru": "См. модуль 2."}})
    result = import_questions(source, editable_content, options, language="en", translations={"ru": russian})
    questions = imported(editable_content)
    assert result.questions == 2 and list(questions) == ["q1", "q2"]  # noqa: PLR2004
    assert questions["q1"]["choices"][2]["text"] == {"en": "The Firearms Protocol",
                                                     "ru": "Протокол об огнестрельном оружии"}
    assert [c["correct"] for c in questions["q1"]["choices"]] == [True, False, False]
    assert questions["q2"]["explanation"] == {"en": "See module 2.", "ru": "См. модуль 2."}


def test_an_aiken_answer_naming_no_choice_is_refused_at_its_line(tmp_path, editable_content):
    bad = AIKEN.replace("ANSWER: A\n\nWhat", "ANSWER: D\n\nWhat")
    with pytest.raises(ImportRefused) as refused:
        import_questions(write(tmp_path, "bank.txt", bad), editable_content, OPTIONS, language="en")
    assert any(":5: ANSWER: D names no choice (the choices are A, B, C)" in str(p) for p in refused.value.problems)


#: A Moodle XML export with multilang texts, HTML, an embedded file, a category and an essay.
MOODLE_XML = (Path(__file__).parent / "fixtures" / "questions" / "moodle-bank.xml").read_text(encoding="utf-8")


def test_a_moodle_xml_bank_imports_its_languages_grades_and_tags_and_leaves_out_what_it_must(tmp_path,
                                                                                              editable_content):
    result = import_questions(write(tmp_path, "bank.xml", MOODLE_XML), editable_content, OPTIONS, language="en")
    questions = imported(editable_content)
    means = questions["means-element"]
    assert means["prompt"] == {"en": "Which is a means?", "ru": "Что является способом?"}
    assert means["explanation"] == {"en": "Deception is a means.", "ru": "Обман — способ."}
    assert means["points"] == 2 and means["tags"] == ["means"] and means["citations"] == ["src-two", "src-one"]  # noqa: PLR2004
    assert means["choices"][0]["feedback"] == {"en": "Yes", "ru": "Да"}
    assert questions["consent"]["prompt"] == {"en": "Consent & deception", "ru": "Согласие и обман"}
    notes = "\n".join(result.notes)
    assert "bank.xml:23: a 'essay' question: the course has no such type; left out" in notes
    assert "bank.xml:4: category '$course$/top/Definitions': not carried" in notes
    assert "bank.xml:8: question 'means-element': <file> content dropped" in notes


@pytest.mark.parametrize(("text", "message"), [
    ("<quiz><question type='truefalse'><name><text>x</text></name>\n</quiz>", ":2: not well-formed XML"),
    ('<?xml version="1.0"?>\n<!DOCTYPE quiz [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>\n'
     "<quiz>&b;</quiz>", ":1: the file declares entities"),
    ("<questions/>", ":1: a Moodle XML question file starts with <quiz>"),
])
def test_a_broken_or_hostile_xml_file_is_refused(tmp_path, editable_content, text, message):
    with pytest.raises(ImportRefused) as refused:
        import_questions(write(tmp_path, "bank.xml", text), editable_content, OPTIONS, language="en")
    assert any(message in str(problem) for problem in refused.value.problems), refused.value.problems


def _comparable(question: dict) -> dict:
    """A question as it can be compared after a round trip: ids of choices, items and options are positions."""
    def strip(value):
        if isinstance(value, dict):
            return {key: strip(item) for key, item in value.items() if key not in ("id", "match")}
        if isinstance(value, list):
            return [strip(item) for item in value]
        return value

    made = strip(question)
    if question["type"] == "matching":  # which option each item matches, by position
        positions = {option["id"]: index for index, option in enumerate(question["options"])}
        made["matches"] = [positions[item["match"]] for item in question["items"]]
    return made


@pytest.mark.parametrize(("file_format", "suffix", "carried"), [
    ("gift", ".gift", {"single", "multi", "truth", "match", "text", "number"}),
    ("moodle-xml", ".xml", {"single", "multi", "truth", "match", "order", "text", "number", "case"}),
    ("spreadsheet", ".xlsx", {"single", "multi", "truth", "match", "order", "text", "number"}),
])
def test_every_type_a_format_carries_comes_back_the_same(app, synced, tmp_path, editable_content, file_format,
                                                        suffix, carried):
    originals = {question["id"]: question for question in live_questions(["all-types"])}
    data, notes = export_questions(["all-types"], file_format, ["en", "ru", "tk"])
    assert any(note.startswith("case: a case_qualification question cannot be written")
               or note.startswith("case: a case-qualification question is written as an embedded-answers (Cloze)")
               for note in notes)
    exported = tmp_path / f"export{suffix}"
    exported.write_bytes(data)
    result = import_questions(exported, editable_content,
                              QuizOptions(**{**OPTIONS.__dict__, "kind": "case_study"}), language="en")
    back = imported(editable_content)
    assert set(back) == carried and result.questions == len(carried)
    for question_id in carried:
        original = _comparable(originals[question_id])
        if question_id == "case":  # a part's own sources do not go into a Cloze gap (the export says so)
            original["parts"] = [{**part, "citations": []} for part in original["parts"]]
        assert _comparable(back[question_id]) == original, question_id


def test_the_commands_import_and_export_as_the_guide_says(app, synced, runner, tmp_path, editable_content):
    app.config["CONTENT_DIR"] = editable_content
    source, russian = write(tmp_path, "bank.gift", GIFT_EN), write(tmp_path, "bank.ru.gift", GIFT_RU)
    args = ["questions", "import", str(source), "--quiz-id", "imported-check", "--title", "en=Imported",
            "--title", "ru=Импорт", "--module", "alpha", "--cite", "src-one"]
    refused = runner.invoke(args=args)
    assert refused.exit_code == 1 and "missing the ru translation" in refused.output
    assert "Nothing was written" in refused.output
    done = runner.invoke(args=[*args, "--translation", f"ru={russian}"])
    assert done.exit_code == 0, done.output
    assert "Wrote" in done.output and "note: " in done.output
    assert yaml.safe_load((editable_content / "quizzes" / "imported-check.yaml").read_text())["module"] == "alpha"
    again = runner.invoke(args=[*args, "--translation", f"ru={russian}"])
    assert again.exit_code == 1 and "exists already" in again.output
    out = tmp_path / "bank.xml"
    exported = runner.invoke(args=["questions", "export", "all-types", "--format", "moodle-xml", "--out", str(out)])
    assert exported.exit_code == 0 and "not carried: case: " in exported.output
    assert out.read_text(encoding="utf-8").startswith('<?xml version="1.0" encoding="UTF-8"?>\n<quiz>')
    unknown = runner.invoke(args=["questions", "export", "nope", "--format", "gift", "--out", str(out)])
    assert unknown.exit_code == 1 and "No live quiz has the id 'nope'" in unknown.output


def _workbook(tmp_path: Path, sheets: dict[str, list[list]]) -> Path:
    from openpyxl import Workbook  # noqa: PLC0415

    from course.questions.spreadsheet import HEADER  # noqa: PLC0415

    workbook = Workbook()
    workbook.remove(workbook.active)
    for code, rows in sheets.items():
        sheet = workbook.create_sheet(code)
        sheet.append(HEADER)
        for row in rows:
            sheet.append([row.get(column, "") for column in HEADER])
    path = tmp_path / "bank.xlsx"
    workbook.save(path)
    return path


def test_the_spreadsheet_reads_a_sheet_per_language_and_names_sheet_and_row_of_a_problem(tmp_path,
                                                                                          editable_content):
    english = [
        {"id": "means", "type": "single_choice", "prompt": "Which is a means?", "answer": "2",
         "choice 1": "Recruitment", "choice 2": "Deception", "feedback 2": "Yes, a means",
         "explanation": "Deception is a means.", "tags": "means, definitions", "citations": "src-one"},
        {"id": "age", "type": "numeric", "prompt": "Age of a child?", "answer": "18 ± 0", "explanation": "3(d).",
         "citations": "src-one"},
    ]
    russian = [
        {"id": "means", "prompt": "Что является способом?", "choice 1": "Вербовка", "choice 2": "Обман",
         "feedback 2": "Да, способ", "explanation": "Обман — способ."},
        {"id": "age", "prompt": "Возраст ребёнка?", "explanation": "3(d)."},
    ]
    import_questions(_workbook(tmp_path, {"en": english, "ru": russian}), editable_content, OPTIONS, language="en")
    questions = imported(editable_content)
    means = questions["means"]
    assert means["choices"][1] == {"id": "b", "text": {"en": "Deception", "ru": "Обман"}, "correct": True,
                                   "feedback": {"en": "Yes, a means", "ru": "Да, способ"}}
    assert means["tags"] == ["means", "definitions"] and questions["age"]["answer"] == 18  # noqa: PLR2004
    (editable_content / "quizzes" / "imported-check.yaml").unlink()
    english[0]["answer"] = "3"
    russian.append({"id": "unknown", "prompt": "?"})
    with pytest.raises(ImportRefused) as refused:
        import_questions(_workbook(tmp_path, {"en": english, "ru": russian}), editable_content, OPTIONS,
                         language="en")
    assert [str(p) for p in refused.value.problems] == [
        "en!2: answer '3' names no choice of the row",
        "ru!4: id 'unknown' is not a question of the en sheet",
    ]


def test_a_file_that_is_not_a_workbook_is_refused(tmp_path, editable_content):
    with pytest.raises(ImportRefused) as refused:
        import_questions(write(tmp_path, "bank.xlsx", "not a zip"), editable_content, OPTIONS, language="en")
    assert "not an .xlsx workbook" in str(refused.value.problems[0])


def test_an_administrator_downloads_the_bank_and_a_template_that_imports_back(app, synced, make_user, tmp_path,
                                                                              editable_content):
    from openpyxl import load_workbook  # noqa: PLC0415
    from sqlalchemy import select  # noqa: PLC0415

    from course.extensions import db  # noqa: PLC0415
    from course.models.audit import AuditEvent  # noqa: PLC0415
    from course.models.user import Role  # noqa: PLC0415
    from tests.test_cohort_pages import as_user  # noqa: PLC0415

    make_user("root", roles={Role.ADMIN})
    make_user("trainer", roles={Role.TRAINER})
    client = as_user(app, "root")
    assert "Download the spreadsheet template" in client.get("/admin/questions").get_data(as_text=True)
    template = client.get("/admin/questions/template.spreadsheet")
    assert template.status_code == 200 and template.headers["Cache-Control"] == "no-store"  # noqa: PLR2004
    workbook = load_workbook(io.BytesIO(template.data))
    assert workbook.sheetnames == ["en", "ru", "tk"]
    assert [row[1] for row in workbook["en"].iter_rows(min_row=2, values_only=True)] == [
        "single_choice", "multiple_choice", "true_false", "short_text", "numeric", "matching", "ordering"]
    path = tmp_path / "template.xlsx"
    path.write_bytes(template.data)
    assert import_questions(path, editable_content, OPTIONS, language="en").questions == 7  # noqa: PLR2004
    bank = client.get("/admin/questions/bank.moodle-xml")
    assert bank.status_code == 200 and b"<quiz>" in bank.data  # noqa: PLR2004
    assert client.get("/admin/questions/template.gift").status_code == 404  # noqa: PLR2004
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "questions.export")).all()
    assert [(event.target, event.details["format"]) for event in events] == [
        ("template", "spreadsheet"), ("bank", "moodle-xml")]
    assert as_user(app, "trainer").get("/admin/questions/bank.gift").status_code == 403  # noqa: PLR2004


def test_gift_answers_take_the_question_texts_format_and_comments_inside_a_question_are_dropped():
    text = ("::Q::[html]<p>Pick the <b>city</b></p>{\n// a comment inside the answers\n"
            "=<p>Paris &amp; co</p> # <i>right</i>\n~London\n####<p>Because.</p>\n}")
    parsed = parse_gift(text, "x.gift", "en")
    question = parsed.questions[0]
    assert question.data["prompt"] == {"en": "Pick the city"}
    assert question.data["choices"][0]["text"] == {"en": "Paris & co"}
    assert question.data["choices"][0]["feedback"] == {"en": "right"}
    assert question.data["explanation"] == {"en": "Because."}


def test_a_one_answer_question_with_a_partly_right_answer_keeps_one_right_answer():
    question = parse_gift("::Q::Capital of France?{=Paris ~%50%Lutetia ~London}", "x.gift", "en").questions[0]
    assert question.data["type"] == "single_choice"
    assert [choice["correct"] for choice in question.data["choices"]] == [True, False, False]
    assert "a partly right answer (50%) of a one-answer question is not carried" in question.notes[0]


def test_nested_markup_and_shared_text_in_multilang_spans_are_kept():
    from course.questions.texts import split_languages  # noqa: PLC0415

    text = ('<span lang="en" class="multilang">Hello <span style="x">bold</span> there</span>'
            '<span class="multilang" lang="ru">Привет <span>жирный</span></span> (2000)')
    assert split_languages(text, "en") == {"en": 'Hello <span style="x">bold</span> there (2000)',
                                           "ru": "Привет <span>жирный</span> (2000)"}


def test_large_and_precise_numbers_are_written_whole():
    from course.questions.gift import write_gift  # noqa: PLC0415
    from course.questions.moodle_xml import write_moodle_xml  # noqa: PLC0415

    question = {"id": "n", "type": "numeric", "answer": 1234567.25, "tolerance": 0.125, "prompt": {"en": "N?"},
                "explanation": {"en": "E."}, "citations": ["src-one"]}
    gift, _notes = write_gift([question])
    xml, _notes = write_moodle_xml([question])
    assert "#1234567.25:0.125" in gift
    assert "<text>1234567.25</text>" in xml and "<tolerance>0.125</tolerance>" in xml


def test_a_moodle_question_with_a_fraction_that_is_not_a_number_is_a_problem_at_its_line(tmp_path,
                                                                                          editable_content):
    text = MOODLE_XML.replace('<answer fraction="0"><text>true</text></answer>',
                              '<answer fraction="zero"><text>true</text></answer>')
    with pytest.raises(ImportRefused) as refused:
        import_questions(write(tmp_path, "bank.xml", text), editable_content, OPTIONS, language="en")
    assert [str(p).split("bank.xml")[1] for p in refused.value.problems] == [
        ":28: a number that is not one: could not convert string to float: 'zero'"]


@pytest.mark.parametrize("quiz_id", ["../escape", "Upper", "", "a/b"])
def test_a_quiz_id_that_is_not_a_file_name_of_the_course_is_refused(tmp_path, editable_content, quiz_id):
    options = QuizOptions(**{**OPTIONS.__dict__, "quiz_id": quiz_id})
    with pytest.raises(ImportRefused) as refused:
        import_questions(write(tmp_path, "bank.gift", GIFT_EN), editable_content, options, language="en")
    assert "lower-case letters, digits and hyphens only" in str(refused.value.problems[0])
    assert sorted(p.name for p in (editable_content / "quizzes").iterdir()) == sorted(
        p.name for p in (Path(__file__).parent / "fixtures" / "content" / "quizzes").iterdir())


#: A Cloze gap as Moodle's multianswer grammar reads it: weight, type, alternatives with escaped specials.
CLOZE_GAP = re.compile(r"\{(\d+(?:\.\d+)?):(MULTICHOICE|MULTIRESPONSE):((?:[^{}\\]|\\.)+)\}")


def test_a_case_qualification_question_goes_to_moodle_as_a_cloze_question_with_its_parts_and_weights(app, synced):
    from defusedxml.ElementTree import fromstring  # noqa: PLC0415

    data, _notes = export_questions(["all-types"], "moodle-xml", ["en", "ru"])
    cloze = fromstring(data).find("question[@type='cloze']")
    assert cloze.find("name/text").text == "case"
    text = cloze.find("questiontext/text").text
    gaps = CLOZE_GAP.findall(text)
    assert [(weight, kind) for weight, kind, _ in gaps] == [
        ("1", "MULTIRESPONSE"), ("1", "MULTIRESPONSE"), ("1", "MULTIRESPONSE"), ("1", "MULTICHOICE"),
        ("1", "MULTIRESPONSE"), ("1", "MULTICHOICE")]
    assert len(re.findall(r"\{\d", text)) == 6  # noqa: PLR2004  (once each, outside the language spans)
    acts = dict(alternative.split("%")[1:3][::-1] for alternative in re.split(r"(?<!\\)~", gaps[0][2]))
    right = {option: fraction for option, fraction in acts.items() if float(fraction) > 0}
    assert len(right) == 2 and set(right.values()) == {"50"}  # noqa: PLR2004  (recruitment and transportation)
    assert all(float(fraction) == -50 for fraction in acts.values() if float(fraction) <= 0)  # noqa: PLR2004
    assert '<span lang=\\"ru\\" class=\\"multilang\\">' in gaps[0][2]  # quotes and slashes escaped in a gap
    assert "FEEDBACK-ACTS" in gaps[0][2] and "Qualify the case" in text and "Квалифицируйте" in text
    child = gaps[3][2]
    assert child.startswith("%0%") and "%100%" in child  # not a child victim: "No" is right


def test_a_cloze_case_naming_an_option_the_vocabulary_lacks_is_refused_at_its_question(app, synced, tmp_path,
                                                                                      editable_content):
    data, _notes = export_questions(["all-types"], "moodle-xml", ["en", "ru", "tk"])
    text = data.decode("utf-8").replace("&gt;recruitment&lt;", "&gt;kidnapping&lt;")
    assert "kidnapping" in text
    exported = tmp_path / "export.xml"
    exported.write_text(text, encoding="utf-8")
    with pytest.raises(ImportRefused) as refused:
        import_questions(exported, editable_content, QuizOptions(**{**OPTIONS.__dict__, "kind": "case_study"}),
                         language="en")
    assert any("acts: not in the course's vocabulary: kidnapping" in str(p) for p in refused.value.problems), \
        refused.value.problems
    assert not (editable_content / "quizzes" / f"{OPTIONS.quiz_id}.yaml").exists()


def test_a_cloze_case_against_a_broken_vocabulary_file_is_refused_with_the_files_problem(app, synced, tmp_path,
                                                                                        editable_content):
    data, _notes = export_questions(["all-types"], "moodle-xml", ["en", "ru", "tk"])
    exported = tmp_path / "export.xml"
    exported.write_bytes(data)
    (editable_content / "modules" / "vocabulary.yaml").write_text("acts: [unclosed\n", encoding="utf-8")
    with pytest.raises(ImportRefused) as refused:
        import_questions(exported, editable_content, QuizOptions(**{**OPTIONS.__dict__, "kind": "case_study"}),
                         language="en")
    assert any(str(p).startswith("modules/vocabulary.yaml") for p in refused.value.problems), refused.value.problems
    assert not (editable_content / "quizzes" / f"{OPTIONS.quiz_id}.yaml").exists()
