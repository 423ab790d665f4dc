"""Flow documents: wrap a block in a flow the Connect console imports; find the Get-profile blocks
of a flow; check a whole flow (``validate_flow``) or any imported document (``document_problems``,
the one verdict the Build page and ``validate`` both give).

Reading documents is ``profile_block.documents.document``'s; writing an edited block back into one
is ``profile_block.documents.splice``'s (it splices into the original text, so untouched bytes stay
as they were).
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from profile_block.documents.document import (  # noqa: F401 -- re-exported: the flow API callers know
    MAX_FLOW_CHARS,
    MAX_NESTING,
    DocumentError,
    ImportedDocument,
    classify,
    load_document,
    read_document,
)
from profile_block.documents.merge import merged_metadata
from profile_block.documents.problem_location import position_at, with_block_paths
from profile_block.flow_context.flow_reads import reads_problems
from profile_block.model.block import (
    ACTION_TYPE,
    BRANCH_LABELS,
    BRANCHES,
    ActionFormatError,
    GetProfileBlock,
    Problem,
    check_action_id,
    json_kind,
    read_action,
    validate_action,
)
from profile_block.model.surrogates import is_about_lone_surrogates

FLOW_VERSION = "2019-10-30"
MAX_ACTIONS = 250
ENDING_ACTION_TYPE = "DisconnectParticipant"
# Canvas layout of a wrapped flow: the block, then its ending actions in a column to its right.
ENTRY_POSITION = {"x": 40, "y": 40}
BLOCK_POSITION = {"x": 240, "y": 40}
ENDING_X, ENDING_Y0, ENDING_DY = 640, 40, 200
# Generated ending-action Identifiers derive from the block's, so the same block always gives
# the same flow (the preview and the download must be byte-identical).
_ENDING_NAMESPACE = uuid.UUID("6c0c6a55-3f1e-4a53-9d0b-2f4a5b7c9e01")


def dump_document(obj: Any) -> str:
    """The one serialisation of every export: JSON, 2-space indent, UTF-8 text, final newline."""
    return json.dumps(obj, indent=2, ensure_ascii=False) + "\n"


def _ending_id(block_id: str) -> str:
    return str(uuid.uuid5(_ENDING_NAMESPACE, block_id or "get-profile"))


def wrap_in_flow(block: GetProfileBlock) -> dict[str, Any]:
    """A whole importable flow: the block as StartAction plus one ending action per branch target.

    Every branch target gets a ``DisconnectParticipant`` ending action (targets shared by several
    branches get one), with the typed name as its Identifier and ``isFriendlyName`` metadata;
    unconnected branches share one generated ending action, whose Identifier is written into the
    block's transitions, so every NextAction resolves.
    """
    action = block.to_action()
    transitions = action["Transitions"]
    unconnected = _ending_id(block.action_id)
    for item in [transitions, *transitions["Errors"]]:
        if not item["NextAction"]:
            item["NextAction"] = unconnected
    targets = [transitions["NextAction"], *(e["NextAction"] for e in transitions["Errors"])]
    endings = [t for t in dict.fromkeys(targets) if t != block.action_id]  # a self-loop needs none
    # The designer's flags for the block's request, as console exports write them.
    entry = {"position": dict(BLOCK_POSITION), "parameters": {}, "useDynamic": {},
             "customerProfilesAction": ACTION_TYPE}
    action_metadata: dict[str, Any] = {block.action_id: merged_metadata(entry, block, block)}
    for i, target in enumerate(endings):
        action_metadata[target] = {"position": {"x": ENDING_X, "y": ENDING_Y0 + i * ENDING_DY}}
        if target != unconnected:
            # A typed target is a name, not an id: the designer shows it on the placeholder only
            # when the metadata says so (console exports mark a named block this way).
            action_metadata[target]["isFriendlyName"] = True
    return {
        "Version": FLOW_VERSION,
        "StartAction": block.action_id,
        "Metadata": {"entryPointPosition": dict(ENTRY_POSITION), "ActionMetadata": action_metadata},
        "Actions": [action] + [
            {"Parameters": {}, "Identifier": t, "Type": ENDING_ACTION_TYPE, "Transitions": {}}
            for t in endings
        ],
    }


def _actions(flow: Any) -> list[Any]:
    if isinstance(flow, dict) and isinstance(flow.get("Actions"), list):
        return flow["Actions"]
    return []


def find_get_profile_actions(flow: dict[str, Any]) -> list[dict[str, Any]]:
    """Every GetCustomerProfile action of a flow, in document order."""
    return [a for a in _actions(flow) if isinstance(a, dict) and a.get("Type") == ACTION_TYPE]


def action_id_of(action: dict[str, Any]) -> str:
    """An action's Identifier as text (a non-string Identifier as its JSON)."""
    value = action.get("Identifier")
    return value if isinstance(value, str) else ("" if value is None else json.dumps(value))


def validate_flow(flow: dict[str, Any], size: int | None = None) -> list[Problem]:
    """Problems of every Get-profile block in a flow (block_id set), plus flow-level ones.

    Flow-level problems have part "flow" and no block_id. Inside a whole flow every branch of a
    Get-profile block must lead to an action of the flow. ``size`` is the flow's length as text
    (default: as this tool writes it). Raises DocumentError when ``flow`` is not a flow document.
    """
    if not isinstance(flow, dict):
        raise DocumentError(f"A flow is a JSON object, but this is {json_kind(flow)}.")
    if not isinstance(flow.get("Actions"), list):
        raise DocumentError("This is not a flow: it has no \"Actions\" array.")
    problems: list[Problem] = []
    actions = flow["Actions"]
    version = flow.get("Version")
    if version != FLOW_VERSION:
        shown = "missing" if version is None else f"'{version}'"
        problems.append(Problem(
            "warning", "flow",
            f"The flow's Version is {shown}; Connect flows are Version \"{FLOW_VERSION}\".",
            path=("Version",)))
    if len(actions) > MAX_ACTIONS:
        problems.append(Problem(
            "warning", "flow",
            f"The flow has {len(actions)} actions; Amazon Connect allows at most {MAX_ACTIONS} in one flow.",
            path=("Actions",)))
    ids = {i: action_id_of(a) for i, a in enumerate(actions) if isinstance(a, dict)}
    known = set(ids.values())
    start = flow.get("StartAction")
    if isinstance(start, str) and start not in known:
        problems.append(Problem(
            "error", "flow",
            f"StartAction '{start}' names no action in this flow; the console will not import it.",
            path=("StartAction",)))
    seen: set[str] = set()
    for i, action_id in ids.items():
        if action_id in seen:
            problems.append(Problem(
                "error", "flow",
                f"More than one action has the Identifier '{action_id}'; every action needs its own.",
                path=("Actions", i, "Identifier")))
        seen.add(action_id)
    if size is None:   # a flow built here: its size is that of its export
        try:
            size = len(dump_document(flow))
        except (TypeError, ValueError, RecursionError):
            size = 0
    if size > MAX_FLOW_CHARS:
        problems.append(Problem(
            "error", "flow",
            f"The flow is {size:,} characters as JSON; Amazon Connect accepts at most {MAX_FLOW_CHARS:,}."))

    for index, action in enumerate(actions):
        if not (isinstance(action, dict) and action.get("Type") == ACTION_TYPE):
            continue
        block_id = action_id_of(action)
        try:
            block, notes = read_action(action)
        except ActionFormatError as exc:  # cannot happen for a GetCustomerProfile dict; be safe
            problems.append(Problem("error", "request", str(exc), block_id, path=("Actions", index)))
            continue
        found = list(dict.fromkeys(notes + block.validate()))
        for branch in BRANCHES:
            target = block.branches.get(branch, "")
            label = BRANCH_LABELS[branch]
            if not target:
                found.append(Problem(
                    "error", f"branch:{branch}",
                    f"The {label} branch is not connected; in a whole flow every branch must lead to "
                    "an action. Connect it."))
            elif target not in known and check_action_id(target) is None:
                found.append(Problem(
                    "error", f"branch:{branch}",
                    f"The {label} branch leads to '{target}', which is not an action in this flow. "
                    "Connect it to one of the flow's actions."))
        problems += with_block_paths(action, found, ("Actions", index), block_id)
    return problems


def document_problems(doc: ImportedDocument) -> tuple[int, list[Problem]]:
    """(number of Get-profile blocks checked, problems) of an imported flow or action.

    The one verdict of a document: ``validate`` prints it and the Build page shows it for the
    document it would download. Keys written twice anywhere are errors (part "document": which copy
    counts depends on the reader), and so is a lone surrogate anywhere (text that is not Unicode). A
    flow's ``$.Customer`` reads that the blocks before them do not bring back are warnings (``flow_reads``).
    """
    problems = [Problem("error", "document", duplicate.message(doc.text),
                        position=position_at(doc.text, duplicate.again)) for duplicate in doc.duplicates]
    problems += [Problem("error", "document", place.message(doc.text),
                         position=position_at(doc.text, place.position)) for place in doc.lone_surrogates]
    if doc.kind == "action":
        blocks = 1
        block_id = read_action(doc.document)[0].action_id
        found = with_block_paths(doc.document, validate_action(doc.document), (), block_id)
    else:
        blocks = len(find_get_profile_actions(doc.document))
        found = (validate_flow(doc.document, size=len(doc.text.removeprefix("\ufeff")))
                 + reads_problems(doc.document))
    if doc.lone_surrogates:
        # Each place is said once, with its line and column, not again by the block's own check.
        found = [p for p in found if not is_about_lone_surrogates(p.message)]
    return blocks, problems + found
