"""How an edited Get-profile block is written over the action it was read from, and how that action's
designer metadata (its ``Metadata.ActionMetadata`` entry) follows.

Plain dict rules; ``profile_block.documents.splice`` turns their result into text edits of the original file.

- The action keeps its key order, the keys the block does not know, its ``Transitions.Errors`` order
  and each entry's member order. Keys it did not have are added in the console's order only when the
  block has something to put there.
- The request is written in the current shape (IdentifierName/IdentifierValue, or SearchCriteria +
  LogicalOperator); request members misplaced directly in Parameters move inside ProfileRequestData.
- The metadata entry changes only when the written request does, and only in the keys it already
  has (``parameters``, ``useDynamic``): nothing is added (no ``customerProfilesAction``), stale
  flags (a legacy ``PhoneNumber``) go, and the flags describe the request as current console exports
  do (real flows 09 and 10): ``parameters.ProfileRequestData.IdentifierValue.useDynamic`` and
  ``useDynamic: {"IdentifierName": true, "IdentifierValue": true}`` for a dynamic value, none for a
  static one. With SearchCriteria (2-5 identifiers) no flags are written: no public export shows how
  the console flags criteria, and a guessed shape would be a wrong flag rather than a missing one.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from profile_block.documents.jsontext import same
from profile_block.model.block import (
    ACTION_TYPE,
    BRANCHES,
    ERROR_TYPES,
    EXPORT_ERROR_ORDER,
    LEGACY_REQUEST_KEYS,
    MISSPELLINGS,
    SUCCESS,
    GetProfileBlock,
    misplaced_members,
)
from profile_block.model.references import is_reference

ACTION_KEY_ORDER = ("Parameters", "Identifier", "Type", "Transitions")
PARAMETER_KEY_ORDER = ("ProfileRequestData", "ProfileResponseData")
TRANSITION_KEY_ORDER = ("NextAction", "Errors")
ERROR_MEMBER_ORDER = ("NextAction", "ErrorType")
# useDynamic / parameters flags that describe a request shape: replaced when the request is rewritten.
REQUEST_FLAG_KEYS = frozenset({"IdentifierName", "IdentifierValue", "SearchCriteria", "LogicalOperator",
                               *LEGACY_REQUEST_KEYS, *MISSPELLINGS.values()})


def ordered(original: dict[str, Any], updates: dict[str, Any], canonical: Sequence[str],
            drop: Iterable[str] = ()) -> dict[str, Any]:
    """``original`` with ``updates`` written in: existing keys stay where they are, ``drop`` keys go,
    and new keys are placed after their nearest predecessor in ``canonical`` order."""
    dropped = set(drop)
    result = {k: updates.get(k, v) for k, v in original.items() if k not in dropped}
    for key in [k for k in canonical if k in updates and k not in result] + \
               [k for k in updates if k not in result and k not in canonical]:
        rank = canonical.index(key) if key in canonical else len(canonical)
        keys = list(result)
        before = [i for i, k in enumerate(keys) if k in canonical and canonical.index(k) < rank]
        at = before[-1] + 1 if before else (0 if key in canonical else len(keys))
        keys.insert(at, key)
        result = {k: (updates[k] if k == key else result[k]) for k in keys}
    return result


def _merged_request(original: Any, new: dict[str, Any]) -> dict[str, Any]:
    """The block's request, in the original request's key (and criterion member) order where it had one."""
    if not isinstance(original, dict):
        return new
    if "SearchCriteria" in new and isinstance(original.get("SearchCriteria"), list):
        old_items = original["SearchCriteria"]
        new = dict(new, SearchCriteria=[
            ordered(old_items[i], item, list(item), drop=[k for k in old_items[i] if k not in item])
            if i < len(old_items) and isinstance(old_items[i], dict) else item
            for i, item in enumerate(new["SearchCriteria"])])
    return ordered(original, new, list(new), drop=[k for k in original if k not in new])


def _merged_errors(original: Any, block: GetProfileBlock) -> list[Any]:
    """Transitions.Errors with the block's targets: existing entries updated in place (order and member
    order kept), entries of other or repeated ErrorTypes dropped (reading warned about them),
    connected branches that had no entry appended in the console's order."""
    targets = {e: block.branches.get(e, "") for e in ERROR_TYPES}
    merged: list[Any] = []
    seen: set[str] = set()
    for entry in original if isinstance(original, list) else []:
        kind = entry.get("ErrorType") if isinstance(entry, dict) else None
        if isinstance(kind, str) and kind in targets and kind not in seen:
            seen.add(kind)
            merged.append(ordered(entry, {"NextAction": targets[kind]}, ERROR_MEMBER_ORDER))
    merged += [{"NextAction": targets[e], "ErrorType": e} for e in EXPORT_ERROR_ORDER
               if e not in seen and targets[e]]
    return merged


def _merged_transitions(original: Any, block: GetProfileBlock) -> dict[str, Any] | None:
    """Transitions with the block's branches; None when the action had none and the block has none."""
    connected = any(block.branches.get(b, "") for b in BRANCHES)
    if not isinstance(original, dict):
        return block.transitions() if original is not None or connected else None
    updates: dict[str, Any] = {}
    success = block.branches.get(SUCCESS, "")
    if "NextAction" in original or success:
        updates["NextAction"] = success
    errors = _merged_errors(original.get("Errors"), block)
    if "Errors" in original or errors:
        updates["Errors"] = errors
    return ordered(original, updates, TRANSITION_KEY_ORDER)


def merged_action(original: dict[str, Any], block: GetProfileBlock) -> dict[str, Any]:
    """The action ``original`` (a GetCustomerProfile action) rewritten to say what ``block`` says."""
    parameters = original.get("Parameters")
    new_request = block.request()
    if isinstance(parameters, dict):
        updates: dict[str, Any] = {"ProfileRequestData": _merged_request(
            parameters.get("ProfileRequestData"), new_request)}
        if block.fields or "ProfileResponseData" in parameters:
            updates["ProfileResponseData"] = list(block.fields)
        new_parameters = ordered(parameters, updates, PARAMETER_KEY_ORDER, drop=misplaced_members(parameters))
    else:
        new_parameters = {"ProfileRequestData": new_request, "ProfileResponseData": list(block.fields)}
    updates = {"Parameters": new_parameters, "Type": ACTION_TYPE}
    if block.action_id or "Identifier" in original:
        updates["Identifier"] = block.action_id
    transitions = _merged_transitions(original.get("Transitions"), block)
    if transitions is not None:
        updates["Transitions"] = transitions
    return ordered(original, updates, ACTION_KEY_ORDER)


def request_rewritten(original: dict[str, Any], new: dict[str, Any]) -> bool:
    """Whether the request as written changed between two versions of an action."""
    def request(action: dict[str, Any]) -> Any:
        parameters = action.get("Parameters")
        if not isinstance(parameters, dict):
            return None
        return parameters.get("ProfileRequestData"), [parameters[k] for k in misplaced_members(parameters)]
    return not same(request(original), request(new))


def merged_metadata(entry: Any, block: GetProfileBlock, original_block: GetProfileBlock) -> Any:
    """The action's ActionMetadata entry brought in line with the block's (rewritten) request.

    Only ``parameters.ProfileRequestData`` and ``useDynamic`` change, and only when the entry has
    them; ``IdentifierName.displayName`` (the console's label for the key) stays while the key does.
    """
    if not isinstance(entry, dict):
        return entry
    single = len(block.identifiers) == 1
    dynamic = single and is_reference(block.identifiers[0].value)
    same_key = single and len(original_block.identifiers) == 1 and \
        original_block.identifiers[0].key == block.identifiers[0].key
    updates: dict[str, Any] = {}
    parameters = entry.get("parameters")
    if isinstance(parameters, dict):
        old = parameters.get("ProfileRequestData")
        old = old if isinstance(old, dict) else {}
        flags: dict[str, Any] = {k: v for k, v in old.items() if k not in REQUEST_FLAG_KEYS}
        if same_key and "IdentifierName" in old:
            flags["IdentifierName"] = old["IdentifierName"]
        if dynamic:
            value_meta = old.get("IdentifierValue")
            flags["IdentifierValue"] = ordered(value_meta if isinstance(value_meta, dict) else {},
                                               {"useDynamic": True}, ["useDynamic"])
        if flags or "ProfileRequestData" in parameters:
            updates["parameters"] = ordered(parameters, {"ProfileRequestData": flags}, ["ProfileRequestData"])
    use_dynamic = entry.get("useDynamic")
    if isinstance(use_dynamic, dict):
        kept = {k: v for k, v in use_dynamic.items() if k not in REQUEST_FLAG_KEYS}
        updates["useDynamic"] = {"IdentifierName": True, "IdentifierValue": True, **kept} if dynamic else kept
    return ordered(entry, updates, [])
