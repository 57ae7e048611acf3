"""Graders: pure functions of (definition, response), tested without an app."""

from __future__ import annotations

from functools import cache

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from course.content.loader import load_content
from course.quiz.registry import QuestionTypeRegistry, UnknownQuestionType, load_question_types
from course.quiz.types.base import InvalidResponse, QuestionType
from tests.conftest import FIXTURE_CONTENT

REGISTRY = load_question_types()


@cache
def specs() -> dict:
    return {q.id: q for q in load_content(FIXTURE_CONTENT).bundle.quizzes["all-types"].questions}


def kind(question_id: str):
    spec = specs()[question_id]
    return spec, REGISTRY.get(spec.type)


def score(question_id: str, raw) -> float:
    spec, qtype = kind(question_id)
    return qtype.grade(spec, qtype.clean(spec, raw)).earned


def test_the_fixture_has_a_question_of_every_registered_type():
    assert {spec.type for spec in specs().values()} == set(REGISTRY.names())


def test_the_registry_refuses_duplicate_and_empty_names():
    registry = QuestionTypeRegistry()

    class One(QuestionType):
        type_name = "one"

    class Impostor(QuestionType):
        type_name = "one"

    class Nameless(QuestionType):
        pass

    assert registry.register(One) is One
    with pytest.raises(ValueError, match="already registered"):
        registry.register(Impostor)
    with pytest.raises(ValueError, match="no type_name"):
        registry.register(Nameless)
    assert registry.get("one") is One
    with pytest.raises(UnknownQuestionType):
        registry.get("two")


@pytest.mark.parametrize(
    ("question_id", "raw", "earned"),
    [
        ("single", "s-right", 1), ("single", "s-wrong", 0), ("single", None, 0),
        ("multi", ["m-a", "m-b"], 1), ("multi", ["m-a"], 0.5), ("multi", ["m-a", "m-c"], 0),
        ("multi", ["m-a", "m-b", "m-c"], 0.5), ("multi", ["m-c"], 0),
        ("truth", False, 1), ("truth", "false", 1), ("truth", True, 0),
        ("match", {"i-one": "o-uno", "i-two": "o-dos"}, 1), ("match", {"i-one": "o-uno", "i-two": "o-tres"}, 0.5),
        ("order", ["first-step", "second-step", "third-step"], 1),
        ("order", ["second-step", "first-step", "third-step"], 1 / 3),
        ("text", "  zanzibarword. ", 1), ("text", "ZANZIBAR WORD", 0), ("text", "ЗАНЗИБАР", 1),
        ("number", "4242,5", 1), ("number", 4242.9, 1), ("number", "4243.1", 0), ("number", "4 242", 1),
    ],
)
def test_graders_award_what_the_rules_say(question_id, raw, earned):
    assert score(question_id, raw) == pytest.approx(earned)


def test_all_or_nothing_multiple_choice_needs_the_exact_set():
    spec, qtype = kind("multi")
    strict = spec.model_copy(update={"partial_credit": "all_or_nothing"})
    assert qtype.grade(strict, ["m-a"]).earned == 0
    assert qtype.grade(strict, ["m-a", "m-b"]).earned == 1


def test_chosen_options_bring_their_feedback():
    spec, qtype = kind("single")
    grade = qtype.grade(spec, "s-wrong")
    assert grade.parts[0].feedback == {"en": "FEEDBACK-S-WRONG", "ru": "ФБ"}


class TestCaseQualification:
    FULL = {"acts": ["recruitment", "transportation"], "means": ["deception"], "purposes": ["forced-labour"],
            "child_victim": False, "aggravating": ["two-or-more"], "qualification": "art-1-part-2"}

    def grade(self, **changes):
        spec, qtype = kind("case")
        return qtype.grade(spec, qtype.clean(spec, {**self.FULL, **changes}))

    def test_a_full_right_analysis_earns_every_point_in_six_weighted_parts(self):
        grade = self.grade()
        assert grade.earned == pytest.approx(6)
        assert [part.key for part in grade.parts] == [
            "acts", "means", "purposes", "child_victim", "aggravating", "qualification"]
        assert all(part.correct for part in grade.parts)

    def test_right_article_wrong_part_earns_partial_credit(self):
        grade = self.grade(qualification="art-1-part-1")
        qualification = grade.parts[-1]
        assert qualification.earned == pytest.approx(0.5)
        assert qualification.feedback["en"] == "FEEDBACK-QUALIFICATION"
        assert qualification.citations == ("src-two",)
        assert grade.earned == pytest.approx(5.5)

    def test_wrong_article_earns_nothing_for_that_part(self):
        assert self.grade(qualification="art-9").parts[-1].earned == 0

    def test_multi_select_parts_are_right_minus_wrong(self):
        acts = self.grade(acts=["recruitment", "harbouring"]).parts[0]
        assert acts.earned == 0  # one right, one wrong, of two
        assert self.grade(acts=["recruitment"]).parts[0].earned == pytest.approx(0.5)

    def test_child_victim_is_yes_or_no(self):
        assert self.grade(child_victim=True).parts[3].earned == 0
        spec, qtype = kind("case")
        assert qtype.clean(spec, {"child_victim": "true"}) == {"child_victim": True}

    def test_unknown_parts_and_options_are_rejected(self):
        spec, qtype = kind("case")
        for raw in ({"motive": ["x"]}, {"acts": ["kidnap"]}, {"qualification": "art-77"}, {"child_victim": "maybe"}):
            with pytest.raises(InvalidResponse):
                qtype.clean(spec, raw)

    def test_wrong_options_are_listed_per_part_for_statistics(self):
        spec, qtype = kind("case")
        wrong = qtype.wrong_options(spec, {**self.FULL, "acts": ["recruitment", "harbouring"], "child_victim": True})
        assert wrong == ["acts:harbouring", "child_victim:true"]


@pytest.mark.parametrize(
    ("question_id", "raw"),
    [("single", "nope"), ("single", 3), ("multi", ["m-a", "zzz"]), ("multi", {"a": 1}), ("truth", "yes"),
     ("match", ["o-uno"]), ("match", {"i-nine": "o-uno"}), ("order", ["first-step"]), ("text", 12),
     ("text", "x" * 501), ("number", "four"), ("number", "nan"), ("number", True)],
)
def test_malformed_responses_are_rejected_cleanly(question_id, raw):
    spec, qtype = kind(question_id)
    with pytest.raises(InvalidResponse):
        qtype.clean(spec, raw)


def test_ordering_without_javascript_takes_position_numbers():
    spec, qtype = kind("order")
    form = MultiDict({"q-order-first-step": "1", "q-order-second-step": "3", "q-order-third-step": "2"})
    assert qtype.clean(spec, qtype.from_form(spec, form)) == ["first-step", "third-step", "second-step"]
    with pytest.raises(InvalidResponse, match="each place from 1 to 3 once"):
        qtype.from_form(spec, MultiDict({"q-order-first-step": "1", "q-order-second-step": "1",
                                         "q-order-third-step": "2"}))


# -- properties ---------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=8),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=10,
)


def id_shaped(question_id: str):
    """Responses built from the question's own ids, so the valid paths are explored too."""
    spec = specs()[question_id]
    ids = sorted({getattr(x, "id", None) for x in getattr(spec, "choices", []) + getattr(spec, "items", [])
                  + getattr(spec, "options", [])} - {None}) or ["x"]
    case_ids = sorted({o.id for p in getattr(spec, "parts", []) for o in p.options}) or ["x"]
    part_names = [p.part for p in getattr(spec, "parts", [])] or ["acts"]
    return st.one_of(
        st.sampled_from(ids),
        st.lists(st.sampled_from(ids), max_size=5),
        st.permutations(ids),
        st.dictionaries(st.sampled_from(ids), st.sampled_from(ids), max_size=4),
        st.dictionaries(st.sampled_from(part_names),
                        st.one_of(st.lists(st.sampled_from(case_ids), max_size=4), st.sampled_from(case_ids),
                                  st.booleans()), max_size=6),
    )


@pytest.mark.parametrize("question_id", ["single", "multi", "truth", "match", "order", "text", "number", "case"])
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_response_is_rejected_cleanly_or_earns_between_zero_and_possible(question_id, data):
    spec, qtype = kind(question_id)
    raw = data.draw(st.one_of(json_values, id_shaped(question_id)))
    try:
        response = qtype.clean(spec, raw)
    except InvalidResponse:
        return
    first = qtype.grade(spec, response)
    assert 0 <= first.earned <= first.possible
    assert first.possible == pytest.approx(spec.points)
    assert qtype.grade(spec, response) == first  # deterministic


@pytest.mark.parametrize("question_id", ["single", "multi", "truth", "match", "order", "text", "number", "case"])
def test_the_key_earns_full_marks(question_id):
    spec, qtype = kind(question_id)
    grade = qtype.grade(spec, qtype.clean(spec, qtype.key_view(spec)))
    assert grade.earned == pytest.approx(grade.possible)


def test_parts_split_into_sevenths_still_count_as_fully_right():
    spec, qtype = kind("case")
    sevenths = spec.model_copy(update={"parts": [
        part.model_copy(update={"weight": 2 if part.part == "qualification" else 1}) for part in spec.parts]})
    grade = qtype.grade(sevenths, TestCaseQualification.FULL)
    assert all(part.correct for part in grade.parts)
    assert grade.earned == pytest.approx(6)
    assert grade.possible == pytest.approx(6)
