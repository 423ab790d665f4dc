"""components.json_view.json_tokens: the pieces put back together are exactly the text, and each
piece has the kind the view colours it by."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from components.json_view import KEY, LITERAL, NUMBER, PLAIN, PUNCT, STRING, json_tokens

REAL_FLOWS = Path(__file__).resolve().parents[1] / "fixtures" / "real-flows"

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20)


def joined(text: str) -> str:
    return "".join(piece for _kind, piece in json_tokens(text))


def test_kinds_of_a_small_document():
    text = '{\n  "a\\"b": "x:y",\n  "n": -1.5e3,\n  "t": [true, null]\n}'
    assert json_tokens(text) == [
        [PUNCT, "{"], [PLAIN, "\n  "], [KEY, '"a\\"b"'], [PUNCT, ":"], [PLAIN, " "], [STRING, '"x:y"'],
        [PUNCT, ","], [PLAIN, "\n  "], [KEY, '"n"'], [PUNCT, ":"], [PLAIN, " "], [NUMBER, "-1.5e3"],
        [PUNCT, ","], [PLAIN, "\n  "], [KEY, '"t"'], [PUNCT, ":"], [PLAIN, " "], [PUNCT, "["],
        [LITERAL, "true"], [PUNCT, ","], [PLAIN, " "], [LITERAL, "null"], [PUNCT, "]"], [PLAIN, "\n"],
        [PUNCT, "}"]]


def test_a_key_with_space_before_its_colon_keeps_the_space():
    assert json_tokens('{"k" : 1}') == [[PUNCT, "{"], [KEY, '"k"'], [PLAIN, " "], [PUNCT, ":"],
                                        [PLAIN, " "], [NUMBER, "1"], [PUNCT, "}"]]


def test_markup_is_a_string_like_any_other():
    text = json.dumps({"v": "<img src=x onerror=alert(1)>"})
    assert [STRING, '"<img src=x onerror=alert(1)>"'] in json_tokens(text)


def test_text_that_is_not_json_comes_back_whole():
    for text in ["", "plain words", 'an "unclosed string', "{{]]", "\\", "\n\n", "truex 12abc"]:
        assert joined(text) == text


@settings(max_examples=300, deadline=None)
@given(json_values, st.sampled_from([None, 2]))
def test_any_json_comes_back_exactly(value, indent):
    text = json.dumps(value, indent=indent, ensure_ascii=False)
    assert joined(text) == text


def test_every_public_flow_comes_back_exactly():
    flows = sorted(REAL_FLOWS.rglob("*.json"))
    assert flows, "the public flows are missing"
    for path in flows:
        text = path.read_text(encoding="utf-8", errors="surrogateescape")
        assert joined(text) == text, path.name
