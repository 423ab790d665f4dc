"""components.text: what the page writes for Markdown elements shows the text as typed."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from components.text import code, literal, literal_rows


def unescaped(markdown: str) -> str:
    """A backslash escape shows the character after it (CommonMark); a hard break is a line break."""
    return re.sub(r"\\(.)", r"\1", markdown.replace("  \n", "\n"))


def test_maths_emphasis_links_and_directives_are_escaped():
    assert literal("'$x' contains '$'") == r"'\$x' contains '\$'"
    assert literal("a_b*c* [x](y) :red[z] <b>") == r"a\_b\*c\* \[x\](y) \:red\[z\] \<b\>"
    assert literal("C:\\temp") == r"C\:\\temp"


def test_ordinary_text_is_left_as_it_is():
    for text in ("CustomerEndpoint.Address", "Attributes.loyalty", "one (Maria)", "a: b", "3 + 4 - 5"):
        assert literal(text) == text


def test_line_starts_that_would_make_lists_or_headings_are_escaped():
    assert literal("+15555550100 · one profile") == r"\+15555550100 · one profile"
    assert literal("# not a heading\n- not a bullet\n1. not an item") == \
        "\\# not a heading  \n\\- not a bullet  \n1\\. not an item"


@given(st.text(max_size=60))
def test_literal_shows_every_character(text):
    assert unescaped(literal(text)) == text


def test_code_spans_hold_backticks_and_keep_one_line():
    assert code("$.Attributes.a") == "`$.Attributes.a`"
    assert code("a`b") == "``a`b``"
    assert code("`x") == "`` `x ``"
    assert code("two\nlines") == "`two lines`"
    assert code("") == "` `"


def test_table_rows_are_escaped_cell_by_cell():
    rows = literal_rows([{"Attribute": "$.Customer.Attributes.tier", "Value": "$5 or $6", "n": 3}])
    assert rows == [{"Attribute": r"\$.Customer.Attributes.tier", "Value": r"\$5 or \$6", "n": 3}]
