"""flow_map: the DOT of a flow around a block, the neighbourhood of large flows, the traced path."""

from __future__ import annotations

import json
from pathlib import Path

from profile_block.flow_context.flow_map import (
    MAX_NODES,
    MISSING_FILL,
    TRACE_LINE,
    Trace,
    flow_dot,
    trace_path,
)
from profile_block.flow_context.flow_reads import check_reads
from tests.unit.flow_builders import action, end, flow, get_profile, prompt

REAL = Path(__file__).parents[1] / "fixtures" / "real-flows"


def test_labels_are_escaped_so_any_name_stays_one_dot_string():
    document = flow([get_profile('say "hi" \\ now', [], "end"), end()], friendly=('say "hi" \\ now',))
    dot = flow_dot(check_reads(document), 'say "hi" \\ now').dot
    assert 'label="say \\"hi\\" \\\\ now\\n' in dot


def test_missing_reads_are_amber_and_the_traced_path_is_drawn():
    document = flow([get_profile("gp", [], "greet"), prompt("greet", "Hi $.Customer.FirstName", "bye"),
                     end("bye")])
    report = check_reads(document)
    trace = trace_path(report.graph, "greet")
    assert trace.actions == ("greet", "bye") and trace.stop == "Ends at Disconnect / hang up 'bye'."
    drawn = flow_dot(report, "gp", trace=Trace(("gp", *trace.actions), trace.stop))
    assert MISSING_FILL in drawn.dot and "⚠ missing FirstName" in drawn.dot
    assert drawn.dot.count(TRACE_LINE) >= 3   # two traced edges and a traced node
    assert not drawn.designer_layout          # hand-made actions have no positions: laid out by dot


def test_traces_stop_at_conditions_loops_dangling_targets_and_other_blocks():
    document = flow([get_profile("gp", [], "check"),
                     action("check", "Compare", {}, "a", conditions=[("x", "b")]), end("a"), end("b"),
                     prompt("loop", "x", "loop2"), prompt("loop2", "x", "loop"),
                     prompt("lost", "x", "nowhere"), get_profile("gp2", [], "end"), end()])
    graph = check_reads(document).graph
    assert "cannot evaluate" in trace_path(graph, "check").stop
    assert "a loop" in trace_path(graph, "loop").stop
    assert "'nowhere', which is not an action" in trace_path(graph, "lost").stop
    assert "another Get profile block" in trace_path(graph, "gp2").stop
    assert trace_path(graph, "").stop.startswith("The branch is not connected")
    assert "'ghost', which is not an action" in trace_path(graph, "ghost").stop


def test_a_ten_thousand_action_flow_draws_the_blocks_neighbourhood_only():
    count = 10_000
    actions = [get_profile("gp", ["FirstName"], "p0")]
    actions += [prompt(f"p{i}", "$.Customer.FirstName", f"p{i + 1}" if i + 1 < count else "end")
                for i in range(count)] + [end()]
    drawn = flow_dot(check_reads(flow(actions)), "gp")
    assert 0 < len(drawn.shown) <= MAX_NODES and "gp" in drawn.shown
    assert "more than one map draws" in drawn.note


def test_the_public_flows_keep_the_designer_layout():
    for path in sorted(REAL.glob("0*.json")):
        document = json.loads(path.read_text("utf-8"))
        report = check_reads(document)
        blocks = [a for a in report.graph.actions.values() if a.action_type == "GetCustomerProfile"]
        drawn = flow_dot(report, blocks[0].action_id if blocks else "")
        assert drawn.designer_layout and len(drawn.shown) == len(report.graph.actions), path.name
