"""Dynamic values of a Get-profile block: JSONPath references into the contact.

A value is either static text or a reference that is the *whole* value, such as
``$.CustomerEndpoint.Address`` or ``$.Attributes.account``. A "contact path" is the same
reference without ``$.`` (``Attributes.account``): it is how the CLI, the batch CSV and the
Lookup page name the values of a test contact.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

REFERENCE_PREFIX = "$."
_KEY_PATTERN = re.compile(r"^[^\s$.\[\]{}()]+(?:\.[^\s$.\[\]{}()]+)*$")


@dataclass(frozen=True)
class Namespace:
    name: str            # "CustomerEndpoint.Address", "Attributes", ...
    label: str           # what a person reads in the picker
    keyed: bool          # True when a key follows: $.Attributes.<key>
    example: str = ""    # a sample test-contact value

    def path(self, key: str = "") -> str:
        return f"{self.name}.{key}" if self.keyed else self.name


NAMESPACES: tuple[Namespace, ...] = (
    Namespace("CustomerEndpoint.Address", "Customer phone number / email (CustomerEndpoint.Address)",
              False, "+15555550100"),
    Namespace("SystemEndpoint.Address", "Dialled number (SystemEndpoint.Address)", False, "+15555559999"),
    Namespace("Attributes", "Contact attribute (Attributes.<key>)", True),
    Namespace("External", "Lambda result (External.<key>)", True),
    Namespace("Lex.Slots", "Lex slot (Lex.Slots.<slot>)", True),
    Namespace("Customer", "Customer profile attribute (Customer.<field>)", True),
    Namespace("ContactId", "Contact ID (ContactId)", False, "11111111-2222-3333-4444-555555555555"),
    Namespace("Channel", "Channel (Channel)", False, "VOICE"),
)
NAMESPACES_BY_NAME: Mapping[str, Namespace] = {n.name: n for n in NAMESPACES}


class ReferenceError(ValueError):
    """A value starting with ``$.`` that is not a reference this block can use."""


@dataclass(frozen=True)
class Reference:
    namespace: str          # a Namespace.name
    key: str = ""           # for keyed namespaces

    @property
    def path(self) -> str:
        """The contact path, without ``$.``: ``Attributes.account``."""
        return NAMESPACES_BY_NAME[self.namespace].path(self.key)

    def __str__(self) -> str:
        return REFERENCE_PREFIX + self.path


def is_reference(value: str) -> bool:
    """True when the value is meant as a reference (it starts with ``$.``), valid or not."""
    return value.startswith(REFERENCE_PREFIX)


def parse_reference(value: str) -> Reference:
    """``$.Attributes.account`` -> Reference("Attributes", "account"); raises ReferenceError."""
    return parse_contact_path(value[len(REFERENCE_PREFIX):] if is_reference(value) else value, value)


def parse_contact_path(path: str, shown: str | None = None) -> Reference:
    """``Attributes.account`` -> Reference("Attributes", "account"); raises ReferenceError."""
    shown = shown if shown is not None else path
    # Longest namespace first, so "Lex.Slots" wins over a shorter prefix.
    for ns in sorted(NAMESPACES, key=lambda n: -len(n.name)):
        if ns.keyed and path.startswith(ns.name + "."):
            key = path[len(ns.name) + 1:]
            if not _KEY_PATTERN.match(key):
                raise ReferenceError(
                    f"'{shown}': the key after '{ns.name}.' must be a name without spaces, '$' or brackets.")
            return Reference(ns.name, key)
        if path == ns.name:
            if ns.keyed:
                raise ReferenceError(f"'{shown}' names no key: write {REFERENCE_PREFIX}{ns.name}.<key>.")
            return Reference(ns.name)
    known = ", ".join(REFERENCE_PREFIX + n.path("<key>") for n in NAMESPACES)
    raise ReferenceError(f"'{shown}' is not a contact value this block can read. Known: {known}.")


def check_reference(value: str) -> str | None:
    """Why a ``$.`` value is not a usable reference, or None when it is."""
    try:
        parse_reference(value)
    except ReferenceError as exc:
        return str(exc)
    return None


def unique_references(values: Iterable[str]) -> list[Reference]:
    """The valid references among ``values``, first-use order, each once."""
    seen: dict[Reference, None] = {}
    for value in values:
        if is_reference(value):
            try:
                seen.setdefault(parse_reference(value))
            except ReferenceError:
                continue
    return list(seen)


def resolve_value(value: str, contact: Mapping[str, str]) -> str | None:
    """The value a contact would send: static text as is; a reference looked up by its path.

    ``contact`` maps contact paths (``CustomerEndpoint.Address``) to values. Returns None when
    the reference is invalid or the contact lacks that value.
    """
    if not is_reference(value):
        return value
    try:
        ref = parse_reference(value)
    except ReferenceError:
        return None
    return contact.get(ref.path)
