"""Server-side SVG charts: valid XML, accessible names, proportional bars, escaping, CSP-safe markup."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from defusedxml.ElementTree import fromstring
from markupsafe import Markup

from course.reports.charts import Bar, bar_chart, column_chart

NS = "{http://www.w3.org/2000/svg}"


def parse(svg: Markup | str) -> ET.Element:
    """Parse as strict XML (defusedxml wraps ``xml.etree.ElementTree.fromstring``); charts return Markup."""
    assert isinstance(svg, Markup | str)
    return fromstring(str(svg))


def rects(root: ET.Element) -> list[ET.Element]:
    return root.findall(f".//{NS}rect")


def texts(root: ET.Element, cls: str) -> list[ET.Element]:
    return [t for t in root.iter(f"{NS}text") if t.get("class") == cls]


def shown(element: ET.Element) -> str:
    """The visible text of a <text>, without its tooltip <title>; the lines of a wrapped label joined."""
    spans = element.findall(f"{NS}tspan")
    if spans:
        return " ".join(span.text or "" for span in spans)
    return (element.text or "") + "".join(child.tail or "" for child in element)


def zero_line(root: ET.Element) -> ET.Element:
    (line,) = [line for line in root.iter(f"{NS}line") if line.get("class") == "chart-axis"]
    return line


BARS = [Bar("Ashgabat", 100, "100 %"), Bar("Mary", 50, "50 %"), Bar("Dashoguz", None, "—")]


@pytest.mark.parametrize("chart", [bar_chart, column_chart])
def test_svg_is_xml_with_an_accessible_name(chart):
    svg = chart("Completion by cohort", BARS, chart_id="completion")
    assert isinstance(svg, Markup)
    root = parse(svg)
    assert root.tag == f"{NS}svg"
    assert root.get("role") == "img"
    assert root.get("class") == "chart"
    assert root.get("aria-labelledby") == "completion-title completion-desc"
    assert root.find(f"{NS}title").get("id") == "completion-title"
    assert root.find(f"{NS}title").text == "Completion by cohort"
    desc = root.find(f"{NS}desc")
    assert desc.get("id") == "completion-desc"
    assert desc.text == "Ashgabat: 100 %; Mary: 50 %; Dashoguz: —"
    assert root.get("viewBox").startswith("0 0 640 ")
    assert root.get("height") is None and root.get("width") in (None, "100%")


def test_one_rect_per_bar_with_a_value_and_widths_proportional():
    root = parse(bar_chart("Completion", BARS, chart_id="c"))
    full, half = rects(root)
    assert all(rect.get("class") == "chart-bar" and rect.get("fill") == "#1f5fa8" for rect in (full, half))
    assert abs(float(half.get("width")) - float(full.get("width")) / 2) <= 1
    assert [shown(t) for t in texts(root, "chart-value")] == ["100 %", "50 %", "—"]
    assert [shown(t) for t in texts(root, "chart-label")] == ["Ashgabat", "Mary", "Dashoguz"]


def test_max_value_sets_the_scale_and_clamps():
    root = parse(bar_chart("Score", [Bar("a", 25, "25"), Bar("b", 250, "250")], max_value=100, chart_id="s"))
    quarter, clamped = (float(rect.get("width")) for rect in rects(root))
    assert abs(quarter - clamped / 4) <= 1


def test_none_draws_no_bar_but_prints_the_display_text():
    root = parse(bar_chart("Gain", [Bar("No test yet", None, "n/a")], chart_id="g"))
    assert rects(root) == []
    assert [shown(t) for t in texts(root, "chart-value")] == ["n/a"]
    root = parse(bar_chart("Gain", [Bar("No test yet", None, "")], chart_id="g"))
    assert [shown(t) for t in texts(root, "chart-value")] == ["—"]


def test_all_values_zero_or_missing_does_not_divide_by_zero():
    root = parse(column_chart("Reach", [Bar("Jan", 0, "0"), Bar("Feb", None, "—")], chart_id="r"))
    (rect,) = rects(root)
    assert float(rect.get("height")) == 0


@pytest.mark.parametrize("chart", [bar_chart, column_chart])
def test_user_text_is_escaped(chart):
    evil = "<script>alert(1)</script>"
    svg = chart(evil, [Bar(evil, 1, evil), Bar('Tom & Jerry\'s "team"', 2, "2")], chart_id="x")
    assert "<script" not in str(svg)
    assert "&lt;script&gt;" in str(svg)
    root = parse(svg)
    assert root.find(f".//{NS}script") is None and root.find(".//script") is None
    assert root.find(f"{NS}title").text == evil
    assert shown(texts(root, "chart-label")[0]) == evil
    assert shown(texts(root, "chart-label")[1]) == 'Tom & Jerry\'s "team"'


def test_negative_values_draw_left_of_the_zero_line():
    bars = [Bar("Gained", 20, "+20"), Bar("Lost", -10, "−10")]
    root = parse(bar_chart("Knowledge gain", bars, chart_id="gain"))
    zero = float(zero_line(root).get("x1"))
    positive, negative = rects(root)
    assert float(positive.get("x")) == pytest.approx(zero)
    assert float(negative.get("x")) < zero
    assert float(negative.get("x")) + float(negative.get("width")) == pytest.approx(zero, abs=0.1)
    assert abs(float(negative.get("width")) - float(positive.get("width")) / 2) <= 1
    assert float(negative.get("x")) > 0


def test_negative_columns_hang_below_the_zero_line():
    root = parse(column_chart("Knowledge gain", [Bar("A", 20, "+20"), Bar("B", -10, "−10")], chart_id="gain"))
    zero = float(zero_line(root).get("y1"))
    up, down = rects(root)
    assert float(up.get("y")) + float(up.get("height")) == pytest.approx(zero, abs=0.1)
    assert float(down.get("y")) == pytest.approx(zero)


def test_a_long_label_wraps_onto_lines_and_only_a_very_long_one_is_cut():
    """Module names are read whole (issue 22: "wrapped, not cut"); past three lines the rest is a tooltip."""
    long = "Regional court of Lebap province, criminal chamber, second cohort"
    endless = "Qualifying concrete cases under Article 129-1: act, means, purpose, consent, children, " * 2
    root = parse(bar_chart("Completion", [Bar(long, 3, "3"), Bar("Short", 1, "1"), Bar(endless, 2, "2")],
                           chart_id="c"))
    whole, short, cut = texts(root, "chart-label")
    assert shown(whole) == long and whole.find(f"{NS}title") is None
    assert len(whole.findall(f"{NS}tspan")) == 3
    assert short.find(f"{NS}title") is None and shown(short) == "Short"
    assert shown(cut).endswith("…") and cut.find(f"{NS}title").text == endless.strip()
    assert len(cut.findall(f"{NS}tspan")) == 3
    rows = [float(r.get("y")) for r in rects(root)]
    assert rows == sorted(rows) and rows[1] - rows[0] > 28  # noqa: PLR2004  (a wrapped label gets a taller row)


def test_every_text_is_at_least_12_pixels_when_drawn_at_its_own_size():
    root = parse(bar_chart("t", BARS, chart_id="f"))
    assert root.get("font-size") == "12"
    assert all(float(t.get("font-size", "12")) >= 12 for t in root.iter(f"{NS}text"))


@pytest.mark.parametrize("chart", [bar_chart, column_chart])
def test_no_inline_styles_or_scripts(chart):
    svg = str(chart("Title", [*BARS, Bar("Negative", -5, "-5")] * 10, chart_id="csp"))
    assert "style=" not in svg
    assert "<script" not in svg and "javascript:" not in svg
    for element in parse(svg).iter():
        assert "style" not in element.attrib
        assert not any(name.startswith("on") for name in element.attrib)


def test_column_chart_with_24_months_keeps_every_label():
    columns = [Bar(f"Month {i:02d} of the programme", i, str(i)) for i in range(1, 25)]
    root = parse(column_chart("Cohorts per month", columns, chart_id="months"))
    assert len(rects(root)) == 24
    labels = texts(root, "chart-label")
    assert len(labels) == 24
    for label, column in zip(labels, columns, strict=True):
        tooltip = label.find(f"{NS}title")
        assert (tooltip.text if tooltip is not None else shown(label)) == column.label
        assert "rotate(" in label.get("transform", "")
    assert all(float(label.get("x")) > 0 for label in labels)
    heights = [float(rect.get("height")) for rect in rects(root)]
    assert heights == sorted(heights) and abs(heights[11] - heights[23] / 2) <= 1


def test_column_chart_with_many_columns_thins_labels():
    columns = [Bar(str(day), day, str(day)) for day in range(1, 61)]
    root = parse(column_chart("Sessions per day", columns, chart_id="days"))
    assert len(rects(root)) == 60
    assert 0 < len(texts(root, "chart-label")) < 60


def test_long_desc_is_truncated():
    bars = [Bar(f"Cohort {i}", i, str(i)) for i in range(40)]
    desc = parse(bar_chart("Completion", bars, chart_id="c")).find(f"{NS}desc").text
    assert desc.startswith("Cohort 0: 0; Cohort 1: 1;") and desc.endswith("; …")
    assert "Cohort 39" not in desc


@pytest.mark.parametrize("chart", [bar_chart, column_chart])
def test_empty_list_shows_the_empty_text(chart):
    root = parse(chart("Completion", [], chart_id="empty", empty_text="No cohorts yet <none>"))
    assert root.find(f"{NS}title").text == "Completion"
    assert root.find(f"{NS}desc").text == "No cohorts yet <none>"
    assert rects(root) == []
    assert [shown(t) for t in texts(root, "chart-empty")] == ["No cohorts yet <none>"]


def test_height_grows_with_the_number_of_bars():
    def height(count: int) -> float:
        svg = bar_chart("t", [Bar(str(i), i, str(i)) for i in range(count)], chart_id="h")
        return float(parse(svg).get("viewBox").split()[3])

    assert height(2) < height(4) < height(8)


@pytest.mark.parametrize("chart_id", ["", "two words", '"><script>', "1st"])
def test_chart_id_must_be_a_plain_identifier(chart_id):
    with pytest.raises(ValueError, match="chart_id"):
        bar_chart("t", BARS, chart_id=chart_id)
