"""GIFT, Moodle's plain-text question format: read into the course's questions, and written from them.

The grammar followed is Moodle's own (question/format/gift): questions are separated by blank lines; ``//``
starts a comment line, and Moodle's ``// [id:...]`` and ``// [tag:...]`` comments carry a question's id number and
tags; ``::name::`` names a question; ``[html]``, ``[markdown]``, ``[plain]`` or ``[moodle]`` gives a text's format;
``\\~ \\= \\# \\{ \\} \\:`` and ``\\n`` are escapes. The answer block ``{...}`` is true/false (``T``, ``FALSE``),
numeric (``#3.5:0.1``, ``#1..5``), matching (``=item -> match``), short answer (``=`` answers only) or multiple
choice (``=`` right, ``~`` wrong, ``~%50%`` weighted), each answer with an optional ``#feedback``, and ``####`` the
general feedback, which the course shows as the explanation.

The course cannot hold: essays and descriptions (``{}``), text after the answer block (missing-word questions
are read with the blank at the end), partial credit on a short answer, a numeric answer list, and the exact
weights of a multiple-response question (its right and wrong choices are kept). Each is reported.
"""

from __future__ import annotations

import re
from typing import Any

from course.questions.bank import Parsed, ParsedFile, letter_id, number_text
from course.questions.texts import as_text, dropped_notes, join_languages

_ESCAPES = {"\\~": "~", "\\=": "=", "\\#": "#", "\\{": "{", "\\}": "}", "\\:": ":", "\\n": "\n", "\\\\": "\\"}
_ESCAPE = re.compile(r"\\[~=#{}:n\\]")
_FORMAT = re.compile(r"^\s*\[(html|moodle|plain|markdown)\]", re.IGNORECASE)
_META = re.compile(r"\[(id|tag):([^\]]+)\]")
_WEIGHT = re.compile(r"^%(-?\d+(?:\.\d+)?)%")
_TRUE, _FALSE = {"t", "true"}, {"f", "false"}


def _unescape(text: str) -> str:
    return _ESCAPE.sub(lambda m: _ESCAPES[m.group(0)], text)


def _split(text: str, marks: str) -> list[tuple[str, str]]:
    """``text`` cut before every unescaped mark of ``marks``: (mark, the text after it up to the next)."""
    pieces, mark, start, index = [], "", 0, 0
    while index < len(text):
        char = text[index]
        if char == "\\":
            index += 2
            continue
        if char in marks:
            pieces.append((mark, text[start:index]))
            mark, start = char, index + 1
        index += 1
    pieces.append((mark, text[start:]))
    return pieces


def _find_unescaped(text: str, target: str, start: int = 0) -> int:
    index = start
    while index < len(text):
        if text[index] == "\\":
            index += 2
            continue
        if text.startswith(target, index):
            return index
        index += 1
    return -1


class _Reader:
    def __init__(self, parsed: ParsedFile, language: str):
        self.parsed = parsed
        self.language = language
        #: The format of the question text being read: its answers and feedback without one of their own
        #: are in it too (Moodle writes ``[html]`` on the question text only).
        self.kind = "moodle"

    def text(self, raw: str, dropped: set[str]) -> dict[str, str]:
        """A GIFT text (escaped, maybe with a format) as ``{language: plain text}``."""
        raw = raw.strip()
        kind = self.kind
        if match := _FORMAT.match(raw):
            kind, raw = match.group(1).lower(), raw[match.end():]
        return as_text(_unescape(raw).strip(), kind, self.language, dropped)

    def answer(self, body: str, dropped: set[str]) -> tuple[dict[str, str], dict[str, str] | None]:
        """An answer's text and its feedback (after an unescaped ``#``)."""
        cut = _find_unescaped(body, "#")
        if cut < 0:
            return self.text(body, dropped), None
        feedback = body[cut + 1:]
        return self.text(body[:cut], dropped), (self.text(feedback, dropped) if feedback.strip() else None)

    def question(self, line: int, block: str, meta: dict[str, list[str]]) -> Parsed | None:
        name = ""
        if block.startswith("::"):
            end = _find_unescaped(block, "::", 2)
            if end < 0:
                self.parsed.problem(line, "the question's name is not closed with '::'")
                return None
            name, block = _unescape(block[2:end]).strip(), block[end + 2:]
        opening = _find_unescaped(block, "{")
        closing = _find_unescaped(block, "}", opening + 1) if opening >= 0 else -1
        if opening < 0 or closing < 0:
            self.parsed.problem(line, "no answer block: a question needs its answers between '{' and '}'")
            return None
        dropped: set[str] = set()
        notes: list[str] = []
        self.kind = match.group(1).lower() if (match := _FORMAT.match(block)) else "moodle"
        after = block[closing + 1:].strip()
        prompt_raw = block[:opening] + (" _____ " + after if after else "")
        if after:
            notes.append("text after the answer block (a missing-word question): read with the blank in the text")
        answers = block[opening + 1:closing]
        general = _find_unescaped(answers, "####")
        explanation = None
        if general >= 0:
            explanation = self.text(answers[general + 4:], dropped)
            answers = answers[:general]
        data: dict[str, Any] = {"id": meta["id"][0] if meta.get("id") else "", "prompt": self.text(prompt_raw, dropped)}
        shape = self.answers(line, answers.strip(), data, notes, dropped)
        if shape is None:
            return None
        if explanation:
            data["explanation"] = explanation
        if meta.get("tag"):
            data["tags"] = meta["tag"]
        return Parsed(line, name, data, notes + dropped_notes(dropped))

    def answers(self, line: int, body: str, data: dict[str, Any], notes: list[str],
                dropped: set[str]) -> str | None:
        if not body:
            self.parsed.leave_out(line, "an essay or description ('{}'): the course has no question without an "
                                        "answer; left out")
            return None
        head = _split(body, "#")[0][1].strip().lower()
        if head in _TRUE | _FALSE:
            data.update(type="true_false", answer=head in _TRUE)
            feedback = [self.text(text, dropped) for _mark, text in _split(body, "#")[1:] if text.strip()]
            if feedback:
                notes.append("true/false feedback: the course shows the explanation instead")
            return "true_false"
        if body.startswith("#"):
            return self.numeric(line, body[1:], data, notes)
        pieces = [(mark, text) for mark, text in _split(body, "=~") if mark]
        if _split(body, "=~")[0][1].strip():
            self.parsed.problem(line, "the answers must each start with '=' (right) or '~' (wrong)")
            return None
        if not pieces:
            self.parsed.problem(line, "no answers in the answer block")
            return None
        if all(mark == "=" for mark, _text in pieces) and any("->" in text for _mark, text in pieces):
            return self.matching(line, pieces, data, notes, dropped)
        weighted = [(_WEIGHT.match(text.strip()), mark, text.strip()) for mark, text in pieces]
        if all(mark == "=" for mark, _text in pieces):
            accepted = []
            for match, _mark, text in weighted:
                answer, _feedback = self.answer(text[match.end():] if match else text, dropped)
                if match and float(match.group(1)) < 100:  # noqa: PLR2004
                    notes.append(f"a partly right short answer ({match.group(1)}%) is not carried")
                    continue
                accepted.append(next(iter(answer.values())))
            data.update(type="short_text", accepted=accepted)
            return "short_text"
        choices, right = [], 0
        # With an '=' answer the question takes one answer (as in Moodle): '=' marks the right one and a
        # weighted '~' answer is wrong here; without one, weights make a multiple-response question.
        one_answer = any(mark == "=" for _match, mark, _text in weighted)
        for index, (match, mark, text) in enumerate(weighted):
            answer, feedback = self.answer(text[match.end():] if match else text, dropped)
            weight = float(match.group(1)) if match else (100.0 if mark == "=" else 0.0)
            correct = mark == "=" if one_answer else weight > 0
            if one_answer and mark == "~" and weight > 0:
                notes.append(f"a partly right answer ({weight:g}%) of a one-answer question is not carried: it "
                             "counts as wrong")
            right += correct
            choice: dict[str, Any] = {"id": letter_id(index), "text": answer, "correct": correct}
            if feedback:
                choice["feedback"] = feedback
            choices.append(choice)
        if right == 0:
            self.parsed.problem(line, "no right answer: mark one with '=' (or give it a positive weight)")
            return None
        if not one_answer:
            negative = any(float(match.group(1)) < 0 for match, _mark, _text in weighted if match)
            data.update(type="multiple_choice", partial_credit="right_minus_wrong" if negative else "all_or_nothing")
            notes.append("weights of a multiple-response question: kept as right and wrong choices")
        else:
            data["type"] = "single_choice" if right == 1 else "multiple_choice"
            if right > 1:
                data["partial_credit"] = "all_or_nothing"
        data["choices"] = choices
        return data["type"]

    def matching(self, line: int, pieces, data: dict[str, Any], notes: list[str], dropped: set[str]) -> str:
        items, options = [], []
        for _mark, text in pieces:
            left, _arrow, right = text.partition("->")
            answer = self.text(right, dropped)
            option = next((o for o in options if o["text"] == answer), None)
            if option is None:
                option = {"id": letter_id(len(options), "o"), "text": answer}
                options.append(option)
            if left.strip():
                items.append({"id": letter_id(len(items), "i"), "text": self.text(left, dropped),
                              "match": option["id"]})
        data.update(type="matching", items=items, options=options)
        return "matching"

    def numeric(self, line: int, body: str, data: dict[str, Any], notes: list[str]) -> str | None:
        first = _split(body, "=~")
        value = first[0][1] if first[0][1].strip() else (first[1][1] if len(first) > 1 else "")
        if len([mark for mark, _text in first if mark == "="]) > 1:
            notes.append("several numeric answers: the first is kept")
        value = re.sub(r"^%\d+(?:\.\d+)?%", "", value.strip())
        value = value.split("#", 1)[0].strip().lstrip("#")
        try:
            if ".." in value:
                low, high = (float(part) for part in value.split("..", 1))
                data.update(type="numeric", min=low, max=high)
            else:
                number, _colon, tolerance = value.partition(":")
                data.update(type="numeric", answer=float(number), tolerance=float(tolerance or 0))
        except ValueError:
            self.parsed.problem(line, f"'{value}' is not a number, 'number:tolerance' or 'low..high'")
            return None
        return "numeric"


def parse_gift(text: str, path: str, language: str) -> ParsedFile:
    """The questions of a GIFT file; problems name the line each question starts on."""
    parsed = ParsedFile(path)
    reader = _Reader(parsed, language)
    block: list[str] = []
    start, meta = 0, {}
    pending: dict[str, list[str]] = {}

    def flush() -> None:
        nonlocal block, meta
        body = "\n".join(block).strip()
        if body:
            question = reader.question(start, body, meta)
            if question is not None:
                parsed.questions.append(question)
        block, meta = [], {}

    depth = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        if stripped.startswith("//"):  # a comment line, anywhere (Moodle drops them inside questions too)
            if depth == 0 and not block:
                for key, value in _META.findall(stripped):
                    pending.setdefault(key, []).append(value.strip())
            continue
        if depth == 0 and stripped.startswith("$CATEGORY:"):
            parsed.category(number, stripped.removeprefix("$CATEGORY:"))
            continue
        if not stripped and depth == 0:
            flush()
            continue
        if not block:
            start, meta, pending = number, pending, {}
        block.append(raw)
        depth = max(0, depth + _count_braces(raw))
    if depth:
        parsed.problem(start, "the answer block is not closed with '}'")
        return parsed
    flush()
    return parsed


def _count_braces(line: str) -> int:
    return sum(+1 if mark == "{" else -1 for mark, _text in _split(line, "{}")[1:])


# -- writing -----------------------------------------------------------------------------------------------


def _escape(text: str) -> str:
    return re.sub(r"([~=#{}:\\])", r"\\\1", text).replace("\n", "\\n")


def _text(texts: dict[str, str]) -> str:
    """Every language in one HTML text (multilang spans)."""
    return "[html]" + _escape(join_languages(texts))


def _feedback(texts: dict[str, str] | None) -> str:
    return f" #{_text(texts)}" if texts else ""


def write_gift(questions: list[dict[str, Any]]) -> tuple[str, list[str]]:
    """A GIFT file of the questions GIFT can carry, and a note for each one or each feature it cannot."""
    blocks, notes = [], []
    for question in questions:
        kind, qid = question["type"], question["id"]
        meta = f"// [id:{qid}]" + "".join(f" [tag:{tag}]" for tag in question.get("tags", []))
        head = f"::{_escape(qid)}::{_text(question['prompt'])}"
        if kind in ("single_choice", "multiple_choice"):
            right = sum(1 for choice in question["choices"] if choice.get("correct"))
            lines = []
            for choice in question["choices"]:
                if kind == "single_choice":
                    mark = "=" if choice.get("correct") else "~"
                else:  # right choices share the points; wrong ones cost them only under right_minus_wrong
                    penalty = -100 if question.get("partial_credit") == "right_minus_wrong" else 0
                    mark = f"~%{round(100 / right, 5):g}%" if choice.get("correct") else f"~%{penalty}%"
                lines.append(f"    {mark}{_text(choice['text'])}{_feedback(choice.get('feedback'))}")
            body = "\n".join(lines)
        elif kind == "true_false":
            body = "    TRUE" if question["answer"] else "    FALSE"
        elif kind == "short_text":
            body = "\n".join(f"    =[plain]{_escape(answer)}" for answer in question["accepted"])
        elif kind == "numeric":
            body = (f"    #{number_text(question['min'])}..{number_text(question['max'])}"
                    if question.get("min") is not None
                    else f"    #{number_text(question['answer'])}:{number_text(question.get('tolerance', 0))}")
        elif kind == "matching":
            options = {option["id"]: option["text"] for option in question["options"]}
            used = {item["match"] for item in question["items"]}
            body = "\n".join([f"    ={_text(item['text'])} -> {_text(options[item['match']])}"
                              for item in question["items"]]
                             + [f"    = -> {_text(text)}" for oid, text in options.items() if oid not in used])
        else:
            notes.append(f"{qid}: a {kind} question cannot be written in GIFT; left out")
            continue
        if question.get("points", 1) != 1:
            notes.append(f"{qid}: GIFT has no points; it weighs {question['points']:g} here")
        blocks.append(f"{meta}\n{head}{{\n{body}\n    ####{_text(question['explanation'])}\n}}")
    return "\n\n".join(blocks) + "\n", notes
