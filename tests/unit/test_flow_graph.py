"""flow_graph: the graph of a flow's actions, names as the designer shows them, odd input."""

from __future__ import annotations

import json
from pathlib import Path

from profile_block.flow_context.flow_graph import branch_paths, read_graph
from tests.unit.flow_builders import action, end, flow, get_profile, prompt

REAL_FLOWS = Path(__file__).parents[1] / "fixtures" / "real-flows"


def real(name: str) -> dict:
    return json.loads((REAL_FLOWS / name).read_text("utf-8"))


def test_friendly_names_are_read_from_metadata_and_others_show_the_designer_kind():
    graph = read_graph(real("11-aicc-q-in-connect-self-service-flow.json"))
    profile = graph.actions["get-profile"]
    assert profile.name == "get-profile"
    assert profile.kind == "Customer profiles: Get profile"
    assert profile.described == "'get-profile' (Customer profiles: Get profile)"
    plain = read_graph(real("01-sbs-agentworkspace-guide.json"))
    compare = next(a for a in plain.actions.values() if a.action_type == "Compare")
    assert compare.friendly_name == ""
    assert compare.name == "Check contact attributes"
    assert compare.described == f"Check contact attributes '{compare.action_id}'"


def test_positions_and_every_edge_of_a_console_export():
    document = real("05-sbs-financial-contactflow.json")
    graph = read_graph(document)
    assert len(graph.actions) == 48
    assert graph.start == document["StartAction"]
    assert all(a.position is not None for a in graph.actions.values())
    expected = 0
    for a in document["Actions"]:
        t = a["Transitions"]
        expected += bool(t.get("NextAction")) + len(t.get("Conditions", [])) + len(t.get("Errors", []))
    assert sum(len(e) for e in graph.edges.values()) == expected
    assert graph.dangling == []


def test_the_four_branches_of_a_get_profile_block_and_their_paths():
    document = flow([get_profile("gp", ["FirstName"], "hello", multiple="sorry", none="new",
                                 error="sorry"),
                     prompt("hello", "Hi $.Customer.FirstName", "bye"), prompt("sorry", "Sorry", "bye"),
                     prompt("new", "Welcome", "bye"), end("bye")])
    graph = read_graph(document)
    assert graph.branch_targets("gp") == {"Success": "hello", "MultipleFoundError": "sorry",
                                          "NoneFoundError": "new", "NoMatchingError": "sorry"}
    labels = {e.label for e in graph.edges["gp"]}
    assert labels == {"Success", "Multiple found", "None found", "Error"}
    paths = branch_paths(graph, "gp")
    assert paths["Success"] == {"hello": 1, "bye": 2}
    assert paths["NoneFoundError"] == {"new": 1, "bye": 2}


def test_conditions_are_edges_labelled_as_the_designer_writes_them():
    graph = read_graph(flow([action("check", "Compare", {"ComparisonValue": "$.Attributes.x"}, "a",
                                    conditions=[("No", "b")]), end("a"), end("b")]))
    assert {(e.target, e.label) for e in graph.edges["check"]} == {("a", ""), ("b", "= No")}


def test_odd_input_gives_a_graph_not_an_exception():
    document = {"StartAction": "nowhere", "Metadata": "not an object",
                "Actions": [7, None, {"Identifier": "a", "Type": 5, "Transitions": {"NextAction": "ghost",
                                                                                   "Errors": "bad"}},
                            {"Identifier": "a", "Type": "Duplicate"}, {"Type": "NoIdentifier"},
                            {"Identifier": "b", "Type": "SomethingNew", "Transitions": [1, 2],
                             "Parameters": [{"deep": ["$.Customer.X"]}]}]}
    graph = read_graph(document)
    assert list(graph.actions) == ["a", "b"]
    assert graph.actions["a"].kind == "5"   # a non-string Type is shown as its JSON
    assert graph.actions["b"].kind == "SomethingNew"
    assert graph.start == ""
    assert [e.target for e in graph.dangling] == ["ghost"]
    assert set(graph.roots()) == {"a", "b"}
    for not_a_flow in (None, [], "text", {"Actions": "x"}):
        assert read_graph(not_a_flow).actions == {}


def test_cycles_end_and_ten_thousand_actions_need_no_recursion():
    count = 10_000
    actions = [prompt(f"p{i}", "x", f"p{i + 1}" if i + 1 < count else "p0") for i in range(count)]
    graph = read_graph(flow(actions))
    reached = graph.reachable(["p0"])
    assert len(reached) == count and reached[f"p{count - 1}"] == count - 1
    assert graph.neighbourhood("p5000", 2) == {"p4998", "p4999", "p5000", "p5001", "p5002"}
