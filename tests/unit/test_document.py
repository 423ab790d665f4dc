"""document.py: the one reader keeps the exact text and says clearly why a document is refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from profile_block.documents.document import DocumentError, read_document

REAL_FLOWS = Path(__file__).parents[1] / "fixtures" / "real-flows"


def refusal(data: str | bytes) -> str:
    with pytest.raises(DocumentError) as info:
        read_document(data)
    return str(info.value)


def test_the_exact_text_is_kept_byte_order_mark_and_line_ends_included() -> None:
    data = '\ufeff{"Actions": [],\r\n "x": "caf\\u00e9"}'.encode()
    doc = read_document(data)
    assert doc.data == data and doc.kind == "flow" and doc.document["x"] == "café"


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_is_said_once_and_clearly(constant: str) -> None:
    message = refusal('{"Actions": [], "x": ' + constant + "}")
    assert message == (f"This is not JSON: it contains {constant}, which JSON does not have "
                       "(Connect rejects it).")


def test_values_one_after_another_say_how_many_and_where_each_ends() -> None:
    message = refusal((REAL_FLOWS / "17-aicc-complete-pattern-concatenated.json").read_bytes())
    assert message.startswith("This is 3 JSON values one after another, not one document: ")
    assert "the first ends at line 14, column 6" in message
    assert "the third ends at line 34, column 80" in message
    assert "one GetCustomerProfile action, at a time" in message and "Extra data" not in message


def test_a_value_followed_by_garbage_says_where_the_garbage_starts() -> None:
    message = refusal('{"Actions": []}\n}')
    assert "ends at line 1, column 15" in message and "more text follows at line 2, column 1" in message


def test_parameters_without_their_action_are_named() -> None:
    message = refusal((REAL_FLOWS / "13-aicc-get-profile-wrong-params-only.json").read_bytes())
    assert "a Get profile block's Parameters without the action around it" in message
    assert '"Type": "GetCustomerProfile"' in message and "inside \"ProfileRequestData\"" in message
    assert "the inside of" in refusal('{"ProfileRequestData": {}, "ProfileResponseData": []}')


def test_repeated_keys_are_kept_for_the_checks_not_refused() -> None:
    doc = read_document('{"Actions": [], "Version": "1", "Version": "2019-10-30"}')
    assert doc.document["Version"] == "2019-10-30"
    (duplicate,) = doc.duplicates
    assert duplicate.key == "Version" and duplicate.path == "(the document)"


def test_a_file_larger_than_any_flow_is_refused_by_its_size_in_words():
    from profile_block.documents.document import MAX_DOCUMENT_BYTES, size_problem

    assert size_problem("inbound.json", MAX_DOCUMENT_BYTES) is None
    said = size_problem("export.zip", 6_000_000)
    assert said is not None and said.startswith("export.zip is 6.0 MB") and "256,000 characters" in said
    assert "1,024,004 bytes" in (size_problem("a.json", MAX_DOCUMENT_BYTES + 1) or "")
