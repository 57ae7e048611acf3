"""Moodle XML: the question bank format that carries the most, read and written.

Read with defusedxml (a question bank from elsewhere may be hostile: no entity expansion, no external entities).
Types read: ``multichoice`` (single or multiple), ``truefalse``, ``shortanswer``, ``numerical``, ``matching``
and ``ordering``, and ``cloze`` when it is a case as Cascade writes one (a labelled gap per part); ``category``
entries are skipped; any other type (essay, another Cloze, drag and drop...) is reported and left out. A
question's ``<idnumber>`` (else its name) gives its id, ``<generalfeedback>`` its explanation,
``<defaultgrade>`` its points and ``<tags>`` its tags; the course's own facts Moodle has no field for travel as
tags when written here (``cite:palermo-art3``, ``module:definitions``) and come back from them.
"""

from __future__ import annotations

import re
from typing import Any
from xml.etree.ElementTree import Element, SubElement, indent, tostring  # noqa: S405  (writing only)

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring
from flask_babel import force_locale

from course.config import LANGUAGES
from course.questions.bank import Parsed, ParsedFile, letter_id, number_text
from course.questions.texts import as_text, dropped_notes, join_languages
from course.quiz.presenters import NO, PART_LABELS, YES
from course.quiz.types.case_qualification import MULTI_SELECT_PARTS

#: Tags standing for the course's own fields.
CITE, MODULE = "cite:", "module:"
_HIDDEN = re.compile(r"<!--.*?-->|<!\[CDATA\[.*?\]\]>", re.DOTALL)


#: A gap of a Cloze question as ``cloze_text`` writes one: ``{weight:KIND:alternatives}``, specials escaped.
_GAP = re.compile(r"\{(?P<weight>[\d.]+):(?P<kind>MULTIRESPONSE|MULTICHOICE)(?:_[A-Z]+)?:(?P<body>(?:\\.|[^\\}])*)\}")


def _cloze_unescaped(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def _last_top_level_break(html: str) -> int:
    """Where the last ``<br>`` outside every span is (-1 when none): between the scenario and the prompt."""
    depth, found = 0, -1
    for match in re.finditer(r"<span\b[^>]*>|</span\s*>|<br>", html, re.IGNORECASE):
        tag = match.group(0).lower()
        if tag == "<br>":
            found = match.start() if depth == 0 else found
        else:
            depth += -1 if tag.startswith("</") else 1
    return found


def _question_lines(text: str) -> list[int]:
    """The line each ``<question`` element starts on, in document order (comments and CDATA skipped)."""
    visible = _HIDDEN.sub(lambda m: "\n" * m.group(0).count("\n"), text)
    return [visible.count("\n", 0, match.start()) + 1 for match in re.finditer(r"<question\b", visible)]


class _Reader:
    def __init__(self, parsed: ParsedFile, language: str):
        self.parsed, self.language = parsed, language

    def text(self, element: Element | None, dropped: set[str]) -> dict[str, str]:
        """The ``<text>`` of an element in its ``format``, as ``{language: plain text}``."""
        if element is None:
            return {}
        node = element.find("text") if element.tag != "text" else element
        raw = (node.text or "") if node is not None else ""
        if element.find("file") is not None:
            dropped.add("file")
        return as_text(raw, element.get("format", "html"), self.language, dropped)

    def question(self, line: int, node: Element) -> Parsed | None:
        kind = node.get("type", "")
        dropped: set[str] = set()
        notes: list[str] = []
        name = next(iter(self.text(node.find("name"), dropped).values()), "")
        tags = [text for tag in node.findall("tags/tag") if (text := "".join(tag.itertext()).strip())]
        data: dict[str, Any] = {"id": (node.findtext("idnumber") or "").strip(),
                                "prompt": self.text(node.find("questiontext"), dropped)}
        reader = getattr(self, f"_{kind}", None)
        if reader is None:
            self.parsed.leave_out(line, f"a '{kind}' question: the course has no such type; left out")
            return None
        try:
            if not reader(line, node, data, notes, dropped):
                return None
            grade = float(node.findtext("defaultgrade") or 1)
        except ValueError as exc:  # a fraction, grade or tolerance that is not a number
            self.parsed.problem(line, f"a number that is not one: {exc}")
            return None
        if explanation := self.text(node.find("generalfeedback"), dropped):
            data["explanation"] = explanation
        if grade != 1:
            data["points"] = grade
        if cites := [tag[len(CITE):] for tag in tags if tag.startswith(CITE)]:
            data["citations"] = cites
        if modules := [tag[len(MODULE):] for tag in tags if tag.startswith(MODULE)]:
            data["module"] = modules[0]
        if plain_tags := [tag for tag in tags if not tag.startswith((CITE, MODULE))]:
            data["tags"] = plain_tags
        return Parsed(line, name, data, notes + dropped_notes(dropped))

    def _answers(self, node: Element, dropped: set[str]) -> list[tuple[float, dict[str, str], dict[str, str]]]:
        return [(float(answer.get("fraction", "0")), self.text(answer, dropped),
                 self.text(answer.find("feedback"), dropped)) for answer in node.findall("answer")]

    def _multichoice(self, line, node, data, notes, dropped) -> bool:
        answers = self._answers(node, dropped)
        right = [fraction for fraction, _text, _feedback in answers if fraction > 0]
        if not right:
            self.parsed.problem(line, "no answer with a positive fraction: the question has no right answer")
            return False
        single = (node.findtext("single") or "true").strip().lower() in ("true", "1")
        full = [fraction for fraction, _text, _feedback in answers if fraction >= 100]  # noqa: PLR2004
        # One answer only: the answer worth 100% is the right one; a partly right one is wrong here.
        correct = (lambda fraction: fraction >= 100) if single and len(full) == 1 else (lambda f: f > 0)  # noqa: E731, PLR2004
        if single and len(full) == 1 and len(right) > 1:
            notes.append("a partly right answer of a one-answer question is not carried: it counts as wrong")
        choices = []
        for index, (fraction, text, feedback) in enumerate(answers):
            choice: dict[str, Any] = {"id": letter_id(index), "text": text, "correct": correct(fraction)}
            if feedback:
                choice["feedback"] = feedback
            choices.append(choice)
        if single and len(full) == 1:
            data.update(type="single_choice", choices=choices)
        else:
            negative = any(fraction < 0 for fraction, _text, _feedback in answers)
            data.update(type="multiple_choice", choices=choices,
                        partial_credit="right_minus_wrong" if negative else "all_or_nothing")
            if single:
                notes.append("several right answers of a one-answer question: read as a multiple-response question")
        return True

    def _truefalse(self, line, node, data, notes, dropped) -> bool:
        right = [text for fraction, text, _feedback in self._answers(node, dropped) if fraction > 0]
        value = next(iter(right[0].values()), "").strip().lower() if right else ""
        if value not in ("true", "false"):
            self.parsed.problem(line, "a true/false question needs its right answer 'true' or 'false'")
            return False
        data.update(type="true_false", answer=value == "true")
        return True

    def _shortanswer(self, line, node, data, notes, dropped) -> bool:
        accepted = []
        for fraction, text, _feedback in self._answers(node, dropped):
            if fraction >= 100:  # noqa: PLR2004
                accepted += [value for value in text.values() if value not in accepted]
            elif fraction > 0:
                notes.append(f"a partly right answer ({fraction:g}%) is not carried")
        if not accepted:
            self.parsed.problem(line, "a short-answer question needs an answer worth 100%")
            return False
        data.update(type="short_text", accepted=accepted)
        return True

    def _numerical(self, line, node, data, notes, dropped) -> bool:
        answers = [answer for answer in node.findall("answer") if float(answer.get("fraction", "0")) >= 100]  # noqa: PLR2004
        if not answers:
            self.parsed.problem(line, "a numerical question needs an answer worth 100%")
            return False
        try:
            value = float("".join(answers[0].find("text").itertext()))
            tolerance = float(answers[0].findtext("tolerance") or 0)
        except (TypeError, ValueError, AttributeError):
            self.parsed.problem(line, "the numerical answer or its tolerance is not a number")
            return False
        if node.find("units/unit") is not None:
            notes.append("units are not carried: the answer is the number alone")
        data.update(type="numeric", answer=value, tolerance=tolerance)
        return True

    def _matching(self, line, node, data, notes, dropped) -> bool:
        items, options = [], []
        for sub in node.findall("subquestion"):
            raw = "".join(sub.find("answer").itertext()) if sub.find("answer") is not None else ""
            answer = as_text(raw, "html", self.language, dropped)
            option = next((o for o in options if o["text"] == answer), None)
            if option is None:
                option = {"id": letter_id(len(options), "o"), "text": answer}
                options.append(option)
            if prompt := self.text(sub, dropped):
                items.append({"id": letter_id(len(items), "i"), "text": prompt, "match": option["id"]})
        if len(items) < 2:  # noqa: PLR2004
            self.parsed.problem(line, "a matching question needs at least two items")
            return False
        data.update(type="matching", items=items, options=options)
        return True

    def _cloze(self, line, node, data, notes, dropped) -> bool:
        """A case-qualification question as Cascade writes it (``cloze_text``): the scenario and the prompt, then a
        gap per part after the part's label. Options come back as their texts in the file's language; the
        import names them by the course's vocabulary (``importing.name_case_options``). Any other Cloze
        question is left out."""
        raw = node.findtext("questiontext/text") or ""
        gaps = list(_GAP.finditer(raw))
        labels = {name: set(labels_in(list(LANGUAGES), label).values()) for name, label in PART_LABELS.items()}
        starts = [raw.rfind("<br>", 0, gap.start()) for gap in gaps]
        parts = []
        for gap, start in zip(gaps, starts, strict=True):
            label = raw[start + 4:gap.start()].rstrip().removesuffix(":") if start >= 0 else ""
            said = set(as_text(label, "html", self.language, dropped).values())
            part = next((name for name, texts in labels.items() if said & texts), None)
            if part is None:
                break
            parts.append(self._cloze_part(part, gap))
        if not gaps or len(parts) != len(gaps):
            self.parsed.leave_out(line, "a 'cloze' question that is not a case written by Cascade (a labelled gap "
                                        "per part): the course has no such type; left out")
            return False
        head = raw[:starts[0]]
        split = _last_top_level_break(head)
        scenario = as_text(head[:split], "html", self.language, dropped) if split >= 0 else {}
        data.update(type="case_qualification", prompt=as_text(head[split + 4 if split >= 0 else 0:], "html",
                                                             self.language, dropped), parts=parts)
        if any(scenario.values()):
            data["scenario"] = scenario
        return True

    def _cloze_part(self, part: str, gap: re.Match) -> dict[str, Any]:
        alternatives = []
        for alternative in re.split(r"(?<!\\)~", gap.group("body")):
            found = re.match(r"%(-?[\d.]+)%(.*)", alternative, re.DOTALL)
            if found is None:
                continue
            text, _mark, feedback = (re.split(r"(?<!\\)(#)", found.group(2), maxsplit=1) + ["", ""])[:3]
            alternatives.append((float(found.group(1)), _cloze_unescaped(text), _cloze_unescaped(feedback)))
        right = [(text, feedback) for fraction, text, feedback in alternatives if fraction >= 100 or  # noqa: PLR2004
                 (gap.group("kind") == "MULTIRESPONSE" and fraction > 0)]
        made: dict[str, Any] = {"part": part}
        texts = [next(iter(as_text(text, "html", self.language, set()).values()), "") for text, _fb in right]
        if part == "child_victim":
            made["answer"] = bool(texts) and texts[0] in set(labels_in(list(LANGUAGES), YES).values())
        elif part in MULTI_SELECT_PARTS:
            made["answer"] = {"texts": texts}
        else:
            made["answer"] = {"texts": texts[:1]}
            credits = [fraction for fraction, _t, _f in alternatives if 0 < fraction < 100]  # noqa: PLR2004
            if credits and credits[0] != 50:  # noqa: PLR2004  (the course's default article credit)
                made["article_credit"] = round(credits[0] / 100, 6)
        if float(gap.group("weight")) != 1:
            made["weight"] = float(gap.group("weight"))
        feedback = next((fb for _t, fb in right if fb), "")
        if feedback:
            made["feedback"] = as_text(feedback, "html", self.language, set())
        return made

    def _ordering(self, line, node, data, notes, dropped) -> bool:
        answers = sorted(node.findall("answer"), key=lambda answer: float(answer.get("fraction", "0")))
        data.update(type="ordering", items=[{"id": letter_id(index), "text": self.text(answer, dropped)}
                                            for index, answer in enumerate(answers)])
        if (node.findtext("gradingtype") or "").strip().upper() not in ("", "ALL_OR_NOTHING"):
            data["partial_credit"] = "per_position"
        return True


def parse_moodle_xml(text: str, path: str, language: str) -> ParsedFile:
    parsed = ParsedFile(path)
    try:
        root = fromstring(text.encode("utf-8"))
    except ParseError as exc:
        line = getattr(exc, "position", (1, 0))[0]
        parsed.problem(line, f"not well-formed XML: {exc}")
        return parsed
    except DefusedXmlException:
        parsed.problem(1, "the file declares entities or an external DTD, which a question bank never needs; "
                          "refused")
        return parsed
    if root.tag != "quiz":
        parsed.problem(1, f"a Moodle XML question file starts with <quiz>, not <{root.tag}>")
        return parsed
    reader = _Reader(parsed, language)
    for line, node in zip(_question_lines(text), root.findall("question"), strict=False):
        if node.get("type") == "category":
            parsed.category(line, "".join(node.find("category").itertext()) if node.find("category") is not None
                            else "")
            continue
        if (question := reader.question(line, node)) is not None:
            parsed.questions.append(question)
    return parsed


# -- writing -----------------------------------------------------------------------------------------------


def _text_element(parent: Element, tag: str, texts: dict[str, str] | str, **attributes: str) -> Element:
    element = SubElement(parent, tag, attributes)
    SubElement(element, "text").text = texts if isinstance(texts, str) else join_languages(texts)
    return element


def _common(root: Element, kind: str, question: dict[str, Any]) -> Element:
    node = SubElement(root, "question", {"type": kind})
    _text_element(node, "name", question["id"])
    _text_element(node, "questiontext", question["prompt"], format="html")
    _text_element(node, "generalfeedback", question["explanation"], format="html")
    SubElement(node, "defaultgrade").text = f"{question.get('points', 1):g}"
    SubElement(node, "idnumber").text = question["id"]
    tags = [*question.get("tags", []), *(CITE + cite for cite in question.get("citations", []))]
    if question.get("module"):
        tags.append(MODULE + question["module"])
    if tags:
        holder = SubElement(node, "tags")
        for tag in tags:
            SubElement(SubElement(holder, "tag"), "text").text = tag
    return node


def _answer(node: Element, fraction: float, texts: dict[str, str] | str, feedback: dict[str, str] | None = None,
            text_format: str = "html") -> Element:
    answer = _text_element(node, "answer", texts, fraction=f"{fraction:g}", format=text_format)
    if feedback:
        _text_element(answer, "feedback", feedback, format="html")
    return answer


#: Characters a Cloze gap's answers and feedback escape with a backslash (Moodle's multianswer grammar).
_CLOZE_SPECIAL = str.maketrans({c: f"\\{c}" for c in '\\}#~/"'})


def _gap_text(texts: dict[str, str]) -> str:
    return join_languages(texts).translate(_CLOZE_SPECIAL)


def _gap(weight: float, kind: str, answers: list[tuple[float, dict[str, str]]], feedback: dict[str, str]) -> str:
    """One Cloze gap: ``{weight:TYPE:%fraction%answer#feedback~...}``; the part's feedback goes with its right
    answers."""
    alternatives = [f"%{fraction:g}%{_gap_text(text)}" + (f"#{_gap_text(feedback)}" if fraction > 0 else "")
                    for fraction, text in answers]
    return f"{{{weight:g}:{kind}:{'~'.join(alternatives)}}}"


def cloze_text(question: dict[str, Any]) -> str:
    """The scenario, the prompt and a labelled gap per part, every language as multilang spans, the gaps outside
    them (a gap per language would make Moodle count each part three times): the parts' weights become the
    gaps' weights, a multi-select part a MULTIRESPONSE gap (each right option its share, each wrong one as much
    off), the child-victim part a yes/no MULTICHOICE, the qualification a MULTICHOICE where an option of the
    right article earns the part's article credit."""
    languages = list(question["prompt"])
    lines = [join_languages(question.get("scenario") or {}), join_languages(question["prompt"])]
    for part in question["parts"]:
        options = {option["id"]: option for option in part.get("options", [])}
        if part["part"] == "child_victim":
            yes_no = {True: labels_in(languages, YES), False: labels_in(languages, NO)}
            answers = [(100 if value == part["answer"] else 0, yes_no[value]) for value in (True, False)]
            kind = "MULTICHOICE"
        elif part["part"] == "qualification":
            article = options.get(part["answer"], {}).get("article")
            credit = round(100 * part.get("article_credit", 0.5), 5)
            answers = [(100 if oid == part["answer"] else credit if article and option.get("article") == article
                        else 0, option["text"]) for oid, option in options.items()]
            kind = "MULTICHOICE"
        else:
            right = set(part["answer"])
            share = round(100 / len(right), 5) if right else 100
            answers = [(share if oid in right else -share, option["text"]) for oid, option in options.items()]
            kind = "MULTIRESPONSE"
        gap = _gap(part.get("weight", 1), kind, answers, part["feedback"])
        lines.append(f"{join_languages(labels_in(languages, PART_LABELS[part['part']]))}: {gap}")
    return "<br>".join(line for line in lines if line)


def labels_in(languages: list[str], label) -> dict[str, str]:
    """An interface label (lazy gettext) in each of the question's languages."""
    found = {}
    for code in languages:
        with force_locale(code):
            found[code] = str(label)
    return found


def write_moodle_xml(questions: list[dict[str, Any]]) -> tuple[str, list[str]]:
    """A Moodle XML file of the questions it can carry, and a note for each it cannot."""
    root, notes = Element("quiz"), []
    for question in questions:
        kind = question["type"]
        if kind in ("single_choice", "multiple_choice"):
            node = _common(root, "multichoice", question)
            SubElement(node, "single").text = "true" if kind == "single_choice" else "false"
            SubElement(node, "shuffleanswers").text = "true"
            right = sum(1 for choice in question["choices"] if choice.get("correct"))
            penalty = -100 if question.get("partial_credit") == "right_minus_wrong" else 0
            for choice in question["choices"]:
                fraction = (100 if kind == "single_choice" else round(100 / right, 5)) if choice.get("correct") \
                    else (0 if kind == "single_choice" else penalty)
                _answer(node, fraction, choice["text"], choice.get("feedback"))
        elif kind == "true_false":
            node = _common(root, "truefalse", question)
            _answer(node, 100 if question["answer"] else 0, "true", text_format="moodle_auto_format")
            _answer(node, 0 if question["answer"] else 100, "false", text_format="moodle_auto_format")
        elif kind == "short_text":
            node = _common(root, "shortanswer", question)
            SubElement(node, "usecase").text = "0"
            for accepted in question["accepted"]:
                _answer(node, 100, accepted, text_format="plain_text")
        elif kind == "numeric":
            node = _common(root, "numerical", question)
            if question.get("answer") is not None:
                value, tolerance = question["answer"], question.get("tolerance", 0)
            else:  # Moodle has no range: the same numbers as a middle and a tolerance
                value, tolerance = (question["min"] + question["max"]) / 2, (question["max"] - question["min"]) / 2
                notes.append(f"{question['id']}: the range {question['min']:g}..{question['max']:g} is written as "
                             f"{value:g} ± {tolerance:g}")
            SubElement(_answer(node, 100, number_text(value), text_format="moodle_auto_format"),
                       "tolerance").text = number_text(tolerance)
        elif kind == "matching":
            node = _common(root, "matching", question)
            options = {option["id"]: option["text"] for option in question["options"]}
            for item in question["items"]:
                sub = _text_element(node, "subquestion", item["text"], format="html")
                SubElement(SubElement(sub, "answer"), "text").text = join_languages(options[item["match"]])
            for oid in [oid for oid in options if oid not in {item["match"] for item in question["items"]}]:
                sub = _text_element(node, "subquestion", "", format="html")
                SubElement(SubElement(sub, "answer"), "text").text = join_languages(options[oid])
        elif kind == "ordering":
            node = _common(root, "ordering", question)
            SubElement(node, "layouttype").text = "VERTICAL"
            SubElement(node, "selecttype").text = "ALL"
            SubElement(node, "gradingtype").text = \
                "ABSOLUTE_POSITION" if question.get("partial_credit") == "per_position" else "ALL_OR_NOTHING"
            for position, item in enumerate(question["items"], start=1):
                _answer(node, position, item["text"])
        elif kind == "case_qualification":
            node = _common(root, "cloze", question)
            node.find("questiontext/text").text = cloze_text(question)
            notes.append(f"{question['id']}: a case-qualification question is written as an embedded-answers "
                         "(Cloze) question, a part per gap weighted as here; Moodle grades a part's wrong choices "
                         "by its own rule, and the right article with a wrong part earns nothing there; a part's "
                         "own sources are not carried (the question's are)")
        else:
            notes.append(f"{question['id']}: a {kind} question cannot be written in Moodle XML; left out")
    indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + tostring(root, encoding="unicode") + "\n", notes
