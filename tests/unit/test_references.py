"""references.py: the contact-attribute namespaces AWS documents for flows, in one table."""

from __future__ import annotations

import pytest

from profile_block.model.references import (
    NAMESPACES,
    Reference,
    ReferenceError,
    parse_contact_path,
    parse_reference,
    reference_warning,
    resolve_value,
)
from profile_block.running.lookup import LookupInputError, contact_paths, resolve_identifier
from tests.unit.helpers import valid_block

# From "List of available contact attributes in Amazon Connect and their JSONPath references"
# (docs.aws.amazon.com/connect/latest/adminguide/connect-attrib-list.html), one or more per section.
DOCUMENTED = [
    "$.AwsRegion", "$['AwsRegion']", "$.CustomerEndpoint.Address", "$.CustomerEndpoint.DisplayName",
    "$.CustomerId", "$.SystemEndpoint.Address", "$.SystemEndpoint.DisplayName",
    "$.AdditionalEmailRecipients.CcList", "$.StoredCustomerInput", "$.Queue.Name", "$.Queue.ARN",
    "$.Queue.OutboundCallerId.Address", "$.TextToSpeechVoiceId", "$.ContactId", "$.InitialContactId",
    "$.Task.ContactId", "$.PreviousContactId", "$.Channel", "$.InstanceARN", "$.InitiationMethod",
    "$.Name", "$.Description", "$.References.caseUrl.Value", "$.LanguageCode", "$.Tags.department",
    "$.SegmentAttributes['connect:Subtype']", "$.SegmentAttributes['connect:EmailSubject']",
    "$.Views.ViewResultData.choice", "$.Capabilities.Customer.Video", "$.Agent.UserName",
    "$.Metrics.Queue.Size", "$.Metrics.Contact.PositionInQueue", "$.Media.Sip.Headers.P-Asserted-Identity",
    "$.Media.InitialMessage", "$.Email.EmailMessage.Plaintext", "$.MediaStreams.Customer.Audio.StreamARN",
    "$.Lex.IntentName", "$.Lex.Slots.city", "$.Lex.SessionAttributes.x", "$.Lex.IntentConfidence.Score",
    "$.Lex.SentimentResponse.Label", "$.Lex.AlternativeIntents.Billing.IntentName", "$.Case.case_id",
    "$.External.customerTier", "$.External.address.city", "$.LambdaInvocation.ResultData.x",
    "$.Attributes.account", "$.FlowAttributes.pin", "$.Loop.retries.Index", "$.Modules.Result",
    "$.DataTables.q1.tier", "$.DataTableList.ResultData.primaryKeyGroups.default[0]",
    "$.Customer.FirstName", "$.Customer.Attributes.tier", "$.Wisdom.SessionArn",
]


@pytest.mark.parametrize("value", DOCUMENTED)
def test_every_documented_namespace_is_known(value: str) -> None:
    ref = parse_reference(value)
    assert ref.known and reference_warning(value) is None


def test_paths_and_keys() -> None:
    assert parse_reference("$.Lex.Slots.city") == Reference("Lex.Slots.city", "Lex.Slots", "city")
    assert parse_reference("$.Queue.Name") == Reference("Queue.Name", "Queue.Name")
    assert parse_reference("$['AwsRegion']").path == "AwsRegion"
    seg = parse_reference("$.SegmentAttributes['connect:Subtype']")
    assert (seg.namespace, seg.key) == ("SegmentAttributes", "connect:Subtype")


@pytest.mark.parametrize("value, hint", [
    ("$.Caller.Number", "$.CustomerEndpoint.Address"),
    ("$.Queue.Foo", "Under $.Queue Connect documents $.Queue.Name"),
    ("$.Attributs.x", "Did you mean $.Attributes.<key>?"),
])
def test_an_undocumented_path_is_a_warning_with_a_hint(value: str, hint: str) -> None:
    assert not parse_reference(value).known
    warning = reference_warning(value)
    assert warning and value in warning and hint in warning


@pytest.mark.parametrize("value, words", [
    ("$.", "names nothing"), ("$.Attributes", "names no key"), ("$.Attributes..x", "empty name"),
    ("$.Attributes.a b", "space"), ("$.SegmentAttributes['x", "unclosed"),
])
def test_malformed_references_are_errors(value: str, words: str) -> None:
    with pytest.raises(ReferenceError, match=words):
        parse_reference(value)


def test_a_test_contact_may_only_name_documented_values() -> None:
    assert parse_contact_path("Queue.Name").known
    with pytest.raises(ReferenceError, match="not a contact value this tool knows"):
        parse_contact_path("Nowhere.Thing")


def test_lookups_resolve_documented_values_and_explain_the_rest() -> None:
    assert resolve_value("$.StoredCustomerInput", {"StoredCustomerInput": "1234"}) == "1234"
    assert resolve_value("$.Nowhere.x", {"Nowhere.x": "1"}) is None
    block = valid_block()
    block.identifiers[0].value = "$.InitialContactId"
    assert contact_paths(block) == ["InitialContactId"]
    block.identifiers[0].value = "$.Nowhere.x"
    assert contact_paths(block) == []
    with pytest.raises(LookupInputError, match="not a contact value this tool knows"):
        resolve_identifier(0, block.identifiers[0], {})


def test_one_table_with_unique_names() -> None:
    names = [n.name for n in NAMESPACES]
    assert len(names) == len(set(names)) and names[0] == "CustomerEndpoint.Address"
