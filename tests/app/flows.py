"""Flow documents for the Build page tests (AppTest and browser): shaped like console exports."""

from __future__ import annotations

import copy
import json
from typing import Any

from profile_block.model import fields

_SAMPLE: dict[str, Any] = {
    "Version": "2019-10-30",
    "StartAction": "set-account",
    "Metadata": {
        "entryPointPosition": {"x": 40, "y": 40},
        "ActionMetadata": {
            "set-account": {"position": {"x": 160, "y": 40}, "isFriendlyName": True},
            "gp-phone": {"position": {"x": 400, "y": 40}, "customerProfilesAction": "GetCustomerProfile",
                         "useDynamic": {"IdentifierValue": True}},
            "greet": {"position": {"x": 640, "y": 40}},
            "gp-email-account": {"position": {"x": 880, "y": 40},
                                 "customerProfilesAction": "GetCustomerProfile"},
            "bye": {"position": {"x": 1120, "y": 200}},
        },
        "name": "Inbound with profiles",
        "description": "Sample flow: two Get profile blocks between other actions",
        "type": "contactFlow",
        "status": "published",
        "hash": {},
    },
    "Actions": [
        {"Identifier": "set-account", "Type": "UpdateContactAttributes",
         "Parameters": {"Attributes": {"account": "A-1001"}, "TargetContact": "Current"},
         "Transitions": {"NextAction": "gp-phone",
                         "Errors": [{"NextAction": "bye", "ErrorType": "NoMatchingError"}]}},
        {"Identifier": "gp-phone", "Type": "GetCustomerProfile",
         "Parameters": {"ProfileRequestData": {"IdentifierName": "_phone",
                                               "IdentifierValue": "$.CustomerEndpoint.Address"},
                        "ProfileResponseData": ["FirstName", "LastName"]},
         "Transitions": {"NextAction": "greet",
                         "Errors": [{"NextAction": "bye", "ErrorType": "MultipleFoundError"},
                                    {"NextAction": "gp-email-account", "ErrorType": "NoneFoundError"},
                                    {"NextAction": "bye", "ErrorType": "NoMatchingError"}]}},
        {"Identifier": "greet", "Type": "MessageParticipant",
         "Parameters": {"Text": "Hello $.Customer.FirstName"},
         "Transitions": {"NextAction": "bye",
                         "Errors": [{"NextAction": "bye", "ErrorType": "NoMatchingError"}]}},
        {"Identifier": "gp-email-account", "Type": "GetCustomerProfile",
         "Parameters": {"ProfileRequestData": {
             "SearchCriteria": [{"IdentifierName": "_email", "IdentifierValue": "$.Attributes.email"},
                                {"IdentifierName": "_account", "IdentifierValue": "$.Attributes.account"}],
             "LogicalOperator": "AND"},
             "ProfileResponseData": ["EmailAddress", "ShippingCity", "Attributes.tier"]},
         "Transitions": {"NextAction": "greet",
                         "Errors": [{"NextAction": "bye", "ErrorType": "MultipleFoundError"},
                                    {"NextAction": "bye", "ErrorType": "NoneFoundError"},
                                    {"NextAction": "bye", "ErrorType": "NoMatchingError"}]}},
        {"Identifier": "bye", "Type": "DisconnectParticipant", "Parameters": {}, "Transitions": {}},
    ],
}


def sample_flow() -> dict[str, Any]:
    """A flow with two Get profile blocks ("gp-phone", "gp-email-account") among other actions."""
    return copy.deepcopy(_SAMPLE)


def flow_without_get_profile() -> dict[str, Any]:
    flow = sample_flow()
    flow["Actions"] = [a for a in flow["Actions"] if a["Type"] != "GetCustomerProfile"]
    flow["Actions"][0]["Transitions"]["NextAction"] = "greet"
    return flow


def maximal_action(action_id: str = "max-block") -> dict[str, Any]:
    """The largest block the page edits: 5 criteria, all 55 fields, 10 custom attributes."""
    keys = ["_phone", "_email", "_account", "_profileId", "_fullName"]
    values = ["$.CustomerEndpoint.Address", "$.Attributes.email", "$.Attributes.account",
              "$.External.profileId", "Jane Q Public"]
    names = [f.name for f in fields.STANDARD_FIELDS] + [f"Attributes.custom{i}" for i in range(10)]
    return {
        "Identifier": action_id, "Type": "GetCustomerProfile",
        "Parameters": {"ProfileRequestData": {
            "SearchCriteria": [{"IdentifierName": k, "IdentifierValue": v}
                               for k, v in zip(keys, values, strict=True)],
            "LogicalOperator": "OR"},
            "ProfileResponseData": names},
        "Transitions": {"NextAction": "next", "Errors": [
            {"ErrorType": "MultipleFoundError", "NextAction": "many"},
            {"ErrorType": "NoneFoundError", "NextAction": "none"},
            {"ErrorType": "NoMatchingError", "NextAction": "error"}]},
    }


def dumps(document: Any) -> bytes:
    return json.dumps(document, indent=2).encode()
