"""Small hand-made flows for the flow graph, reads check and map tests."""

from __future__ import annotations

from typing import Any


def action(action_id: str, action_type: str, parameters: Any = None, next_action: str = "",
           errors: dict[str, str] | None = None, conditions: list[tuple[str, str]] | None = None
           ) -> dict[str, Any]:
    """One action; ``errors`` maps ErrorType -> target, ``conditions`` is [(operand, target)]."""
    transitions: dict[str, Any] = {}
    if next_action:
        transitions["NextAction"] = next_action
    if errors:
        transitions["Errors"] = [{"NextAction": t, "ErrorType": e} for e, t in errors.items()]
    if conditions:
        transitions["Conditions"] = [
            {"NextAction": t, "Condition": {"Operator": "Equals", "Operands": [o]}}
            for o, t in conditions]
    return {"Identifier": action_id, "Type": action_type,
            "Parameters": {} if parameters is None else parameters, "Transitions": transitions}


def get_profile(action_id: str, fields: list[str], success: str, multiple: str = "end",
                none: str = "end", error: str = "end", value: str = "$.CustomerEndpoint.Address"
                ) -> dict[str, Any]:
    return action(action_id, "GetCustomerProfile",
                  {"ProfileRequestData": {"IdentifierName": "_phone", "IdentifierValue": value},
                   "ProfileResponseData": fields},
                  success, {"MultipleFoundError": multiple, "NoneFoundError": none,
                            "NoMatchingError": error})


def prompt(action_id: str, text: str, next_action: str = "end") -> dict[str, Any]:
    return action(action_id, "MessageParticipant", {"Text": text}, next_action)


def end(action_id: str = "end") -> dict[str, Any]:
    return action(action_id, "DisconnectParticipant")


def flow(actions: list[dict[str, Any]], start: str | None = None,
         friendly: tuple[str, ...] = ()) -> dict[str, Any]:
    """A whole flow; the actions named in ``friendly`` carry isFriendlyName metadata."""
    return {"Version": "2019-10-30", "StartAction": start or actions[0]["Identifier"],
            "Metadata": {"entryPointPosition": {"x": 40, "y": 40},
                         "ActionMetadata": {a: {"position": {"x": 100, "y": 100},
                                                "isFriendlyName": True} for a in friendly}},
            "Actions": actions}
