"""Dynamic values of a Get-profile block: JSONPath references into the contact.

A value is either static text or a reference that is the *whole* value, such as
``$.CustomerEndpoint.Address``, ``$.Attributes.account`` or ``$.SegmentAttributes['connect:Subtype']``.
A "contact path" is the same reference without ``$.`` (``Attributes.account``): it is how the CLI,
the batch CSV and the Lookup page name the values of a test contact.

``NAMESPACES`` is the one table of the contact values Amazon Connect documents for flows (the AWS
page "List of available contact attributes in Amazon Connect and their JSONPath references",
https://docs.aws.amazon.com/connect/latest/adminguide/connect-attrib-list.html). A well-formed
reference outside it is not an error: Connect reads whatever the contact holds at that path, so the
block gets a warning (check the spelling) and stays exportable. A malformed one (``$.``, an empty
key, spaces, an open bracket) is an error.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

REFERENCE_PREFIX = "$."
# One step of a path: .name, ['quoted key'] or [index]. A name has no spaces, dots, brackets or quotes.
_NAME = r"[^\s.\[\]'\"$(){}]+"
_STEP = re.compile(rf"\.({_NAME})|\['([^'\]]+)'\]|\[(\d+)\]")
_NAME_ONLY = re.compile(rf"\A{_NAME}\Z")


@dataclass(frozen=True)
class Namespace:
    name: str            # the path (or its fixed start) without "$.": "Queue.Name", "Attributes"
    label: str           # what a person reads in the picker
    keyed: bool          # True when a key follows: $.Attributes.<key>
    example: str = ""    # a sample test-contact value
    bracketed: bool = False   # the key is written ['key'] (segment attribute keys hold ':')

    def path(self, key: str = "") -> str:
        if not self.keyed:
            return self.name
        return f"{self.name}['{key}']" if self.bracketed else f"{self.name}.{key}"


def _exact(name: str, label: str, example: str = "") -> Namespace:
    return Namespace(name, f"{label} ({name})", False, example)


def _keyed(name: str, label: str, key: str = "key", *, bracketed: bool = False) -> Namespace:
    shown = f"{name}['<{key}>']" if bracketed else f"{name}.<{key}>"
    return Namespace(name, f"{label} ({shown})", True, bracketed=bracketed)


# Most used first: the picker lists them in this order.
NAMESPACES: tuple[Namespace, ...] = (
    # The values a Get-profile block usually searches by.
    _exact("CustomerEndpoint.Address", "Customer phone number / email address", "+15555550100"),
    _keyed("Attributes", "Contact attribute (user-defined)"),
    _keyed("External", "Lambda result"),
    _keyed("Lex.Slots", "Lex slot", "slot"),
    _keyed("Lex.SessionAttributes", "Lex session attribute"),
    _exact("StoredCustomerInput", "Stored customer input", "1234"),
    _keyed("FlowAttributes", "Flow attribute"),
    _keyed("Customer", "Customer profile attribute", "field"),
    _keyed("SegmentAttributes", "Contact segment attribute", bracketed=True),
    _exact("CustomerId", "Customer ID", "C-1001"),
    _exact("CustomerEndpoint.DisplayName", "Customer display name (email)", "Maria Garcia"),
    _exact("CustomerEndpoint.Type", "Customer endpoint type", "TELEPHONE_NUMBER"),
    # System attributes.
    _exact("SystemEndpoint.Address", "Dialled number / system email address", "+15555559999"),
    _exact("SystemEndpoint.DisplayName", "System display name (email)"),
    _exact("SystemEndpoint.Type", "System endpoint type", "TELEPHONE_NUMBER"),
    _exact("AdditionalEmailRecipients.ToList", "Email To list"),
    _exact("AdditionalEmailRecipients.CcList", "Email CC list"),
    _exact("ContactId", "Contact ID", "11111111-2222-3333-4444-555555555555"),
    _exact("InitialContactId", "Initial contact ID", "11111111-2222-3333-4444-555555555555"),
    _exact("PreviousContactId", "Previous contact ID", "11111111-2222-3333-4444-555555555555"),
    _exact("Task.ContactId", "Task contact ID"),
    _exact("Channel", "Channel", "VOICE"),
    _exact("InitiationMethod", "Initiation method", "INBOUND"),
    _exact("InstanceARN", "Instance ARN"),
    _exact("AwsRegion", "AWS Region", "us-east-1"),
    _exact("LanguageCode", "Language", "en-US"),
    _exact("TextToSpeechVoiceId", "Text-to-speech voice", "Joanna"),
    _exact("Name", "Task name"),
    _exact("Description", "Task description"),
    _keyed("References", "Task reference", "name>.<Value|Type"),
    _keyed("Tags", "Contact tag", "tag"),
    _exact("Queue.Name", "Queue name", "BasicQueue"),
    _exact("Queue.ARN", "Queue ARN"),
    _exact("Queue.OutboundCallerId.Address", "Queue outbound caller ID number"),
    _exact("Queue.OutboundCallerId.Type", "Queue outbound caller ID type"),
    # Other namespaces of the page, by section.
    _keyed("Agent", "Agent", "UserName|FirstName|LastName|ARN"),
    _keyed("Metrics", "Queue or contact metric", "metric"),
    _keyed("Views", "View result", "Action|ViewResultData.<field>"),
    _keyed("Capabilities", "Screen or video sharing capability", "Agent|Customer>.<ScreenShare|Video"),
    _keyed("Media.Sip.Headers", "SIP header of the call", "header"),
    _exact("Media.Sip.SiprecMetadata", "SIPREC metadata"),
    _exact("Media.InitialMessage", "Chat initial message"),
    _exact("Email.EmailMessage.Plaintext", "Email message (plain text)"),
    _keyed("MediaStreams.Customer.Audio", "Customer audio stream", "StreamARN|StartTimestamp|..."),
    _exact("Lex.IntentName", "Lex intent name"),
    _exact("Lex.DialogState", "Lex dialog state"),
    _exact("Lex.IntentConfidence.Score", "Lex intent confidence"),
    _exact("Lex.SentimentResponse.Label", "Lex sentiment"),
    _keyed("Lex.SentimentResponse.Scores", "Lex sentiment score", "Positive|Negative|Mixed|Neutral"),
    _keyed("Lex.AlternativeIntents", "Lex alternative intent", "intent>.<IntentName|..."),
    _keyed("Case", "Case field", "field"),
    _keyed("LambdaInvocation.ResultData", "Lambda result (long form)"),
    _keyed("Loop", "Loop", "loop>.<Index|Element|Elements"),
    _keyed("Modules", "Flow module", "Input|Result|ResultData"),
    _keyed("DataTables", "Data table value", "query>.<attribute"),
    _keyed("DataTableList", "Data table list", "ResultData..."),
    _exact("Wisdom.SessionArn", "Connect AI agents session ARN"),
)
NAMESPACES_BY_NAME: Mapping[str, Namespace] = {n.name: n for n in NAMESPACES}
# Longest first, so "Lex.Slots" wins over "Lex" and "Queue.Name" is not read as a key of "Queue".
_BY_LENGTH = sorted(NAMESPACES, key=lambda n: -n.name.count("."))


class ReferenceError(ValueError):
    """A value starting with ``$.`` that is not a well-formed reference."""


@dataclass(frozen=True)
class Reference:
    path: str               # the contact path, without "$.": "Attributes.account"
    namespace: str = ""     # the Namespace.name it belongs to; "" when Connect does not document it
    key: str = ""           # for keyed namespaces: what follows the namespace

    @property
    def known(self) -> bool:
        return bool(self.namespace)

    def __str__(self) -> str:
        return REFERENCE_PREFIX + self.path


def is_reference(value: str) -> bool:
    """True when the value is meant as a reference (``$.x`` or ``$['x']``), valid or not."""
    return value.startswith(REFERENCE_PREFIX) or value.startswith("$['")


def _steps(path: str, shown: str) -> list[str]:
    """The steps of a contact path (``Lex.Slots.city`` -> Lex, Slots, city); ReferenceError if malformed."""
    if not path:
        raise ReferenceError(f"'{shown}' names nothing after '$.': write for example "
                             "$.CustomerEndpoint.Address or $.Attributes.<key>.")
    text = path if path.startswith("[") else "." + path
    steps, pos = [], 0
    while pos < len(text):
        match = _STEP.match(text, pos)
        if match is None:
            rest = text[pos:]
            if rest.startswith(".") and rest[1:2] in ("", ".", "["):
                what = "an empty name between dots"
            elif rest.startswith("["):
                what = "an unclosed or empty bracket"
            else:
                what = "a space, quote, '$' or bracket inside a name"
            raise ReferenceError(f"'{shown}' is not a well-formed reference: it has {what} "
                                 f"(at '{_clip(rest)}'). Write it like $.Attributes.account.")
        steps.append(next(g for g in match.groups() if g is not None))
        pos = match.end()
    return steps


def _clip(text: str, limit: int = 30) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _render(steps: list[str], original: str) -> str:
    """The contact path as written, the root step always as a plain name (``$['AwsRegion']`` -> AwsRegion)."""
    if original.startswith("[") and _NAME_ONLY.match(steps[0]):
        return steps[0] + original[original.index("]") + 1:]
    return original


def parse_contact_path(path: str, shown: str | None = None, *, strict: bool = True) -> Reference:
    """``Attributes.account`` -> Reference("Attributes.account", "Attributes", "account").

    Raises ReferenceError when the path is malformed, or names a keyed namespace without a key.
    A well-formed path no namespace fits is an error when ``strict`` (a test contact's value, which
    must be a contact value the tool knows), else a Reference with an empty namespace.
    """
    shown = shown if shown is not None else path
    steps = _steps(path, shown)
    canonical = _render(steps, path)
    for ns in _BY_LENGTH:
        head = ns.name.split(".")
        if steps[: len(head)] != head:
            continue
        rest = steps[len(head):]
        if not ns.keyed and not rest:
            return Reference(canonical, ns.name)
        if ns.keyed and rest:
            key = canonical[len(ns.name):].lstrip(".")
            if ns.bracketed and key.startswith("['") and key.count("'") == 2:
                key = key[2:-2]
            return Reference(canonical, ns.name, key)
        if ns.keyed and not rest:
            raise ReferenceError(
                f"'{shown}' names no key: write {REFERENCE_PREFIX}{ns.path('<key>')}.")
    if strict:
        raise ReferenceError(f"'{shown}' is not a contact value this tool knows. {_hint(canonical)}")
    return Reference(canonical)


def _hint(path: str) -> str:
    """What Connect documents under the same first name, or "Did you mean ...?", or where to look."""
    first = path.split(".")[0].split("[")[0]
    family = [n for n in NAMESPACES if n.name.split(".")[0] == first]
    if family:
        shown = ", ".join(REFERENCE_PREFIX + n.path("<key>") for n in family[:4])
        return f"Under $.{first} Connect documents {shown}{' and more' if len(family) > 4 else ''}."
    names = [n.name for n in NAMESPACES]
    close = difflib.get_close_matches(path, names, n=1, cutoff=0.6) or difflib.get_close_matches(
        first, names, n=1, cutoff=0.8)
    if close:
        ns = NAMESPACES_BY_NAME[close[0]]
        return f"Did you mean {REFERENCE_PREFIX}{ns.path('<key>')}?"
    return ("Known ones include $.CustomerEndpoint.Address, $.Attributes.<key>, $.External.<key> and "
            "$.Lex.Slots.<slot> (see Amazon Connect's list of contact attributes).")


def _path_of(value: str) -> str:
    return value[len(REFERENCE_PREFIX):] if value.startswith(REFERENCE_PREFIX) else value[1:]


def parse_reference(value: str) -> Reference:
    """``$.Attributes.account`` -> its Reference; a path Connect does not document gets namespace "".

    Raises ReferenceError when the reference is malformed or a keyed namespace has no key.
    """
    return parse_contact_path(_path_of(value) if is_reference(value) else value, value, strict=False)


def check_reference(value: str) -> str | None:
    """Why a ``$.`` value is not a usable reference (an error), or None when it is."""
    try:
        parse_reference(value)
    except ReferenceError as exc:
        return str(exc)
    return None


def reference_warning(value: str) -> str | None:
    """A warning for a well-formed reference outside the documented namespaces, else None."""
    try:
        ref = parse_reference(value)
    except ReferenceError:
        return None
    if ref.known:
        return None
    return (f"'{value}' is not among the contact values Amazon Connect documents for flows; Connect "
            f"reads whatever the contact has there, so check the spelling. {_hint(ref.path)}")


def unique_references(values: Iterable[str]) -> list[Reference]:
    """The valid references to documented contact values among ``values``, first-use order, each once."""
    seen: dict[Reference, None] = {}
    for value in values:
        if is_reference(value):
            try:
                ref = parse_reference(value)
            except ReferenceError:
                continue
            if ref.known:
                seen.setdefault(ref)
    return list(seen)


def resolve_value(value: str, contact: Mapping[str, str]) -> str | None:
    """The value a contact would send: static text as is; a reference looked up by its path.

    ``contact`` maps contact paths (``CustomerEndpoint.Address``) to values. Returns None when
    the reference is invalid, undocumented, or the contact lacks that value.
    """
    if not is_reference(value):
        return value
    try:
        ref = parse_reference(value)
    except ReferenceError:
        return None
    return contact.get(ref.path) if ref.known else None
