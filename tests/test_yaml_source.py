"""YAML reading keeps line numbers and refuses what PyYAML would silently accept."""

import pytest

from course.content.yaml_source import YamlError, read_yaml


def test_line_numbers_follow_nested_keys_and_list_items(tmp_path):
    path = tmp_path / "x.yaml"
    path.write_text("id: a\nquestions:\n  - id: q1\n    type: single_choice\n  - id: q2\n")
    data, lines = read_yaml(path)
    assert data["questions"][1]["id"] == "q2"
    assert lines.line_for(("questions", 0, "type")) == 4
    assert lines.line_for(("questions", 1)) == 5
    # an unknown deeper path falls back to its nearest known ancestor
    assert lines.line_for(("questions", 1, "choices", 3)) == 5


def test_duplicate_keys_are_refused_with_both_lines(tmp_path):
    path = tmp_path / "x.yaml"
    path.write_text("id: a\ntitle: one\ntitle: two\n")
    with pytest.raises(YamlError) as error:
        read_yaml(path)
    assert error.value.line == 3
    assert "first on line 2" in error.value.message


def test_syntax_errors_report_their_line(tmp_path):
    path = tmp_path / "x.yaml"
    path.write_text("id: a\ntitle: [unclosed\nmore: x\n")
    with pytest.raises(YamlError) as error:
        read_yaml(path)
    assert error.value.line is not None and error.value.line >= 2
    assert error.value.message.startswith("not valid YAML")


def test_non_utf8_files_are_refused_clearly(tmp_path):
    path = tmp_path / "x.yaml"
    path.write_bytes("id: ä".encode("latin-1"))
    with pytest.raises(YamlError, match="UTF-8"):
        read_yaml(path)
