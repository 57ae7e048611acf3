"""What changed between two versions of a content item, part by part, as a reviewer reads it."""

from __future__ import annotations

import difflib
import enum
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from course.review.parts import Part


class Change(enum.StrEnum):
    NEW = "new"
    CHANGED = "changed"
    UNCHANGED = "unchanged"
    REMOVED = "removed"

    @property
    def label(self) -> str:
        return str(_CHANGE_LABELS[self])


_CHANGE_LABELS = {Change.NEW: _l("new"), Change.CHANGED: _l("changed"),
                  Change.UNCHANGED: _l("unchanged since sign-off"), Change.REMOVED: _l("removed")}
_LINE_CLASSES = {"+": "add", "-": "del", "@": "gap"}


@dataclass(frozen=True)
class DiffLine:
    #: " " kept, "+" added, "-" removed, "@" lines left out between two changes.
    op: str
    text: str

    @property
    def css(self) -> str:
        return _LINE_CLASSES.get(self.op, "same")

    @property
    def mark(self) -> str:
        """What the line starts with on screen: its op, or nothing for a gap."""
        return " " if self.op == "@" else self.op


@dataclass(frozen=True)
class PartChange:
    key: str
    label: str
    change: Change
    #: For a changed part: the changed lines with three lines of context; for a new part: all of it.
    lines: tuple[DiffLine, ...]

    @property
    def needs_review(self) -> bool:
        return self.change in (Change.NEW, Change.CHANGED)


def _changed_lines(old: str, new: str) -> tuple[DiffLine, ...]:
    lines = []
    for line in difflib.unified_diff(old.splitlines(), new.splitlines(), lineterm="", n=3):
        if line.startswith(("---", "+++")):
            continue
        if line.startswith("@@"):
            lines.append(DiffLine("@", "…"))
        else:
            lines.append(DiffLine(line[:1] or " ", line[1:]))
    return tuple(lines)


def compare(reviewed: list[Part] | None, current: list[Part]) -> list[PartChange]:
    """Each part of ``current`` against the last reviewed version (None: nothing was reviewed yet), then
    the parts that the current version no longer has."""
    before = {part.key: part for part in reviewed or []}
    changes = []
    for part in current:
        old = before.pop(part.key, None)
        if old is None:
            changes.append(PartChange(part.key, part.label, Change.NEW,
                                      tuple(DiffLine("+", line) for line in part.text.splitlines())))
        elif old.text == part.text:
            changes.append(PartChange(part.key, part.label, Change.UNCHANGED, ()))
        else:
            changes.append(PartChange(part.key, part.label, Change.CHANGED, _changed_lines(old.text, part.text)))
    changes += [PartChange(part.key, part.label, Change.REMOVED,
                           tuple(DiffLine("-", line) for line in part.text.splitlines()))
                for part in before.values()]
    return changes
