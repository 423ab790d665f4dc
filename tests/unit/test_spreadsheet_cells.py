"""studio_files.spreadsheet_cells: cells a spreadsheet would run get a leading quote; phone
numbers and plain numbers stay exactly; restore undoes it for any text."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from studio_files.spreadsheet_cells import FORMULA_STARTS, neutralise, restore, runs_as_formula


@pytest.mark.parametrize("text", [
    '=HYPERLINK("http://x.example/","x")', "=1+1", "@SUM(A1)", "+HYPERLINK(\"x\")",
    "-2+3+cmd|' /C calc'!A0", "\t=1", "\rx", " =1+1", "+A1", "-1+1", "+1e3",
])
def test_formulas_get_a_leading_quote(text):
    assert neutralise(text) == "'" + text
    assert runs_as_formula(text)


@pytest.mark.parametrize("text", [
    "+15555550100", "-3.5", "+1 (555) 555-0100", "-", "42", "maria", "A-1001", "a=b", "", "'abc",
    "x@example.com", "O'Brien",
])
def test_phone_numbers_numbers_and_plain_text_stay_exactly(text):
    assert neutralise(text) == text


def test_a_quote_before_a_formula_gets_one_more_so_it_reads_back():
    assert neutralise("'=x") == "''=x"
    assert restore("''=x") == "'=x"
    assert restore("'=x") == "=x"


@given(st.text())
@example("'")
@example("''=x")
@example(" +1a")
def test_restore_undoes_neutralise_for_any_text(text):
    assert restore(neutralise(text)) == text


@given(st.sampled_from(FORMULA_STARTS), st.text())
def test_no_cell_a_spreadsheet_would_run_is_written_as_it_is(start, rest):
    cell = neutralise(start + rest)
    assert not runs_as_formula(cell)


@given(st.from_regex(r"\A\+[1-9][0-9]{6,14}\Z"))
def test_e164_phone_numbers_are_never_changed(phone):
    assert neutralise(phone) == phone
