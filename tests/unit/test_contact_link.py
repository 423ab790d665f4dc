"""The Lookup page's test contact in the page address: written compact, read back with care."""

from __future__ import annotations

import pytest

from profile_block.model.contact_link import MAX_CONTACT_CHARS, contact_link, read_contact_link
from profile_block.model.link import LinkError


def test_a_contact_round_trips():
    contact = {"CustomerEndpoint.Address": "+15555550111", "Attributes.account": "A-1 ünïcode"}
    text = contact_link(contact)
    assert text == '{"CustomerEndpoint.Address":"+15555550111","Attributes.account":"A-1 ünïcode"}'
    assert read_contact_link(text) == contact


def test_empty_or_too_long_contacts_are_not_written():
    assert contact_link({}) == ""
    assert contact_link({"Attributes.x": "v" * MAX_CONTACT_CHARS}) == ""


@pytest.mark.parametrize(("text", "said"), [
    ("not json", "not the JSON"),
    ('["+1555"]', "an object of contact paths"),
    ('{"Attributes.x": 5}', "an object of contact paths"),
    ('{"Attributes.x": "\\ud800"}', "lone surrogate"),
    ("{" * 5000, "longer than"),
    ("[" * 900 + "]" * 900, "contact"),
])
def test_anything_else_is_refused_in_words(text, said):
    with pytest.raises(LinkError, match=said):
        read_contact_link(text)
