"""Batch CSVs meant for spreadsheets (results, the page's downloads, templates) never hold a
cell a spreadsheet would run, keep phone numbers exactly, and read back as the values they show."""

from __future__ import annotations

import csv
import io

from hypothesis import given
from hypothesis import strategies as st

from profile_block.running.batch_csv import (
    ContactsReader,
    csv_text,
    csv_writer,
    template_csv,
    text_lines,
)
from studio_files.spreadsheet_cells import runs_as_formula
from tests.unit.helpers import valid_block

PHONE = "CustomerEndpoint.Address"
HYPERLINK = '=HYPERLINK("http://x.example/","x")'
cells = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)


def parsed(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def test_a_formula_contact_id_is_neutralised_and_the_phone_number_is_not():
    text = csv_text(["id", PHONE, "branch"], [[HYPERLINK, "+15555550100", "Success"]])
    assert parsed(text)[1] == ["'" + HYPERLINK, "+15555550100", "Success"]


@given(st.lists(st.lists(cells, min_size=3, max_size=3), min_size=1, max_size=5))
def test_no_downloaded_cell_would_run_and_each_reads_back_as_written(rows):
    text = csv_text(["id", PHONE, "Attributes.note"], rows)
    back = parsed(text)[1:]
    assert not any(runs_as_formula(cell) for row in back for cell in row)
    reader = ContactsReader(text_lines(text), valid_block())
    assert [list(contact.cells) for contact in reader] == rows


@given(st.lists(st.lists(cells, min_size=2, max_size=2), min_size=1, max_size=5))
def test_the_streamed_results_are_the_download_byte_for_byte(rows):
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow(["id", PHONE])
    writer.writerows(rows)
    assert out.getvalue() == csv_text(["id", PHONE], rows)


@given(st.one_of(st.from_regex(r"\A[=@+\-][A-Za-z(\"|!]{1,20}\Z"), st.from_regex(r"\A\+1555[0-9]{7}\Z")))
def test_a_template_made_from_any_example_value_runs_that_value_when_uploaded(value):
    block = valid_block()
    examples = [{"value": value, "key": "_phone", "expect": "one profile", "count": 1}]
    text = template_csv(block, examples)
    assert not any(runs_as_formula(cell) for row in parsed(text) for cell in row)
    contacts = list(ContactsReader(text_lines(text), block))
    assert contacts[0].contact[PHONE] == value
