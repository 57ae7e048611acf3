"""What any request may carry, checked once at the door: every route and form gets a clear 4xx for input no
database or page can hold, instead of an error deep inside.

- **Ids in URLs** beyond what the database's integer columns hold (``/attempts/2147483648``): PostgreSQL
  refuses to compare them, so the ``int`` converter of every route ends at 2**31 - 1 and a larger number is a
  plain 404, like any id that does not exist.
- **NUL characters** anywhere in the query string or a form: PostgreSQL cannot store them in text, and no
  person types one. The request is refused (400) with a message that says so.
- **Unpaired UTF-16 surrogates** (from a JSON ``"\\ud800"`` escape, or a form field built by a script): Python
  holds them, but they cannot be written out as UTF-8, so a page showing one fails for good. Refused the same.
- **JSON bodies** are measured on the raw text before decoding (deep nesting would exhaust Python's
  recursion): the quiz page's autosave reads at most ``JSON_MAX_BYTES``, every JSON body (Flask-WTF reads one
  as a form's data) at most ``JSON_MAX_DEPTH`` levels, and a NUL or a surrogate in a value is refused there too.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterable
from typing import Any

from flask import Flask, request
from flask.json.provider import DefaultJSONProvider
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter

#: The largest value of PostgreSQL's (and the schema's) ``integer``.
LARGEST_ID = 2**31 - 1
#: Autosave bodies hold one question's fields; a few kilobytes at most.
JSON_MAX_BYTES = 64 * 1024
JSON_MAX_DEPTH = 8

#: A NUL, or a surrogate code point that is not half of a valid pair (Python strings never hold valid pairs).
UNWRITABLE = re.compile("[\x00\ud800-\udfff]")


class UnreadableInput(BadRequest):
    """A 400 whose page says what was wrong with the input."""

    def __init__(self, message: Any) -> None:
        super().__init__(description=str(message))
        self.message = message


NUL_OR_BROKEN = _l("The request contains a character that cannot be stored (a NUL, or half of a UTF-16 pair). "
                   "Remove it and try again.")


class DatabaseId(IntegerConverter):
    """``<int:...>`` in every route: a non-negative integer the database can hold, else 404."""

    def __init__(self, url_map, fixed_digits: int = 0, min: int | None = None,  # noqa: A002  (werkzeug's names)
                 max: int | None = LARGEST_ID, signed: bool = False) -> None:  # noqa: A002
        super().__init__(url_map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def has_unwritable(values: Iterable[str]) -> bool:
    return any(UNWRITABLE.search(value) for value in values)


def database_id(value: object) -> int | None:
    """A form or query value as a record id, or None when it cannot be one (not digits, or out of range)."""
    if not isinstance(value, str) or not value.isascii() or not value.isdigit() or len(value) > 10:
        return None
    number = int(value)
    return number if 0 < number <= LARGEST_ID else None


def _texts() -> Iterable[str]:
    for source in (request.args, request.form):
        for key, values in source.lists():
            yield key
            yield from (value for value in values if isinstance(value, str))
    for value in (request.view_args or {}).values():
        if isinstance(value, str):
            yield value


def refuse_unwritable_input() -> None:
    if has_unwritable(_texts()):
        raise UnreadableInput(NUL_OR_BROKEN)


_STRING_LITERAL = re.compile(r'"(?:[^"\\]|\\.)*"')
_NOT_A_BRACKET = re.compile(r"[^\[\]{}]+")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


def json_depth(text: str) -> int:
    """The deepest nesting of arrays and objects in a JSON text, found without decoding it (regular expressions
    drop the strings and everything but brackets, so a bundle of megabytes is measured at C speed)."""
    brackets = _NOT_A_BRACKET.sub("", _STRING_LITERAL.sub("", text))
    return max(itertools.accumulate(_STEP[char] for char in brackets), default=0)


class JSONTooDeep(ValueError):
    """Raised by ``loads`` for nesting beyond the limit: a ValueError, like any JSON that cannot be read."""


def loads(data: bytes | str, max_depth: int = JSON_MAX_DEPTH) -> Any:
    """``json.loads`` for text from outside: nesting is measured first, so a body of ten thousand brackets is
    refused instead of exhausting Python's recursion."""
    text = data.decode("utf-8") if isinstance(data, bytes) else data
    if json_depth(text) > max_depth:
        raise JSONTooDeep(f"JSON nested deeper than {max_depth} levels")
    return json.loads(text)


def _strings(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _strings(item)


def json_body() -> Any:
    """The request's JSON body, or ``UnreadableInput`` with the reason: too large, too deep, not JSON, or
    holding a character that cannot be stored."""
    if (request.content_length or 0) > JSON_MAX_BYTES:
        raise UnreadableInput(_l("The answer is too long to save."))
    raw = request.get_data(cache=True)
    if len(raw) > JSON_MAX_BYTES:
        raise UnreadableInput(_l("The answer is too long to save."))
    try:
        value = loads(raw)
    except ValueError:  # also UnicodeDecodeError and JSONTooDeep
        raise UnreadableInput(_l("The answer could not be read.")) from None
    if has_unwritable(_strings(value)):
        raise UnreadableInput(NUL_OR_BROKEN)
    return value


class BoundedJSON(DefaultJSONProvider):
    """Every JSON body the application decodes (``request.get_json``, and Flask-WTF, which reads a JSON body as
    a form's data) is measured before it is decoded and refused when it holds what the database cannot store.
    A refusal is a ValueError, which Werkzeug turns into a 400."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        value = loads(s)
        if has_unwritable(_strings(value)):
            raise ValueError("JSON holding a NUL or an unpaired surrogate")
        return value


def register(app: Flask) -> None:
    app.url_map.converters["int"] = DatabaseId
    app.json = BoundedJSON(app)
    app.before_request(refuse_unwritable_input)
