"""keys.py: the standard search keys are spelled exactly as the SearchProfiles API documents them."""

from __future__ import annotations

import re

import botocore.session

from profile_block.model.keys import STANDARD_KEYS


def documented_keys() -> list[str]:
    """The predefined keys botocore's service model lists for SearchProfiles' KeyName."""
    model = botocore.session.get_session().get_service_model("customer-profiles")
    doc = model.operation_model("SearchProfiles").input_shape.members["KeyName"].documentation
    return re.findall(r"\b_[A-Za-z]+\b", doc)


def test_the_standard_keys_are_the_documented_ones_spelled_the_same() -> None:
    documented = documented_keys()
    assert len(documented) >= 20 and "_serviceNowSystemId" in documented
    assert sorted(k.name for k in STANDARD_KEYS) == sorted(documented)


def test_the_common_keys_come_first() -> None:
    assert [k.name for k in STANDARD_KEYS[:5]] == ["_phone", "_email", "_account", "_profileId", "_fullName"]
