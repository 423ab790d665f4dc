"""demo_contacts: what a block's criteria find together, worked out from the examples' ProfileIds."""

from __future__ import annotations

from profile_block.model.block import ERROR, MULTIPLE_FOUND, NONE_FOUND, SUCCESS, GetProfileBlock, Identifier
from profile_block.running.demo_contacts import DemoContact, demo_contacts, expected_branch

PHONE = "CustomerEndpoint.Address"
EXAMPLES = [
    {"key": "_phone", "value": "p-ann", "count": 1, "profiles": ["ann"]},
    {"key": "_phone", "value": "p-house", "count": 2, "profiles": ["bob", "cy"]},
    {"key": "_phone", "value": "p-none", "count": 0, "profiles": []},
    {"key": "_account", "value": "a-ann", "count": 1, "profiles": ["ann"]},
    {"key": "_account", "value": "a-house", "count": 2, "profiles": ["bob", "cy"]},
    {"key": "_account", "value": "a-bob", "count": 1, "profiles": ["bob"]},
]


def block(*identifiers: tuple[str, str], operator: str = "OR") -> GetProfileBlock:
    return GetProfileBlock(identifiers=[Identifier(k, v) for k, v in identifiers], operator=operator)


PHONE_AND_ACCOUNT = block(("_phone", f"$.{PHONE}"), ("_account", "$.Attributes.account"), operator="AND")


def test_and_finds_what_every_criterion_finds_and_or_what_any_finds():
    contact = {PHONE: "p-house", "Attributes.account": "a-bob"}
    assert expected_branch(PHONE_AND_ACCOUNT, contact, EXAMPLES) == SUCCESS          # {bob}
    or_block = block(("_phone", f"$.{PHONE}"), ("_account", "$.Attributes.account"), operator="OR")
    assert expected_branch(or_block, contact, EXAMPLES) == MULTIPLE_FOUND           # {bob, cy}
    assert expected_branch(or_block, {PHONE: "p-none", "Attributes.account": "a-bob"}, EXAMPLES) == SUCCESS
    assert expected_branch(PHONE_AND_ACCOUNT, {PHONE: "", "Attributes.account": "a-bob"}, EXAMPLES) == ERROR


def test_an_undescribed_value_tells_nothing_unless_an_and_partner_finds_nobody():
    contact = {PHONE: "p-unknown", "Attributes.account": "a-ann"}
    assert expected_branch(PHONE_AND_ACCOUNT, contact, EXAMPLES) is None
    contact = {PHONE: "p-none", "Attributes.account": "a-unknown"}
    assert expected_branch(PHONE_AND_ACCOUNT, contact, EXAMPLES) == NONE_FOUND


def test_an_and_block_gets_every_branch_each_row_labelled_with_its_own():
    made = demo_contacts(PHONE_AND_ACCOUNT, EXAMPLES)
    assert made[0] == DemoContact("Success: _phone p-ann AND _account a-ann",
                                  {PHONE: "p-ann", "Attributes.account": "a-ann"}, SUCCESS)
    assert {c.branch for c in made} == {SUCCESS, MULTIPLE_FOUND, NONE_FOUND, ERROR}
    assert DemoContact("Multiple found: _phone p-house AND _account a-house",
                       {PHONE: "p-house", "Attributes.account": "a-house"}, MULTIPLE_FOUND) in made
    for contact in made:
        assert set(contact.contact) == {PHONE, "Attributes.account"}
        assert expected_branch(PHONE_AND_ACCOUNT, contact.contact, EXAMPLES) == contact.branch
    assert [c.branch for c in made].count(ERROR) == 1 and made[-1].label == f"Error: empty {PHONE}"
    assert len({tuple(c.contact.values()) for c in made}) == len(made)


def test_a_static_value_counts_when_the_examples_describe_it():
    static = block(("_phone", f"$.{PHONE}"), ("_account", "a-house"), operator="AND")
    made = demo_contacts(static, EXAMPLES)
    assert [(c.contact[PHONE], c.branch) for c in made] == [
        ("p-ann", NONE_FOUND), ("p-house", MULTIPLE_FOUND), ("p-none", NONE_FOUND), ("", ERROR)]
    succeeding = block(("_phone", f"$.{PHONE}"), ("_account", "a-bob"), operator="AND")
    assert demo_contacts(succeeding, EXAMPLES)[0] == DemoContact(
        "Success: _phone p-house AND _account a-bob", {PHONE: "p-house"}, SUCCESS)
    undescribed = block(("_phone", f"$.{PHONE}"), ("_account", "a-other"), operator="OR")
    assert [c.branch for c in demo_contacts(undescribed, EXAMPLES)] == [ERROR]


def test_no_examples_no_contacts():
    assert demo_contacts(PHONE_AND_ACCOUNT, []) == []
