"""The cells of the trainer dashboard's two grids, built in Python.

Two hundred learners by a dozen modules and ten quizzes are four thousand cells: most of the page. A template
loop costs several times more per cell than joining strings prepared once per page, so the view hands the
template these two callables; what each cell says (its label, glyph and number) is decided here, once.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import gettext as _
from markupsafe import Markup

from course.formatting import number
from course.learn.queries import Status

_PROGRESS_CELL = Markup('<td class="cell-{status}" title="{label}"><span aria-hidden="true">{glyph}</span>'
                        '<span class="visually-hidden">{label}</span></td>')
_QUIZ_CELL = Markup('<td class="{css}">{best} ({attempts})<span class="visually-hidden"> {verdict}</span></td>')
_NO_QUIZ_CELL = Markup("<td>—</td>")


class DashboardCells:
    """Made per request (the labels are in the reader's language)."""

    def __init__(self) -> None:
        self._status = {status: _PROGRESS_CELL.format(status=status.value, label=status.label, glyph=status.glyph)
                        for status in Status}
        self._passed, self._not_passed = _("passed"), _("not passed")

    def progress(self, statuses: Iterable[Status]) -> Markup:
        return Markup("").join(self._status[status] for status in statuses)

    def quizzes(self, cells: Iterable) -> Markup:
        return Markup("").join(
            _QUIZ_CELL.format(css="cell-passed" if cell.passed else "cell-failed", best=number(cell.best),
                              attempts=cell.attempts, verdict=self._passed if cell.passed else self._not_passed)
            if cell.attempts else _NO_QUIZ_CELL for cell in cells)
