"""Classes of layout defect ruled out in every template, not only on the pages a browser test visits."""

from __future__ import annotations

import re

import pytest

from tests.conftest import PROJECT_ROOT

TEMPLATES = PROJECT_ROOT / "templates"


def _templates() -> list:
    return sorted(TEMPLATES.rglob("*.html"))


@pytest.mark.parametrize("path", _templates(), ids=lambda path: str(path.relative_to(TEMPLATES)))
def test_no_template_asks_the_browser_for_its_own_date_format(path):
    """A native date input shows mm/dd/yyyy on an American-set browser: dates are typed as text and read by
    course.days, or chosen from a list of days spelt out."""
    assert not re.search(r"""type=["']?(date|datetime-local)\b""", path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", _templates(), ids=lambda path: str(path.relative_to(TEMPLATES)))
def test_every_table_sits_in_a_scroll_box(path):
    """A table wider than a phone scrolls inside its card (.grid-wrap) instead of widening the whole page."""
    text = path.read_text(encoding="utf-8")
    for table in re.finditer(r"<table\b", text):
        line = text.count("\n", 0, table.start()) + 1
        assert text[:table.start()].rstrip().endswith('<div class="grid-wrap">'), f"{path.name}:{line}"
