"""jsontext.py: spans of members and items, repeated keys with their paths, several values, style
detection, and minimal edits spliced into the original text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from profile_block.documents import jsontext
from profile_block.documents.jsontext import Edit, apply_edits, detect_style, same, value_edits

REAL_FLOWS = Path(__file__).parents[1] / "fixtures" / "real-flows"
TEXT = '{ "a" : 1,\n  "b": [true, {"c": "é"}],"d":{} }'


def test_members_and_items_give_exact_spans() -> None:
    found = jsontext.members(TEXT, 0)
    assert [m.key for m in found] == ["a", "b", "d"]
    for m in found:
        assert TEXT[m.key_start:m.key_end] == json.dumps(m.key)
        assert json.loads(TEXT[m.value_start:m.value_end]) == m.value
    b = found[1]
    assert [TEXT[i.start:i.end] for i in jsontext.items(TEXT, b.value_start)] == ["true", '{"c": "é"}']
    assert jsontext.members(TEXT, found[2].value_start) == []
    assert jsontext.items("[ ]", 0) == []


def test_member_is_the_last_of_a_repeated_key_as_json_loads_reads() -> None:
    text = '{"k": 1, "k": 2}'
    assert jsontext.member(text, 0, "k").value == json.loads(text)["k"] == 2
    assert jsontext.member(text, 0, "x") is None
    assert jsontext.member("[1]", 0, "k") is None


def test_repeated_keys_are_found_with_their_path_and_both_positions() -> None:
    text = ('{"Actions": [{"Identifier": "a"}, {"Parameters": {"ProfileRequestData": {},\n'
            '"ProfileRequestData": {"x": 1}}}],\n'
            ' "Metadata": {"ActionMetadata": {"e7b5-1": {}, "e7b5-1": {}}}}')
    value, repeated = jsontext.has_duplicate_keys(text)
    assert repeated and value["Actions"][1]["Parameters"]["ProfileRequestData"] == {"x": 1}
    found = jsontext.duplicate_keys(text)
    assert [(d.path, d.key) for d in found] == [
        ("Actions[1].Parameters", "ProfileRequestData"), ('Metadata.ActionMetadata', "e7b5-1")]
    message = found[0].message(text)
    assert "Actions[1].Parameters" in message and "line 1" in message and "line 2" in message
    assert jsontext.has_duplicate_keys('{"a": {"b": 1}, "b": 2}') == ({"a": {"b": 1}, "b": 2}, False)


def test_paths_bracket_keys_that_are_not_plain_names() -> None:
    assert jsontext.path_text(["Actions", 3, "Parameters"]) == "Actions[3].Parameters"
    assert jsontext.path_text(["Metadata", "ActionMetadata", "e7-b5"]) == 'Metadata.ActionMetadata["e7-b5"]'
    assert jsontext.path_text([]) == "(the document)"


def test_values_one_after_another_are_split_where_each_ends() -> None:
    text = (REAL_FLOWS / "17-aicc-complete-pattern-concatenated.json").read_text("utf-8")
    spans, bad = jsontext.split_values(text)
    assert len(spans) == 3 and bad is None
    assert [json.loads(text[a:b])["Identifier"] for a, b in spans] == [
        "get-profile", "associate-profile", "update-attrs"]
    assert jsontext.split_values('{"a": 1} nope') == ([(0, 8)], 9)


@pytest.mark.parametrize("text, indent, newline, key_sep, item_sep", [
    ('{\n  "a": [\n    1,\n    2\n  ]\n}\n', "  ", "\n", ": ", ", "),
    ('{\n    "a": 1\n}', "    ", "\n", ": ", ", "),
    ('{\n\t"a": {\n\t\t"b": 1\n\t}\n}', "\t", "\n", ": ", ", "),
    ('{\r\n  "a": 1,\r\n  "b": 2\r\n}\r\n', "  ", "\r\n", ": ", ", "),
    ('{"a":1,"b":[1,2]}', None, "\n", ":", ","),
    ('{"a": 1, "b": 2}\n', None, "\n", ": ", ", "),
    ('    {\n  "a": 1\n}\n', "  ", "\n", ": ", ", "),     # a heredoc's indented first line (real flow 08)
])
def test_style_is_detected(text: str, indent: str | None, newline: str, key_sep: str, item_sep: str) -> None:
    style = detect_style(text)
    assert (style.indent, style.newline, style.key_separator, style.item_separator) == (
        indent, newline, key_sep, item_sep)


def test_escaped_non_ascii_is_kept_as_escapes() -> None:
    assert detect_style('{"a": "caf\\u00e9"}').ensure_ascii
    assert not detect_style('{"a": "café"}').ensure_ascii
    assert not detect_style('{"a": "line\\n"}').ensure_ascii


def test_same_tells_numbers_booleans_and_key_order_apart() -> None:
    assert same({"a": [1, "x"]}, {"a": [1, "x"]})
    assert not same(1, 1.0) and not same(1, True) and not same(0, False)
    assert not same({"a": 1, "b": 2}, {"b": 2, "a": 1})


def edited(text: str, new: object) -> str:
    start, end = jsontext.root_span(text)
    return apply_edits(text, value_edits(text, start, end, new, detect_style(text)))


def test_an_unchanged_value_gives_no_edit() -> None:
    text = '{"a":  [1,2] , "b" : "x"}'
    assert value_edits(text, 0, len(text), json.loads(text), detect_style(text)) == []


def test_a_changed_member_is_the_only_text_that_changes() -> None:
    text = '{\n  "a":  [1,2] ,\n  "b" : "x",\n  "c": {"d": 1}\n}\n'
    assert edited(text, {"a": [1, 2], "b": "y", "c": {"d": 1}}) == text.replace('"x"', '"y"')


def test_a_rewritten_value_follows_the_document_indentation() -> None:
    text = '{\n    "a": {\n        "old": 1\n    },\n    "z": 0\n}'
    assert edited(text, {"a": {"new": [1, 2]}, "z": 0}) == (
        '{\n    "a": {\n        "new": [\n            1,\n            2\n        ]\n    },\n    "z": 0\n}')


def test_crlf_and_tabs_are_kept_in_rewritten_values() -> None:
    text = '{\r\n\t"a": {\r\n\t\t"old": 1\r\n\t}\r\n}\r\n'
    out = edited(text, {"a": {"x": 1, "y": 2}})
    assert out == '{\r\n\t"a": {\r\n\t\t"x": 1,\r\n\t\t"y": 2\r\n\t}\r\n}\r\n'


def test_one_line_objects_stay_on_one_line_with_their_own_separators() -> None:
    text = '{\n  "e": {"ErrorType": "A", "NextAction": "x"},\n  "m": {"k":1}\n}'
    out = edited(text, {"e": {"ErrorType": "A", "NextAction": "y", "More": 1}, "m": {"k": 2, "j": 3}})
    assert out == '{\n  "e": {"ErrorType": "A", "NextAction": "y", "More": 1},\n  "m": {"k":2,"j":3}\n}'


def test_a_minified_document_gets_minified_values() -> None:
    text = '{"a":{"b":[1]},"c":2}'
    new = {"a": {"b": [1, 2], "n": {"x": None}}, "c": 2}
    assert edited(text, new) == '{"a":{"b":[1,2],"n":{"x":null}},"c":2}'


def test_overlapping_edits_are_refused() -> None:
    with pytest.raises(ValueError, match="overlapping"):
        apply_edits("abcdef", [Edit(0, 3, "x"), Edit(2, 4, "y")])
    assert apply_edits("abcdef", [Edit(4, 5, "E"), Edit(0, 1, "A")]) == "AbcdEf"


def test_line_indent_and_where() -> None:
    text = 'x\n    {"a": 1}'
    pos = text.index("{")
    assert jsontext.line_indent(text, pos) == "    " and jsontext.where(text, pos) == "line 2, column 5"
