"""What the flow's actions put into and take out of ``$.Customer``.

``customer_sets`` says which ``$.Customer.<x>`` values a Customer profiles action stores when it
succeeds (reference, "Where the results go" and section 3); ``customer_reads`` finds every
``$.Customer.<x>`` an action's parameters mention, in any string nested anywhere (prompt text,
conditions, attribute values, Lambda parameters). ``contact_sets`` and ``dynamic_reads`` do the same
for the other namespaces a block's request may use (``$.Attributes.x``, ``$.External.x``).
Values are the part after ``$.Customer.`` ("FirstName", "Attributes.tier", "Asset.Status").
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from profile_block.model.block import ACTION_TYPE
from profile_block.model.fields import CUSTOM_PREFIX

# Always stored by a successful Get profile (ProfileARN: reference, "Where the results go").
PROFILE_ID = "ProfileId"
PROFILE_ARN = "ProfileARN"
ALWAYS_SET: tuple[str, ...] = (PROFILE_ID, PROFILE_ARN)
CREATE_TYPE = "CreateCustomerProfile"
UPDATE_TYPE = "UpdateCustomerProfile"
OBJECT_TYPE = "GetCustomerProfileObject"
CALCULATED_TYPE = "GetCalculatedAttributesForCustomerProfile"
ASSOCIATE_TYPE = "AssociateContactToCustomerProfile"
CUSTOMER_PROFILES_TYPES: tuple[str, ...] = (
    ACTION_TYPE, CREATE_TYPE, UPDATE_TYPE, OBJECT_TYPE, CALCULATED_TYPE, ASSOCIATE_TYPE)
# GetCustomerProfileObject's object types -> the $.Customer prefix of its fields and its id field.
OBJECT_PREFIXES: dict[str, tuple[str, str]] = {
    "_asset": ("Asset", "AssetId"), "_order": ("Order", "OrderId"), "_case": ("Case", "CaseId")}
# $.Customer members that hold a second level ($.Customer.Attributes.tier, $.Customer.Asset.Status).
_NESTED = ("Attributes", "CalculatedAttributes", "Asset", "Order", "Case")
_NAME = r"[^\s.\[\]'\"$(){}<>,;:!?]+"   # as references._NAME, and stops at sentence punctuation
_CUSTOMER = re.compile(rf"\$\.Customer\.({_NAME})(?:\.({_NAME}))?")
_DYNAMIC = re.compile(rf"\$\.(Attributes|External)\.({_NAME})")
# At most this many strings are looked at in one action (hostile input: a huge Parameters object).
_MAX_STRINGS = 20_000


def strings_in(value: Any) -> Iterator[str]:
    """Every string nested anywhere in a JSON value (keys excluded), iteratively."""
    stack = [value]
    count = 0
    while stack and count < _MAX_STRINGS:
        node = stack.pop()
        if isinstance(node, str):
            count += 1
            yield node
        elif isinstance(node, dict):
            stack.extend(reversed(list(node.values())))
        elif isinstance(node, list):
            stack.extend(reversed(node))


def customer_reads(parameters: Any) -> list[str]:
    """The ``$.Customer`` members an action's parameters read, each once, in order of appearance."""
    found: dict[str, None] = {}
    for text in strings_in(parameters):
        if "$.Customer." not in text:
            continue
        for first, second in _CUSTOMER.findall(text):
            found[f"{first}.{second}" if second and first in _NESTED else first] = None
    return list(found)


def _response_fields(parameters: Any) -> list[str]:
    fields = parameters.get("ProfileResponseData") if isinstance(parameters, dict) else None
    return [f for f in fields if isinstance(f, str) and f] if isinstance(fields, list) else []


def _object_field(name: str, prefix: str) -> str:
    """``AssetStatus`` -> ``Asset.Status`` (GetCustomerProfileObject's response field names)."""
    rest = name[len(prefix):] if name.startswith(prefix) and len(name) > len(prefix) else name
    return f"{prefix}.{rest}"


def customer_sets(action_type: str, parameters: Any) -> list[str]:
    """The ``$.Customer`` members a Customer profiles action stores on success ([] for others)."""
    if action_type == ACTION_TYPE:
        return [*ALWAYS_SET, *_response_fields(parameters)]
    if action_type in (CREATE_TYPE, UPDATE_TYPE):
        # Create stores the new profile's id (and so its ARN); both store their response fields.
        return [*ALWAYS_SET, *_response_fields(parameters)]
    if action_type == OBJECT_TYPE:
        request = parameters.get("ProfileRequestData") if isinstance(parameters, dict) else None
        kind = request.get("ObjectType") if isinstance(request, dict) else None
        if not isinstance(kind, str) or kind not in OBJECT_PREFIXES:
            kind = parameters.get("ObjectType") if isinstance(parameters, dict) else None
        prefix, id_field = OBJECT_PREFIXES.get(kind, ("", "")) if isinstance(kind, str) else ("", "")
        if not prefix:   # an object type we cannot tell: its fields as written
            return _response_fields(parameters)
        return [f"{prefix}.{id_field}", *(_object_field(f, prefix) for f in _response_fields(parameters))]
    if action_type == CALCULATED_TYPE:
        return [f if f.startswith("CalculatedAttributes.") else f"CalculatedAttributes.{f}"
                for f in _response_fields(parameters)]
    return []


def is_customer_profiles(action_type: str) -> bool:
    return action_type in CUSTOMER_PROFILES_TYPES


def dynamic_reads(parameters: Any) -> list[tuple[str, str]]:
    """(namespace, key) of every ``$.Attributes.x`` / ``$.External.x`` a parameter reads."""
    found: dict[tuple[str, str], None] = {}
    for text in strings_in(parameters):
        for namespace, key in _DYNAMIC.findall(text):
            found[(namespace, key)] = None
    return list(found)


def contact_sets(action_type: str, parameters: Any) -> list[tuple[str, str]]:
    """(namespace, key) an action sets for later actions; ("External", "*") for a Lambda (it may
    return any key)."""
    if action_type == "InvokeLambdaFunction":
        return [("External", "*")]
    if action_type == "UpdateContactAttributes" and isinstance(parameters, dict):
        attributes = parameters.get("Attributes")
        if isinstance(attributes, dict):
            return [("Attributes", k) for k in attributes if isinstance(k, str)]
    return []


def is_custom_read(member: str) -> bool:
    return member.startswith(CUSTOM_PREFIX)
