"""The built-in course: complete, cross-referenced, and honest about Article 129-1."""

from __future__ import annotations

import re
from functools import cache

import pytest

from course.content.loader import ContentBundle, load_content
from course.quiz.types.case_qualification import PART_ORDER
from tests.conftest import PROJECT_ROOT

CAVEAT = {"en": re.compile(r"unofficial|not an official", re.I), "ru": re.compile(r"неофициальн|не официальн", re.I),
          "tk": re.compile(r"resmi däl", re.I)}
MENTIONS_129_1 = re.compile(r"129[-‑¹]?1|129¹")


@cache
def bundle() -> ContentBundle:
    result = load_content(PROJECT_ROOT)
    assert result.problems == [], "\n".join(map(str, result.problems))
    return result.bundle


def quizzes_of_kind(kind: str):
    return [quiz for quiz in bundle().quizzes.values() if quiz.meta.kind == kind]


def test_every_module_of_the_course_is_complete_in_english_and_russian():
    assert len(bundle().modules) == 7
    for module in bundle().modules.values():
        meta = module.meta
        assert len(meta.objectives) >= 3, meta.id
        assert meta.key_points, meta.id
        assert meta.sources, meta.id
        assert meta.legal_basis_as_of, meta.id
        assert {"en", "ru"} <= set(module.sections), meta.id
        assert {"en", "ru"} <= set(module.trainer_notes), meta.id


def test_turkmen_covers_at_least_titles_objectives_key_points_and_the_vocabulary():
    for module in bundle().modules.values():
        meta = module.meta
        texts = [meta.title, *meta.objectives, *meta.key_points]
        assert all(text.get("tk") for text in texts), meta.id
        if "tk" in module.sections:
            assert "tk" in meta.draft_languages, f"{meta.id}: Turkmen text must be marked as a draft"
    vocabulary = bundle().vocabulary
    for name in ("acts", "means", "purposes", "aggravating", "qualification"):
        assert all(entry.text.get("tk") for entry in getattr(vocabulary, name)), name


def test_trainer_notes_carry_a_session_plan():
    for module in bundle().modules.values():
        notes = module.trainer_notes["en"].lower()
        assert "min" in notes, module.meta.id  # timings
        assert "exercise" in notes or "group" in notes, module.meta.id


def test_each_module_has_a_check_of_at_least_six_items():
    checks = {quiz.meta.module: quiz for quiz in quizzes_of_kind("module_check")}
    for module_id in bundle().modules:
        assert module_id in checks, module_id
        assert len(checks[module_id].questions) >= 6, module_id


def test_pre_and_post_test_are_parallel_forms_of_at_least_twenty_items():
    [pre] = quizzes_of_kind("pre_test")
    [post] = quizzes_of_kind("post_test")
    assert len(pre.questions) >= 20 and len(post.questions) >= 20
    pre_topics = [tuple(q.tags) for q in pre.questions]
    post_topics = [tuple(q.tags) for q in post.questions]
    assert sorted(pre_topics) == sorted(post_topics), "the same topics in both forms"
    def content(question) -> str:
        return str(question.model_dump(exclude={"id", "tags", "citations"}))

    assert not {content(q) for q in pre.questions} & {content(q) for q in post.questions}, "different items"


def test_the_case_study_quiz_has_ten_full_cases_two_of_them_not_trafficking():
    cases = [q for quiz in quizzes_of_kind("case_study") for q in quiz.questions if q.type == "case_qualification"]
    main = [q for q in bundle().quizzes["case-studies"].questions if q.type == "case_qualification"]
    assert len(main) >= 10
    not_trafficking = [q for q in main if next(p.answer for p in q.parts if p.part == "qualification")
                       .startswith("not-trafficking")]
    assert len(not_trafficking) >= 2
    for question in cases:
        assert sorted(p.part for p in question.parts) == sorted(PART_ORDER), question.id


def test_the_trainer_track_ends_with_a_final_assessment():
    trainer = next(track for track in bundle().course.tracks if track.id == "trainer")
    assert trainer.final and bundle().quizzes[trainer.final].meta.kind == "final"
    assert "for-trainers" in trainer.modules
    cascade = next(track for track in bundle().course.tracks if track.id == "cascade")
    assert "for-trainers" not in cascade.modules


def test_every_question_explains_itself_in_both_languages():
    for quiz in bundle().quizzes.values():
        for question in quiz.questions:
            assert question.explanation.get("en") and question.explanation.get("ru"), (quiz.meta.id, question.id)
            assert question.citations, (quiz.meta.id, question.id)


def _question_text(question, lang: str) -> str:
    parts = [question.prompt, question.explanation, getattr(question, "scenario", None)]
    parts += [part.feedback for part in getattr(question, "parts", [])]
    parts += [choice.feedback for choice in getattr(question, "choices", []) if choice.feedback]
    return " ".join((text or {}).get(lang, "") for text in parts)


@pytest.mark.parametrize("lang", ["en", "ru", "tk"])
def test_article_129_1_is_never_applied_without_the_unofficial_translation_caveat(lang):
    for module in bundle().modules.values():
        for section in module.sections.get(lang, []):
            if MENTIONS_129_1.search(section.body):
                assert CAVEAT[lang].search(section.body), f"{module.folder}/{lang}.md: {section.title}"
    for quiz in bundle().quizzes.values():
        for question in quiz.questions:
            text = _question_text(question, lang)
            if MENTIONS_129_1.search(text):
                assert CAVEAT[lang].search(text), f"{quiz.meta.id}: {question.id}"


def test_every_quiz_is_reachable_from_a_track():
    """A quiz no track offers is written for nobody: the learner never sees a link to it."""
    course = bundle().course
    offered = {course.pre_test, course.post_test} | {track.final for track in course.tracks}
    track_modules = {module for track in course.tracks for module in track.modules}
    for quiz in bundle().quizzes.values():
        assert quiz.meta.id in offered or quiz.meta.module in track_modules, quiz.meta.id


def _texts(value) -> str:
    """Every string inside a question or part, in every language, as one text to search."""
    if isinstance(value, dict):
        return " ".join(_texts(item) for key, item in value.items() if key != "options")
    if isinstance(value, list):
        return " ".join(_texts(item) for item in value)
    return value if isinstance(value, str) else ""


def test_every_section_and_question_that_applies_article_129_1_cites_its_edition():
    """The learner's notice about the 2010 translation comes from the cited edition: nothing that quotes or
    applies the article may go without it, so the notice can never be forgotten."""
    missing = []
    for module in bundle().modules.values():
        cited = module.meta.section_cites
        missing += [f"{module.meta.id}#{section.key}" for section in module.sections["en"]
                    if MENTIONS_129_1.search(section.title + section.body)
                    and not any(c.startswith("tm-cc-129-1@") for c in cited.get(section.key, []))]
    for quiz in bundle().quizzes.values():
        for question in quiz.questions:
            all_cites = [*question.cites, *(c for part in getattr(question, "parts", []) for c in part.cites)]
            if MENTIONS_129_1.search(_texts(question.model_dump())) and not any(
                    c.startswith("tm-cc-129-1@") for c in all_cites):
                missing.append(f"{quiz.meta.id}:{question.id}")
    assert missing == []


def test_article_129_1_is_known_only_from_an_unofficial_translation_in_the_provisions():
    provision = next(p for p in bundle().provisions.provisions if p.id == "tm-cc-129-1")
    assert [edition.status for edition in provision.editions] == ["unofficial_translation"]
    assert {"en", "ru", "tk"} <= set(provision.current.caveat)
    assert "1 January 2023" in provision.current.caveat["en"]


def test_every_primary_source_link_goes_to_a_publisher_on_the_allow_list():
    from urllib.parse import urlsplit

    from course.content.loader import SOURCE_HOSTS_FILE
    from course.content.schema import SourceHostsFile
    from course.content.yaml_source import read_yaml

    data, _lines = read_yaml(PROJECT_ROOT / "modules" / SOURCE_HOSTS_FILE)
    hosts = SourceHostsFile.model_validate(data)
    outside = [(source.id, source.url) for source in bundle().sources.sources
               if source.url and not hosts.allows(urlsplit(source.url).hostname or "")]
    assert outside == []
    # Mirrors the first review found as primary links are at most archived copies now.
    mirrors = ("blogg.se", "skal.fun", "whosread", "wikisum", "aassone", "doczz", "studydoc", "wikipedia.org")
    assert [s.id for s in bundle().sources.sources if s.url and any(m in s.url for m in mirrors)] == []


def test_one_sources_file_and_no_source_listed_twice():
    assert not list((PROJECT_ROOT / "modules").glob("sources-*.yaml"))
    for module in bundle().modules.values():
        assert len(module.meta.sources) == len(set(module.meta.sources)), module.meta.id
