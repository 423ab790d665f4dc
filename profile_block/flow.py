"""Flow documents: wrap a block in a flow the Connect console imports; find and replace
Get-profile blocks inside an existing flow, leaving everything else as it was.
"""

from __future__ import annotations

from typing import Any

from profile_block.block import GetProfileBlock, Problem

FLOW_VERSION = "2019-10-30"
MAX_FLOW_CHARS = 256_000   # CreateContactFlow content limit
MAX_ACTIONS = 250


class DocumentError(ValueError):
    """Text that is not JSON, too large, or neither a flow nor a GetCustomerProfile action."""


def load_document(text: str) -> tuple[str, dict[str, Any]]:
    """Parse uploaded/pasted text; return ("flow" | "action", the parsed object).

    Raises DocumentError with a one-sentence message for: more than MAX_FLOW_CHARS characters,
    not JSON, not an object, neither a flow (has "Actions" list) nor a GetCustomerProfile action.
    """
    raise NotImplementedError


def wrap_in_flow(block: GetProfileBlock) -> dict[str, Any]:
    """A whole importable flow: the block as StartAction plus one ending action per branch target."""
    raise NotImplementedError


def find_get_profile_actions(flow: dict[str, Any]) -> list[dict[str, Any]]:
    """Every GetCustomerProfile action of a flow, in document order."""
    raise NotImplementedError


def replace_block(flow: dict[str, Any], original_id: str, block: GetProfileBlock) -> dict[str, Any]:
    """A copy of ``flow`` with the action ``original_id`` replaced by ``block``; nothing else changed."""
    raise NotImplementedError


def validate_flow(flow: dict[str, Any]) -> list[Problem]:
    """Problems of every Get-profile block in a flow (block_id set), plus flow-level ones."""
    raise NotImplementedError
