"""Catalogue of the Get-profile block's response fields: the one source of truth.

Each standard field has its flow name (what ``ProfileResponseData`` lists and what becomes
``$.Customer.<name>``), the group the checklist shows it in, and its path inside the API
``Profile`` returned by SearchProfiles. Custom fields are ``Attributes.<name>``, read from
``Profile.Attributes[name]``. The checklist, the JSON, the ``$.Customer`` mapping and batch
CSV columns all derive from this module.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from profile_block.model.surrogates import surrogate_problem

CUSTOM_PREFIX = "Attributes."
# Customer Profiles attribute keys are 1-255 characters (botocore: string1To255).
MAX_CUSTOM_NAME_LENGTH = 255
# Every Customer Profiles value stored on a contact is at most 255 characters.
MAX_VALUE_LENGTH = 255
# All Customer Profiles attributes of one flow share this budget (worst case: 255 per value).
ATTRIBUTE_BUDGET = 14_000

GROUPS: tuple[str, ...] = ("Personal", "Phone", "Email", "Address", "Shipping", "Mailing", "Billing")

# Address parts in the spec's order, with the member name inside an API address object.
_ADDRESS_PARTS: tuple[str, ...] = (
    "Address1", "Address2", "Address3", "Address4",
    "City", "County", "Country", "PostalCode", "Province", "State",
)
# Flow-name prefix -> (checklist group, API member holding the address object).
_ADDRESS_GROUPS: tuple[tuple[str, str, str], ...] = (
    ("", "Address", "Address"),
    ("Shipping", "Shipping", "ShippingAddress"),
    ("Mailing", "Mailing", "MailingAddress"),
    ("Billing", "Billing", "BillingAddress"),
)
# Enum fields whose free-text twin is reported when set.
TEXT_TWINS: Mapping[str, str] = {"Gender": "GenderString", "PartyType": "PartyTypeString"}


@dataclass(frozen=True)
class ResponseField:
    """One entry of ``ProfileResponseData``."""

    name: str                     # flow name, e.g. "ShippingCity" or "Attributes.tier"
    group: str                    # checklist group; "Custom" for Attributes.<name>
    api_path: tuple[str, ...]     # path in the API Profile, e.g. ("ShippingAddress", "City")

    @property
    def is_custom(self) -> bool:
        return self.group == "Custom"

    @property
    def customer_path(self) -> str:
        """Where the flow finds the value on Success, e.g. ``$.Customer.ShippingCity``."""
        return f"$.Customer.{self.name}"

    @property
    def api_path_text(self) -> str:
        """The API location as people write it: ``ShippingAddress.City``, ``Attributes["tier"]``."""
        if self.is_custom:
            return f'Attributes["{self.api_path[1]}"]'
        return ".".join(self.api_path)


def _flat(name: str, group: str) -> ResponseField:
    return ResponseField(name, group, (name,))


def _build_catalogue() -> tuple[ResponseField, ...]:
    personal = ("FirstName", "MiddleName", "LastName", "AccountNumber", "AdditionalInformation",
                "PartyType", "BusinessName", "BirthDate", "Gender")
    phone = ("PhoneNumber", "MobilePhoneNumber", "HomePhoneNumber", "BusinessPhoneNumber")
    email = ("EmailAddress", "BusinessEmailAddress")
    fields = [_flat(n, "Personal") for n in personal]
    fields += [_flat(n, "Phone") for n in phone]
    fields += [_flat(n, "Email") for n in email]
    for prefix, group, member in _ADDRESS_GROUPS:
        for part in _ADDRESS_PARTS:
            # "ShippingAddress1" is ShippingAddress.Address1; "ShippingCity" is ShippingAddress.City.
            fields.append(ResponseField(prefix + part, group, (member, part)))
    return tuple(fields)


STANDARD_FIELDS: tuple[ResponseField, ...] = _build_catalogue()
FIELDS_BY_NAME: Mapping[str, ResponseField] = {f.name: f for f in STANDARD_FIELDS}
# The spec page's order of ProfileResponseData (used for "select all" and for sorting).
SPEC_ORDER: Mapping[str, int] = {
    name: i for i, name in enumerate((
        "FirstName", "MiddleName", "LastName", "PhoneNumber", "EmailAddress", "AccountNumber",
        "AdditionalInformation", "PartyType", "BusinessName", "BirthDate", "Gender",
        "MobilePhoneNumber", "HomePhoneNumber", "BusinessPhoneNumber", "BusinessEmailAddress",
        *(prefix + part for prefix, _, _ in _ADDRESS_GROUPS for part in _ADDRESS_PARTS),
    ))
}


def fields_in_group(group: str) -> tuple[ResponseField, ...]:
    """The standard fields of one checklist group, in catalogue order."""
    return tuple(f for f in STANDARD_FIELDS if f.group == group)


def is_custom_name(name: str) -> bool:
    """True for ``Attributes.<something>`` (whether or not <something> is a valid name)."""
    return name.startswith(CUSTOM_PREFIX)


def custom_field_name(attribute: str) -> str:
    """``tier`` -> ``Attributes.tier``."""
    return CUSTOM_PREFIX + attribute


def attribute_name_from(typed: str) -> str:
    """The attribute name in what someone typed or pasted into an "Attributes." box: outer white
    space and a leading ``$.Customer.`` and ``Attributes.`` (any case) are what the box already
    says, so they are dropped (``Attributes.tier2`` -> ``tier2``)."""
    name = typed.strip()
    for prefix in ("$.Customer.", CUSTOM_PREFIX):
        if name.casefold().startswith(prefix.casefold()):
            name = name[len(prefix):]
    return name


def dotted_attribute_warning(name: str) -> str | None:
    """Why a custom field ``Attributes.<a.b>`` (a name with a dot) is ambiguous; None otherwise."""
    attribute = name[len(CUSTOM_PREFIX):] if is_custom_name(name) else ""
    if "." not in attribute:
        return None
    first, _, rest = attribute.partition(".")
    return (f"The custom attribute name '{attribute}' holds a dot, so the contact attribute "
            f"$.Customer.{name} is ambiguous: a flow may read it as key '{rest}' inside an attribute "
            f"'{first}'. Use a name without dots if the domain allows it.")


def check_custom_attribute(attribute: str) -> str | None:
    """Why ``attribute`` cannot be a custom ``Attributes.<name>`` entry, or None when it can."""
    if not attribute:
        return "The custom attribute name is empty: write the name after 'Attributes.'."
    not_unicode = surrogate_problem(attribute, "The custom attribute name")
    if not_unicode:
        return not_unicode
    if len(attribute) > MAX_CUSTOM_NAME_LENGTH:
        return (f"The custom attribute name is {len(attribute)} characters; "
                f"Customer Profiles allows at most {MAX_CUSTOM_NAME_LENGTH}.")
    if attribute != attribute.strip() or any(c.isspace() for c in attribute):
        return f"The custom attribute name '{attribute}' contains white space, which a flow path cannot hold."
    if "$" in attribute:
        return f"The custom attribute name '{attribute}' contains '$', which a flow path cannot hold."
    return None


def field_for(name: str) -> ResponseField | None:
    """The catalogue entry for a flow field name, a valid custom one included; None if unknown."""
    if name in FIELDS_BY_NAME:
        return FIELDS_BY_NAME[name]
    if is_custom_name(name):
        attribute = name[len(CUSTOM_PREFIX):]
        if check_custom_attribute(attribute) is None:
            return ResponseField(name, "Custom", ("Attributes", attribute))
    return None


def profile_value(profile: Mapping[str, Any], field: ResponseField) -> str | None:
    """The value a flow would get for ``field`` from an API ``Profile``; None when not set.

    Gender and PartyType report their free-text twin (GenderString, PartyTypeString) when set.
    An empty string counts as not set: the flow would not store it.
    """
    twin = TEXT_TWINS.get(field.name)
    if twin and profile.get(twin):
        return str(profile[twin])
    node: Any = profile
    for step in field.api_path:
        if not isinstance(node, Mapping) or step not in node:
            return None
        node = node[step]
    if node is None or node == "":
        return None
    return str(node)
