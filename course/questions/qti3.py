"""QTI 3.0 packages (1EdTech Question and Test Interoperability): a zip with an IMS content package manifest, an
item per question and an assessment test per quiz, in one language.

What each type becomes:

- single choice, true/false: a choice interaction, graded by the ``match_correct`` template;
- multiple choice: a choice interaction; all or nothing by ``match_correct``, or under ``right_minus_wrong`` by
  ``map_response``, each right option worth its share and each wrong one as much less (never below zero);
- matching: a match interaction of directed pairs, each right pair worth its share;
- ordering: an order interaction, right only in the right order (per-position credit is not carried);
- short text: a text entry whose accepted answers are mapped, without regard to case;
- numeric: a text entry of a float, compared with the answer within its tolerance (or within its range);
- case qualification: one item with an interaction per part and response processing that adds each part's
  weight when the part is right, so a part is all or nothing (the engine's credit inside a multi-select part,
  and for the right article with a wrong paragraph, are not carried).

A question's points become its weight in the test. The explanation, and a case's feedback per part, become
modal feedback shown with the result; a choice's own feedback is not written (the export's notes say so). QTI
has one language per item: the package is in the language asked for, the default language filling in.

Reading (``parse_qti3``) takes back what writing gives, and the same interactions from other systems; an item
of another kind is left out and said so.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from typing import Any
from xml.etree.ElementTree import Element, SubElement, indent, tostring  # noqa: S405  (writing only)

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring
from flask_babel import force_locale

from course.content.markdown import render_markdown
from course.questions.bank import Parsed, ParsedFile, letter_id, number_text, unique_ids
from course.questions.texts import html_to_text
from course.quiz.presenters import NO, PART_LABELS, YES
from course.quiz.types.case_qualification import MULTI_SELECT_PARTS, PART_ORDER

ASI = "http://www.imsglobal.org/xsd/imsqtiasi_v3p0"
CP = "http://www.imsglobal.org/xsd/qti/qtiv3p0/imscp_v1p1"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
ASI_XSD = "https://purl.imsglobal.org/spec/qti/v3p0/schema/xsd/imsqti_asiv3p0_v1p0.xsd"
CP_XSD = "https://purl.imsglobal.org/spec/qti/v3p0/schema/xsd/imsqtiv3p0_imscpv1p2_v1p0.xsd"
_NCNAME = re.compile(r"^[A-Za-z_][\w.-]*$")
#: The ids the course's quiz files use for choices, items and options.
_COURSE_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")


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
        #: Feedback shown with the result, whatever was answered: (identifier, title, text).
        self.feedback: list[tuple[str, str, str]] = []

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
        if self.feedback:
            SubElement(self.root, "qti-outcome-declaration", {"identifier": "FEEDBACK", "cardinality": "multiple",
                                                              "base-type": "identifier"})
            shown = Element("qti-set-outcome-value", {"identifier": "FEEDBACK"})
            every = SubElement(shown, "qti-multiple")
            for feedback_id, _title, _text in self.feedback:
                SubElement(every, "qti-base-value", {"base-type": "identifier"}).text = feedback_id
            processing.append(shown)
        self.root.append(self.body)
        self.root.append(processing)
        for feedback_id, title, text in self.feedback:
            modal = SubElement(self.root, "qti-modal-feedback", {"outcome-identifier": "FEEDBACK",
                                                                 "identifier": feedback_id, "show-hide": "show",
                                                                 "title": title})
            body = SubElement(modal, "qti-content-body")
            for paragraph in text.split("\n\n"):
                SubElement(body, "p").text = paragraph
        indent(self.root)
        return b'<?xml version="1.0" encoding="UTF-8"?>\n' + tostring(self.root, encoding="utf-8")


def _template(name: str) -> Element:
    """The rules of QTI's standard template ``name`` written out (``match_correct`` or ``map_response``), so an
    item needs nothing fetched to be graded and the feedback rule can follow them."""
    processing = Element("qti-response-processing")
    condition = SubElement(processing, "qti-response-condition")
    when = SubElement(condition, "qti-response-if")
    if name == "match_correct":
        test = SubElement(when, "qti-match")
        SubElement(test, "qti-variable", {"identifier": "RESPONSE"})
        SubElement(test, "qti-correct", {"identifier": "RESPONSE"})
        when.append(_score("1"))
        SubElement(condition, "qti-response-else").append(_score("0"))
    else:
        SubElement(SubElement(when, "qti-is-null"), "qti-variable", {"identifier": "RESPONSE"})
        when.append(_score("0"))
        SubElement(condition, "qti-response-else").append(_score(Element("qti-map-response",
                                                                          {"identifier": "RESPONSE"})))
    return processing


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
    if single or question.get("partial_credit") != "right_minus_wrong":  # the exact set of right options
        item.response("RESPONSE", "single" if single else "multiple", "identifier", right)
        processing = _template("match_correct")
    else:
        share = 1 / len(right)
        item.response("RESPONSE", "multiple", "identifier", right,
                      [(option_id, share if option_id in right else -share) for option_id, _label in options],
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
        if part.get("feedback"):
            item.feedback.append((name.upper(), labels[name], item.text(part["feedback"])))
        condition = SubElement(SubElement(processing, "qti-response-condition"), "qti-response-if")
        match = SubElement(condition, "qti-match")
        SubElement(match, "qti-variable", {"identifier": response_id})
        SubElement(match, "qti-correct", {"identifier": response_id})
        added = Element("qti-sum")
        SubElement(added, "qti-variable", {"identifier": "SCORE"})
        added.append(_base_float(number_text(round(part.get("weight", 1) / total, 6))))
        condition.append(_score(added))
    notes.append(f"{question['id']}: each part counts all or nothing (by its weight): the course's credit inside "
                 "a multi-select part and for the right article with a wrong paragraph is not carried, nor a "
                 "part's own sources; the scenario's Markdown goes as its plain text")
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
    processing = BUILDERS[question["type"]](item, question, notes)
    if question.get("explanation"):
        item.feedback.append(("EXPLANATION", "", item.text(question["explanation"])))
    return item.write(processing)


def _test(quiz_id: str, title: str, refs: list[tuple[str, float]]) -> bytes:
    root = Element("qti-assessment-test", {"xmlns": ASI, "xmlns:xsi": XSI,
                                           "xsi:schemaLocation": f"{ASI} {ASI_XSD}",
                                           "identifier": identifier(quiz_id), "title": title})
    part = SubElement(root, "qti-test-part", {"identifier": "part-1", "navigation-mode": "nonlinear",
                                              "submission-mode": "simultaneous"})
    section = SubElement(part, "qti-assessment-section", {"identifier": "section-1", "title": title,
                                                          "visible": "true"})
    for item_id, points in refs:
        ref = SubElement(section, "qti-assessment-item-ref", {"identifier": item_id,
                                                               "href": f"../items/{item_id}.xml"})
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
    notes = [f"the explanation and a case's part feedback go as feedback shown with the result; a choice's own "
             f"feedback does not; the texts are in {language}, missing ones in {default}"]
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


# -- reading -------------------------------------------------------------------------------------------------

#: A package larger than this once unpacked, or with more files, is refused (a zip bomb, or not a question bank).
MAX_UNPACKED, MAX_FILES = 50_000_000, 5000


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _children(node, name: str) -> list:
    return [child for child in node if _local(child.tag) == name]


def _all(node, name: str) -> list:
    return [child for child in node.iter() if _local(child.tag) == name]


def _words(node) -> str:
    return re.sub(r"\s+", " ", "".join(node.itertext())).strip() if node is not None else ""


class _ItemReader:
    """One item as a question of the course, or the reason it cannot be one."""

    def __init__(self, root, language: str):
        self.root, self.language = root, (root.get(XML_LANG) or language)[:2].lower()
        self.ids: dict[str, str] = {}
        self.declarations = {node.get("identifier"): node for node in _all(root, "qti-response-declaration")}
        body = next(iter(_all(root, "qti-item-body")), None)
        self.body = body
        self.interactions = [node for node in (body.iter() if body is not None else [])
                             if _local(node.tag).endswith("-interaction")]
        self.processing = next(iter(_all(root, "qti-response-processing")), None)

    def own_id(self, value: str) -> str:
        """The course's id for a QTI identifier: the one Cascade wrote (less the ``_`` it adds before an id that
        is no XML name), or, for another system's ``ChoiceA``, one by position (``a``, ``b``...)."""
        value = value[1:] if value.startswith("_") and not _NCNAME.match(value[1:]) else value
        if _COURSE_ID.match(value):
            return value
        return self.ids.setdefault(value, letter_id(len(self.ids), "x"))

    def texts(self, value: str) -> dict[str, str]:
        return {self.language: value}

    def correct(self, response_id: str) -> list[str]:
        declaration = self.declarations.get(response_id)
        return [_words(value) for value in _all(declaration, "qti-value")] if declaration is not None else []

    def mapping(self, response_id: str) -> dict[str, float]:
        declaration = self.declarations.get(response_id)
        return {entry.get("map-key", ""): float(entry.get("mapped-value", "0"))
                for entry in _all(declaration, "qti-map-entry")} if declaration is not None else {}

    def prompt(self, interaction) -> str:
        prompt = next(iter(_children(interaction, "qti-prompt")), None)
        if prompt is not None:
            return _words(prompt)
        return next((_words(p) for p in _all(self.body, "p") if _words(p)), self.root.get("title", ""))

    def feedback(self) -> dict[str, dict[str, str]]:
        """The modal feedback's texts by identifier (``EXPLANATION``, a case part's name in capitals)."""
        return {node.get("identifier", ""): self.texts("\n\n".join(_words(p) for p in _all(node, "p"))
                                                       or _words(node))
                for node in _all(self.root, "qti-modal-feedback")}

    def question(self) -> dict[str, Any]:
        """:raises ValueError: an item the course has no type for, with why."""
        made = self._question()
        if explanation := self.feedback().get("EXPLANATION"):
            made["explanation"] = explanation
        return made

    def _question(self) -> dict[str, Any]:
        kinds = [_local(node.tag) for node in self.interactions]
        if len(kinds) > 1 and all(node.get("response-identifier", "").removeprefix("RESPONSE_").lower() in PART_ORDER
                                  for node in self.interactions):
            return self._case()
        if len(kinds) != 1:
            raise ValueError(f"{len(kinds)} interactions: the course's questions have one (or are a case)")
        interaction, kind = self.interactions[0], kinds[0]
        response_id = interaction.get("response-identifier", "")
        declaration = self.declarations.get(response_id)
        if declaration is None:
            raise ValueError(f"no response declaration for '{response_id}'")
        reader = {"qti-choice-interaction": self._choice, "qti-match-interaction": self._matching,
                  "qti-order-interaction": self._ordering, "qti-text-entry-interaction": self._text_entry}.get(kind)
        if reader is None:
            raise ValueError(f"a {kind.removeprefix('qti-')}, which the course has no question type for")
        return reader(interaction, response_id, declaration)

    def _choice(self, interaction, response_id, declaration) -> dict[str, Any]:
        options = [(self.own_id(c.get("identifier", "")), _words(c))
                   for c in _children(interaction, "qti-simple-choice")]
        right = {self.own_id(value) for value in self.correct(response_id)}
        prompt = self.texts(self.prompt(interaction))
        if declaration.get("cardinality") == "single" and {o for o, _t in options} == {"true", "false"}:
            return {"type": "true_false", "prompt": prompt, "answer": "true" in right}
        choices = [{"id": option_id, "text": self.texts(text), **({"correct": True} if option_id in right else {})}
                   for option_id, text in options]
        if declaration.get("cardinality") == "single":
            return {"type": "single_choice", "prompt": prompt, "choices": choices}
        negative = any(value < 0 for value in self.mapping(response_id).values())
        return {"type": "multiple_choice", "prompt": prompt, "choices": choices,
                "partial_credit": "right_minus_wrong" if negative else "all_or_nothing"}

    def _matching(self, interaction, response_id, _declaration) -> dict[str, Any]:
        sets = _children(interaction, "qti-simple-match-set")
        if len(sets) != 2:  # noqa: PLR2004
            raise ValueError("a match interaction without its two sets")
        pairs = dict(value.split() for value in self.correct(response_id) if len(value.split()) == 2)  # noqa: PLR2004
        items = [{"id": self.own_id(c.get("identifier", "")), "text": self.texts(_words(c)),
                  "match": self.own_id(pairs.get(c.get("identifier", ""), ""))}
                 for c in _children(sets[0], "qti-simple-associable-choice")]
        options = [{"id": self.own_id(c.get("identifier", "")), "text": self.texts(_words(c))}
                   for c in _children(sets[1], "qti-simple-associable-choice")]
        return {"type": "matching", "prompt": self.texts(self.prompt(interaction)), "items": items, "options": options}

    def _ordering(self, interaction, response_id, _declaration) -> dict[str, Any]:
        texts = {c.get("identifier", ""): _words(c) for c in _children(interaction, "qti-simple-choice")}
        order = self.correct(response_id) or list(texts)
        return {"type": "ordering", "prompt": self.texts(self.prompt(interaction)),
                "items": [{"id": self.own_id(key), "text": self.texts(texts.get(key, ""))} for key in order]}

    def _text_entry(self, interaction, response_id, declaration) -> dict[str, Any]:
        prompt = self.texts(self.prompt(interaction))
        if declaration.get("base-type") == "string":
            accepted = list(self.mapping(response_id)) or self.correct(response_id)
            return {"type": "short_text", "prompt": prompt, "accepted": accepted}
        equal = next(iter(_all(self.processing, "qti-equal")), None) if self.processing is not None else None
        if equal is not None:
            tolerance = float((equal.get("tolerance") or "0").split()[0])
            return {"type": "numeric", "prompt": prompt, "answer": float(self.correct(response_id)[0]),
                    "tolerance": tolerance}
        bounds = {_local(n.tag): float(_words(_children(n, "qti-base-value")[0]))
                  for n in _all(self.processing, "qti-gte") + _all(self.processing, "qti-lte")
                  if _children(n, "qti-base-value")} if self.processing is not None else {}
        if {"qti-gte", "qti-lte"} <= set(bounds):
            return {"type": "numeric", "prompt": prompt, "min": bounds["qti-gte"], "max": bounds["qti-lte"]}
        return {"type": "numeric", "prompt": prompt, "answer": float(self.correct(response_id)[0])}

    def _case(self) -> dict[str, Any]:
        """A case as Cascade writes it: a choice interaction per part, each part's weight the share its rule
        adds, its feedback the modal feedback named after it."""
        shares = {}
        for condition in _all(self.processing, "qti-response-if") if self.processing is not None else []:
            variable, values = next(iter(_all(condition, "qti-variable")), None), _all(condition, "qti-base-value")
            if variable is not None and values:
                shares[variable.get("identifier")] = float(_words(values[-1]))
        smallest, feedback, parts = min(shares.values(), default=1) or 1, self.feedback(), []
        for interaction in self.interactions:
            response_id = interaction.get("response-identifier", "")
            name = response_id.removeprefix("RESPONSE_").lower()
            right = [self.own_id(value) for value in self.correct(response_id)]
            part: dict[str, Any] = {"part": name, "weight": round(shares.get(response_id, smallest) / smallest, 6)}
            part["answer"] = ("true" in right) if name == "child_victim" else right if name in MULTI_SELECT_PARTS \
                else (right[0] if right else "")
            if name.upper() in feedback:
                part["feedback"] = feedback[name.upper()]
            parts.append(part)
        scenario = "\n\n".join(_words(p) for div in _children(self.body, "div") for p in _all(div, "p"))
        made = {"type": "case_qualification", "prompt": self.texts(next((_words(p) for p in _children(self.body, "p")),
                                                                        "")), "parts": parts}
        if scenario:
            made["scenario"] = self.texts(scenario)
        return made


def _weights(package: zipfile.ZipFile, tests: list[str]) -> dict[str, float]:
    """Each item's points, by its file: its weight in the package's tests."""
    weights: dict[str, float] = {}
    for href in tests:
        root = fromstring(package.read(href))
        for ref in _all(root, "qti-assessment-item-ref"):
            weight = next(iter(_children(ref, "qti-weight")), None)
            if weight is not None:  # an item's address is relative to the test's
                item = posixpath.normpath(posixpath.join(posixpath.dirname(href), ref.get("href", "")))
                weights[item] = float(weight.get("value", "1"))
    return weights


def parse_qti3(content: bytes, path: str, language: str) -> ParsedFile:
    """The questions of a QTI 3.0 package (a zip with ``imsmanifest.xml``), in the manifest's order; an item of a
    kind the course has none for is left out and said so."""
    parsed = ParsedFile(path)
    try:
        package = zipfile.ZipFile(io.BytesIO(content))
        entries = package.infolist()
        if len(entries) > MAX_FILES or sum(entry.file_size for entry in entries) > MAX_UNPACKED:
            parsed.problem(1, "the package is too large once unpacked")
            return parsed
        manifest = fromstring(package.read("imsmanifest.xml"))
        resources = [(node.get("type", ""), node.get("href", "")) for node in _all(manifest, "resource")]
        weights = _weights(package, [href for kind, href in resources if kind.startswith("imsqti_test")])
        for number, (kind, href) in enumerate(resources, start=1):
            if not kind.startswith("imsqti_item"):
                continue
            root = fromstring(package.read(href))
            reader = _ItemReader(root, language)
            try:
                data = reader.question()
            except (ValueError, IndexError) as exc:
                parsed.leave_out(number, f"{href}: {exc}")
                continue
            name = root.get("identifier", f"q{number}").rsplit("--", 1)[-1]
            points = weights.get(href, 1)
            parsed.questions.append(Parsed(number, name, {"id": name, **data, "points": points}))
    except (zipfile.BadZipFile, KeyError) as exc:
        parsed.problem(1, f"not a QTI package (a zip with imsmanifest.xml): {exc}")
    except (ParseError, DefusedXmlException, ValueError) as exc:
        parsed.problem(1, f"a file of the package cannot be read as QTI: {exc}")
    unique_ids(parsed.questions)
    return parsed
