"""Small cells withheld from donor tables, on screen and in exports: no one identifiable from a figure.

A cell that describes one to four people ("2 female judges in Balkan") points at people a reader may know, so it
is shown as ``<5``. Withholding it alone is not enough where the row's total is shown: the total minus the
other cells would give it back, so the smallest other non-empty cell of the row is withheld too, shown as ``*``
(the statistical offices' "secondary suppression"). A row whose total is under five shows no breakdown at all.
Zeros describe no one and are shown.
"""

from __future__ import annotations

from collections.abc import Sequence

from flask_babel import gettext

#: The fewest people a published cell may describe.
SMALL_CELL = 5
#: A cell describing fewer than SMALL_CELL people.
FEWER = f"<{SMALL_CELL}"
#: A cell withheld because, with the total, it would reveal a FEWER cell.
WITHHELD = "*"

Shown = int | str


def withheld(total: int, parts: Sequence[int]) -> tuple[Shown, list[Shown]]:
    """A total and its breakdown as a published table may show them."""
    if 0 < total < SMALL_CELL:
        return FEWER, [WITHHELD] * len(parts)
    shown: list[Shown] = [FEWER if 0 < part < SMALL_CELL else part for part in parts]
    small = [index for index, part in enumerate(parts) if 0 < part < SMALL_CELL]
    if len(small) == 1:
        others = [index for index, part in enumerate(parts) if index not in small and part > 0]
        if others:
            shown[min(others, key=lambda index: parts[index])] = WITHHELD
    return total, shown


def is_small(count: int) -> bool:
    return 0 < count < SMALL_CELL


def note() -> str:
    """What the marks mean, under every table that may carry them and at the end of every export."""
    return gettext("%(fewer)s: fewer than %(num)d people, withheld so that no one can be identified; "
                   "%(withheld)s: withheld because, with the total, it would reveal such a figure.",
                   fewer=FEWER, num=SMALL_CELL, withheld=WITHHELD)
