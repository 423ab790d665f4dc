"""Edits the Build page makes to a ``GetProfileBlock``, as plain functions.

The page's widgets call these from their callbacks, so the rules of editing (field order is
the order of ticking, no field twice, at most five identifiers, how a reference splits into
the namespace and key pickers) live here, tested without a browser.
"""

from __future__ import annotations

from collections.abc import Iterable

from profile_block.model import references
from profile_block.model.block import MAX_IDENTIFIERS, GetProfileBlock, Identifier
from profile_block.model.fields import (
    attribute_name_from,
    check_custom_attribute,
    custom_field_name,
    field_for,
)
from profile_block.model.keys import SUGGESTED_VALUES


def add_identifier(block: GetProfileBlock) -> bool:
    """Append a new identifier; False (and no change) when the block already has five.

    It starts on the first common key the block does not search by yet, with the value a flow
    usually has for it (``_email`` -> ``$.Attributes.email``), so a new row is not a duplicate.
    """
    if len(block.identifiers) >= MAX_IDENTIFIERS:
        return False
    used = {i.key for i in block.identifiers}
    key = next((k for k in SUGGESTED_VALUES if k not in used), None)
    block.identifiers.append(Identifier(key, SUGGESTED_VALUES[key]) if key else Identifier())
    return True


def set_key(block: GetProfileBlock, index: int, key: str) -> bool:
    """Give identifier ``index`` the search key ``key``. A value still the one suggested for the old
    key (``_email`` -> ``$.Attributes.email``) follows the key: it becomes the new key's suggestion
    when it has one. True when the value changed."""
    ident = block.identifiers[index]
    old_suggestion = SUGGESTED_VALUES.get(ident.key)
    ident.key = key
    new_suggestion = SUGGESTED_VALUES.get(key)
    if old_suggestion is not None and ident.value == old_suggestion and new_suggestion is not None \
            and new_suggestion != ident.value:
        ident.value = new_suggestion
        return True
    return False


def remove_identifier(block: GetProfileBlock, index: int) -> None:
    """Remove the identifier at ``index`` (no-op when out of range)."""
    if 0 <= index < len(block.identifiers):
        del block.identifiers[index]


def move_identifier(block: GetProfileBlock, index: int, step: int) -> bool:
    """Swap identifier ``index`` with its neighbour ``index + step``; False when it cannot move."""
    target = index + step
    ids = block.identifiers
    if not (0 <= index < len(ids) and 0 <= target < len(ids)):
        return False
    ids[index], ids[target] = ids[target], ids[index]
    return True


def set_field(block: GetProfileBlock, name: str, selected: bool) -> None:
    """Tick (append at the end: the order of ticking is the order of ProfileResponseData) or untick."""
    if selected and name not in block.fields:
        block.fields.append(name)
    elif not selected:
        block.fields[:] = [f for f in block.fields if f != name]


def set_fields(block: GetProfileBlock, names: Iterable[str], selected: bool) -> None:
    """Tick or untick several fields at once (select all / none of a group), in the given order."""
    for name in names:
        set_field(block, name, selected)


def add_custom_attribute(block: GetProfileBlock, typed: str) -> str | None:
    """Add ``Attributes.<name>`` to the response for the name typed (a pasted ``Attributes.`` prefix
    dropped); return why not (and change nothing) if it cannot be."""
    attribute = attribute_name_from(typed)
    reason = check_custom_attribute(attribute)
    if reason:
        return reason
    name = custom_field_name(attribute)
    if name in block.fields:
        return f"{name} is already in the response."
    block.fields.append(name)
    return None


def custom_and_unknown_fields(block: GetProfileBlock) -> list[str]:
    """The response entries that are not standard catalogue fields, in block order.

    These are the custom ``Attributes.<name>`` entries and any name the catalogue does not know
    (read from an imported block): the page lists them apart from the checklist.
    """
    return custom_and_unknown_fields_of(block.fields)


def custom_and_unknown_fields_of(names: Iterable[str]) -> list[str]:
    """``custom_and_unknown_fields`` for a list of field names, each once, in first-use order."""
    return list(dict.fromkeys(f for f in names if (entry := field_for(f)) is None or entry.is_custom))


def split_reference(value: str) -> tuple[str, str] | None:
    """The namespace and key pickers' view of a ``$.`` value, or None when no namespace fits.

    Unlike ``references.parse_reference`` this accepts a keyed namespace with an empty or
    invalid key (``$.Attributes.`` -> ("Attributes", "")) so the page can keep showing the
    pickers, with the reference's problem next to them, while the user types the key.
    """
    if not references.is_reference(value):
        return None
    path = value[len(references.REFERENCE_PREFIX):]
    for ns in sorted(references.NAMESPACES, key=lambda n: -len(n.name)):
        if ns.keyed and ns.bracketed and path.startswith(ns.name + "["):
            key = path[len(ns.name) + 1:]
            return ns.name, key.removeprefix("'").removesuffix("]").removesuffix("'")
        if ns.keyed and path.startswith(ns.name + "."):
            return ns.name, path[len(ns.name) + 1:]
        if path == ns.name:
            return ns.name, ""
    return None


def reference_value(namespace: str, key: str = "") -> str:
    """The value the pickers stand for: ("Attributes", "account") -> ``$.Attributes.account``,
    ("SegmentAttributes", "connect:Subtype") -> ``$.SegmentAttributes['connect:Subtype']``."""
    return references.REFERENCE_PREFIX + references.NAMESPACES_BY_NAME[namespace].path(key)


def summary(block: GetProfileBlock) -> str:
    """One line about a block, for lists of blocks: "_phone OR _email → 4 fields"."""
    names = [i.key or "(no key)" for i in block.identifiers] or ["(no identifier)"]
    joiner = f" {block.operator} " if len(names) > 1 else ""
    count = len(block.fields)
    return f"{joiner.join(names)} → {count} field{'s' if count != 1 else ''}"
