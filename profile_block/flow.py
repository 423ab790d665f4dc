"""Flow documents: wrap a block in a flow the Connect console imports; find and replace
Get-profile blocks inside an existing flow, leaving everything else as it was.

Every export (download, preview, CLI output) is serialised by ``dump_document``, so a file
always equals what the page showed.
"""

from __future__ import annotations

import copy
import json
import uuid
from typing import Any

from profile_block.block import (
    ACTION_TYPE,
    BRANCH_LABELS,
    BRANCHES,
    ActionFormatError,
    GetProfileBlock,
    Problem,
    check_action_id,
    json_kind,
    read_action,
)

FLOW_VERSION = "2019-10-30"
MAX_FLOW_CHARS = 256_000   # CreateContactFlow content limit
MAX_ACTIONS = 250
# Real flows nest a handful of levels; a limit keeps deep garbage from exhausting the stack later.
MAX_NESTING = 64
ENDING_ACTION_TYPE = "DisconnectParticipant"
# Canvas layout of a wrapped flow: the block, then its ending actions in a column to its right.
ENTRY_POSITION = {"x": 40, "y": 40}
BLOCK_POSITION = {"x": 240, "y": 40}
ENDING_X, ENDING_Y0, ENDING_DY = 640, 40, 200
# Generated ending-action Identifiers derive from the block's, so the same block always gives
# the same flow (the preview and the download must be byte-identical).
_ENDING_NAMESPACE = uuid.UUID("6c0c6a55-3f1e-4a53-9d0b-2f4a5b7c9e01")


class DocumentError(ValueError):
    """Text that is not JSON, too large, or neither a flow nor a GetCustomerProfile action."""


def dump_document(obj: Any) -> str:
    """The one serialisation of every export: JSON, 2-space indent, UTF-8 text, final newline."""
    return json.dumps(obj, indent=2, ensure_ascii=False) + "\n"


def _reject_constant(name: str) -> Any:
    raise DocumentError(f"This is not JSON: {name} is not a JSON value (Connect rejects it).")


def _nesting_depth(obj: Any) -> int:
    """How deeply lists/objects nest (iterative: deep input must not exhaust the stack)."""
    deepest, stack = 0, [(obj, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict | list):
            deepest = max(deepest, depth)
            if depth > MAX_NESTING:
                return depth
            children = node.values() if isinstance(node, dict) else node
            stack.extend((child, depth + 1) for child in children)
    return deepest


def load_document(text: str) -> tuple[str, dict[str, Any]]:
    """Parse uploaded/pasted text; return ("flow" | "action", the parsed object).

    Raises DocumentError with a one-sentence message for: more than MAX_FLOW_CHARS characters,
    not JSON, not an object, neither a flow (has "Actions" list) nor a GetCustomerProfile action.
    A flow without any GetCustomerProfile action is still a flow (the caller says so).
    """
    if isinstance(text, bytes | bytearray):
        try:
            text = bytes(text).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise DocumentError(
                f"This is not UTF-8 text (byte {exc.start + 1}), so it is not JSON.") from None
    if not isinstance(text, str):
        raise DocumentError(f"Expected text, but got {json_kind(text)}.")
    text = text.removeprefix("\ufeff")  # a byte-order mark some editors write
    if len(text) > MAX_FLOW_CHARS:
        raise DocumentError(
            f"The document is {len(text):,} characters; Amazon Connect accepts flows of at most "
            f"{MAX_FLOW_CHARS:,} characters.")
    if not text.strip():
        raise DocumentError("The document is empty: paste or upload a flow or a GetCustomerProfile action.")
    try:
        obj = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise DocumentError(
            f"This is not JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}.") from None
    except RecursionError:
        raise DocumentError(
            f"This JSON nests too deeply (more than {MAX_NESTING} levels) to be a flow.") from None
    except ValueError as exc:  # e.g. an integer with thousands of digits
        raise DocumentError(f"This is not JSON Connect can read: {exc}.") from None
    if _nesting_depth(obj) > MAX_NESTING:
        raise DocumentError(f"This JSON nests more than {MAX_NESTING} levels deep, which no flow does.")
    if not isinstance(obj, dict):
        raise DocumentError(
            f"The JSON is {json_kind(obj)}, not an object: a flow or a GetCustomerProfile action "
            "is a JSON object {...}.")
    return classify(obj), obj


def classify(obj: dict[str, Any]) -> str:
    """"flow" or "action" for a parsed JSON object; DocumentError saying what it is otherwise."""
    if "Actions" in obj:
        if isinstance(obj["Actions"], list):
            return "flow"
        raise DocumentError(
            f"This looks like a flow, but its \"Actions\" is {json_kind(obj['Actions'])}, not an array "
            "of actions.")
    if "Type" in obj:
        if obj["Type"] == ACTION_TYPE:
            return "action"
        kind = obj["Type"] if isinstance(obj["Type"], str) else json_kind(obj["Type"])
        raise DocumentError(
            f"This is a single {kind} action, not a GetCustomerProfile action or a whole flow.")
    keys = ", ".join(list(obj)[:5]) or "no keys"
    raise DocumentError(
        "This JSON object is neither a flow (it has no \"Actions\" array) nor a GetCustomerProfile "
        f"action (it has no \"Type\"); it has {keys}.")


def _ending_id(block_id: str) -> str:
    return str(uuid.uuid5(_ENDING_NAMESPACE, block_id or "get-profile"))


def wrap_in_flow(block: GetProfileBlock) -> dict[str, Any]:
    """A whole importable flow: the block as StartAction plus one ending action per branch target.

    Every branch target gets a ``DisconnectParticipant`` ending action (targets shared by several
    branches get one); unconnected branches share one generated ending action, whose Identifier
    is written into the block's transitions, so every NextAction resolves.
    """
    action = block.to_action()
    transitions = action["Transitions"]
    unconnected = _ending_id(block.action_id)
    for item in [transitions, *transitions["Errors"]]:
        if not item["NextAction"]:
            item["NextAction"] = unconnected
    targets = [transitions["NextAction"], *(e["NextAction"] for e in transitions["Errors"])]
    endings = [t for t in dict.fromkeys(targets) if t != block.action_id]  # a self-loop needs none
    action_metadata: dict[str, Any] = {
        block.action_id: {"position": dict(BLOCK_POSITION), "customerProfilesAction": ACTION_TYPE},
    }
    for i, target in enumerate(endings):
        action_metadata[target] = {"position": {"x": ENDING_X, "y": ENDING_Y0 + i * ENDING_DY}}
    return {
        "Version": FLOW_VERSION,
        "StartAction": block.action_id,
        "Metadata": {"entryPointPosition": dict(ENTRY_POSITION), "ActionMetadata": action_metadata},
        "Actions": [action] + [
            {"Identifier": t, "Type": ENDING_ACTION_TYPE, "Parameters": {}, "Transitions": {}}
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


def _rename_next_actions(node: Any, old: str, new: str) -> None:
    """Point every ``NextAction`` equal to ``old`` inside ``node`` (a Transitions value) at ``new``."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "NextAction" and value == old:
                node[key] = new
            else:
                _rename_next_actions(value, old, new)
    elif isinstance(node, list):
        for item in node:
            _rename_next_actions(item, old, new)


def replace_block(flow: dict[str, Any], original_id: str, block: GetProfileBlock) -> dict[str, Any]:
    """A copy of ``flow`` with the action ``original_id`` replaced by ``block``; nothing else changed.

    The new action is merged over the original: keys the block does not know (in the action, its
    Parameters or its Transitions, e.g. ``Conditions``) stay. When the Identifier changes, the
    block's ActionMetadata entry is renamed in place and StartAction and every NextAction that
    named the old Identifier follow (and console Annotations attached to it). The block's
    ActionMetadata entry keeps its keys (position, useDynamic ...) and gets
    ``customerProfilesAction``. Transitions.Errors entries are updated in place, in their order,
    so a re-exported flow differs from the original only where the block changed. Raises
    DocumentError when the flow has no GetCustomerProfile action ``original_id``.
    """
    result = copy.deepcopy(flow)
    actions = _actions(result)
    index = next((i for i, a in enumerate(actions) if isinstance(a, dict)
                  and a.get("Type") == ACTION_TYPE and _action_id_of(a) == original_id), None)
    if index is None:
        raise DocumentError(
            f"This flow has no GetCustomerProfile action with the Identifier '{original_id}'.")
    new_id = block.action_id
    renamed = new_id != original_id
    new = block.to_action()
    if renamed:  # the block's own branches may loop back to itself
        _rename_next_actions(new["Transitions"], original_id, new_id)

    merged = actions[index]
    merged["Identifier"] = new_id
    if isinstance(merged.get("Parameters"), dict):
        merged["Parameters"].update(new["Parameters"])
    else:
        merged["Parameters"] = new["Parameters"]
    if isinstance(merged.get("Transitions"), dict):
        old_errors = merged["Transitions"].get("Errors")
        merged["Transitions"].update(new["Transitions"])
        merged["Transitions"]["Errors"] = _merge_errors(old_errors, new["Transitions"]["Errors"])
    else:
        merged["Transitions"] = new["Transitions"]

    if renamed:
        if result.get("StartAction") == original_id:
            result["StartAction"] = new_id
        for i, other in enumerate(actions):
            if i != index and isinstance(other, dict) and "Transitions" in other:
                _rename_next_actions(other["Transitions"], original_id, new_id)
    metadata = result.get("Metadata")
    action_metadata = metadata.get("ActionMetadata") if isinstance(metadata, dict) else None
    if renamed and isinstance(metadata, dict) and isinstance(metadata.get("Annotations"), list):
        # Console notes attached to the block follow it.
        for note in metadata["Annotations"]:
            if isinstance(note, dict) and note.get("actionId") == original_id:
                note["actionId"] = new_id
    if isinstance(action_metadata, dict):
        if renamed and original_id in action_metadata:
            # Rebuild to rename the key at the same position in the document.
            metadata["ActionMetadata"] = action_metadata = {
                (new_id if k == original_id else k): v for k, v in action_metadata.items()}
        entry = action_metadata.get(new_id)
        if isinstance(entry, dict):
            entry["customerProfilesAction"] = ACTION_TYPE
        elif entry is None:
            action_metadata[new_id] = {"customerProfilesAction": ACTION_TYPE}
    return result


def _merge_errors(old: Any, new: list[dict[str, str]]) -> list[Any]:
    """The block's error transitions, written into the original entries where there are some.

    Entries of other or repeated ErrorTypes are dropped (reading the block warned about them);
    missing ones are appended.
    """
    if not isinstance(old, list):
        return new
    targets = {e["ErrorType"]: e["NextAction"] for e in new}
    merged: list[Any] = []
    for entry in old:
        kind = entry.get("ErrorType") if isinstance(entry, dict) else None
        if isinstance(kind, str) and kind in targets:
            entry["NextAction"] = targets.pop(kind)
            merged.append(entry)
    return merged + [e for e in new if e["ErrorType"] in targets]


def _action_id_of(action: dict[str, Any]) -> str:
    value = action.get("Identifier")
    return value if isinstance(value, str) else ("" if value is None else json.dumps(value))


def validate_flow(flow: dict[str, Any]) -> list[Problem]:
    """Problems of every Get-profile block in a flow (block_id set), plus flow-level ones.

    Flow-level problems have part "flow" and no block_id. Inside a whole flow every branch of a
    Get-profile block must lead to an action of the flow. Raises DocumentError when ``flow`` is
    not a flow document at all.
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
            f"The flow's Version is {shown}; Connect flows are Version \"{FLOW_VERSION}\"."))
    if len(actions) > MAX_ACTIONS:
        problems.append(Problem(
            "warning", "flow",
            f"The flow has {len(actions)} actions; Amazon Connect allows at most {MAX_ACTIONS} in one flow."))
    ids = [_action_id_of(a) for a in actions if isinstance(a, dict)]
    known = set(ids)
    start = flow.get("StartAction")
    if isinstance(start, str) and start not in known:
        problems.append(Problem(
            "error", "flow",
            f"StartAction '{start}' names no action in this flow; the console will not import it."))
    seen: set[str] = set()
    for action_id in ids:
        if action_id in seen:
            problems.append(Problem(
                "error", "flow",
                f"More than one action has the Identifier '{action_id}'; every action needs its own."))
        seen.add(action_id)
    try:
        size = len(dump_document(flow))
    except (TypeError, ValueError, RecursionError):
        size = 0
    if size > MAX_FLOW_CHARS:
        problems.append(Problem(
            "error", "flow",
            f"The flow is {size:,} characters as JSON; Amazon Connect accepts at most {MAX_FLOW_CHARS:,}."))

    for action in find_get_profile_actions(flow):
        block_id = _action_id_of(action)
        try:
            block, notes = read_action(action)
        except ActionFormatError as exc:  # cannot happen for a GetCustomerProfile dict; be safe
            problems.append(Problem("error", "request", str(exc), block_id))
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
        problems += [Problem(p.severity, p.part, p.message, block_id) for p in found]
    return problems
