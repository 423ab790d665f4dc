"""Reading a flow or action someone hands us (upload, paste, CLI file), keeping its exact text.

``read_document`` is the one reader: it refuses what cannot be a flow or a GetCustomerProfile action
with a one-sentence ``DocumentError``, and returns an ``ImportedDocument`` holding the text exactly
as given (a byte-order mark included), the parsed object, the keys written twice (which a plain
``json.loads`` would silently collapse to the last one) and the strings that are not Unicode text
(lone surrogates: ``validate`` reports them, the Build page refuses to open such a document).
Exports splice into that text (``profile_block.documents.splice``), so whatever the user did not edit comes
back byte for byte.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from profile_block.documents import jsontext
from profile_block.model.block import ACTION_TYPE, MISPLACED_REQUEST_MEMBERS, Position, json_kind
from profile_block.model.surrogates import first_in_json

MAX_FLOW_CHARS = 256_000   # CreateContactFlow content limit
BOM = "\ufeff"
# A flow is at most MAX_FLOW_CHARS characters, a UTF-8 character at most 4 bytes (plus a byte-order
# mark): a larger file cannot be one, whatever it holds, and need not be read to say so.
MAX_DOCUMENT_BYTES = MAX_FLOW_CHARS * 4 + len(BOM.encode("utf-8"))
# Real flows nest a handful of levels; a limit keeps deep garbage from exhausting the stack later.
MAX_NESTING = 64
_ORDINALS = ("first", "second", "third", "fourth", "fifth")
# What a GetCustomerProfile action's Parameters hold: an object of only these is not a whole action.
_PARAMETER_PARTS = ("ProfileRequestData", "ProfileResponseData", *MISPLACED_REQUEST_MEMBERS)


class DocumentError(ValueError):
    """Text that is not JSON, too large, or neither a flow nor a GetCustomerProfile action.

    ``position`` is where the text stops being JSON, when that is the reason.
    """

    def __init__(self, message: str, position: Position | None = None) -> None:
        super().__init__(message)
        self.position = position


class NotAFlowError(DocumentError):
    """JSON that is neither a flow nor a GetCustomerProfile action, nor recognisably part of one
    (a package.json, a single action of another type): a linter searching a folder passes it by."""


@dataclass(eq=False)
class ImportedDocument:
    """A flow or one action as given: exact text, parsed object, repeated keys."""

    text: str                      # exactly as given (BOM included): an unedited export is these bytes
    kind: str                      # "flow" or "action"
    document: dict[str, Any]       # what json.loads reads (the last of repeated keys)
    duplicates: tuple[jsontext.DuplicateKey, ...] = ()
    index: Any = field(default=None, repr=False)   # filled by profile_block.documents.splice on first export
    lone_surrogates: tuple[jsontext.LoneSurrogate, ...] = ()   # text that is not Unicode, where it is

    @property
    def data(self) -> bytes:
        """The document's bytes (UTF-8, as every accepted document was)."""
        return self.text.encode("utf-8")

    def surrogate_messages(self) -> list[str]:
        return [s.message(self.text) for s in self.lone_surrogates]

    def require_unicode(self) -> None:
        """DocumentError when the document holds a lone surrogate: such text can be checked (it is
        a problem ``validate`` reports) but not opened: no page can show it, no download write it."""
        if self.lone_surrogates:
            more = len(self.lone_surrogates) - 1
            also = f" (and {more} more place{'s' if more > 1 else ''} like it)" if more else ""
            raise DocumentError(f"This document holds text that is not Unicode: "
                                f"{self.surrogate_messages()[0]}{also}")


def _reject_constant(name: str) -> Any:
    raise DocumentError(
        f"This is not JSON: it contains {name}, which JSON does not have (Connect rejects it).")


def _nesting_depth(obj: Any) -> int:
    """How deeply lists/objects nest (iterative: deep input must not exhaust the stack)."""
    if not isinstance(obj, dict | list):
        return 0
    deepest, stack = 1, [(obj, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        if depth > MAX_NESTING:
            return depth
        children = node.values() if isinstance(node, dict) else node
        stack += [(child, depth + 1) for child in children if isinstance(child, dict | list)]
    return deepest


def size_problem(name: str, byte_count: int) -> str | None:
    """Why a file of ``byte_count`` bytes cannot be a flow or action (None when its size can be)."""
    if byte_count <= MAX_DOCUMENT_BYTES:
        return None
    shown = f"{byte_count / 1_000_000:,.1f} MB" if byte_count >= 1_100_000 else f"{byte_count:,} bytes"
    return (f"{name} is {shown}, too large to be a flow or an action: Amazon Connect accepts flows of at "
            f"most {MAX_FLOW_CHARS:,} characters, which is at most {MAX_DOCUMENT_BYTES:,} bytes.")


def _decode(data: str | bytes | bytearray) -> str:
    if isinstance(data, bytes | bytearray):
        try:
            return bytes(data).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise DocumentError(
                f"This is not UTF-8 text (byte {exc.start + 1}), so it is not JSON.") from None
    if not isinstance(data, str):
        raise DocumentError(f"Expected text, but got {json_kind(data)}.")
    return data


def _several_values_message(text: str) -> str:
    """Why text holding several JSON values one after another is not one document, and where each ends."""
    spans, bad = jsontext.split_values(text)
    ends = [f"the {_ORDINALS[i] if i < len(_ORDINALS) else f'#{i + 1}'} ends at "
            f"{jsontext.where(text, end - 1)}" for i, (_, end) in enumerate(spans[:5])]
    if len(spans) > 5:
        ends.append(f"and {len(spans) - 5} more follow")
    if len(spans) >= 2:
        what = f"This is {len(spans)} JSON values one after another, not one document: {', '.join(ends)}"
        if bad is not None:
            what += f", and text that is not JSON follows at {jsontext.where(text, bad)}"
    else:
        what = (f"This is not JSON: a complete JSON value ends at {jsontext.where(text, spans[0][1] - 1)}, "
                f"but more text follows at {jsontext.where(text, bad or spans[0][1])}")
    return (what + ". Paste or upload one whole flow, or one GetCustomerProfile action, at a time "
            "(several actions belong in a flow's \"Actions\" array).")


def read_document(data: str | bytes | bytearray) -> ImportedDocument:
    """Read uploaded/pasted/file text into an ImportedDocument.

    Raises DocumentError with a one-sentence message for: not UTF-8, more than MAX_FLOW_CHARS
    characters, empty, not JSON (several JSON values one after another are named as such, with
    where each ends), NaN/Infinity, nesting past MAX_NESTING, not an object, neither a flow (has
    an "Actions" array) nor a GetCustomerProfile action. A flow without any GetCustomerProfile
    action is still a flow (the caller says so). Repeated keys are not an error here: they are
    kept in ``duplicates`` (with their JSON paths) for the checks to report.
    """
    text = _decode(data)
    body = text.removeprefix(BOM)  # a byte-order mark some editors write: kept in text, not parsed
    if len(body) > MAX_FLOW_CHARS:
        raise DocumentError(
            f"The document is {len(body):,} characters; Amazon Connect accepts flows of at most "
            f"{MAX_FLOW_CHARS:,} characters.")
    if not body.strip():
        raise DocumentError("The document is empty: paste or upload a flow or a GetCustomerProfile action.")
    try:
        obj, repeated = jsontext.has_duplicate_keys(body, parse_constant=_reject_constant)
    except DocumentError:
        raise
    except json.JSONDecodeError as exc:
        if exc.msg == "Extra data":
            raise DocumentError(_several_values_message(text)) from None
        raise DocumentError(f"This is not JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}.",
                            Position(exc.lineno, exc.colno)) from None
    except RecursionError:
        raise DocumentError(
            f"This JSON nests too deeply (more than {MAX_NESTING} levels) to be a flow.") from None
    except ValueError as exc:  # e.g. an integer with thousands of digits
        raise DocumentError(f"This is not JSON Connect can read: {exc}.") from None
    if _nesting_depth(obj) > MAX_NESTING:
        raise DocumentError(f"This JSON nests more than {MAX_NESTING} levels deep, which no flow does.")
    if not isinstance(obj, dict):
        raise NotAFlowError(
            f"The JSON is {json_kind(obj)}, not an object: a flow or a GetCustomerProfile action "
            "is a JSON object {...}.")
    kind = classify(obj)
    duplicates = tuple(jsontext.duplicate_keys(text)) if repeated else ()
    # Most documents have no surrogate escape at all (one regular-expression pass); where each lone
    # one is needs a walk of the text, made only when the parsed document holds one.
    holds_one = jsontext.may_hold_lone_surrogates(text) and first_in_json(obj) is not None
    surrogates = tuple(jsontext.lone_surrogates(text)) if holds_one else ()
    return ImportedDocument(text, kind, obj, duplicates, lone_surrogates=surrogates)


def load_document(data: str | bytes | bytearray) -> tuple[str, dict[str, Any]]:
    """``read_document`` for callers that need only ("flow" | "action", the parsed object)."""
    document = read_document(data)
    return document.kind, document.document


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
        raise NotAFlowError(
            f"This is a single {kind} action, not a GetCustomerProfile action or a whole flow.")
    inner = obj.get("Parameters")
    parameters = inner if isinstance(inner, dict) else obj
    parts = [k for k in parameters if k in _PARAMETER_PARTS]
    if parts:
        inside = [k for k in parts if k in MISPLACED_REQUEST_MEMBERS]
        hint = (f" ({', '.join(inside)} then go{'es' if len(inside) == 1 else ''} inside "
                "\"ProfileRequestData\")" if inside else "")
        what = "the inside of a Get profile block's Parameters" if parameters is obj else \
            "a Get profile block's Parameters"
        raise DocumentError(
            f"This looks like {what} without the action around it (no "
            "\"Type\"): an action is {\"Identifier\": ..., \"Type\": \"GetCustomerProfile\", "
            f"\"Parameters\": {{\"ProfileRequestData\": ...}}, \"Transitions\": ...}}{hint}.")
    keys = ", ".join(list(obj)[:5]) or "no keys"
    raise NotAFlowError(
        "This JSON object is neither a flow (it has no \"Actions\" array) nor a GetCustomerProfile "
        f"action (it has no \"Type\"); it has {keys}.")
