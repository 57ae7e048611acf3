"""Problems found in content files, reported the way an author can act on them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one content file."""

    path: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.field or '(file)'}: {self.message}"


class ContentInvalid(Exception):
    """Raised by sync when the content has problems; nothing was written."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problem(s) in the content")
        self.problems = problems


def display_path(path: Path, root: Path) -> str:
    """Show paths relative to the content folder, as authors know them."""
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def field_name(loc: tuple) -> str:
    """``('questions', 2, 'text')`` becomes ``questions[2].text``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out
