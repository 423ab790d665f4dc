"""The Get-profile block model (flow-language type ``GetCustomerProfile``).

``GetProfileBlock`` is what the Build page edits and keeps in session state; it knows how to
check itself (``validate``), how to become flow-language JSON (``to_action``) and how to be
read back from it (``from_action`` / ``read_action``, current, legacy and misspelled shapes).

Problems are values: each ``Problem`` names the part of the block it concerns so the page can
show it next to the widget that caused it. Part names (the only ones used):

    "identifier"               the action Identifier
    "request"                  the request as a whole (no identifier, more than five, ambiguous)
    "operator"                 LogicalOperator
    "criterion:<i>:key"        IdentifierName of the i-th identifier (0-based)
    "criterion:<i>:value"      IdentifierValue of the i-th identifier (0-based)
    "fields"                   ProfileResponseData as a whole
    "field:<name>"             one response field
    "budget"                   the worst-case attribute budget
    "branch:<ErrorType>"       a transition: "branch:Success", "branch:MultipleFoundError", ...
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any, Literal

ACTION_TYPE = "GetCustomerProfile"
MAX_IDENTIFIERS = 5
MAX_ACTION_ID_LENGTH = 50
FORBIDDEN_ID_CHARS = "%:(\\/)=$,;[]{}"
OPERATORS = ("AND", "OR")

# Branch names, in the order the designer shows them; the three error types are those of
# Transitions.Errors, "Success" is Transitions.NextAction.
SUCCESS = "Success"
MULTIPLE_FOUND = "MultipleFoundError"
NONE_FOUND = "NoneFoundError"
ERROR = "NoMatchingError"
BRANCHES: tuple[str, ...] = (SUCCESS, MULTIPLE_FOUND, NONE_FOUND, ERROR)
BRANCH_LABELS: dict[str, str] = {
    SUCCESS: "Success", MULTIPLE_FOUND: "Multiple found", NONE_FOUND: "None found", ERROR: "Error",
}

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    severity: Severity
    part: str            # one of the part names in the module docstring
    message: str         # a full sentence a person understands, saying what to do
    block_id: str = ""   # the action Identifier, filled in when checking a whole flow

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    @property
    def where(self) -> str:
        """The part in words: "criterion 2 value", "field ShippingCity", "Success branch"."""
        kind, _, rest = self.part.partition(":")
        if kind == "criterion":
            index, _, member = rest.partition(":")
            return f"criterion {int(index) + 1} {member}"
        if kind == "field":
            return f"field {rest}"
        if kind == "branch":
            return f"{BRANCH_LABELS.get(rest, rest)} branch"
        return {"identifier": "action Identifier", "fields": "response fields",
                "budget": "attribute budget"}.get(kind, kind)


@dataclass
class Identifier:
    """One search criterion: a search key and a value (static text or a whole ``$.`` reference)."""

    key: str = "_phone"
    value: str = "$.CustomerEndpoint.Address"


def new_action_id() -> str:
    return str(uuid.uuid4())


@dataclass
class GetProfileBlock:
    """A Get-profile action as the designer edits it.

    ``identifiers`` holds 1-5 criteria; with one, ``to_action`` writes the single form
    (IdentifierName/IdentifierValue) and ``operator`` is not written; with 2-5 it writes
    SearchCriteria + LogicalOperator. ``fields`` is ProfileResponseData in the user's order.
    ``branches`` maps each name of BRANCHES to the Identifier of its NextAction ("" = not
    connected).
    """

    action_id: str = field(default_factory=new_action_id)
    identifiers: list[Identifier] = field(default_factory=lambda: [Identifier()])
    operator: str = "OR"
    fields: list[str] = field(default_factory=list)
    branches: dict[str, str] = field(default_factory=lambda: {b: "" for b in BRANCHES})

    def validate(self) -> list[Problem]:
        """Every problem of the block, errors and warnings, each tied to its part."""
        raise NotImplementedError

    def to_action(self) -> dict[str, Any]:
        """The flow-language action (a JSON-ready dict)."""
        raise NotImplementedError

    @classmethod
    def from_action(cls, action: dict[str, Any]) -> GetProfileBlock:
        """The block an action describes (see ``read_action``); raises ActionFormatError."""
        return read_action(action)[0]


class ActionFormatError(ValueError):
    """The JSON is not a GetCustomerProfile action at all (message says why, in words)."""


def read_action(action: Any) -> tuple[GetProfileBlock, list[Problem]]:
    """Read an action in any known shape; return the block and what was noticed reading it.

    Raises ActionFormatError when ``action`` is not a GetCustomerProfile action object.
    """
    raise NotImplementedError
