"""One live lookup: what a Get-profile block does for one test contact.

Steps, each a plain function: resolve every identifier value against the test contact
(``resolve_identifiers``), map them to a SearchProfiles request (``search_request``), call the
service, choose the branch from the result (``choose_branch``) and, on Success, map the profile
to the ``$.Customer.*`` attributes the flow would get (``customer_attributes``).

Errors are values: ``run_lookup`` returns a ``LookupResult`` for every input, service or network
problem (the Error branch, ``NoMatchingError``, with a reason); it never raises for them.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from profile_block.model import references
from profile_block.model.block import ERROR, MULTIPLE_FOUND, NONE_FOUND, SUCCESS, GetProfileBlock, Identifier
from profile_block.model.fields import MAX_VALUE_LENGTH, field_for, profile_value
from profile_block.model.keys import KEYS_BY_NAME
from profile_block.running.aws import describe_connection_error, error_class
from profile_block.running.profile_arn import PROFILE_ARN_PATH, arn_for

# Two results tell one from many; five also show the user a few of the matches.
MAX_RESULTS = 5
PROFILE_ID_PATH = "$.Customer.ProfileId"
NOT_SET = "not set"


def contact_paths(block: GetProfileBlock) -> list[str]:
    """The contact paths a test contact must fill in for ``block``: one per reference, first-use order."""
    return [ref.path for ref in references.unique_references(i.value for i in block.identifiers)]


def suggest_contact_value(path: str, block: GetProfileBlock,
                          examples: Sequence[Mapping[str, Any]] = ()) -> str:
    """A value to prefill for ``path``: a one-match example for the key that reads it, else the
    namespace's sample value, else "".

    ``examples`` are dicts with "value", "key" and optionally "count" (the local service's demo
    examples); the first one for the identifier's key that finds exactly one profile wins.
    """
    for ident in block.identifiers:
        if references.is_reference(ident.value) and references.check_reference(ident.value) is None \
                and references.parse_reference(ident.value).path == path:
            for example in examples:
                if example.get("key") == ident.key and example.get("count", 1) == 1:
                    return str(example["value"])
    namespace = references.NAMESPACES_BY_NAME.get(path)
    return namespace.example if namespace else ""


class LookupInputError(ValueError):
    """An identifier value the contact cannot send: the Error branch, without calling the API."""


def resolve_identifier(index: int, identifier: Identifier, contact: Mapping[str, str]) -> str:
    """The value identifier ``index`` (0-based) sends for ``contact``; raises LookupInputError.

    Static text is sent as is; a reference is looked up by its contact path. Empty values and
    values over 255 characters send a real contact down the Error branch, so they do here too.
    """
    where = f"Identifier {index + 1} ({identifier.key or 'no key'})"
    value = identifier.value
    if references.is_reference(value):
        problem = references.check_reference(value)
        if problem:
            raise LookupInputError(f"{where}: {problem}")
        ref = references.parse_reference(value)
        if not ref.known:
            raise LookupInputError(
                f"{where} takes its value from {value}, which is not a contact value this tool knows, "
                "so a test contact cannot give it (Connect reads it when the flow runs, if the contact "
                "has it). Use a static value or a documented reference to try the block here.")
        path = ref.path
        resolved = references.resolve_value(value, contact)
        if resolved is None:
            raise LookupInputError(f"{where} takes its value from {value}, which the test contact does not "
                                   f"have: fill in {path}.")
        source = f"the contact value {path}"
    else:
        resolved = value
        source = "its static value"
    if resolved == "":
        raise LookupInputError(f"{where}: {source} is empty, so the contact takes the Error branch.")
    if len(resolved) > MAX_VALUE_LENGTH:
        raise LookupInputError(f"{where}: {source} is {len(resolved)} characters; values over "
                               f"{MAX_VALUE_LENGTH} characters send the contact down the Error branch.")
    return resolved


def resolve_identifiers(block: GetProfileBlock, contact: Mapping[str, str]) -> list[tuple[str, str]]:
    """(key, value) for each identifier of the block, in order; raises LookupInputError."""
    if not block.identifiers:
        raise LookupInputError("The block has no identifier to search by: add one on the Build page.")
    return [(ident.key, resolve_identifier(i, ident, contact)) for i, ident in enumerate(block.identifiers)]


def search_request(domain: str, criteria: Sequence[tuple[str, str]], operator: str,
                   max_results: int = MAX_RESULTS) -> dict[str, Any]:
    """The SearchProfiles keyword arguments for resolved ``criteria``.

    First criterion -> KeyName/Values; the rest -> AdditionalSearchKeys; LogicalOperator only
    with two or more criteria (with one it means nothing).
    """
    (first_key, first_value), *rest = criteria
    request: dict[str, Any] = {"DomainName": domain, "KeyName": first_key, "Values": [first_value],
                               "MaxResults": max_results}
    if rest:
        request["AdditionalSearchKeys"] = [{"KeyName": k, "Values": [v]} for k, v in rest]
        request["LogicalOperator"] = operator
    return request


def choose_branch(item_count: int, has_next_token: bool) -> str:
    """The branch for a search result: none, exactly one, or more (one plus a NextToken is more)."""
    if item_count == 0:
        return NONE_FOUND
    if item_count == 1 and not has_next_token:
        return SUCCESS
    return MULTIPLE_FOUND


def customer_attributes(profile: Mapping[str, Any], field_names: Sequence[str],
                        arn: str | None = None) -> dict[str, str | None]:
    """``$.Customer.*`` -> value for a matched profile: ProfileId and ProfileARN always, then each
    selected field.

    A field the profile lacks (or an unknown field name) maps to None: the flow leaves it not set.
    """
    customer: dict[str, str | None] = {PROFILE_ID_PATH: profile.get("ProfileId"), PROFILE_ARN_PATH: arn}
    for name in field_names:
        response_field = field_for(name)
        customer[f"$.Customer.{name}"] = profile_value(profile, response_field) if response_field else None
    return customer


def _first_set(profile: Mapping[str, Any], names: Sequence[str]) -> str:
    return next((str(profile[n]) for n in names if profile.get(n)), "")


def found_by(profile: Mapping[str, Any]) -> str:
    """Which search key and value matched a profile, from SearchProfiles' ``FoundByItems``:
    "_phone = +15555550111", several joined by "; " ("" when the response does not say)."""
    items = profile.get("FoundByItems") or []
    return "; ".join(f"{item.get('KeyName', '?')} = {', '.join(map(str, item.get('Values') or []))}"
                     for item in items if isinstance(item, Mapping))


_PHONES = ("PhoneNumber", "MobilePhoneNumber", "HomePhoneNumber", "BusinessPhoneNumber")
_EMAILS = ("EmailAddress", "PersonalEmailAddress", "BusinessEmailAddress")


def matched_fields(profile: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    """(search key, profile field, value) for each value that matched the profile: the field is the
    one holding the value (``_phone`` searches four phone fields; ``MobilePhoneNumber`` may be the
    one that matched while ``PhoneNumber`` holds another number), "" when the key searches
    something other than a field of its own (a custom key, the full name)."""
    found: list[tuple[str, str, str]] = []
    for item in profile.get("FoundByItems") or []:
        if not isinstance(item, Mapping):
            continue
        key = str(item.get("KeyName", "?"))
        search_key = KEYS_BY_NAME.get(key)
        fields_here = search_key.profile_fields if search_key else ()
        for value in map(str, item.get("Values") or []):
            field_name = next((f for f in fields_here if str(profile.get(f, "")) == value), "")
            found.append((key, field_name, value))
    return found


def match_summary(profile: Mapping[str, Any]) -> dict[str, str]:
    """A matched profile in one table row: ProfileId, name, what matched it (the profile field and
    its value, with the search key), its phone and email ("" when it has none). The phone and email
    shown are the ones that matched, when one did."""
    name = " ".join(str(profile[n]) for n in ("FirstName", "MiddleName", "LastName") if profile.get(n))
    matched = matched_fields(profile)
    matched_by = {field_name: value for _, field_name, value in matched if field_name}
    phone = next((matched_by[f] for f in _PHONES if f in matched_by), "") or _first_set(profile, _PHONES)
    email = next((matched_by[f] for f in _EMAILS if f in matched_by), "") or _first_set(profile, _EMAILS)
    return {
        "Name": name or str(profile.get("BusinessName") or ""),
        "Matched by": "; ".join(f"{f} = {v} ({k})" if f else f"{k} = {v}" for k, f, v in matched),
        # One cell, phone then email: it wraps between them, so the table fits its column.
        "Phone and email": " ".join(part for part in (phone, email) if part),
        "ProfileId": str(profile.get("ProfileId", "")),
    }


@dataclass
class LookupResult:
    """What one lookup did. ``customer`` is empty unless the branch is Success."""

    branch: str
    next_action: str                                  # the block's NextAction for the branch ("" if none)
    reason: str                                       # in words, for every branch
    customer: dict[str, str | None] = field(default_factory=dict)
    request: dict[str, Any] | None = None             # SearchProfiles kwargs sent; None if not called
    response: dict[str, Any] | None = None            # raw response (or error body), for display
    matches: list[dict[str, Any]] = field(default_factory=list)   # the profiles returned (a few)
    contact: dict[str, str] = field(default_factory=dict)         # the test contact used
    elapsed_ms: float = 0.0
    error_class: str = ""                             # e.g. "ThrottlingException" on the Error branch
    arn_note: str = ""                                # why $.Customer.ProfileARN is unknown ("" if known)

    @property
    def contact_text(self) -> str:
        """The test contact in one line: ``CustomerEndpoint.Address=+1555…; Attributes.x=(empty)``."""
        shown = (f"{path}={value}" if value else f"{path}=(empty)" for path, value in self.contact.items())
        return "; ".join(shown) or "(no contact values)"

    def customer_rows(self) -> list[tuple[str, str]]:
        """(path, value) rows for display; a not-set value reads "not set", an ARN that could not be
        worked out "unknown: <why>"."""
        return [(path, f"unknown: {self.arn_note}" if path == PROFILE_ARN_PATH and self.arn_note
                 else NOT_SET if value is None else value) for path, value in self.customer.items()]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: branch, customer, reason, request first (the CLI's documented output)."""
        data = asdict(self)
        ordered = {k: data.pop(k) for k in ("branch", "customer", "reason", "request")}
        return {**ordered, **data}

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, default=str)


def _without_metadata(response: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in response.items() if k != "ResponseMetadata"}


def run_lookup(client: Any, block: GetProfileBlock, contact: Mapping[str, str], domain: str,
               max_results: int = MAX_RESULTS) -> LookupResult:
    """Run ``block`` for ``contact`` against ``domain``: never raises for input/service/network trouble."""
    started = time.perf_counter()
    contact = dict(contact)

    def done(branch: str, reason: str, **extra: Any) -> LookupResult:
        return LookupResult(branch=branch, next_action=block.branches.get(branch, ""), reason=reason,
                            contact=contact, elapsed_ms=(time.perf_counter() - started) * 1000, **extra)

    try:
        criteria = resolve_identifiers(block, contact)
    except LookupInputError as exc:
        return done(ERROR, str(exc), error_class="InvalidValue")
    request = search_request(domain, criteria, block.operator, max_results)
    try:
        response = client.search_profiles(**request)
    except ClientError as exc:
        body = {"Error": exc.response.get("Error", {}),
                "HTTPStatusCode": exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")}
        return done(ERROR, describe_connection_error(exc), request=request, response=body,
                    error_class=error_class(exc))
    except BotoCoreError as exc:   # network failures after retries, invalid parameters, credentials
        return done(ERROR, describe_connection_error(exc), request=request,
                    response={"Error": {"Code": type(exc).__name__, "Message": str(exc)}},
                    error_class=type(exc).__name__)
    items = response.get("Items") or []
    has_more = bool(response.get("NextToken"))
    branch = choose_branch(len(items), has_more)
    searched = " AND " if request.get("LogicalOperator") == "AND" else " OR "
    what = searched.join(f"{k} = {v}" for k, v in criteria)
    if branch == SUCCESS:
        profile = items[0]
        arn, arn_note = arn_for(client, domain, profile.get("ProfileId"))
        return done(branch, f"Exactly one profile matched {what}.", request=request,
                    response=_without_metadata(response), matches=items, arn_note=arn_note,
                    customer=customer_attributes(profile, block.fields, arn))
    if branch == NONE_FOUND:
        reason = f"No profile matched {what}."
    else:
        count = f"{len(items)}+" if has_more else str(len(items))
        reason = f"{count} profiles matched {what}; the block needs exactly one."
    return done(branch, reason, request=request, response=_without_metadata(response), matches=items)
