"""YAML reading that remembers where each value came from.

Authors need ``quizzes/x.yaml:42: questions[3].type: ...``, not a traceback,
so the loader keeps a map from each value's path to its line. It also refuses
duplicate keys, which plain PyYAML silently lets the last one win.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

Loc = tuple[str | int, ...]


class YamlError(Exception):
    """A file that is not valid YAML, or a mapping with a repeated key."""

    def __init__(self, message: str, line: int | None, field: str = ""):
        super().__init__(message)
        self.message = message
        self.line = line
        self.field = field


@dataclass
class LineMap:
    """Line numbers (1-based) of values by their path in the document."""

    lines: dict[Loc, int] = field(default_factory=dict)

    def line_for(self, loc: Loc) -> int | None:
        """The line of ``loc``, or of its nearest ancestor that has one."""
        loc = tuple(part for part in loc if isinstance(part, (str, int)))
        while loc:
            if loc in self.lines:
                return self.lines[loc]
            loc = loc[:-1]
        return self.lines.get((), 1)


def _walk(node: yaml.Node, loc: Loc, lines: dict[Loc, int]) -> None:
    if isinstance(node, yaml.MappingNode):
        seen: dict[Any, int] = {}
        for key_node, value_node in node.value:
            key = key_node.value
            line = key_node.start_mark.line + 1
            if key in seen:
                raise YamlError(
                    f"the key '{key}' appears twice in the same block (first on line {seen[key]})",
                    line,
                )
            seen[key] = line
            lines[(*loc, key)] = line
            _walk(value_node, (*loc, key), lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            lines[(*loc, index)] = item.start_mark.line + 1
            _walk(item, (*loc, index), lines)


#: libyaml's parser where PyYAML was built with it (its wheels are), the pure-Python one otherwise: the same
#: safe constructors either way, and twenty times faster for a course's few hundred files.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(path: Path) -> tuple[Any, LineMap]:
    """Parse ``path`` safely and return the data with its line map.

    :raises YamlError: with the line of the syntax error or repeated key.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise YamlError("the file is not UTF-8 text; save it as UTF-8", None) from exc
    loader = _LOADER(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = exc.problem or "not valid YAML"
        raise YamlError(f"not valid YAML: {problem} (check indentation and quotes)", line) from exc
    except yaml.YAMLError as exc:
        raise YamlError(f"not valid YAML: {exc}", None) from exc
    finally:
        loader.dispose()
    lines: dict[Loc, int] = {(): 1}
    if node is not None:
        _walk(node, (), lines)
    return data, LineMap(lines)
