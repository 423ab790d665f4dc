"""A Get-profile block in a page address: compact, versioned, and read back with care.

The Build page keeps the block being built in its URL (``?b=<link text>``) so that a reload, a
bookmark or a link sent to a colleague opens the same block. The text is ``1.`` (the format
version) followed by the URL-safe base64 (no padding) of the zlib-compressed compact JSON:

    [action_id, [[key, value], ...], operator, fields, [success, multiple, none, error], source]

where a standard response field is written as its index in the catalogue (``fields.STANDARD_FIELDS``)
and any other name as text; ``source`` (optional) names the imported document the block came from
(``{"name": file name, "id": the block's Identifier in it, "kind": "flow" | "action"}``): a URL cannot
hold the document itself, only which one to import again.

``read_link`` accepts only what ``block_link`` writes: anything else (another version, damaged or
foreign text, a payload that unpacks to more than ``MAX_JSON_BYTES``, nests deeply or holds text that
is not Unicode) raises ``LinkError`` with a sentence saying why; it never raises anything else.
"""

from __future__ import annotations

import base64
import binascii
import json
import zlib
from dataclasses import dataclass
from typing import Any

from profile_block.model.block import BRANCHES, GetProfileBlock, Identifier
from profile_block.model.fields import STANDARD_FIELDS
from profile_block.model.surrogates import first_in_json

VERSION = "1"
PARAMETER = "b"                 # the query parameter that holds the link text
# Longer link texts are not written: some servers and proxies refuse request lines past 8 KB.
MAX_LINK_CHARS = 6000
# The most a link may unpack to (a block the page can build is a few KB of JSON).
MAX_JSON_BYTES = 256_000
_FIELD_INDEX = {f.name: i for i, f in enumerate(STANDARD_FIELDS)}
SOURCE_KINDS = ("flow", "action")


class LinkError(ValueError):
    """The link text is not a block this page wrote (the message says why, in words)."""


@dataclass(frozen=True)
class Source:
    """The imported document a block came from: its file name and the block's Identifier in it."""

    name: str
    original_id: str
    kind: str = "flow"


@dataclass(frozen=True)
class Linked:
    """What a link holds: the block and, for a block from an imported document, that document's name."""

    block: GetProfileBlock
    source: Source | None = None


def block_link(block: GetProfileBlock, source: Source | None = None) -> str:
    """The link text of ``block`` (``read_link`` gives it back equal)."""
    fields = [_FIELD_INDEX.get(name, name) for name in block.fields]
    payload: list[Any] = [
        block.action_id,
        [[i.key, i.value] for i in block.identifiers],
        block.operator,
        fields,
        [block.branches.get(b, "") for b in BRANCHES],
    ]
    if source is not None:
        payload.append({"name": source.name, "id": source.original_id, "kind": source.kind})
    data = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    packed = base64.urlsafe_b64encode(zlib.compress(data, 9)).rstrip(b"=").decode("ascii")
    return f"{VERSION}.{packed}"


def fits(link: str) -> bool:
    """Whether a link text is short enough to be written into a page address."""
    return len(link) <= MAX_LINK_CHARS


def read_link(text: str) -> Linked:
    """The block (and source) a link text holds; LinkError, saying why, for anything else."""
    version, dot, packed = text.strip().partition(".")
    if not dot or not version.isdigit():
        raise LinkError("it is not a block link (a block link starts with a version number and a dot).")
    if version != VERSION:
        raise LinkError(f"it was written in block-link format {version}, and this page reads "
                        f"format {VERSION}.")
    try:
        raw = base64.b64decode(packed + "=" * (-len(packed) % 4), altchars=b"-_", validate=True)
        unpacker = zlib.decompressobj()
        data = unpacker.decompress(raw, MAX_JSON_BYTES)
        if unpacker.unconsumed_tail:
            raise LinkError(f"it unpacks to more than {MAX_JSON_BYTES:,} bytes, far more than any block.")
        if not unpacker.eof:
            raise LinkError("it is cut short (the address was shortened or only partly copied).")
        payload = json.loads(data.decode("utf-8"))
    except LinkError:
        raise
    except (binascii.Error, ValueError, zlib.error) as exc:
        raise LinkError("it is damaged (the address was changed or only partly copied).") from exc
    except RecursionError:   # a few bytes unpack to thousands of nested arrays: no block is one
        raise LinkError("its content is not a block (it nests far deeper than any block).") from None
    if first_in_json(payload) is not None:   # a block holding one could be neither shown nor written
        raise LinkError("its content is not a block (it holds text that is not Unicode: a lone "
                        "surrogate).")
    return _linked(payload)


def _linked(payload: Any) -> Linked:
    if not isinstance(payload, list) or len(payload) not in (5, 6):
        raise LinkError("its content is not a block.")
    action_id, idents, operator, fields, branches = payload[:5]
    if not (isinstance(action_id, str) and isinstance(operator, str)
            and _is_list_of(idents, lambda i: _is_list_of(i, _is_str) and len(i) == 2)
            and _is_list_of(fields, lambda f: _is_str(f) or _is_field_index(f))
            and _is_list_of(branches, _is_str) and len(branches) == len(BRANCHES)):
        raise LinkError("its content is not a block.")
    block = GetProfileBlock(
        action_id=action_id,
        identifiers=[Identifier(key, value) for key, value in idents],
        operator=operator,
        fields=[STANDARD_FIELDS[f].name if isinstance(f, int) else f for f in fields],
        branches=dict(zip(BRANCHES, branches, strict=True)),
    )
    return Linked(block, _source(payload[5]) if len(payload) == 6 else None)


def _source(value: Any) -> Source:
    if (not isinstance(value, dict) or set(value) != {"name", "id", "kind"}
            or not all(isinstance(v, str) for v in value.values()) or value["kind"] not in SOURCE_KINDS):
        raise LinkError("its note of the imported file is not readable.")
    return Source(value["name"], value["id"], value["kind"])


def _is_str(value: Any) -> bool:
    return isinstance(value, str)


def _is_field_index(value: Any) -> bool:
    return type(value) is int and 0 <= value < len(STANDARD_FIELDS)


def _is_list_of(value: Any, check: Any) -> bool:
    return isinstance(value, list) and all(check(v) for v in value)
