"""Unit tests of the batch CSV format: header checks, rows, expectations, result rows, templates."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from profile_block.model.block import ERROR, MULTIPLE_FOUND, NONE_FOUND, SUCCESS, Identifier
from profile_block.running.batch import check_expectations
from profile_block.running.batch_csv import (
    BatchInputError,
    ContactsReader,
    TestContact,
    check_contacts,
    csv_text,
    decode_upload,
    parse_branch,
    read_columns,
    result_cells,
    template_csv,
    template_rows,
    text_lines,
)
from profile_block.running.lookup import LookupResult
from tests.unit.helpers import valid_block

PHONE = "CustomerEndpoint.Address"


def rows_of(text: str, block=None) -> list[TestContact]:
    return list(ContactsReader(text_lines(text), block or valid_block(), "contacts.csv"))


def problem(text: str, block=None) -> str:
    with pytest.raises(BatchInputError) as caught:
        check_contacts(text_lines(text), block or valid_block(), "contacts.csv")
    return str(caught.value)


# --- header --------------------------------------------------------------------------------------

def test_columns_are_sorted_into_id_contact_paths_and_expectations():
    columns = read_columns(["id", " CustomerEndpoint.Address ", "Attributes.email", "expect_branch",
                            "expect.FirstName", "expect.Attributes.tier", "expect.ProfileId"], valid_block())
    assert columns.names[1] == PHONE   # white space around a name is not part of it
    assert columns.id_index == 0 and columns.branch_index == 3
    assert columns.paths == ((1, PHONE), (2, "Attributes.email"))
    assert columns.expected == ((4, "FirstName"), (5, "Attributes.tier"), (6, "ProfileId"))
    assert columns.has_expectations
    assert any("does not read Attributes.email" in n for n in columns.notes)


def test_any_documented_contact_value_can_be_a_column():
    paths = [PHONE, "StoredCustomerInput", "Attributes.email", "Lex.Slots.city"]
    assert [path for _, path in read_columns(paths, valid_block()).paths] == paths


def test_a_reference_written_with_its_dollar_prefix_names_the_same_path():
    columns = read_columns(["$.CustomerEndpoint.Address"], valid_block())
    assert columns.paths == ((0, PHONE),)


@pytest.mark.parametrize("header, words", [
    ("id,Phone", "unknown column 'Phone'"),
    ("id,CustomerEndpoint.Address,expect.Nickname", "'expect.Nickname' (no response field Nickname)"),
    ("id,CustomerEndpoint.Address,id", "duplicate column id"),
    ("CustomerEndpoint.Address,$.CustomerEndpoint.Address",
     "duplicate column $.CustomerEndpoint.Address (= CustomerEndpoint.Address)"),
    (",id,CustomerEndpoint.Address", "column 1 has no name (a pandas index?"),
    ("id,Attributes.email", "no column for CustomerEndpoint.Address, which the block reads"),
    ("id,CustomerEndpoint.Address,branch", "'branch' is a column of the results CSV"),
    ("id,CustomerEndpoint.Address,customer.FirstName", "'customer.FirstName' is a column of the results"),
    (",,", "the first line must name the columns"),
])
def test_bad_headers_get_one_message_naming_the_problem(header, words):
    message = problem(header + "\nx,y,z\n")
    assert words in message
    assert message.startswith("contacts.csv")
    assert "\n" not in message


def test_several_unknown_columns_are_named_in_one_message():
    message = problem("Phone,Email,CustomerEndpoint.Address\n1,2,3\n")
    assert "unknown columns 'Phone', 'Email'" in message


def test_an_expectation_for_a_field_the_block_does_not_bring_back_is_noted():
    columns = read_columns([PHONE, "expect.City"], valid_block())
    assert any("does not bring back City" in n for n in columns.notes)


def test_a_block_of_static_values_needs_no_contact_column():
    block = valid_block(identifiers=[Identifier("_account", "A-1001")])
    assert check_contacts(text_lines("id\nfirst\nsecond\n"), block).rows == 2


# --- rows ----------------------------------------------------------------------------------------

def test_rows_carry_contact_values_expectations_and_id():
    [row] = rows_of(f"id,{PHONE},expect_branch,expect.FirstName\nmaria,+15555550100,success,Maria\n")
    assert row.number == 1 and row.row_id == "maria" and row.label == "row 1 (id maria)"
    assert row.contact == {PHONE: "+15555550100"}
    assert row.expect_branch == SUCCESS          # branch names are accepted in any case
    assert row.expect_fields == (("FirstName", "Maria"),)
    assert row.has_expectation


def test_short_rows_are_padded_and_blank_lines_skipped():
    rows = rows_of(f"id,{PHONE},expect_branch\n\na\n\nb,+1,\n")
    assert [r.cells for r in rows] == [("a", "", ""), ("b", "+1", "")]
    assert [r.number for r in rows] == [1, 2]
    assert not rows[0].has_expectation


def test_quoted_cells_may_hold_commas_and_line_breaks():
    [row] = rows_of(f'id,{PHONE}\n"a, b\nc",+1\n')
    assert row.row_id == "a, b\nc"


@pytest.mark.parametrize("text, words", [
    (f"id,{PHONE}\na,+1\nb,+2,extra\n", "line 3: 3 cells, but the header names 2 columns"),
    (f"id,{PHONE},expect_branch\na,+1,Found\n", "line 2: expect_branch 'Found' is not a branch"),
    (f'id,{PHONE}\n"a"b,+1\n', "line 2: not readable as CSV"),
    (f"id,{PHONE}\n", "has a header but no rows"),
    ("", "is empty: the first line must name the columns"),
])
def test_bad_rows_get_one_message_with_the_line(text, words):
    assert words in problem(text)


def test_branch_names_and_designer_labels_are_accepted():
    assert parse_branch(" NoneFoundError ") == NONE_FOUND
    assert parse_branch("Multiple found") == MULTIPLE_FOUND
    assert parse_branch("error") == ERROR
    assert parse_branch("") == ""


def test_an_upload_that_is_not_utf8_is_refused_by_name():
    with pytest.raises(BatchInputError, match=r"contacts.csv is not UTF-8 text \(byte 4\)"):
        decode_upload("id\n\xe9".encode("latin-1") + b"\n", "contacts.csv")
    assert decode_upload("\ufeffid\n".encode(), "x") == "id\n"   # a BOM (Excel's CSV UTF-8) is fine


def test_a_file_that_is_not_utf8_is_refused_with_a_line(tmp_path):
    path = tmp_path / "c.csv"
    path.write_bytes(f"id,{PHONE}\na,+1\n".encode() + "b,\xe9\n".encode("latin-1"))
    with open(path, encoding="utf-8-sig", newline="") as lines, pytest.raises(BatchInputError,
                                                                                match="not UTF-8 text"):
        check_contacts(lines, valid_block(), "c.csv")


# --- expectations --------------------------------------------------------------------------------

def lookup(branch: str, **customer: str) -> LookupResult:
    return LookupResult(branch=branch, next_action="", reason="r",
                        customer={f"$.Customer.{k}": v for k, v in customer.items()})


def contact(branch: str = "", **fields: str) -> TestContact:
    return TestContact(number=1, cells=(), contact={}, expect_branch=branch,
                       expect_fields=tuple(fields.items()))


def test_a_row_without_expectations_has_no_result():
    assert check_expectations(contact(), lookup(SUCCESS)) == ("", [])


def test_branch_and_field_expectations_pass_and_fail_with_the_difference_in_words():
    maria = lookup(SUCCESS, ProfileId="p1", FirstName="Maria")
    assert check_expectations(contact(SUCCESS, FirstName="Maria"), maria) == ("pass", [])
    result, why = check_expectations(contact(NONE_FOUND, FirstName="Mary"), maria)
    assert result == "fail"
    assert why == ["branch: expected NoneFoundError, got Success", "FirstName: expected 'Mary', got 'Maria'"]


def test_an_empty_expected_value_means_not_set():
    assert check_expectations(contact(FirstName=""), lookup(MULTIPLE_FOUND)) == ("pass", [])
    assert check_expectations(contact(FirstName=""), lookup(SUCCESS, FirstName="Maria")) == (
        "fail", ["FirstName: expected not set, got 'Maria'"])
    assert check_expectations(contact(City="Austin"), lookup(SUCCESS, City=None)) == (
        "fail", ["City: expected 'Austin', got not set"])


# --- results -------------------------------------------------------------------------------------

def test_result_columns_and_cells_follow_the_block_fields():
    block = valid_block()
    columns = read_columns(["id", PHONE, "expect_branch"], block)
    assert columns.result_columns(block) == [
        "id", PHONE, "expect_branch", "branch", "next_action", "reason", "matches", "elapsed_ms", "attempts",
        "customer.ProfileId", "customer.ProfileARN", "customer.FirstName", "customer.LastName",
        "customer.Attributes.tier", "result", "mismatches"]
    row = TestContact(1, ("a", "+1", "Success"), {PHONE: "+1"}, SUCCESS)
    found = LookupResult(SUCCESS, "next-1", "Exactly one profile matched.", elapsed_ms=12.345,
                         customer={"$.Customer.ProfileId": "p1", "$.Customer.ProfileARN": "arn:p1",
                                   "$.Customer.FirstName": "Maria",
                                   "$.Customer.LastName": None, "$.Customer.Attributes.tier": "gold"},
                         response={"Items": [{}]}, matches=[{}])
    assert result_cells(row, found, block, "pass", [], 2) == [
        "a", "+1", "Success", "Success", "next-1", "Exactly one profile matched.", "1", "12.3", "2",
        "p1", "arn:p1", "Maria", "", "gold", "pass", ""]
    many = LookupResult(MULTIPLE_FOUND, "", "5+ profiles", response={"Items": [{}] * 5, "NextToken": "t"},
                        matches=[{}] * 5)
    assert result_cells(row, many, block, "", [], 1)[6] == "5+"
    failed = LookupResult(ERROR, "", "ThrottlingException")
    assert result_cells(row, failed, block, "fail", ["a", "b"], 3)[6] == ""
    assert result_cells(row, failed, block, "fail", ["a", "b"], 3)[-1] == "a; b"


def test_pandas_reads_what_we_write_cell_for_cell():
    rows = [["a, b", 'say "hi"', "line\nbreak", ""], ["1.0", "007", "NA", "x"]]
    text = csv_text(["id", "x", "y", "z"], rows)
    frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    assert frame.values.tolist() == rows


# --- templates -----------------------------------------------------------------------------------

EXAMPLES = [
    {"value": "+15555550100", "key": "_phone", "expect": "one profile", "count": 1},
    {"value": "+15555550111", "key": "_phone", "expect": "two profiles", "count": 2},
    {"value": "+15555550199", "key": "_phone", "expect": "no profile", "count": 0},
    {"value": "+15555550140", "key": "_phone", "expect": "one profile", "count": 1},
    {"value": "A-1001", "key": "_account", "expect": "one profile", "count": 1},
]


def test_a_template_from_demo_examples_expects_each_branch_for_a_one_identifier_block():
    header, rows = template_rows(valid_block(), EXAMPLES)
    assert header == ["id", PHONE, "expect_branch"]
    assert rows == [
        ["Success: _phone +15555550100", "+15555550100", SUCCESS],
        ["None found: _phone +15555550199", "+15555550199", NONE_FOUND],
        ["Multiple found: _phone +15555550111", "+15555550111", MULTIPLE_FOUND],
        ["Success: _phone +15555550140", "+15555550140", SUCCESS],
        [f"Error: empty {PHONE}", "", ERROR],
    ]


def test_a_template_for_several_identifiers_keeps_only_rows_whose_branch_is_known():
    """Examples without ProfileIds cannot tell what two criteria find together, except that under
    AND one that finds nobody makes the whole search find nobody."""
    block = valid_block(identifiers=[Identifier("_phone", f"$.{PHONE}"),
                                     Identifier("_account", "$.Attributes.account")], operator="AND")
    header, rows = template_rows(block, EXAMPLES)
    assert header == ["id", PHONE, "Attributes.account", "expect_branch"]
    assert rows == [
        ["None found: _phone +15555550199 AND _account A-1001", "+15555550199", "A-1001", NONE_FOUND],
        [f"Error: empty {PHONE}", "", "A-1001", ERROR],
    ]


def test_a_template_without_examples_has_one_sample_row_and_reads_back():
    text = template_csv(valid_block())
    assert text == f"id,{PHONE},expect_branch\nexample,+15555550100,\n"
    assert check_contacts(text_lines(text), valid_block()).rows == 1
