"""Shared builders for the unit tests of the block model and flows."""

from __future__ import annotations

from profile_block.model.block import BRANCHES, GetProfileBlock, Identifier, Problem


def valid_block(**changes: object) -> GetProfileBlock:
    """A small valid block; keyword arguments replace its attributes."""
    block = GetProfileBlock(
        action_id="get-profile-1",
        identifiers=[Identifier("_phone", "$.CustomerEndpoint.Address")],
        operator="OR",
        fields=["FirstName", "LastName", "Attributes.tier"],
        branches={b: "" for b in BRANCHES},
    )
    for name, value in changes.items():
        setattr(block, name, value)
    return block


def about(problems: list[Problem], part: str) -> list[Problem]:
    return [p for p in problems if p.part == part]


def errors(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.is_error]
