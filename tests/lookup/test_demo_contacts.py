"""Demo contacts made for a block, run against the real local service over loopback HTTP: every
contact takes the branch its label promises, for single, AND and OR blocks."""

from __future__ import annotations

from typing import Any

import pytest

from profile_block.model.block import BRANCHES, ERROR, MULTIPLE_FOUND, NONE_FOUND, SUCCESS
from profile_block.running.demo_contacts import demo_contacts
from profile_block.running.lookup import contact_paths, run_lookup
from profiles_sandbox.demo import DEMO_DOMAIN, DEMO_EXAMPLES
from tests.lookup.conftest import PHONE_REF, make_block

BLOCKS = {
    "single phone": make_block(("_phone", PHONE_REF)),
    "phone AND account": make_block(("_phone", PHONE_REF), ("_account", "$.Attributes.account"),
                                    operator="AND"),
    "phone OR account": make_block(("_phone", PHONE_REF), ("_account", "$.Attributes.account"),
                                   operator="OR"),
    "loyalty AND account AND phone": make_block(("loyaltyId", "$.Attributes.loyalty"),
                                                ("_account", "$.Attributes.account"),
                                                ("_phone", PHONE_REF), operator="AND"),
    "email OR static account": make_block(("_email", "$.Attributes.email"), ("_account", "A-2002"),
                                          operator="OR"),
}


@pytest.mark.parametrize("name", BLOCKS)
def test_every_demo_contact_takes_the_branch_it_expects(client: Any, name: str):
    block = BLOCKS[name]
    made = demo_contacts(block, DEMO_EXAMPLES)
    assert made
    for contact in made:
        assert set(contact.contact) == set(contact_paths(block))     # a value for every path it reads
        result = run_lookup(client, block, contact.contact, DEMO_DOMAIN)
        assert (contact.label, result.branch) == (contact.label, contact.branch), result.reason


@pytest.mark.parametrize("name", ["single phone", "phone AND account", "phone OR account"])
def test_single_and_and_or_blocks_reach_every_branch(name: str):
    branches = {c.branch for c in demo_contacts(BLOCKS[name], DEMO_EXAMPLES)}
    assert branches == set(BRANCHES) == {SUCCESS, MULTIPLE_FOUND, NONE_FOUND, ERROR}
