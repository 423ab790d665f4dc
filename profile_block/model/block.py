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
    "branches"                 Transitions as a whole (only when reading an action: bad shape)
    "flow"                     the flow document as a whole (only from flow.validate_flow)
    "reads:<member>"           $.Customer.<member> read later in the flow (flow_reads)
    "document"                 the JSON text as a whole: keys written twice (flow.document_problems)
"""

from __future__ import annotations

import difflib
import json
import uuid
from dataclasses import dataclass, field
from typing import Any, Literal

from profile_block.model.fields import (
    ATTRIBUTE_BUDGET,
    CUSTOM_PREFIX,
    FIELDS_BY_NAME,
    MAX_VALUE_LENGTH,
    check_custom_attribute,
    dotted_attribute_warning,
    field_for,
    is_custom_name,
)
from profile_block.model.keys import KEYS_BY_NAME, check_key_name
from profile_block.model.references import check_reference, is_reference, reference_warning
from profile_block.model.surrogates import shown, surrogate_problem

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
ERROR_TYPES: tuple[str, ...] = (MULTIPLE_FOUND, NONE_FOUND, ERROR)
# The order and member order console exports write Transitions.Errors in (real flows 01-10).
EXPORT_ERROR_ORDER: tuple[str, ...] = (ERROR, MULTIPLE_FOUND, NONE_FOUND)
BRANCH_LABELS: dict[str, str] = {
    SUCCESS: "Success", MULTIPLE_FOUND: "Multiple found", NONE_FOUND: "None found", ERROR: "Error",
}

# The pre-2023 request shape: {"PhoneNumber": value} / {"EmailAddress": value} -> search key.
LEGACY_REQUEST_KEYS: dict[str, str] = {"PhoneNumber": "_phone", "EmailAddress": "_email"}
# The AWS doc page misspells these in two places; importers accept them with a warning.
MISSPELLINGS: dict[str, str] = {"IdentifierName": "IdentiferName", "IdentifierValue": "IdentiferValue"}
# Every value stored on the contact counts this much at worst against ATTRIBUTE_BUDGET.
WORST_CASE_VALUE_CHARS = MAX_VALUE_LENGTH

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Position:
    """Where something is in a document's text: 1-based line and column (in characters)."""

    line: int
    column: int


JsonPath = tuple[str | int, ...]   # ("Actions", 3, "Parameters"): members by key, items by index


@dataclass(frozen=True)
class Problem:
    """One problem, tied to the part of the block it concerns.

    ``path`` and ``position`` say where it is in the document, when its source knows: ``path``
    structurally (``flow.validate_flow`` sets it), ``position`` in the text
    (``problem_location.locate_problems`` fills it from the path, or a source that knows the text
    sets it). Neither takes part in equality: the same problem found twice is one problem.
    """

    severity: Severity
    part: str            # one of the part names in the module docstring
    message: str         # a full sentence a person understands, saying what to do
    block_id: str = ""   # the action Identifier, filled in when checking a whole flow
    path: JsonPath | None = field(default=None, compare=False)
    position: Position | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        # A problem is text for a page or a terminal: text that is not Unicode (a lone surrogate
        # quoted from the input) is written as its escape, so that showing the problem cannot fail.
        object.__setattr__(self, "message", shown(self.message))
        object.__setattr__(self, "block_id", shown(self.block_id))

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
        if kind == "reads":   # flow_reads: a value an action after the block reads
            return f"$.Customer.{rest}"
        return {"identifier": "action Identifier", "fields": "response fields",
                "budget": "attribute budget", "flow": "whole flow",
                "document": "whole document"}.get(kind, kind)


@dataclass
class Identifier:
    """One search criterion: a search key and a value (static text or a whole ``$.`` reference)."""

    key: str = "_phone"
    value: str = "$.CustomerEndpoint.Address"


def new_action_id() -> str:
    return str(uuid.uuid4())


def attribute_budget(fields: list[str]) -> tuple[int, int]:
    """Worst-case characters the block's results take, and the budget they share: (used, limit).

    Every selected field plus ``$.Customer.ProfileId`` (always stored) may hold up to 255
    characters; all Customer Profiles attributes of a flow share 14,000.
    """
    return (len(fields) + 1) * WORST_CASE_VALUE_CHARS, ATTRIBUTE_BUDGET


# The most fields whose worst case still fits the budget (ProfileId takes one slot).
MAX_FIELDS_IN_BUDGET = ATTRIBUTE_BUDGET // WORST_CASE_VALUE_CHARS - 1


def check_action_id(value: str, what: str = "The action Identifier") -> str | None:
    """Why ``value`` cannot be an action Identifier, or None when it can.

    ``what`` starts the message ("The action Identifier", "The Success branch target").
    """
    if not value:
        return f"{what} is empty: give it an Identifier (the Connect console uses a UUID)."
    not_unicode = surrogate_problem(value, what)
    if not_unicode:
        return not_unicode
    reasons = []
    if len(value) > MAX_ACTION_ID_LENGTH:
        reasons.append(f"is {len(value)} characters long; Connect allows at most {MAX_ACTION_ID_LENGTH}")
    bad = sorted({c for c in value if c in FORBIDDEN_ID_CHARS}, key=FORBIDDEN_ID_CHARS.index)
    if bad:
        reasons.append("contains " + " ".join(bad) + f", which an Identifier cannot hold "
                       f"(none of {' '.join(FORBIDDEN_ID_CHARS)})")
    if not reasons:
        return None
    return f"{what} '{_clip(value)}' " + " and ".join(reasons) + ". Change it (a UUID always works)."


def json_kind(value: Any) -> str:
    """What a JSON value is, in words: "an array", "a string", "null" ..."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return f"a {type(value).__name__}"


def _clip(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(eq=False)
class GetProfileBlock:
    """A Get-profile action as the designer edits it.

    ``identifiers`` holds 1-5 criteria; with one, ``to_action`` writes the single form
    (IdentifierName/IdentifierValue) and ``operator`` is not written; with 2-5 it writes
    SearchCriteria + LogicalOperator. ``fields`` is ProfileResponseData in the user's order.
    ``branches`` maps each name of BRANCHES to the Identifier of its NextAction ("" = not
    connected).

    Two blocks are equal when they describe the same action: the operator only counts with two
    or more identifiers (the single form does not carry it), and a missing branch equals "".
    """

    action_id: str = field(default_factory=new_action_id)
    identifiers: list[Identifier] = field(default_factory=lambda: [Identifier()])
    operator: str = "OR"
    fields: list[str] = field(default_factory=list)
    branches: dict[str, str] = field(default_factory=lambda: {b: "" for b in BRANCHES})

    def _meaning(self) -> tuple[Any, ...]:
        return (
            self.action_id,
            tuple((i.key, i.value) for i in self.identifiers),
            self.operator if len(self.identifiers) >= 2 else None,
            tuple(self.fields),
            tuple(self.branches.get(b, "") for b in BRANCHES),
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, GetProfileBlock):
            return NotImplemented
        return self._meaning() == other._meaning()

    __hash__ = None  # type: ignore[assignment]  # mutable: not hashable

    def attribute_budget(self) -> int:
        """Worst-case characters this block's results take (see the module ``attribute_budget``)."""
        return attribute_budget(self.fields)[0]

    def validate(self) -> list[Problem]:
        """Every problem of the block, errors and warnings, each tied to its part.

        Order: Identifier, request, operator, criteria, fields, budget, branches. An unconnected
        branch is fine here (a lone block is wired later); ``flow.validate_flow`` checks that.
        """
        problems: list[Problem] = []
        reason = check_action_id(self.action_id)
        if reason:
            problems.append(Problem("error", "identifier", reason))
        problems += self._request_problems()
        problems += self._field_problems()
        used, limit = attribute_budget(self.fields)
        if used > limit:
            problems.append(Problem(
                "warning", "budget",
                f"At worst the {len(self.fields)} fields plus ProfileId take {used:,} characters "
                f"({len(self.fields) + 1} × {WORST_CASE_VALUE_CHARS}), over the {limit:,} that all "
                f"Customer Profiles attributes of a flow share; values past the budget are not stored. "
                f"Keep at most {MAX_FIELDS_IN_BUDGET} fields."))
        for branch in BRANCHES:
            target = self.branches.get(branch, "")
            if target:
                reason = check_action_id(target, f"The {BRANCH_LABELS[branch]} branch target")
                if reason:
                    problems.append(Problem("error", f"branch:{branch}", reason))
        return problems

    def _request_problems(self) -> list[Problem]:
        problems: list[Problem] = []
        count = len(self.identifiers)
        if count == 0:
            problems.append(Problem(
                "error", "request",
                "The block has no identifier: add at least one search key and value "
                "(for example _phone with $.CustomerEndpoint.Address)."))
        elif count > MAX_IDENTIFIERS:
            problems.append(Problem(
                "error", "request",
                f"The block has {count} identifiers; a Get profile block searches by at most "
                f"{MAX_IDENTIFIERS}. Remove {count - MAX_IDENTIFIERS}."))
        if count >= 2 and self.operator not in OPERATORS:
            choose = ("choose AND (a profile must match every identifier) "
                      "or OR (a profile may match any one).")
            if not self.operator:
                message = f"With {count} identifiers the block needs a logical operator: {choose}"
            elif self.operator.strip().upper() in OPERATORS:
                message = (f"The logical operator '{_clip(self.operator)}' must be written exactly "
                           f"'{self.operator.strip().upper()}' (upper case, no spaces).")
            else:
                message = f"'{_clip(self.operator)}' is not a logical operator: {choose}"
            problems.append(Problem("error", "operator", message))
        seen: dict[tuple[str, str], int] = {}
        for i, ident in enumerate(self.identifiers):
            problems += _key_problems(i, ident.key)
            problems += _value_problems(i, ident.value)
            earlier = seen.setdefault((ident.key, ident.value), i)
            if earlier != i:
                problems.append(Problem(
                    "warning", f"criterion:{i}:key",
                    f"Identifier {i + 1} repeats identifier {earlier + 1} (same key '{_clip(ident.key)}' "
                    f"and value '{_clip(ident.value)}'): it adds nothing to the search; remove it."))
        return problems

    def _field_problems(self) -> list[Problem]:
        problems: list[Problem] = []
        counts: dict[str, int] = {}
        for name in self.fields:
            counts[name] = counts.get(name, 0) + 1
            if counts[name] > 1:
                problems.append(Problem(
                    "error", f"field:{name}",
                    f"{name} is listed more than once in the response fields; list it once."))
            elif field_for(name) is None:
                problems.append(Problem("error", f"field:{name}", _unknown_field_message(name)))
            elif warning := dotted_attribute_warning(name):
                problems.append(Problem("warning", f"field:{name}", warning))
        return problems

    def request(self) -> dict[str, Any]:
        """ProfileRequestData: the single form for one identifier, SearchCriteria for 2-5."""
        if len(self.identifiers) == 1:
            only = self.identifiers[0]
            request: dict[str, Any] = {"IdentifierName": only.key, "IdentifierValue": only.value}
        elif self.identifiers:
            request = {
                "SearchCriteria": [{"IdentifierName": i.key, "IdentifierValue": i.value}
                                   for i in self.identifiers],
                "LogicalOperator": self.operator,
            }
        else:
            request = {}
        return request

    def transitions(self) -> dict[str, Any]:
        """Transitions: NextAction (Success) and the error branches in the console's order."""
        return {
            "NextAction": self.branches.get(SUCCESS, ""),
            "Errors": [{"NextAction": self.branches.get(e, ""), "ErrorType": e} for e in EXPORT_ERROR_ORDER],
        }

    def to_action(self) -> dict[str, Any]:
        """The flow-language action (a JSON-ready dict) as console exports write it: keys
        Parameters, Identifier, Type, Transitions; Errors NoMatchingError, MultipleFoundError,
        NoneFoundError, each {NextAction, ErrorType} (real flows 01-10)."""
        return {
            "Parameters": {"ProfileRequestData": self.request(), "ProfileResponseData": list(self.fields)},
            "Identifier": self.action_id,
            "Type": ACTION_TYPE,
            "Transitions": self.transitions(),
        }

    @classmethod
    def from_action(cls, action: dict[str, Any]) -> GetProfileBlock:
        """The block an action describes (see ``read_action``); raises ActionFormatError."""
        return read_action(action)[0]


def _key_problems(i: int, key: str) -> list[Problem]:
    part = f"criterion:{i}:key"
    reason = check_key_name(key)
    if reason:
        return [Problem("error", part, reason)]
    if key not in KEYS_BY_NAME:
        # A custom key that looks like a standard one is most likely a slip.
        folded = key.lstrip("_").lower()
        likely = LEGACY_REQUEST_KEYS.get(key) or next(
            (k for k in KEYS_BY_NAME if k.lstrip("_").lower() == folded), None)
        if likely:
            return [Problem(
                "warning", part,
                f"'{key}' is not a standard search key, so it is searched as a custom key; "
                f"did you mean the standard key {likely}?")]
    return []


def _value_problems(i: int, value: str) -> list[Problem]:
    part = f"criterion:{i}:value"
    not_unicode = surrogate_problem(value, f"The value of identifier {i + 1}")
    if not_unicode:
        return [Problem("error", part, not_unicode)]
    if not value.strip():
        return [Problem(
            "error", part,
            f"The value of identifier {i + 1} is empty: type a value or pick a contact value "
            "such as $.CustomerEndpoint.Address.")]
    if is_reference(value):
        reason = check_reference(value)
        if reason:
            return [Problem("error", part, reason)]
        warning = reference_warning(value)
        return [Problem("warning", part, warning)] if warning else []
    if len(value) > MAX_VALUE_LENGTH:
        return [Problem(
            "error", part,
            f"The value of identifier {i + 1} is {len(value)} characters; Customer Profiles accepts "
            f"at most {MAX_VALUE_LENGTH}, and a longer value sends every contact down the Error "
            "branch. Shorten it.")]
    if value != value.strip():
        where = "starts and ends" if value[0].isspace() and value[-1].isspace() else \
            "starts" if value[0].isspace() else "ends"
        return [Problem(
            "warning", part,
            f"The value of identifier {i + 1} {where} with white space ('{_clip(value)}'): Customer "
            "Profiles compares values exactly, so it finds no profile whose value has no such space. "
            "Remove the spaces unless the profiles have them too.")]
    if "$." in value:
        return [Problem(
            "warning", part,
            f"The value of identifier {i + 1} contains '$.' but does not start with it: a reference "
            "must be the whole value, so this is sent as literal text. Remove the text around it "
            "if you meant a contact value.")]
    return []


def _unknown_field_message(name: str) -> str:
    if not name:
        return "A response field name is empty: remove it or pick a field."
    if name == "ProfileId":
        return ("ProfileId is always stored as $.Customer.ProfileId; it cannot be listed as a "
                "response field. Remove it.")
    if is_custom_name(name):
        reason = check_custom_attribute(name[len(CUSTOM_PREFIX):])
        return f"Custom field '{_clip(name)}': {reason}"
    if name.lower().startswith(CUSTOM_PREFIX.lower()):
        fixed = CUSTOM_PREFIX + name[len(CUSTOM_PREFIX):]
        return f"'{_clip(name)}' is not a response field: custom fields start with 'Attributes.' ({fixed})."
    close = difflib.get_close_matches(name.strip(), list(FIELDS_BY_NAME), n=1, cutoff=0.75)
    hint = f" Did you mean {close[0]}?" if close else ""
    return (f"'{_clip(name)}' is not a response field of the Get profile block.{hint} "
            "Pick one of the standard fields or a custom field Attributes.<name>.")


class ActionFormatError(ValueError):
    """The JSON is not a GetCustomerProfile action at all (message says why, in words)."""


def _shown(value: Any) -> str:
    """A short JSON rendering of a value for a message."""
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    return _clip(text, 40)


def read_action(action: Any) -> tuple[GetProfileBlock, list[Problem]]:
    """Read an action in any known shape; return the block and what was noticed reading it.

    Raises ActionFormatError when ``action`` is not a GetCustomerProfile action object. Any
    other oddity (a missing part, a value of the wrong type, the legacy or misspelled request,
    both request forms at once) becomes a note (a ``Problem``) and the block keeps everything
    that could be read, so nothing the file holds is silently lost.
    """
    if not isinstance(action, dict):
        raise ActionFormatError(
            f"A GetCustomerProfile action is a JSON object, but this is {json_kind(action)}.")
    if "Type" not in action:
        raise ActionFormatError(
            'This object has no "Type", so it is not a GetCustomerProfile action '
            '(an action needs "Type": "GetCustomerProfile").')
    if action["Type"] != ACTION_TYPE:
        raise ActionFormatError(
            f"This action's Type is {_shown(action['Type'])}, not \"{ACTION_TYPE}\": it is not a "
            "Get profile block.")
    notes: list[Problem] = []
    action_id = _read_text(action.get("Identifier"), "identifier", "The action Identifier", notes)
    parameters = action.get("Parameters")
    if parameters is None:
        parameters = {}
    elif not isinstance(parameters, dict):
        notes.append(Problem(
            "error", "request",
            "Parameters must be an object holding ProfileRequestData and ProfileResponseData, "
            f"but it is {json_kind(parameters)}; the request and fields were left empty."))
        parameters = {}
    identifiers, operator = _read_request(_request_of(parameters, notes), notes)
    fields = _read_fields(parameters.get("ProfileResponseData"), notes)
    branches = _read_transitions(action.get("Transitions"), notes)
    block = GetProfileBlock(action_id=action_id, identifiers=identifiers, operator=operator,
                            fields=fields, branches=branches)
    return block, notes


def validate_action(action: Any) -> list[Problem]:
    """What reading ``action`` noticed plus the block's own problems, each once.

    Raises ActionFormatError when ``action`` is not a GetCustomerProfile action object.
    """
    block, notes = read_action(action)
    return list(dict.fromkeys(notes + block.validate()))


def _read_text(value: Any, part: str, what: str, notes: list[Problem]) -> str:
    """A text member: strings as they are, numbers as text (warning), others empty (error)."""
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            text = str(value)
        except ValueError:  # an integer too long to print
            text = None
        if text is not None:
            notes.append(Problem(
                "warning", part,
                f"{what} is the number {_clip(text)}; it was read as the text '{_clip(text)}', and is "
                "written as text once you change the block."))
            return text
    notes.append(Problem(
        "error", part,
        f"{what} must be text, but it is {json_kind(value)} ({_shown(value)}); it was left empty. "
        "Fill it in again."))
    return ""


def _read_spelled(obj: dict[str, Any], member: str, part: str, what: str, notes: list[Problem]) -> str:
    """``IdentifierName``/``IdentifierValue``, accepting the doc page's misspelling with a warning."""
    wrong = MISSPELLINGS[member]
    if member in obj:
        if wrong in obj:
            notes.append(Problem(
                "warning", part,
                f"Both {member} and the misspelled {wrong} are present; {member} was used and "
                f"{wrong} ({_shown(obj[wrong])}) was dropped."))
        return _read_text(obj[member], part, what, notes)
    if wrong in obj:
        notes.append(Problem(
            "warning", part,
            f"'{wrong}' is a misspelling of '{member}' (the AWS doc page has it); it was accepted and "
            f"once you change the block it is written as {member}."))
        return _read_text(obj[wrong], part, what, notes)
    return ""


def _read_criterion(obj: Any, i: int, notes: list[Problem]) -> Identifier:
    if not isinstance(obj, dict):
        notes.append(Problem(
            "error", f"criterion:{i}:key",
            f"Identifier {i + 1} of SearchCriteria must be an object with IdentifierName and "
            f"IdentifierValue, but it is {json_kind(obj)}; it was left empty."))
        return Identifier("", "")
    key = _read_spelled(obj, "IdentifierName", f"criterion:{i}:key",
                        f"The search key of identifier {i + 1}", notes)
    value = _read_spelled(obj, "IdentifierValue", f"criterion:{i}:value",
                          f"The value of identifier {i + 1}", notes)
    return Identifier(key, value)


_SINGLE_MEMBERS = ("IdentifierName", "IdentifierValue", *MISSPELLINGS.values())
# Request members people put directly in Parameters instead of inside ProfileRequestData.
MISPLACED_REQUEST_MEMBERS = (*_SINGLE_MEMBERS, "SearchCriteria", "LogicalOperator")


def misplaced_members(parameters: dict[str, Any]) -> list[str]:
    """The request members written directly in Parameters (they belong inside ProfileRequestData)."""
    return [k for k in parameters if k in MISPLACED_REQUEST_MEMBERS]


def _request_of(parameters: dict[str, Any], notes: list[Problem]) -> Any:
    """ProfileRequestData, or the request members misplaced directly in Parameters (with a note)."""
    stray = misplaced_members(parameters)
    if not stray:
        return parameters.get("ProfileRequestData")
    names = " and ".join(stray)
    verb = "is" if len(stray) == 1 else "are"
    if "ProfileRequestData" in parameters:
        notes.append(Problem(
            "error", "request",
            f"{names} {verb} directly in Parameters as well as inside ProfileRequestData: "
            f"{'it belongs' if len(stray) == 1 else 'they belong'} inside ProfileRequestData only. The "
            "block uses ProfileRequestData; any change you make to the block removes the stray copy."))
        return parameters.get("ProfileRequestData")
    notes.append(Problem(
        "error", "request",
        f"{names} {verb} directly in Parameters, but {'it belongs' if len(stray) == 1 else 'they belong'} "
        "inside ProfileRequestData (Connect does not import the block like this). "
        f"{'It was' if len(stray) == 1 else 'They were'} read as the request; any change you make to "
        "the block writes the request inside ProfileRequestData."))
    return {k: parameters[k] for k in stray}


def _read_request(request: Any, notes: list[Problem]) -> tuple[list[Identifier], str]:
    """ProfileRequestData in any known form -> (identifiers, operator)."""
    if request is None:
        return [], "OR"
    if not isinstance(request, dict):
        notes.append(Problem(
            "error", "request",
            f"ProfileRequestData must be an object, but it is {json_kind(request)}; the block has "
            "no identifier yet. Add them again."))
        return [], "OR"
    forms = []
    if "SearchCriteria" in request:
        forms.append("SearchCriteria")
    if any(m in request for m in _SINGLE_MEMBERS):
        forms.append("IdentifierName/IdentifierValue")
    legacy = [k for k in request if k in LEGACY_REQUEST_KEYS]
    if legacy:
        forms.append("the legacy " + "/".join(legacy))
    if len(forms) > 1:
        notes.append(Problem(
            "error", "request",
            f"Ambiguous request: ProfileRequestData has both {forms[0]} and {' and '.join(forms[1:])}. "
            f"The block took {forms[0]}; check the identifiers. Once you change the block the other "
            "form is dropped."))
    known = {"SearchCriteria", "LogicalOperator", *_SINGLE_MEMBERS, *LEGACY_REQUEST_KEYS}
    unknown = [k for k in request if k not in known]
    if unknown:
        notes.append(Problem(
            "warning", "request",
            f"ProfileRequestData has {', '.join(_clip(k, 30) for k in unknown)}, which a Get profile "
            "block does not use; once you change the block it is dropped."))

    operator = "OR"
    if "LogicalOperator" in request:
        operator = _read_text(request["LogicalOperator"], "operator", "LogicalOperator", notes)

    if "SearchCriteria" in request:
        if "LogicalOperator" not in request:
            operator = ""  # validate() says an operator is needed with 2 or more
        criteria = request["SearchCriteria"]
        if not isinstance(criteria, list):
            notes.append(Problem(
                "error", "request",
                "SearchCriteria must be an array of {IdentifierName, IdentifierValue} objects, but it "
                f"is {json_kind(criteria)}; the block has no identifier yet. Add them again."))
            return [], operator
        if len(criteria) == 1:
            notes.append(Problem(
                "warning", "request",
                "SearchCriteria holds a single identifier; once you change the block it is written in the "
                "single form (IdentifierName/IdentifierValue, no LogicalOperator), which means the same."))
        return [_read_criterion(c, i, notes) for i, c in enumerate(criteria)], operator

    if any(m in request for m in _SINGLE_MEMBERS):
        if "LogicalOperator" in request:
            notes.append(Problem(
                "warning", "operator",
                "LogicalOperator only applies with SearchCriteria (2-5 identifiers); with one "
                "identifier it is left out on export."))
        return [_read_criterion(request, 0, notes)], operator

    if legacy:
        identifiers = []
        for i, name in enumerate(legacy):
            value = _read_text(request[name], f"criterion:{i}:value", f"The value of {name}", notes)
            identifiers.append(Identifier(LEGACY_REQUEST_KEYS[name], value))
        converted = ", ".join(f"{n} -> {LEGACY_REQUEST_KEYS[n]}" for n in legacy)
        notes.append(Problem(
            "warning", "request",
            f"The request uses the legacy form {{\"{legacy[0]}\": ...}}, read as {converted}. It stays as "
            "it is while you leave the block unchanged; once you change the block it is written in the "
            "current form (IdentifierName/IdentifierValue) and its designer metadata with it."))
        if len(legacy) > 1 and "LogicalOperator" not in request:
            operator = ""  # the legacy form says nothing about how two keys combine
        return identifiers, operator
    return [], operator


def _read_fields(value: Any, notes: list[Problem]) -> list[str]:
    """ProfileResponseData: an array in real exports; the doc page's object is accepted too."""
    if value is None:
        return []
    if isinstance(value, dict):
        notes.append(Problem(
            "warning", "fields",
            "ProfileResponseData is an object (as the AWS doc page shows); its keys were taken as the "
            "field names, in order; once you change the block it is written as an array, as the console "
            "does."))
        return list(value)
    if isinstance(value, str):
        notes.append(Problem(
            "warning", "fields",
            f"ProfileResponseData is a single string; it was read as the one field '{_clip(value)}' "
            "and once you change the block it is written as an array."))
        return [value]
    if not isinstance(value, list):
        notes.append(Problem(
            "error", "fields",
            f"ProfileResponseData must be an array of field names, but it is {json_kind(value)}; "
            "no field was read. Pick the fields again."))
        return []
    names = []
    for i, item in enumerate(value):
        if isinstance(item, str):
            names.append(item)
        else:
            notes.append(Problem(
                "error", "fields",
                f"Response field {i + 1} is {json_kind(item)} ({_shown(item)}), not a field name; "
                "it was left out."))
    return names


def _read_transitions(value: Any, notes: list[Problem]) -> dict[str, str]:
    """Transitions -> {branch: target}; missing branches stay "" (not connected)."""
    branches = {b: "" for b in BRANCHES}
    if value is None:
        return branches
    if not isinstance(value, dict):
        notes.append(Problem(
            "error", "branches",
            f"Transitions must be an object with NextAction and Errors, but it is {json_kind(value)}; "
            "the branches were left unconnected."))
        return branches
    branches[SUCCESS] = _read_text(value.get("NextAction"), f"branch:{SUCCESS}",
                                   "The Success branch target (NextAction)", notes)
    errors = value.get("Errors")
    if errors is None:
        return branches
    if not isinstance(errors, list):
        notes.append(Problem(
            "error", "branches",
            "Transitions.Errors must be an array of {ErrorType, NextAction} objects, but it is "
            f"{json_kind(errors)}; the error branches were left unconnected."))
        return branches
    seen: set[str] = set()
    for i, item in enumerate(errors):
        if not isinstance(item, dict):
            notes.append(Problem(
                "error", "branches",
                f"Item {i + 1} of Transitions.Errors must be an object with ErrorType and NextAction, "
                f"but it is {json_kind(item)}; it was ignored."))
            continue
        kind = item.get("ErrorType")
        if kind not in ERROR_TYPES:
            what = "has no ErrorType" if kind is None else f"has the ErrorType {_shown(kind)}"
            notes.append(Problem(
                "warning", "branches",
                f"Item {i + 1} of Transitions.Errors {what}, which a Get profile block does not have "
                f"({', '.join(ERROR_TYPES)}); it was ignored, and is dropped once you change the block."))
            continue
        label = BRANCH_LABELS[kind]
        target = _read_text(item.get("NextAction"), f"branch:{kind}", f"The {label} branch target", notes)
        if kind in seen:
            notes.append(Problem(
                "warning", f"branch:{kind}",
                f"{kind} is listed twice in Transitions.Errors; the first target "
                f"'{_clip(branches[kind])}' was kept and '{_clip(target)}' dropped."))
            continue
        seen.add(kind)
        branches[kind] = target
    return branches
