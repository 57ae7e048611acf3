"""Aiken, the simplest of Moodle's formats: single-choice questions, one block each.

A block is the question (one or more lines), then its choices, each on a line starting with a capital letter and
``.`` or ``)`` (``A) Palermo``), then ``ANSWER: B``. Nothing else fits in Aiken: no feedback, no explanation (the
importer asks for one), no name.
"""

from __future__ import annotations

import re

from course.questions.bank import Parsed, ParsedFile, letter_id

_CHOICE = re.compile(r"^([A-Z])[.)]\s+(.*)$")
_ANSWER = re.compile(r"^ANSWER:\s*([A-Z])\s*$")


def parse_aiken(text: str, path: str, language: str) -> ParsedFile:
    parsed = ParsedFile(path)
    prompt: list[str] = []
    choices: list[tuple[str, str]] = []
    start = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            if prompt and not choices:
                prompt.append("")  # a paragraph break in a long question
            continue
        if not prompt:
            start = number
        if answer := _ANSWER.match(line):
            letters = [letter for letter, _text in choices]
            if len(choices) < 2:  # noqa: PLR2004
                parsed.problem(start, "a question needs at least two choices ('A) ...', 'B) ...') before ANSWER:")
            elif answer.group(1) not in letters:
                parsed.problem(number, f"ANSWER: {answer.group(1)} names no choice (the choices are "
                                       f"{', '.join(letters)})")
            else:
                parsed.questions.append(Parsed(start, "", {
                    "id": "", "type": "single_choice",
                    "prompt": {language: "\n".join(prompt).strip()},
                    "choices": [{"id": letter_id(index), "text": {language: choice.strip()},
                                 "correct": letter == answer.group(1)}
                                for index, (letter, choice) in enumerate(choices)],
                }))
            prompt, choices = [], []
        elif (choice := _CHOICE.match(line)) and prompt:
            choices.append((choice.group(1), choice.group(2)))
        elif choices:
            parsed.problem(number, "a line after the choices that is neither a choice nor 'ANSWER: X'")
            prompt, choices = [], []
        else:
            prompt.append(line)
    if prompt:
        parsed.problem(start, "the last question has no 'ANSWER: X' line")
    return parsed
