"""QTI 3.0 export (course.questions.qti3): every item, test and manifest of the package validates against the
1EdTech QTI 3.0 schemas, and carries each question's key as QTI grades it.

The schemas are in tests/fixtures/qti3 (see its README): the ASI schema is its SBAC profile, which differs from
the base only by attributes Cascade never writes, so what validates against it validates against the base."""

from __future__ import annotations

import io
import zipfile
from functools import cache
from pathlib import Path

import pytest
from lxml import etree

SCHEMAS = Path(__file__).parent / "fixtures" / "qti3" / "qtiv3p0"
NS = {"q": "http://www.imsglobal.org/xsd/imsqtiasi_v3p0", "cp": "http://www.imsglobal.org/xsd/qti/qtiv3p0/imscp_v1p1"}


@cache
def _schema(name: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMAS / name)))


def _valid(document: bytes, schema: str) -> etree._Element:
    root = etree.fromstring(document)
    checker = _schema(schema)
    assert checker.validate(root), [f"{e.line}: {e.message}" for e in checker.error_log]
    return root


def _export(runner, tmp_path, *args: str) -> tuple[zipfile.ZipFile, str]:
    out = tmp_path / "package.zip"
    result = runner.invoke(args=["questions", "export", *args, "--format", "qti3", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return zipfile.ZipFile(io.BytesIO(out.read_bytes())), result.output


ASI = "imsqti_asiv3p0_sbacv1p0_v1p0.xsd"
CP = "imsqtiv3p0_imscpv1p2_v1p0.xsd"


def test_every_file_of_a_qti3_package_validates_against_the_qti3_schemas(app, synced, runner, tmp_path):
    package, output = _export(runner, tmp_path, "all-types", "alpha-check")
    manifest = _valid(package.read("imsmanifest.xml"), CP)
    hrefs = manifest.xpath("//cp:resource/@href", namespaces=NS)
    assert sorted(hrefs) == sorted(name for name in package.namelist() if name != "imsmanifest.xml")
    for href in hrefs:
        _valid(package.read(href), ASI)
    assert len([h for h in hrefs if h.startswith("items/")]) == 10  # noqa: PLR2004  (8 types, 2 checks)
    assert "not carried: alpha" not in output and "not carried: all-types--case" not in output
    assert "case: each part counts all or nothing" in output and "a choice's own feedback does not" in output


def test_each_type_carries_its_key_as_qti_grades_it(app, synced, runner, tmp_path):
    package, _output = _export(runner, tmp_path, "all-types")

    def item(question_id: str) -> etree._Element:
        return etree.fromstring(package.read(f"items/all-types--{question_id}.xml"))

    def correct(root, response="RESPONSE") -> list[str]:
        return root.xpath(f"//q:qti-response-declaration[@identifier='{response}']/q:qti-correct-response/q:qti-value"
                          "/text()", namespaces=NS)

    assert correct(item("single")) == ["s-right"]
    multi = item("multi")
    assert sorted(correct(multi)) == ["m-a", "m-b"]
    assert dict(zip(multi.xpath("//q:qti-map-entry/@map-key", namespaces=NS),
                    multi.xpath("//q:qti-map-entry/@mapped-value", namespaces=NS), strict=True)) == {
        "m-a": "0.5", "m-b": "0.5", "m-c": "-0.5"}  # right_minus_wrong
    assert correct(item("truth")) == ["false"]
    assert sorted(correct(item("match"))) == ["i-one o-uno", "i-two o-dos"]
    assert correct(item("order")) == ["first-step", "second-step", "third-step"]
    text = item("text")
    assert text.xpath("//q:qti-map-entry[@case-sensitive='false']/@map-key", namespaces=NS) == [
        "ZANZIBARWORD", "занзибар"]
    number = item("number")
    assert number.xpath("//q:qti-equal/@tolerance", namespaces=NS) == ["0.5 0.5"] and correct(number) == ["4242.5"]
    case = item("case")
    assert sorted(correct(case, "RESPONSE_ACTS")) == ["recruitment", "transportation"]
    assert correct(case, "RESPONSE_CHILD_VICTIM") == ["false"]
    assert correct(case, "RESPONSE_QUALIFICATION") == ["art-1-part-2"]
    assert "A scenario about a recruiter." in "".join(case.itertext())
    weights = package.read("tests/all-types.xml").decode()
    assert 'identifier="all-types--case"' in weights and 'value="6"' in weights  # the case's 6 points


@pytest.mark.parametrize(("language", "expected"), [("ru", "Один"), ("tk", "Single prompt")])
def test_a_package_is_in_the_language_asked_for_the_default_filling_in(app, synced, runner, tmp_path, language,
                                                                       expected):
    package, _output = _export(runner, tmp_path, "all-types", "--language", language)
    single = etree.fromstring(package.read("items/all-types--single.xml"))
    assert single.get("{http://www.w3.org/XML/1998/namespace}lang") == language
    assert expected in "".join(single.itertext())


def test_an_unknown_language_is_refused_and_nothing_written(app, synced, runner, tmp_path):
    out = tmp_path / "package.zip"
    result = runner.invoke(args=["questions", "export", "all-types", "--format", "qti3", "--out", str(out),
                                 "--language", "fr"])
    assert result.exit_code != 0 and "no language 'fr'" in result.output and not out.exists()


def test_an_administrator_downloads_the_bank_as_a_qti3_package_in_their_language(app, synced, make_user):
    from sqlalchemy import select  # noqa: PLC0415

    from course.extensions import db  # noqa: PLC0415
    from course.models.audit import AuditEvent  # noqa: PLC0415
    from course.models.user import Role  # noqa: PLC0415
    from tests.test_cohort_pages import as_user  # noqa: PLC0415

    make_user("root", roles={Role.ADMIN})
    admin = as_user(app, "root")
    assert "QTI 3.0 package" in admin.get("/admin/questions").get_data(as_text=True)
    response = admin.get("/admin/questions/bank.qti3")
    assert response.status_code == 200 and response.mimetype == "application/zip"  # noqa: PLR2004
    package = zipfile.ZipFile(io.BytesIO(response.data))
    _valid(package.read("imsmanifest.xml"), CP)
    assert "items/all-types--case.xml" in package.namelist()
    assert db.session.scalar(select(AuditEvent.details).where(AuditEvent.action == "questions.export")) == {
        "format": "qti3"}
    make_user("trainer", roles={Role.TRAINER})
    assert as_user(app, "trainer").get("/admin/questions/bank.qti3").status_code in (403, 404)


def test_qti3_packages_in_two_languages_import_back_as_the_same_questions(app, synced, tmp_path, editable_content):
    from course.content.markdown import render_markdown  # noqa: PLC0415
    from course.questions.exporting import export_questions, live_questions  # noqa: PLC0415
    from course.questions.importing import QuizOptions, import_questions  # noqa: PLC0415
    from course.questions.texts import html_to_text  # noqa: PLC0415
    from tests.test_question_interchange import imported  # noqa: PLC0415

    originals = {question["id"]: question for question in live_questions(["all-types"])}
    packages = {}
    for language in ("en", "ru"):  # a package per language, as QTI holds one
        data, _notes = export_questions(["all-types"], "qti3", ["en", "ru", "tk"], language)
        packages[language] = tmp_path / f"package.{language}.zip"
        packages[language].write_bytes(data)
    result = import_questions(packages["en"], editable_content, QuizOptions(
        quiz_id="from-qti", title={"en": "From QTI", "ru": "Из QTI"}, kind="case_study", module="alpha",
        citations=["src-one"], explanation={"en": "See the module.", "ru": "См. модуль."}), language="en",
        translations={"ru": packages["ru"]})
    back = imported(editable_content, "from-qti")
    assert set(back) == set(originals) and result.questions == len(originals)

    def carried(value):
        """The original as the packages carry it: English and Russian texts; no choice feedback or sources."""
        if isinstance(value, dict):
            if set(value) <= {"en", "ru", "tk"} and "en" in value:
                return {code: text for code, text in value.items() if code in ("en", "ru")}
            return {k: carried(v) for k, v in value.items()
                    if k not in ("id", "match", "citations", "cites", "module", "tags", "options", "article")
                    and not (k == "feedback" and "part" not in value)}
        if isinstance(value, list):
            return [carried(v) for v in value]
        return value

    # Not carried, as the export says: per-position credit; within a case part, the article credit (its default
    # comes back).
    lost = {"order": {"partial_credit"}}
    scenario = originals["case"]["scenario"]  # its Markdown goes as the text it shows (the export says so)
    originals["case"]["scenario"] = {code: html_to_text(render_markdown(text))[0] for code, text in scenario.items()}
    for question_id in back:
        expected = {k: v for k, v in carried(originals[question_id]).items() if k not in lost.get(question_id, ())}
        got = {k: v for k, v in carried(back[question_id]).items() if k not in lost.get(question_id, ())}
        assert got == expected, question_id
    matching = back["match"]
    assert [item["match"] for item in matching["items"]] == [item["match"] for item in originals["match"]["items"]]


def test_a_broken_qti_package_is_refused_with_nothing_written(tmp_path, editable_content):
    from course.questions.importing import ImportRefused, QuizOptions, import_questions  # noqa: PLC0415

    options = QuizOptions(quiz_id="from-qti", title={"en": "From QTI", "ru": "Из QTI"})
    for name, content in (("not-a-zip.zip", b"PK\x03\x04 nothing"), ("no-manifest.zip", _zip({"a.xml": b"<a/>"})),
                          ("entities.zip", _zip({"imsmanifest.xml": b'<!DOCTYPE m [<!ENTITY e "x">]><m>&e;</m>'}))):
        path = tmp_path / name
        path.write_bytes(content)
        with pytest.raises(ImportRefused):
            import_questions(path, editable_content, options, language="en")
    assert not (editable_content / "quizzes" / "from-qti.yaml").exists()


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        for name, content in files.items():
            package.writestr(name, content)
    return buffer.getvalue()


ANOTHER_SYSTEMS_ITEM = b"""<?xml version="1.0" encoding="UTF-8"?>
<qti-assessment-item xmlns="http://www.imsglobal.org/xsd/imsqtiasi_v3p0" identifier="item-0001" title="Capital"
    adaptive="false" time-dependent="false" xml:lang="en-US">
  <qti-response-declaration identifier="RESPONSE" cardinality="single" base-type="identifier">
    <qti-correct-response><qti-value>ChoiceB</qti-value></qti-correct-response>
  </qti-response-declaration>
  <qti-outcome-declaration identifier="SCORE" cardinality="single" base-type="float"/>
  <qti-item-body>
    <qti-choice-interaction response-identifier="RESPONSE" max-choices="1">
      <qti-prompt>Which city is the capital?</qti-prompt>
      <qti-simple-choice identifier="ChoiceA">Mary</qti-simple-choice>
      <qti-simple-choice identifier="ChoiceB">Ashgabat</qti-simple-choice>
    </qti-choice-interaction>
    <qti-extended-text-interaction response-identifier="ESSAY"/>
  </qti-item-body>
</qti-assessment-item>"""


def test_another_systems_items_get_the_courses_ids_and_what_cannot_be_read_is_left_out_and_said():
    from course.questions.qti3 import parse_qti3  # noqa: PLC0415

    choice = ANOTHER_SYSTEMS_ITEM.replace(b'\n    <qti-extended-text-interaction response-identifier="ESSAY"/>', b"")
    manifest = (b'<manifest xmlns="http://www.imsglobal.org/xsd/qti/qtiv3p0/imscp_v1p1" identifier="m"><resources>'
                b'<resource identifier="a" type="imsqti_item_xmlv3p0" href="a.xml"/>'
                b'<resource identifier="b" type="imsqti_item_xmlv3p0" href="b.xml"/></resources></manifest>')
    parsed = parse_qti3(_zip({"imsmanifest.xml": manifest, "a.xml": choice, "b.xml": ANOTHER_SYSTEMS_ITEM}),
                        "bank.zip", "en")
    assert parsed.problems == []
    (question,) = parsed.questions
    assert question.data["type"] == "single_choice" and question.data["prompt"] == {"en": "Which city is the capital?"}
    assert question.data["choices"] == [{"id": "xa", "text": {"en": "Mary"}},
                                        {"id": "xb", "text": {"en": "Ashgabat"}, "correct": True}]
    assert [str(problem) for problem in parsed.left_out] == [
        "bank.zip:2: b.xml: 2 interactions: the course's questions have one (or are a case)"]
