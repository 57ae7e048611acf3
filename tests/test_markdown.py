"""Markdown rendering is safe, and module text splits into sections as authors expect."""

from html.parser import HTMLParser

import pytest

from course.content.markdown import SectionSplitError, level_one_headings, render_markdown, split_sections


class _Elements(HTMLParser):
    """Collects the real elements and attributes of an HTML fragment (escaped text is not markup)."""

    def __init__(self, html: str):
        super().__init__()
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes += [(name, value or "") for name, value in attrs]


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        "[click](javascript:alert(1))",
        '<img src="x" onerror="alert(1)">',
        "[x](JaVaScRiPt:alert(1))",
        '<a href="javascript:alert(1)">x</a>',
        "<iframe src='https://evil.example'></iframe>",
        "[x](data:text/html;base64,PHNjcmlwdD4=)",
        "![img](javascript:alert(1))",
        "<div style='background:url(x)' onclick='alert(1)'>hi</div>",
    ],
)
def test_dangerous_markup_never_reaches_the_page(source):
    elements = _Elements(render_markdown(source))
    assert not {"script", "iframe", "img", "div", "style"} & set(elements.tags)
    for name, value in elements.attributes:
        assert not name.startswith("on"), name
        assert name != "style"
        assert not value.strip().lower().startswith(("javascript:", "data:")), value


def test_ordinary_markdown_survives_sanitising():
    html = render_markdown("**bold** and [a link](https://example.org)\n\n| a | b |\n| - | - |\n| 1 | 2 |\n\n> quote")
    assert "<strong>bold</strong>" in html
    assert 'href="https://example.org"' in html
    assert 'rel="noopener noreferrer"' in html
    assert "<table>" in html and "<td>1</td>" in html
    assert "<blockquote>" in html


def test_sections_split_at_level_two_headings_with_keys():
    sections = split_sections("## First {#one}\n\ntext\n\n## Act, means & purpose\n\nmore\n")
    assert [(s.key, s.title) for s in sections] == [("one", "First"), ("act-means-purpose", "Act, means & purpose")]
    assert sections[0].line == 1 and sections[1].line == 5
    assert "text" in sections[0].body and "more" in sections[1].body


def test_headings_inside_fenced_code_do_not_split():
    sections = split_sections("## Only\n\n```\n## not a heading\n```\n")
    assert len(sections) == 1
    assert "## not a heading" in sections[0].body


def test_text_before_the_first_heading_is_an_error_with_its_line():
    with pytest.raises(SectionSplitError) as error:
        split_sections("\nIntro text\n## First\n")
    assert error.value.line == 2


def test_translation_headings_pair_by_position_without_keys():
    sections = split_sections("## Согласие\n\nтекст\n", require_keys=False)
    assert sections[0].key == "" and sections[0].title == "Согласие"


def test_default_text_heading_without_latin_letters_needs_a_key():
    with pytest.raises(SectionSplitError, match="add one"):
        split_sections("## Согласие\n\nтекст\n")


def test_a_level_two_heading_is_kept_and_a_level_one_heading_is_found_for_the_check():
    """Trainer notes are written in '## ' parts (their session plan, their exercises): those reach the page as
    headings. A '# ' heading would collide with the page's title: the content check names its line."""
    elements = _Elements(render_markdown("## Session plan (60 minutes)\n\nText.\n\n# Stray title\n"))
    assert "h2" in elements.tags and "h1" not in elements.tags
    source = "# One\n\ntext\n\nTwo\n===\n\n```\n# a comment in code\n```\n\n## Three\n"
    assert level_one_headings(source) == [1, 5]
    assert level_one_headings("## Only parts\n\n### and their pieces\n") == []
