"""QTI 3.0 packages (1EdTech Question and Test Interoperability): a zip with an IMS content package manifest, an
item per question and an assessment test per quiz, in one language.

What each type becomes:

- single choice, true/false: a choice interaction, graded by the ``match_correct`` template;
- multiple choice: a choice interaction graded by ``map_response``, each right option worth its share and, under
  ``right_minus_wrong``, each wrong one as much less (never below zero);
- matching: a match interaction of directed pairs, each right pair worth its share;
- ordering: an order interaction, right only in the right order (per-position credit is not carried);
- short text: a text entry whose accepted answers are mapped, without regard to case;
- numeric: a text entry of a float, compared with the answer within its tolerance (or within its range);
- case qualification: one item with an interaction per part and response processing that adds each part's
  weight when the part is right, so a part is all or nothing (the engine's credit inside a multi-select part,
  and for the right article with a wrong paragraph, are not carried).

A question's points become its weight in the test. Feedback and explanations are not written: the export's notes
say so. QTI has one language per item: the package is in the language asked for, the default language filling in.
"""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any
from xml.etree.ElementTree import Element, SubElement, indent, tostring  # noqa: S405  (writing only)

from flask_babel import force_locale

from course.content.markdown import render_markdown
from course.questions.bank import number_text
from course.questions.texts import html_to_text
from course.quiz.presenters import NO, PART_LABELS, YES
from course.quiz.types.case_qualification import MULTI_SELECT_PARTS, PART_ORDER

ASI = "http://www.imsglobal.org/xsd/imsqtiasi_v3p0"
CP = "http://www.imsglobal.org/xsd/qti/qtiv3p0/imscp_v1p1"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
ASI_XSD = "https://purl.imsglobal.org/spec/qti/v3p0/schema/xsd/imsqti_asiv3p0_v1p0.xsd"
CP_XSD = "https://purl.imsglobal.org/spec/qti/v3p0/schema/xsd/imsqtiv3p0_imscpv1p2_v1p0.xsd"
TEMPLATES = "https://purl.imsglobal.org/spec/qti/v3p0/rptemplates/"
_NCNAME = re.compile(r"^[A-Za-z_][\w.-]*$")


def identifier(value: str) -> str:
    """A QTI identifier (an XML name: no leading digit or hyphen) for one of the course's ids."""
    return value if _NCNAME.match(value) else f"_{value}"


def _text(texts: dict[str, str] | str, language: str, default: str) -> str:
    if isinstance(texts, str):
        return texts
    return texts.get(language) or texts.get(default) or next(iter(texts.values()), "")


class _Item:
    """One assessment item being written."""

    def __init__(self, question: dict[str, Any], item_id: str, language: str, default: str):
        self.question, self.language, self.default = question, language, default
        self.root = Element("qti-assessment-item", {
            "xmlns": ASI, "xmlns:xsi": XSI, "xsi:schemaLocation": f"{ASI} {ASI_XSD}", "identifier": item_id,
            "title": self.text(question["prompt"])[:200], "adaptive": "false", "time-dependent": "false",
            XML_LANG: language})
        self.declarations: list[Element] = []
        self.body = Element("qti-item-body")

    def text(self, texts) -> str:
        return _text(texts, self.language, self.default)

    def response(self, response_id: str, cardinality: str, base_type: str, correct: list[str],
                 mapping: list[tuple[str, float]] | None = None, *, lower: float = 0, upper: float | None = None,
                 case_sensitive: bool = True) -> None:
        node = Element("qti-response-declaration", {"identifier": response_id, "cardinality": cardinality,
                                                    "base-type": base_type})
        values = SubElement(node, "qti-correct-response")
        for value in correct:
            SubElement(values, "qti-value").text = value
        if mapping is not None:
            bounds = {"default-value": "0", "lower-bound": number_text(lower)}
            if upper is not None:
                bounds["upper-bound"] = number_text(upper)
            table = SubElement(node, "qti-mapping", bounds)
            for key, value in mapping:
                entry = {"map-key": key, "mapped-value": number_text(round(value, 6))}
                if not case_sensitive:
                    entry["case-sensitive"] = "false"
                SubElement(table, "qti-map-entry", entry)
        self.declarations.append(node)

    def choices(self, parent: Element, response_id: str, options: list[tuple[str, str]], max_choices: int,
                prompt: str | None = None) -> None:
        interaction = SubElement(parent, "qti-choice-interaction", {
            "response-identifier": response_id, "max-choices": str(max_choices), "shuffle": "false"})
        if prompt:
            SubElement(interaction, "qti-prompt").text = prompt
        for option_id, label in options:
            SubElement(interaction, "qti-simple-choice", {"identifier": option_id}).text = label

    def write(self, processing: Element) -> bytes:
        for node in self.declarations:
            self.root.append(node)
        SubElement(self.root, "qti-outcome-declaration", {"identifier": "SCORE", "cardinality": "single",
                                                          "base-type": "float"})
        self.root.append(self.body)
        self.root.append(processing)
        indent(self.root)
        return b'<?xml version="1.0" encoding="UTF-8"?>\n' + tostring(self.root, encoding="utf-8")


def _template(name: str) -> Element:
    return Element("qti-response-processing", {"template": f"{TEMPLATES}{name}.xml"})


def _score(value: Element | str) -> Element:
    node = Element("qti-set-outcome-value", {"identifier": "SCORE"})
    if isinstance(value, str):
        SubElement(node, "qti-base-value", {"base-type": "float"}).text = value
    else:
        node.append(value)
    return node


def _choice_item(item: _Item, question: dict[str, Any], notes: list[str]) -> Element:
    kind = question["type"]
    if kind == "true_false":
        options = [("true", str(YES)), ("false", str(NO))]
        right = ["true" if question["answer"] else "false"]
    else:
        options = [(identifier(c["id"]), item.text(c["text"])) for c in question["choices"]]
        right = [identifier(c["id"]) for c in question["choices"] if c.get("correct")]
    single = kind != "multiple_choice"
    if single:
        item.response("RESPONSE", "single", "identifier", right)
        processing = _template("match_correct")
    else:
        share = 1 / len(right)
        penalty = -share if question.get("partial_credit") == "right_minus_wrong" else 0.0
        item.response("RESPONSE", "multiple", "identifier", right,
                      [(option_id, share if option_id in right else penalty) for option_id, _label in options],
                      upper=1)
        processing = _template("map_response")
    item.choices(item.body, "RESPONSE", options, 1 if single else 0, item.text(question["prompt"]))
    return processing


def _matching_item(item: _Item, question: dict[str, Any], notes: list[str]) -> Element:
    pairs = [f"{identifier(i['id'])} {identifier(i['match'])}" for i in question["items"]]
    item.response("RESPONSE", "multiple", "directedPair", pairs, [(pair, 1 / len(pairs)) for pair in pairs],
                  upper=1)
    interaction = SubElement(item.body, "qti-match-interaction", {
        "response-identifier": "RESPONSE", "max-associations": str(len(pairs)), "shuffle": "false"})
    SubElement(interaction, "qti-prompt").text = item.text(question["prompt"])
    sources = SubElement(interaction, "qti-simple-match-set")
    for entry in question["items"]:
        SubElement(sources, "qti-simple-associable-choice", {"identifier": identifier(entry["id"]),
                                                             "match-max": "1"}).text = item.text(entry["text"])
    targets = SubElement(interaction, "qti-simple-match-set")
    for option in question["options"]:
        SubElement(targets, "qti-simple-associable-choice", {"identifier": identifier(option["id"]),
                                                             "match-max": "0"}).text = item.text(option["text"])
    return _template("map_response")


def _ordering_item(item: _Item, question: dict[str, Any], notes: list[str]) -> Element:
    order = [identifier(entry["id"]) for entry in question["items"]]
    item.response("RESPONSE", "ordered", "identifier", order)
    interaction = SubElement(item.body, "qti-order-interaction", {"response-identifier": "RESPONSE",
                                                                  "shuffle": "true"})
    SubElement(interaction, "qti-prompt").text = item.text(question["prompt"])
    for entry in question["items"]:
        SubElement(interaction, "qti-simple-choice", {"identifier": identifier(entry["id"])}).text = \
            item.text(entry["text"])
    if question.get("partial_credit") == "per_position":
        notes.append(f"{question['id']}: credit per item in its place is not carried: QTI's template gives the "
                     "points only for the whole order")
    return _template("match_correct")


def _text_entry_item(item: _Item, question: dict[str, Any], notes: list[str]) -> Element:
    paragraph = SubElement(item.body, "p")
    paragraph.text = item.text(question["prompt"]) + " "
    SubElement(paragraph, "qti-text-entry-interaction", {"response-identifier": "RESPONSE"})
    if question["type"] == "short_text":
        accepted = question["accepted"]
        item.response("RESPONSE", "single", "string", [accepted[0]], [(a, 1) for a in accepted], upper=1,
                      case_sensitive=False)
        return _template("map_response")
    if question.get("answer") is not None:
        item.response("RESPONSE", "single", "float", [number_text(question["answer"])])
        tolerance = number_text(question.get("tolerance", 0))
        test = Element("qti-equal", {"tolerance-mode": "absolute", "tolerance": f"{tolerance} {tolerance}"})
        SubElement(test, "qti-variable", {"identifier": "RESPONSE"})
        SubElement(test, "qti-correct", {"identifier": "RESPONSE"})
    else:
        item.response("RESPONSE", "single", "float", [number_text((question["min"] + question["max"]) / 2)])
        test = Element("qti-and")
        for operator, bound in (("qti-gte", question["min"]), ("qti-lte", question["max"])):
            compare = SubElement(test, operator)
            SubElement(compare, "qti-variable", {"identifier": "RESPONSE"})
            SubElement(compare, "qti-base-value", {"base-type": "float"}).text = number_text(bound)
    processing = Element("qti-response-processing")
    condition = SubElement(processing, "qti-response-condition")
    when = SubElement(condition, "qti-response-if")
    when.append(test)
    when.append(_score("1"))
    SubElement(condition, "qti-response-else").append(_score("0"))
    return processing


def _case_item(item: _Item, question: dict[str, Any], notes: list[str]) -> Element:
    if question.get("scenario"):
        scenario = SubElement(item.body, "div")
        for paragraph in html_to_text(render_markdown(item.text(question["scenario"])))[0].split("\n\n"):
            SubElement(scenario, "p").text = paragraph
    SubElement(item.body, "p").text = item.text(question["prompt"])
    parts = sorted(question["parts"], key=lambda part: PART_ORDER.index(part["part"]))
    total = sum(part.get("weight", 1) for part in parts)
    processing = Element("qti-response-processing")
    SubElement(processing, "qti-set-outcome-value", {"identifier": "SCORE"}).append(
        _base_float("0"))
    with force_locale(item.language):
        labels = {name: str(label) for name, label in PART_LABELS.items()}
        yes_no = [("true", str(YES)), ("false", str(NO))]
    for part in parts:
        name, response_id = part["part"], f"RESPONSE_{part['part'].upper()}"
        if name == "child_victim":
            options, right, many = yes_no, ["true" if part["answer"] else "false"], False
        else:
            options = [(identifier(o["id"]), item.text(o["text"])) for o in part.get("options", [])]
            answer = part["answer"]
            right = [identifier(a) for a in (answer if isinstance(answer, list) else [answer])]
            many = name in MULTI_SELECT_PARTS
        item.response(response_id, "multiple" if many else "single", "identifier", right)
        item.choices(item.body, response_id, options, 0 if many else 1, labels[name])
        condition = SubElement(SubElement(processing, "qti-response-condition"), "qti-response-if")
        match = SubElement(condition, "qti-match")
        SubElement(match, "qti-variable", {"identifier": response_id})
        SubElement(match, "qti-correct", {"identifier": response_id})
        added = Element("qti-sum")
        SubElement(added, "qti-variable", {"identifier": "SCORE"})
        added.append(_base_float(number_text(round(part.get("weight", 1) / total, 6))))
        condition.append(_score(added))
    notes.append(f"{question['id']}: each part counts all or nothing (by its weight): the course's credit inside "
                 "a multi-select part and for the right article with a wrong paragraph is not carried")
    return processing


def _base_float(value: str) -> Element:
    node = Element("qti-base-value", {"base-type": "float"})
    node.text = value
    return node


BUILDERS = {"single_choice": _choice_item, "multiple_choice": _choice_item, "true_false": _choice_item,
            "matching": _matching_item, "ordering": _ordering_item, "short_text": _text_entry_item,
            "numeric": _text_entry_item, "case_qualification": _case_item}


def _item(question: dict[str, Any], item_id: str, language: str, default: str, notes: list[str]) -> bytes:
    item = _Item(question, item_id, language, default)
    return item.write(BUILDERS[question["type"]](item, question, notes))


def _test(quiz_id: str, title: str, refs: list[tuple[str, float]]) -> bytes:
    root = Element("qti-assessment-test", {"xmlns": ASI, "xmlns:xsi": XSI,
                                           "xsi:schemaLocation": f"{ASI} {ASI_XSD}",
                                           "identifier": identifier(quiz_id), "title": title})
    part = SubElement(root, "qti-test-part", {"identifier": "part-1", "navigation-mode": "nonlinear",
                                              "submission-mode": "simultaneous"})
    section = SubElement(part, "qti-assessment-section", {"identifier": "section-1", "title": title,
                                                          "visible": "true"})
    for item_id, points in refs:
        ref = SubElement(section, "qti-assessment-item-ref", {"identifier": item_id, "href": f"items/{item_id}.xml"})
        SubElement(ref, "qti-weight", {"identifier": "W", "value": number_text(points)})
    indent(root)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + tostring(root, encoding="utf-8")


def _manifest(resources: list[tuple[str, str, str, list[str]]]) -> bytes:
    root = Element("manifest", {"xmlns": CP, "xmlns:xsi": XSI, "xsi:schemaLocation": f"{CP} {CP_XSD}",
                                "identifier": "cascade-qti-package"})
    metadata = SubElement(root, "metadata")
    SubElement(metadata, "schema").text = "QTI Package"
    SubElement(metadata, "schemaversion").text = "3.0.0"
    SubElement(root, "organizations")
    listed = SubElement(root, "resources")
    for resource_id, kind, href, depends in resources:
        resource = SubElement(listed, "resource", {"identifier": resource_id, "type": kind, "href": href})
        SubElement(resource, "file", {"href": href})
        for dependency in depends:
            SubElement(resource, "dependency", {"identifierref": dependency})
    indent(root)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + tostring(root, encoding="utf-8")


def write_qti3(quizzes: list[tuple[str, dict[str, str], list[dict[str, Any]]]], language: str,
               default: str) -> tuple[bytes, list[str]]:
    """The package of ``quizzes`` ((id, title, questions) each) in ``language``; and what it could not carry."""
    notes = [f"feedback and explanations are not written (QTI 3.0 modal feedback is not produced); the texts are "
             f"in {language}, missing ones in {default}"]
    resources: list[tuple[str, str, str, list[str]]] = []
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        for quiz_id, title, questions in quizzes:
            refs = []
            for question in questions:
                item_id = identifier(f"{quiz_id}--{question['id']}")
                package.writestr(f"items/{item_id}.xml", _item(question, item_id, language, default, notes))
                resources.append((f"item-{item_id}", "imsqti_item_xmlv3p0", f"items/{item_id}.xml", []))
                refs.append((item_id, question.get("points", 1)))
            href = f"tests/{identifier(quiz_id)}.xml"
            package.writestr(href, _test(quiz_id, _text(title, language, default), refs))
            resources.append((f"test-{identifier(quiz_id)}", "imsqti_test_xmlv3p0", href,
                              [f"item-{item_id}" for item_id, _points in refs]))
        package.writestr("imsmanifest.xml", _manifest(resources))
    return buffer.getvalue(), notes
