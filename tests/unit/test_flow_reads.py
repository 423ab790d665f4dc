"""flow_reads: every $.Customer read is matched against what the Customer profiles actions before it set."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from profile_block.flow_context.customer_data import customer_reads, customer_sets
from profile_block.flow_context.flow_reads import check_reads
from tests.unit.flow_builders import action, end, flow, get_profile, prompt

REAL_FLOWS = Path(__file__).parents[1] / "fixtures" / "real-flows"
# The whole flows among the public documents (12-17 are lone actions or fragments).
WHOLE_FLOWS = sorted(p.name for p in REAL_FLOWS.glob("*.json") if '"Actions"' in p.read_text("utf-8"))


def real(name: str) -> dict:
    return json.loads((REAL_FLOWS / name).read_text("utf-8"))


def test_the_public_flows_are_the_eleven_whole_flows():
    assert len(WHOLE_FLOWS) == 11


@pytest.mark.parametrize("name", WHOLE_FLOWS)
def test_each_public_flow_checks_clean(name):
    report = check_reads(real(name))
    assert report.warnings == [], [w.message for w in report.warnings]
    assert report.missing == {}


def _unticked(name: str) -> list[tuple[str, dict, str, list[str]]]:
    """(flow, the block with one read field removed, the field, the actions reading it)."""
    cases = []
    document = real(name)
    reads = check_reads(document).reads
    for a in document["Actions"]:
        if a["Type"] != "GetCustomerProfile":
            continue
        for member in a["Parameters"]["ProfileResponseData"]:
            readers = sorted(r for r, members in reads.items() if member in members)
            if readers:
                edited = copy.deepcopy(a)
                edited["Parameters"]["ProfileResponseData"].remove(member)
                cases.append((name, edited, member, readers))
    return cases


UNTICKED = [case for name in WHOLE_FLOWS for case in _unticked(name)]


def test_the_untick_cases_cover_the_flows_that_read_fetched_fields():
    assert {c[0][:2] for c in UNTICKED} == {"01", "03", "04", "05", "07", "08", "11"}
    assert len(UNTICKED) == 30


@pytest.mark.parametrize("name,edited,member,readers", UNTICKED,
                         ids=[f"{c[0][:2]}-{c[2]}" for c in UNTICKED])
def test_one_unticked_field_warns_once_per_reading_action_naming_it(name, edited, member, readers):
    report = check_reads(real(name), replace={edited["Identifier"]: edited})
    warnings = report.warnings
    assert sorted(w.reader_id for w in warnings) == readers
    for w in warnings:
        assert w.kind == "not-fetched" and w.block_id == edited["Identifier"] and w.member == member
        assert w.reader_id in w.message and f"$.Customer.{member}" in w.message
        assert "does not bring back" in w.message
    # The same, written into the document itself (not as a replacement).
    document = real(name)
    document["Actions"] = [edited if a.get("Identifier") == edited["Identifier"] else a
                           for a in document["Actions"]]
    assert len(check_reads(document).warnings) == len(readers)


def test_the_warning_names_a_friendly_reader_as_the_designer_shows_it():
    document = flow([get_profile("Find caller", ["FirstName"], "Greet caller"),
                     prompt("Greet caller", "Hello $.Customer.FirstName $.Customer.LastName."), end()],
                    friendly=("Greet caller",))
    [warning] = check_reads(document).warnings
    assert warning.message.startswith("'Greet caller' (Play prompt) reads $.Customer.LastName, "
                                      "which this block does not bring back")
    assert warning.problem().block_id == "Find caller"
    assert warning.problem().where == "reads:LastName" or warning.problem().part == "reads:LastName"


def test_a_read_reached_only_through_error_branches_is_its_own_warning():
    document = flow([get_profile("gp", ["FirstName"], "ok", multiple="sorry", none="sorry"),
                     prompt("ok", "Welcome back"), prompt("sorry", "Hello $.Customer.FirstName"), end()])
    [warning] = check_reads(document).warnings
    assert warning.kind == "error-branches-only" and warning.reader_id == "sorry"
    assert "Multiple found and None found branches" in warning.message


def test_profile_id_and_arn_count_as_set_by_a_successful_get_profile():
    document = flow([get_profile("gp", [], "case"),
                     action("case", "CreateCase", {"CustomerId": "$.Customer.ProfileARN",
                                                   "Fields": [{"v": "$.Customer.ProfileId"}]}, "end"),
                     end()])
    report = check_reads(document)
    assert report.reads == {"case": ["ProfileARN", "ProfileId"]}
    assert report.warnings == []


def test_a_path_that_skips_every_setter_warns():
    # The entry may go straight to the reader (a Compare around the block): no value on that path.
    document = flow([action("check", "Compare", {"ComparisonValue": "$.Attributes.known"}, "gp",
                            conditions=[("no", "greet")]),
                     get_profile("gp", ["FirstName"], "greet"),
                     prompt("greet", "Hi $.Customer.FirstName"), end()])
    [warning] = check_reads(document).warnings
    assert warning.kind == "unset-path" and warning.reader_id == "greet"


def test_a_module_reading_without_any_profiles_action_gets_a_note_not_a_warning():
    report = check_reads(real("06-sbs-modules-cases-create-only.json"))
    assert report.warnings == []
    report = check_reads(flow([prompt("p", "Hi $.Customer.FirstName"), end()]))
    assert [(f.severity, f.kind) for f in report.findings] == [("note", "from-outside")]


def test_unread_fields_are_a_note_with_their_cost_and_the_budget_counts_every_action():
    document = flow([get_profile("gp", ["FirstName", "City"], "p"), prompt("p", "$.Customer.FirstName"),
                     end()])
    [note] = check_reads(document).notes
    assert note.kind == "unread" and "City" in note.message and "255 of the flow's 14,000" in note.message
    many = [f"Attributes.a{i}" for i in range(30)]
    more = [f"Attributes.b{i}" for i in range(30)]
    document = flow([get_profile("gp", many, "create"),
                     action("create", "CreateCustomerProfile",
                            {"ProfileRequestData": {}, "ProfileResponseData": more}, "end"), end()])
    report = check_reads(document)
    budget = [w for w in report.warnings if w.kind == "budget"]
    assert len(budget) == 1 and "61 values" in budget[0].message   # 60 fields + ProfileId
    assert report.budget_used == 61 * 255


def test_the_blocks_own_dynamic_values_not_set_before_it_are_a_note():
    document = flow([action("set", "UpdateContactAttributes", {"Attributes": {"acct": "1"}}, "gp"),
                     get_profile("gp", [], "end", value="$.Attributes.acct"), end()])
    assert check_reads(document).findings == []
    document["Actions"][1] = get_profile("gp", [], "end", value="$.Attributes.phone")
    [note] = check_reads(document).notes
    assert note.kind == "dynamic" and "$.Attributes.phone" in note.message
    assert "may arrive with the contact" in note.message
    lambda_first = flow([action("l", "InvokeLambdaFunction", {}, "gp"),
                         get_profile("gp", [], "end", value="$.External.phone"), end()])
    assert check_reads(lambda_first).findings == []


def test_what_the_other_customer_profiles_actions_set():
    assert customer_sets("CreateCustomerProfile", {"ProfileResponseData": ["FirstName"]}) == \
        ["ProfileId", "ProfileARN", "FirstName"]
    assert customer_sets("GetCustomerProfileObject", {
        "ProfileRequestData": {"ObjectType": "_asset"},
        "ProfileResponseData": ["AssetStatus", "AssetName"]}) == \
        ["Asset.AssetId", "Asset.Status", "Asset.Name"]
    assert customer_sets("GetCustomerProfileObject", {
        "ProfileRequestData": {"ObjectType": "_case"}, "ProfileResponseData": []}) == ["Case.CaseId"]
    assert customer_sets("GetCalculatedAttributesForCustomerProfile", {
        "ProfileResponseData": ["CalculatedAttributes.spend", "visits"]}) == \
        ["CalculatedAttributes.spend", "CalculatedAttributes.visits"]
    assert customer_sets("AssociateContactToCustomerProfile", {}) == []
    assert customer_sets("MessageParticipant", {"ProfileResponseData": ["FirstName"]}) == []
    assert customer_sets("GetCustomerProfile", "odd") == ["ProfileId", "ProfileARN"]


def test_reads_are_found_in_any_string_nested_anywhere():
    parameters = {"Text": "Hi $.Customer.FirstName, your $.Customer.Asset.Status.",
                  "Deep": [{"x": ["$.Customer.Attributes.tier"]}, 5, None, True],
                  "Calc": "$.Customer.CalculatedAttributes.spend", "Key $.Customer.Nope": 1}
    assert customer_reads(parameters) == ["FirstName", "Asset.Status", "Attributes.tier",
                                          "CalculatedAttributes.spend"]
    assert customer_reads(None) == [] and customer_reads(17) == []


def test_a_read_after_get_profile_object_is_covered():
    document = flow([get_profile("gp", [], "obj"),
                     action("obj", "GetCustomerProfileObject",
                            {"ProfileRequestData": {"ProfileId": "$.Customer.ProfileId",
                                                    "ObjectType": "_order", "UseLatest": True},
                             "ProfileResponseData": ["OrderStatus"]}, "say"),
                     prompt("say", "Your order $.Customer.Order.OrderId is $.Customer.Order.Status"), end()])
    assert check_reads(document).warnings == []


def test_cycles_dangling_targets_unknown_types_and_ten_thousand_actions():
    looped = flow([get_profile("gp", ["FirstName"], "p"), prompt("p", "$.Customer.FirstName", "q"),
                   action("q", "Mystery", {"a": [1, {"b": "$.Customer.LastName"}]}, "p",
                          errors={"X": "ghost"})])
    [warning] = check_reads(looped).warnings
    assert warning.reader_id == "q" and warning.member == "LastName"
    count = 10_000
    actions = [get_profile("gp", ["FirstName"], "p0")]
    actions += [prompt(f"p{i}", "$.Customer.FirstName" if i % 100 == 0 else "x",
                       f"p{i + 1}" if i + 1 < count else "gp") for i in range(count)]
    report = check_reads(flow(actions))
    assert report.warnings == [] and len(report.reads) == count // 100
    actions[0] = get_profile("gp", [], "p0")
    assert len(check_reads(flow(actions)).warnings) == count // 100
