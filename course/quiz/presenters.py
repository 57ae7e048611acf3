"""Questions turned into plain values for the templates: for answering, and for review.

The answering view is built from the question's public fields only (prompt,
option texts, the learner's own response). No key, feedback or explanation is
ever put into it, so none can reach the browser before submission.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from werkzeug.datastructures import MultiDict

from course.content.localize import Text, pick
from course.content.markdown import render_markdown
from course.formatting import number, plural_count
from course.quiz.types.base import QuestionSpec, choice_order, field_name, full_marks
from course.quiz.types.case_qualification import MULTI_SELECT_PARTS, PART_ORDER

PART_LABELS = {
    "acts": _l("Acts"),
    "means": _l("Means"),
    "purposes": _l("Purpose of exploitation"),
    "child_victim": _l("Is the victim a child?"),
    "aggravating": _l("Aggravating circumstances"),
    "qualification": _l("Legal qualification"),
}
YES, NO = _l("Yes"), _l("No")
TRUE, FALSE = _l("True"), _l("False")


@lru_cache(maxsize=1024)
def _markdown(source: str) -> str:
    return render_markdown(source)


@dataclass(frozen=True)
class Option:
    value: str
    label: Text
    checked: bool = False


@dataclass(frozen=True)
class Field:
    """One input: radios or checkboxes (options), a select (options), or a text box (value)."""

    name: str
    label: Text | str | None
    kind: str  # radio, checkbox, select, text, number
    options: tuple[Option, ...] = ()
    value: str = ""


@dataclass(frozen=True)
class QuestionView:
    id: str
    number: int
    type: str
    template: str
    prompt: Text
    points: float
    fields: tuple[Field, ...]
    scenario_html: str | None = None
    #: The scenario's language, and whether it fell back from the reader's.
    scenario: Text | None = None
    hint: str | None = None
    #: Why the answer the learner sent was refused; the fields then show what they sent.
    error: str | None = None
    #: What the trainer keying in a scanned sheet should check on the paper (course.paper.scan).
    check: str | None = None

    @property
    def points_label(self) -> str:
        """'1 point', '2 points', '1,5 балла': the plural of the reader's language."""
        return ngettext("%(points)s point", "%(points)s points", plural_count(self.points), points=number(self.points))


class _Lang:
    def __init__(self, locale: str, fallbacks: Sequence[str]):
        self.locale, self.fallbacks = locale, fallbacks

    def __call__(self, texts: dict[str, str] | None) -> Text:
        return pick(texts, self.locale, self.fallbacks)


def _static(label: Any) -> Text:
    return Text(str(label), "")


def _choice_fields(spec, response, order, lang, kind) -> tuple[Field, ...]:
    by_id = {choice.id: choice for choice in spec.choices}
    chosen = set(response if isinstance(response, list) else [response] if response else [])
    options = tuple(Option(cid, lang(by_id[cid].text), cid in chosen)
                    for cid in choice_order(list(by_id), order))
    return (Field(field_name(spec), None, kind, options),)


def question_view(spec: QuestionSpec, number: int, response: Any, order: list[str] | None,
                  template: str, locale: str, fallbacks: Sequence[str]) -> QuestionView:
    """The question as a learner answers it, with their saved response filled in."""
    lang = _Lang(locale, fallbacks)
    fields: tuple[Field, ...]
    hint = None
    scenario = None
    if spec.type == "single_choice":
        fields = _choice_fields(spec, response, order, lang, "radio")
    elif spec.type == "multiple_choice":
        fields = _choice_fields(spec, response, order, lang, "checkbox")
        hint = str(_l("Choose every answer that applies."))
    elif spec.type == "true_false":
        fields = (Field(field_name(spec), None, "radio", (
            Option("true", _static(TRUE), response is True), Option("false", _static(FALSE), response is False))),)
    elif spec.type == "matching":
        options_by_id = {option.id: option for option in spec.options}
        option_ids = choice_order(list(options_by_id), order)
        fields = tuple(
            Field(field_name(spec, item.id), lang(item.text), "select", tuple(
                Option(oid, lang(options_by_id[oid].text), (response or {}).get(item.id) == oid) for oid in option_ids
            ))
            for item in spec.items
        )
    elif spec.type == "ordering":
        items = {item.id: item for item in spec.items}
        positions = {item_id: index for index, item_id in enumerate(response or [], start=1)}
        count = len(items)
        fields = tuple(
            Field(field_name(spec, item_id), lang(items[item_id].text), "select", tuple(
                Option(str(n), _static(n), positions.get(item_id) == n) for n in range(1, count + 1)
            ))
            for item_id in choice_order(list(items), order)
        )
        hint = str(_l("Give each item its place: 1 comes first."))
    elif spec.type in ("short_text", "numeric"):
        value = "" if response is None else (f"{response:g}" if isinstance(response, float) else str(response))
        fields = (Field(field_name(spec), None, "text" if spec.type == "short_text" else "number", value=value),)
    elif spec.type == "case_qualification":
        fields = _case_fields(spec, response or {}, lang)
        scenario = lang(spec.scenario)
    else:  # a type without a presenter is a programming error, caught by the test of every type
        raise LookupError(f"no presenter for {spec.type}")
    return QuestionView(
        id=spec.id, number=number, type=spec.type, template=f"quiz/questions/{template}", prompt=lang(spec.prompt),
        points=spec.points, fields=fields, scenario_html=_markdown(scenario.value) if scenario else None,
        scenario=scenario, hint=hint,
    )


def as_entered(view: QuestionView, form: MultiDict, error: str | None) -> QuestionView:
    """The question showing exactly what the learner sent, and why it was refused: a refused answer is not
    saved, so showing the saved one instead would silently undo what they chose. (With no ``error``: what a
    scanned sheet was read as.)"""

    def entered(field: Field) -> Field:
        if field.kind == "checkbox":
            chosen = set(form.getlist(field.name))
            return replace(field, options=tuple(replace(o, checked=o.value in chosen) for o in field.options))
        if field.kind in ("radio", "select"):
            value = form.get(field.name, "")
            return replace(field, options=tuple(replace(o, checked=o.value == value) for o in field.options))
        return replace(field, value=form.get(field.name, ""))

    return replace(view, fields=tuple(entered(field) for field in view.fields), error=error)


def _case_fields(spec, response: dict[str, Any], lang: _Lang) -> tuple[Field, ...]:
    fields = []
    for part in sorted(spec.parts, key=lambda p: PART_ORDER.index(p.part)):
        name = field_name(spec, part.part)
        label = _static(PART_LABELS[part.part])
        chosen = response.get(part.part)
        if part.part in MULTI_SELECT_PARTS:
            options = tuple(Option(o.id, lang(o.text), o.id in (chosen or [])) for o in part.options)
            fields.append(Field(name, label, "checkbox", options))
        elif part.part == "child_victim":
            fields.append(Field(name, label, "radio", (
                Option("true", _static(YES), chosen is True), Option("false", _static(NO), chosen is False))))
        else:
            options = tuple(Option(o.id, lang(o.text), o.id == chosen) for o in part.options)
            fields.append(Field(name, label, "radio", options))
    return tuple(fields)


# -- review --------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewPart:
    label: str
    correct: bool
    earned: float
    possible: float
    given: str
    expected: str | None
    feedback: Text | None
    citations: tuple[Text, ...] = ()


@dataclass(frozen=True)
class ReviewItem:
    number: int
    prompt: Text
    scenario_html: str | None
    scenario: Text | None
    earned: float
    possible: float
    correct: bool
    parts: tuple[ReviewPart, ...]
    explanation: Text | None
    citations: tuple[tuple[str, Text], ...] = field(default_factory=tuple)
    question_id: str = ""


def _describe(spec: QuestionSpec, part_key: str, value: Any, lang: _Lang) -> str:
    """A response (or the key) in words: option texts, not ids."""
    if value is None or value == [] or value == {}:
        return "—"
    if spec.type in ("single_choice", "multiple_choice"):
        texts = {c.id: lang(c.text).value for c in spec.choices}
        return "; ".join(texts[v] for v in (value if isinstance(value, list) else [value]) if v in texts)
    if spec.type == "true_false":
        return str(TRUE if value else FALSE)
    if spec.type == "matching":
        items = {i.id: lang(i.text).value for i in spec.items}
        options = {o.id: lang(o.text).value for o in spec.options}
        return "; ".join(f"{items[k]} → {options.get(v, v)}" for k, v in value.items() if k in items)
    if spec.type == "ordering":
        items = {i.id: lang(i.text).value for i in spec.items}
        return " → ".join(items.get(v, v) for v in value)
    if spec.type == "numeric" and isinstance(value, list):
        return f"{value[0]:g} – {value[1]:g}"
    if spec.type == "case_qualification":
        part = next(p for p in spec.parts if p.part == part_key)
        if part_key == "child_victim":
            return str(YES if value else NO)
        texts = {o.id: lang(o.text).value for o in part.options}
        return "; ".join(texts.get(v, v) for v in (value if isinstance(value, list) else [value]))
    return f"{value:g}" if isinstance(value, float) else str(value)


def review_item(spec: QuestionSpec, number: int, response: Any, parts: list[dict[str, Any]], key: Any,
                show_answers: bool, sources: dict[str, dict], locale: str, fallbacks: Sequence[str]) -> ReviewItem:
    """One question of a submitted attempt; the key and feedback only when ``show_answers``."""
    lang = _Lang(locale, fallbacks)

    def cite(source_ids) -> tuple[Text, ...]:
        return tuple(lang(sources[s]["citation"]) for s in source_ids if s in sources)

    review_parts = []
    for part in parts:
        key_name = part["key"]
        is_case = spec.type == "case_qualification"
        given = (response or {}).get(key_name) if is_case else response
        expected = key.get(key_name) if is_case else key
        review_parts.append(ReviewPart(
            label=str(PART_LABELS.get(key_name, "")) if is_case else "",
            correct=full_marks(part["earned"], part["possible"]),
            earned=part["earned"], possible=part["possible"],
            given=_describe(spec, key_name, given, lang),
            expected=_describe(spec, key_name, expected, lang) if show_answers else None,
            feedback=lang(part["feedback"]) if show_answers and part.get("feedback") else None,
            citations=cite(part.get("citations", [])) if show_answers and is_case else (),
        ))
    earned = sum(p["earned"] for p in parts)
    possible = sum(p["possible"] for p in parts)
    scenario = lang(spec.scenario) if spec.type == "case_qualification" else None
    return ReviewItem(
        question_id=spec.id, number=number, prompt=lang(spec.prompt),
        scenario_html=_markdown(scenario.value) if scenario else None,
        scenario=scenario, earned=round(earned, 2), possible=round(possible, 2), correct=full_marks(earned, possible),
        parts=tuple(review_parts),
        explanation=lang(spec.explanation) if show_answers else None,
        citations=tuple((s, lang(sources[s]["citation"])) for s in spec.citations if s in sources)
        if show_answers else (),
    )


def wrong_options_in_words(spec: QuestionSpec | None, common_wrong: Sequence[tuple[str, int]], locale: str,
                           fallbacks: Sequence[str]) -> list[tuple[str, int]]:
    """The item statistics' most chosen wrong options, each in words with how often (none without the spec)."""
    if spec is None:
        return []
    return [(describe_wrong_option(spec, token, locale, fallbacks), count) for token, count in common_wrong]


def describe_wrong_option(spec: QuestionSpec, option: str, locale: str, fallbacks: Sequence[str]) -> str:
    """A wrong option from the item statistics (``course.quiz.types`` ``wrong_options``) in words."""
    lang = _Lang(locale, fallbacks)
    if spec.type == "true_false":
        return _describe(spec, "", option == "true", lang)
    if spec.type == "matching" and ":" in option:
        item, match = option.split(":", 1)
        return _describe(spec, "", {item: match}, lang)
    if spec.type == "case_qualification" and ":" in option:
        part, chosen = option.split(":", 1)
        if any(p.part == part for p in spec.parts):
            return f"{PART_LABELS.get(part, part)}: {_describe(spec, part, chosen, lang)}"
    return _describe(spec, "", option, lang)
