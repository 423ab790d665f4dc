"""Where a problem is: the JSON path of the block part it concerns, and that path's line and column.

A ``Problem`` names a part of a block ("criterion:1:value", "branch:NoneFoundError" ...);
``part_path`` turns it into the path of that part inside the action as the action is written (the
current, legacy or misspelled request, ProfileResponseData as an array or an object), so a linter can
point at the exact member. ``locate_problems`` then finds each path in the document's own text (the
spans ``jsontext`` knows) and fills in ``Problem.position``. A path that leads to something the
document does not have (a missing member) stops at the nearest part it does have: a missing
"Transitions" is reported at the action.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from profile_block.documents import jsontext
from profile_block.documents.document import BOM, ImportedDocument
from profile_block.model.block import (
    LEGACY_REQUEST_KEYS,
    MISSPELLINGS,
    SUCCESS,
    JsonPath,
    Position,
    Problem,
    misplaced_members,
)

_PARAMETERS: JsonPath = ("Parameters",)
_FIELDS: JsonPath = ("Parameters", "ProfileResponseData")


def _request_path(action: dict[str, Any]) -> tuple[JsonPath, Any]:
    """Where the request is read from (as ``block.read_action`` reads it) and what it holds there."""
    parameters = action.get("Parameters")
    if not isinstance(parameters, dict):
        return _PARAMETERS, None
    if "ProfileRequestData" in parameters or not misplaced_members(parameters):
        return (*_PARAMETERS, "ProfileRequestData"), parameters.get("ProfileRequestData")
    return _PARAMETERS, parameters      # the request members were written directly in Parameters


def _spelled(obj: Any, member: str) -> str:
    """``member`` or its misspelling, whichever the object holds (the correct one when both)."""
    if isinstance(obj, dict) and member not in obj and MISSPELLINGS[member] in obj:
        return MISSPELLINGS[member]
    return member


def _criterion_path(action: dict[str, Any], index: int, member: str) -> JsonPath:
    base, request = _request_path(action)
    if not isinstance(request, dict):
        return base
    if "SearchCriteria" in request:
        criteria = request["SearchCriteria"]
        if isinstance(criteria, list) and index < len(criteria):
            return (*base, "SearchCriteria", index, _spelled(criteria[index], member))
        return (*base, "SearchCriteria")
    if any(m in request for m in ("IdentifierName", "IdentifierValue", *MISSPELLINGS.values())):
        return (*base, _spelled(request, member))
    legacy = [k for k in request if k in LEGACY_REQUEST_KEYS]
    if index < len(legacy):
        return (*base, legacy[index])
    return base


def _field_path(action: dict[str, Any], name: str, occurrence: int) -> JsonPath:
    parameters = action.get("Parameters")
    fields = parameters.get("ProfileResponseData") if isinstance(parameters, dict) else None
    if isinstance(fields, list):
        found = [i for i, item in enumerate(fields) if item == name]
        if found:
            return (*_FIELDS, found[min(occurrence, len(found) - 1)])
    if isinstance(fields, dict) and name in fields:
        return (*_FIELDS, name)
    return _FIELDS


def _branch_path(action: dict[str, Any], branch: str) -> JsonPath:
    transitions = action.get("Transitions")
    if branch == SUCCESS:
        return ("Transitions", "NextAction")
    errors = transitions.get("Errors") if isinstance(transitions, dict) else None
    if isinstance(errors, list):
        for i, item in enumerate(errors):
            if isinstance(item, dict) and item.get("ErrorType") == branch:
                return ("Transitions", "Errors", i, "NextAction")
        return ("Transitions", "Errors")
    return ("Transitions",)


def part_path(action: dict[str, Any], part: str, occurrence: int = 0) -> JsonPath:
    """The path, inside ``action``, of the block part a Problem names (``block`` lists the parts).

    ``occurrence`` picks among repeated response fields (0: the first one listed).
    """
    kind, _, rest = part.partition(":")
    if kind == "identifier":
        return ("Identifier",)
    if kind == "request":
        return _request_path(action)[0]
    if kind == "operator":
        return (*_request_path(action)[0], "LogicalOperator")
    if kind == "criterion":
        index, _, member = rest.partition(":")
        return _criterion_path(action, int(index), "IdentifierName" if member == "key" else "IdentifierValue")
    if kind in ("fields", "budget"):
        return _FIELDS
    if kind == "field":
        return _field_path(action, rest, occurrence)
    if kind == "branch":
        return _branch_path(action, rest)
    if kind == "branches":
        return ("Transitions",)
    return ()


def with_block_paths(action: dict[str, Any], problems: Sequence[Problem], base: JsonPath = (),
                     block_id: str | None = None) -> list[Problem]:
    """``problems`` of one action with their paths (``base`` is where the action is in the document).

    A response field listed twice gets its "listed more than once" error at the second copy: the
    problems of one field come in the order they were found, the first copy's (if any) first.
    """
    parameters = action.get("Parameters")
    fields = parameters.get("ProfileResponseData") if isinstance(parameters, dict) else None
    listed = fields if isinstance(fields, list) else []
    remaining = {p.part: sum(q.part == p.part for q in problems) for p in problems}
    located = []
    for problem in problems:
        occurrence = 0
        if problem.part.startswith("field:") and listed.count(problem.part[len("field:"):]) > 1:
            remaining[problem.part] -= 1
            occurrence = 1 if remaining[problem.part] == 0 else 0
        located.append(dataclasses.replace(
            problem, block_id=problem.block_id if block_id is None else block_id,
            path=(*base, *part_path(action, problem.part, occurrence))))
    return located


class TextLocator:
    """Offsets and positions of JSON paths in one document's text (containers read once each)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.root = jsontext.root_span(text)[0]
        self._members: dict[int, list[jsontext.Member]] = {}
        self._items: dict[int, list[jsontext.Item]] = {}

    def offset(self, path: JsonPath) -> int:
        """Where what ``path`` names starts: a member's key (the line that names it), an item's value;
        for a path the document lacks, its deepest existing part."""
        pos = shown = self.root
        for step in path:
            opener = self.text[pos]
            if isinstance(step, str) and opener == "{":
                if pos not in self._members:
                    self._members[pos] = jsontext.members(self.text, pos)
                found = jsontext.last(self._members[pos], step)
                if found is None:
                    break
                pos, shown = found.value_start, found.key_start
            elif isinstance(step, int) and opener == "[":
                if pos not in self._items:
                    self._items[pos] = jsontext.items(self.text, pos)
                if not 0 <= step < len(self._items[pos]):
                    break
                pos = shown = self._items[pos][step].start
            else:
                break
        return shown

    def position(self, path: JsonPath) -> Position:
        return position_at(self.text, self.offset(path))


def position_at(text: str, offset: int) -> Position:
    """Line and column of ``offset`` as an editor shows them (a byte-order mark takes no column)."""
    line, column = jsontext.line_col(text, offset)
    if line == 1 and text.startswith(BOM) and offset > 0:
        column -= 1
    return Position(line, column)


def _action_paths(document: ImportedDocument) -> dict[str, JsonPath]:
    """The path of each action by Identifier (the first action holding it)."""
    if document.kind == "action":
        return {str(document.document.get("Identifier", "")): ()}
    actions = document.document.get("Actions")
    paths: dict[str, JsonPath] = {}
    for i, action in enumerate(actions if isinstance(actions, list) else []):
        if isinstance(action, dict) and isinstance(action.get("Identifier"), str):
            paths.setdefault(action["Identifier"], ("Actions", i))
    return paths


def locate_problems(document: ImportedDocument, problems: Sequence[Problem]) -> list[Problem]:
    """``problems`` of ``document`` with ``position`` filled in.

    A problem that has a position keeps it; one with a path is placed there; one with neither is
    placed at the action its block_id names (a new kind of problem still lands near its cause),
    else at the start of the document.
    """
    locator = TextLocator(document.text)
    by_id: dict[str, JsonPath] | None = None
    located = []
    for problem in problems:
        if problem.position is not None:
            located.append(problem)
            continue
        path = problem.path
        if path is None:
            if by_id is None:
                by_id = _action_paths(document)
            path = by_id.get(problem.block_id, ()) if problem.block_id else ()
        located.append(dataclasses.replace(problem, position=locator.position(path)))
    return located
