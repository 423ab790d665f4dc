"""Search keys a Get-profile block can search by: the standard ones and custom key names.

Standard keys are predefined by Customer Profiles; custom keys are the key names of the
domain's profile object types (there is no "list searchable keys" call, so they are
discovered from ListProfileObjectTypes + GetProfileObjectType).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from profile_block.model.surrogates import surrogate_problem

# botocore's pattern and length for KeyName (SearchProfiles, AddProfileKey).
KEY_NAME_PATTERN = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")
MAX_KEY_NAME_LENGTH = 64


@dataclass(frozen=True)
class SearchKey:
    name: str          # what goes in IdentifierName, e.g. "_phone"
    label: str         # what a person reads, e.g. "Phone number"
    matches: str       # what it searches, in words
    integration: bool = False  # predefined for an integration (Salesforce, Zendesk ...)

    @property
    def picker_label(self) -> str:
        return f"{self.label} ({self.name})"

    @property
    def profile_fields(self) -> tuple[str, ...]:
        """The profile fields it searches when ``matches`` names them (``_phone``: PhoneNumber,
        MobilePhoneNumber, ...); () when it searches something else (a composed name, objects)."""
        parts = tuple(part.strip() for part in self.matches.split(","))
        return parts if all(part.isidentifier() for part in parts) else ()


# Spelled as the SearchProfiles API documents its predefined keys (botocore's KeyName documentation
# lists them; tests/unit/test_keys.py checks this table against it).
STANDARD_KEYS: tuple[SearchKey, ...] = (
    SearchKey("_phone", "Phone number",
              "PhoneNumber, MobilePhoneNumber, HomePhoneNumber, BusinessPhoneNumber"),
    SearchKey("_email", "Email address", "EmailAddress, PersonalEmailAddress, BusinessEmailAddress"),
    SearchKey("_account", "Account number", "AccountNumber"),
    SearchKey("_profileId", "Profile ID", "ProfileId"),
    SearchKey("_fullName", "Full name", "FirstName MiddleName LastName, single spaces"),
    SearchKey("_assetId", "Asset ID", "AssetId of the profile's standard asset objects"),
    SearchKey("_caseId", "Case ID", "CaseId of the profile's standard case objects"),
    SearchKey("_orderId", "Order ID", "OrderId of the profile's standard order objects"),
    SearchKey("_ctrContactId", "Contact ID (contact record)", "Amazon Connect contact records",
              integration=True),
    SearchKey("_salesforceAccountId", "Salesforce account ID", "Salesforce Account objects",
              integration=True),
    SearchKey("_salesforceContactId", "Salesforce contact ID", "Salesforce Contact objects",
              integration=True),
    SearchKey("_salesforceAssetId", "Salesforce asset ID", "Salesforce Asset objects", integration=True),
    SearchKey("_zendeskUserId", "Zendesk user ID", "Zendesk users", integration=True),
    SearchKey("_zendeskExternalId", "Zendesk external ID", "Zendesk users", integration=True),
    SearchKey("_zendeskTicketId", "Zendesk ticket ID", "Zendesk tickets", integration=True),
    SearchKey("_serviceNowSystemId", "ServiceNow system ID", "ServiceNow users", integration=True),
    SearchKey("_serviceNowIncidentId", "ServiceNow incident ID", "ServiceNow incidents", integration=True),
    SearchKey("_marketoLeadId", "Marketo lead ID", "Marketo leads", integration=True),
    SearchKey("_segmentUserId", "Segment user ID", "Segment users", integration=True),
    SearchKey("_shopifyCustomerId", "Shopify customer ID", "Shopify customers", integration=True),
    SearchKey("_shopifyOrderId", "Shopify order ID", "Shopify orders", integration=True),
)
KEYS_BY_NAME: Mapping[str, SearchKey] = {k.name: k for k in STANDARD_KEYS}
# Where a flow usually finds the value of each common key: the value a new criterion starts with.
SUGGESTED_VALUES: Mapping[str, str] = {
    "_phone": "$.CustomerEndpoint.Address",
    "_email": "$.Attributes.email",
    "_account": "$.Attributes.accountNumber",
    "_fullName": "$.Attributes.fullName",
    "_profileId": "$.Attributes.profileId",
}


def is_standard_key(name: str) -> bool:
    return name in KEYS_BY_NAME


def key_label(name: str) -> str:
    """A readable label: "Phone number (_phone)" for standard keys, the name for custom ones."""
    key = KEYS_BY_NAME.get(name)
    return key.picker_label if key else f"{name} (custom key)"


def check_key_name(name: str) -> str | None:
    """Why ``name`` cannot be a search key name, or None when it can."""
    if not name:
        return "The search key is empty: pick a standard key or type a custom key name."
    not_unicode = surrogate_problem(name, "The search key")
    if not_unicode:
        return not_unicode
    if len(name) > MAX_KEY_NAME_LENGTH:
        return f"The key name is {len(name)} characters; at most {MAX_KEY_NAME_LENGTH} are allowed."
    if not KEY_NAME_PATTERN.match(name):
        bad = sorted({c for c in name if not re.match(r"[a-zA-Z0-9_-]", c)})
        shown = " ".join(repr(c) for c in bad)
        return (f"The key name '{name}' has characters a search key cannot have ({shown}); "
                "use letters, digits, '_' and '-'.")
    return None


def discover_custom_keys(client: Any, domain: str) -> list[str]:
    """Custom key names of a domain: the ``Keys`` of every profile object type, sorted.

    Standard keys (names starting with '_') are left out. Loops on NextToken: neither
    ListProfileObjectTypes nor GetProfileObjectType has a paginator.
    """
    names: set[str] = set()
    token: str | None = None
    while True:
        kwargs: dict[str, Any] = {"DomainName": domain}
        if token:
            kwargs["NextToken"] = token
        page = client.list_profile_object_types(**kwargs)
        for item in page.get("Items", []):
            detail = client.get_profile_object_type(DomainName=domain, ObjectTypeName=item["ObjectTypeName"])
            names.update(k for k in (detail.get("Keys") or {}) if not k.startswith("_"))
        token = page.get("NextToken")
        if not token:
            return sorted(names)
