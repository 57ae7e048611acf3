"""``course validate``: every problem in the content, each with file, line and field."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from course.content.loader import load_content
from tests.conftest import FIXTURE_CONTENT, PROJECT_ROOT

PROBLEM_LINE = re.compile(r"^(?P<path>[^:]+):(?:(?P<line>\d+):)? (?P<field>[^:]+): (?P<message>.+)$")


def problems_of(content: Path) -> list[str]:
    return [str(problem) for problem in load_content(content).problems]


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_shipped_course_content_is_valid(runner):
    result = runner.invoke(args=["validate", "--content-dir", str(PROJECT_ROOT)])
    assert result.exit_code == 0, result.output
    assert "Content is valid" in result.output


def test_the_test_fixture_content_is_valid():
    assert problems_of(FIXTURE_CONTENT) == []


def test_bad_yaml_is_reported_with_its_line(runner, editable_content):
    edit(editable_content / "quizzes/alpha-check.yaml", "title: {en: Alpha check", "title: {en: [Alpha check")
    result = runner.invoke(args=["validate", "--content-dir", str(editable_content)])
    assert result.exit_code == 1
    assert re.search(r"^quizzes/alpha-check\.yaml:5: \(file\): not valid YAML", result.output, re.M), result.output


def test_unknown_question_type_names_the_known_types(editable_content):
    edit(editable_content / "quizzes/alpha-check.yaml", "type: true_false", "type: essay")
    [problem] = problems_of(editable_content)
    assert problem.startswith("quizzes/alpha-check.yaml:17: questions[1].type: unknown question type 'essay'")
    assert "single_choice" in problem and "true_false" in problem


@pytest.mark.parametrize(
    ("file", "old", "new", "expected"),
    [
        ("quizzes/alpha-check.yaml", "  - id: q2", "  - id: q1",
         "quizzes/alpha-check.yaml:16: questions[1].id: question id 'q1' is used twice"),
        ("modules/02-beta/module.yaml", "id: beta", "id: alpha",
         "modules/02-beta/module.yaml:2: id: module id 'alpha' is also used by modules/01-alpha"),
        ("modules/sources.yaml", "id: src-two", "id: src-one",
         "modules/sources.yaml:7: sources[1].id: source id 'src-one' is used twice (also in this file)"),
        ("quizzes/alpha-check.yaml", "      - {id: b,", "      - {id: a,",
         "quizzes/alpha-check.yaml:10: questions[0].choices: choice id 'a' is used twice"),
    ],
)
def test_duplicate_ids_are_reported(editable_content, file, old, new, expected):
    edit(editable_content / file, old, new)
    assert expected in problems_of(editable_content)


def test_a_duplicate_quiz_id_across_files_names_both(editable_content):
    source = editable_content / "quizzes/alpha-check.yaml"
    (editable_content / "quizzes/copy.yaml").write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    assert "quizzes/copy.yaml:2: id: quiz id 'alpha-check' is also used by quizzes/alpha-check.yaml" in problems_of(
        editable_content
    )


def test_missing_translations_are_reported(editable_content):
    edit(editable_content / "modules/01-alpha/module.yaml", "summary: {en: The first module., ru: Первый модуль.}",
         "summary: {en: The first module.}")
    (editable_content / "modules/02-beta/ru.md").unlink()
    problems = problems_of(editable_content)
    assert "modules/01-alpha/module.yaml:4: summary: missing the ru translation (required for every text)" in problems
    assert "modules/02-beta/ru.md: (file): is missing: the ru text is required" in problems


def test_optional_languages_may_be_missing(editable_content):
    (editable_content / "modules/01-alpha/tk.md").unlink()
    assert problems_of(editable_content) == []


@pytest.mark.parametrize(
    ("file", "old", "new", "expected"),
    [
        ("modules/01-alpha/module.yaml", "sources: [src-one]", "sources: [src-one, nowhere]",
         "modules/01-alpha/module.yaml:9: sources[1]: no source has the id 'nowhere' in modules/sources.yaml"),
        ("modules/01-alpha/module.yaml", "quizzes: [alpha-check]", "quizzes: [gone-check]",
         "modules/01-alpha/module.yaml:10: quizzes[0]: no quiz has the id 'gone-check' in quizzes/"),
        ("modules/course.yaml", "modules: [alpha, beta]", "modules: [alpha, beta, gamma]",
         "modules/course.yaml:7: modules[2]: no module has the id 'gamma' (looked in modules/*/module.yaml)"),
        ("modules/course.yaml", "    modules: [alpha]", "    modules: [alpha, omega]",
         "modules/course.yaml:20: tracks[1].modules[1]: module 'omega' is not in the course's list of modules"),
        ("quizzes/alpha-check.yaml", "module: alpha", "module: omega",
         "quizzes/alpha-check.yaml:4: module: no module has the id 'omega'"),
        ("quizzes/post-test.yaml", "module: beta", "module: gamma",
         "quizzes/post-test.yaml:8: questions[1].module: no module has the id 'gamma'"),
        ("quizzes/alpha-check.yaml", "citations: [src-two]", "citations: [src-three]",
         "quizzes/alpha-check.yaml:21: questions[1].citations[0]: no source has the id 'src-three' in "
         "modules/sources.yaml"),
        ("modules/01-alpha/module.yaml", "  first: [code-art-1@2010]", "  first: [code-art-1@2016]",
         "modules/01-alpha/module.yaml:13: section_cites.first[0]: no provision edition 'code-art-1@2016' in "
         "modules/provisions.yaml"),
        ("modules/01-alpha/module.yaml", "  first: [code-art-1@2010]", "  fifth: [code-art-1@2010]",
         "modules/01-alpha/module.yaml:13: section_cites.fifth: no section has the key 'fifth' in this module's text"),
        ("quizzes/alpha-check.yaml", "cites: [code-art-1@2010]", "cites: [other-law@2010]",
         "quizzes/alpha-check.yaml:15: questions[0].cites[0]: no provision edition 'other-law@2010' in "
         "modules/provisions.yaml"),
        ("modules/provisions.yaml", "source: src-one", "source: src-nine",
         "modules/provisions.yaml:9: provisions[0].editions[0].source: no source has the id 'src-nine' in "
         "modules/sources.yaml"),
    ],
)
def test_dangling_references_are_reported(editable_content, file, old, new, expected):
    edit(editable_content / file, old, new)
    assert expected in problems_of(editable_content)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("minutes: 20", "minutes: twenty", "minutes: should be a valid integer"),
        ("minutes: 20", "minuets: 20", "minuets: is not a known field; check its spelling"),
        ("id: alpha", "id: Alpha Module", "id: must be lower-case Latin letters, digits and hyphens"),
        ("  first: [code-art-1@2010]", "  first: [code-art-1]",
         "section_cites.first[0]: must name a provision edition as provision@edition"),
        ("title: {en: Alpha module, ru: Модуль альфа, tk: Alfa moduly}",
         "title: {en: Alpha module, ru: Модуль альфа, fr: Module alpha}", "title: unknown language code 'fr'"),
        ("minutes: 20", "minutes: 20\nshort_title: {en: Alpha, ru: Очень длинное краткое название модуля}",
         "short_title: the ru short title has 37 characters; at most 28 fit a column heading"),
    ],
)
def test_field_errors_are_in_words_an_author_understands(editable_content, old, new, expected):
    edit(editable_content / "modules/01-alpha/module.yaml", old, new)
    problems = problems_of(editable_content)
    assert any(expected in problem for problem in problems), problems


def test_translations_must_have_the_same_sections(editable_content):
    edit(editable_content / "modules/01-alpha/ru.md", "## Третий раздел\n\nАльфа, текст три.\n", "")
    edit(editable_content / "modules/01-alpha/tk.md", "## Birinji bölüm", "## Birinji bölüm {#wrong}")
    problems = problems_of(editable_content)
    assert "modules/01-alpha/ru.md: (file): has 2 sections but en.md has 3; translations must have the same " \
           "'## ' sections in the same order" in problems
    assert "modules/01-alpha/tk.md:1: (file): section key 'wrong' does not match 'first' at the same position " \
           "in en.md" in problems


def test_single_choice_needs_exactly_one_correct_answer(editable_content):
    edit(editable_content / "quizzes/alpha-check.yaml", "{id: b, text: {en: Wrong, ru: Неверно}}",
         "{id: b, text: {en: Wrong, ru: Неверно}, correct: true}")
    assert any("exactly one correct choice, not 2" in p for p in problems_of(editable_content))


def test_validate_reports_every_problem_not_just_the_first(runner, editable_content):
    edit(editable_content / "quizzes/alpha-check.yaml", "type: true_false", "type: essay")
    edit(editable_content / "modules/02-beta/module.yaml", "minutes: 10", "minutes: -3")
    (editable_content / "modules/01-alpha/stray.md").write_text("## Hi\n", encoding="utf-8")
    result = runner.invoke(args=["validate", "--content-dir", str(editable_content)])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if PROBLEM_LINE.match(line)]
    assert len(lines) == 3, result.output
    assert {PROBLEM_LINE.match(line)["path"] for line in lines} == {
        "quizzes/alpha-check.yaml", "modules/02-beta/module.yaml", "modules/01-alpha/stray.md",
    }
    assert "3 problem(s) in 3 file(s); nothing was loaded." in result.output


def test_missing_folders_and_files_are_reported(tmp_path):
    assert problems_of(tmp_path) == ["modules: (file): folder is missing", "quizzes: (file): folder is missing"]
    (tmp_path / "modules" / "empty-module").mkdir(parents=True)
    (tmp_path / "quizzes").mkdir()
    problems = problems_of(tmp_path)
    assert "modules/course.yaml: (file): is missing; every content folder needs modules/course.yaml" in problems
    assert "modules/empty-module/module.yaml: (file): is missing; every module folder needs one" in problems


def test_citations_inside_case_parts_must_resolve(editable_content):
    edit(editable_content / "quizzes/all-types.yaml", "citations: [src-two]}", "citations: [src-nine]}")
    assert any("questions[7].parts[5].citations[0]: no source has the id 'src-nine'" in p
               for p in problems_of(editable_content))


def test_sources_may_be_split_into_several_files_with_unique_ids(editable_content):
    extra = editable_content / "modules/sources-extra.yaml"
    extra.write_text("schema_version: 1\nsources:\n  - id: src-three\n    citation: {en: Three, ru: Три}\n"
                     "    kind: secondary\n", encoding="utf-8")
    edit(editable_content / "modules/01-alpha/module.yaml", "sources: [src-one]", "sources: [src-one, src-three]")
    assert problems_of(editable_content) == []
    extra.write_text(extra.read_text(encoding="utf-8").replace("src-three", "src-one"), encoding="utf-8")
    assert "modules/sources-extra.yaml:3: sources[0].id: source id 'src-one' is used twice (also in " \
           "modules/sources.yaml)" in problems_of(editable_content)


def test_track_completion_rules_name_real_quizzes(editable_content):
    edit(editable_content / "modules/course.yaml",
         "    completion: {pass_quizzes: [post-test], teaching_practice: true}",
         "    completion: {pass_quizzes: [post-test, ghost-quiz], min_attendance: 0.8, teaching_practice: true}")
    assert any("tracks[0].completion.pass_quizzes[1]: no quiz has the id 'ghost-quiz'" in p
               for p in problems_of(editable_content))


def test_validate_languages_reports_what_each_language_lacks(runner, editable_content):
    result = runner.invoke(args=["validate", "--content-dir", str(editable_content), "--languages"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    en = next(line for line in lines if line.startswith("en: "))
    ru = next(line for line in lines if line.startswith("ru: "))
    tk = next(line for line in lines if line.startswith("tk: "))
    assert "(100%), required" in en and "(100%), required" in ru
    assert "optional; draft translation in: alpha" in tk
    assert "  missing modules/02-beta/tk.md (module text)" in lines
    assert "  missing modules/01-alpha/module.yaml: summary" in lines
    assert "  missing quizzes/alpha-check.yaml: questions[0].prompt" in lines
    assert "  missing modules/01-alpha/trainer-notes.tk.md" in lines
    assert not any("trainer-notes.ru.md" in line for line in lines)
    assert not any(line.startswith("  missing") and ".md (module text)" in line and "01-alpha" in line
                   for line in lines)


def test_trainer_notes_need_every_required_language(editable_content):
    (editable_content / "modules/01-alpha/trainer-notes.ru.md").unlink()
    assert problems_of(editable_content) == [
        "modules/01-alpha/trainer-notes.ru.md: (file): is missing: trainer notes exist, and the ru version is required"]


def test_a_level_one_heading_in_trainer_notes_or_a_module_text_is_named_with_its_line(editable_content):
    edit(editable_content / "modules/01-alpha/trainer-notes.en.md", "## Session plan", "# Session plan")
    edit(editable_content / "modules/01-alpha/en.md", "Alpha text two.", "Alpha text two.\n\nA title\n=======")
    found = [p for p in problems_of(editable_content) if "level-one heading" in p]
    assert [p.split(": ")[0] for p in found] == ["modules/01-alpha/en.md:9", "modules/01-alpha/trainer-notes.en.md:1"]


def test_a_track_promotion_must_be_one_the_engine_knows(editable_content):
    edit(editable_content / "modules/course.yaml", "promotion: coordinator_approves", "promotion: sometimes")
    assert any("tracks[0].promotion" in p and "coordinator_approves" in p for p in problems_of(editable_content))


@pytest.fixture
def with_rubric_and_form(editable_content):
    """The fixture course with the shipped rubric and evaluation form (valid as they are)."""
    for name in ("teaching-practice.yaml", "evaluation.yaml"):
        shutil.copy(PROJECT_ROOT / "modules" / name, editable_content / "modules" / name)
    assert problems_of(editable_content) == []
    return editable_content


@pytest.mark.parametrize(
    ("file", "old", "new", "expected"),
    [
        ("teaching-practice.yaml", "      2:\n", "      5:\n", "needs one descriptor for each score of the scale"),
        ("teaching-practice.yaml", "min_total: 13", "min_total: 99", "min_total 99 is more than the best possible"),
        ("teaching-practice.yaml", "min_each: 2", "min_each: 7", "min_each must be one of the scale's scores"),
        ("teaching-practice.yaml", "  - score: 2\n", "  - score: 9\n", "the scores must go up, each once"),
        ("evaluation.yaml", "    area: materials\n", "", "a rating item needs an area"),
        ("evaluation.yaml", "id: relevance-work", "id: comments", "'comments' is listed twice"),
    ],
)
def test_a_rubric_or_evaluation_form_with_mistakes_is_refused(with_rubric_and_form, file, old, new, expected):
    edit(with_rubric_and_form / "modules" / file, old, new)
    problems = problems_of(with_rubric_and_form)
    assert any(expected in problem and file in problem for problem in problems), problems


def test_a_track_requiring_teaching_practice_needs_the_rubric(editable_content):
    (editable_content / "modules/teaching-practice.yaml").unlink()  # track "full" requires teaching practice
    problems = problems_of(editable_content)
    assert any("tracks[0].completion.teaching_practice: needs the rubric in modules/teaching-practice.yaml" in p
               for p in problems), problems


def test_the_course_snapshot_carries_the_rubric_and_the_form(with_rubric_and_form):
    from course.content.snapshot import course_data

    data = course_data(load_content(with_rubric_and_form).bundle)
    assert data["rubric"]["pass"] == {"min_total": 13, "min_each": 2}
    assert [c["id"] for c in data["rubric"]["criteria"]][0] == "legal-accuracy"
    assert data["evaluation"]["items"][0]["area"] == "relevance"
