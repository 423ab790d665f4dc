"""The flow map on the Build page (the flow around the block) and on Lookup (the path a contact takes).

Rules live in profile_block (``flow_graph``, ``flow_reads``, ``flow_map``); this module picks the flow
in hand, the user's view settings, and draws the DOT with ``st.graphviz_chart`` (an SVG whose nodes
carry their names as text).
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from components import build_state as state
from components.text import literal
from profile_block.documents.flow import action_id_of, wrap_in_flow
from profile_block.flow_context.flow_graph import read_graph
from profile_block.flow_context.flow_map import FlowMap, Trace, around_trace, flow_dot, trace_path
from profile_block.flow_context.flow_reads import FlowReads, check_reads
from profile_block.model.block import BRANCH_LABELS, GetProfileBlock

OPEN = "flow_map_open"
VIEW = "flow_map_view"            # "Whole flow" | "Around the block": a view setting, kept across blocks
STEPS = "flow_map_steps"
LAYOUT = "flow_map_designer_layout"
VIEWS = ("Whole flow", "Around the block")
WHOLE_FLOW_UP_TO = 12
LEGEND = ("Blue: this block, its branches labelled · green: reads `$.Customer` values · "
          ":orange[amber: reads a value this block does not bring back] · dashed: error branches")


def flow_in_hand(block: GetProfileBlock, editing: state.EditingContext | None) -> tuple[dict[str, Any], bool]:
    """(the flow the block sits in, whether it is an imported flow). An imported flow has the block
    as edited now in place of its action; any other block is shown as its whole-flow export (the
    block and its branch targets)."""
    if editing is None or editing.kind != "flow":
        return wrap_in_flow(block), False
    document = editing.opened.doc.document
    original = editing.original_id
    action = block.to_action()
    flow = dict(document)
    flow["Actions"] = [action if isinstance(a, dict) and action_id_of(a) == original else a
                       for a in document.get("Actions", [])]
    metadata = document.get("Metadata")
    if block.action_id != original and isinstance(metadata, dict) \
            and isinstance(metadata.get("ActionMetadata"), dict) and original in metadata["ActionMetadata"]:
        # Renamed on the page: the block keeps its place on the canvas.
        entries = dict(metadata["ActionMetadata"])
        entries[block.action_id] = entries[original]
        flow["Metadata"] = {**metadata, "ActionMetadata": entries}
    return flow, True


def _report(block: GetProfileBlock, editing: state.EditingContext | None) -> tuple[FlowReads, bool]:
    flow, imported = flow_in_hand(block, editing)
    return check_reads(flow, graph=read_graph(flow)), imported


def _view_controls(report: FlowReads, key: str) -> tuple[int | None, bool]:
    """The user's choice: whole flow or the block's neighbourhood (N steps); designer layout."""
    size = len(report.graph.actions)
    # A flow of more than a screenful of blocks starts as the block's neighbourhood: fitted into the
    # chart, a whole 20-action flow is already too small to read.
    st.session_state.setdefault(VIEW, VIEWS[0] if size <= WHOLE_FLOW_UP_TO else VIEWS[1])
    st.session_state.setdefault(STEPS, 2)
    st.session_state.setdefault(LAYOUT, True)
    row = st.container(horizontal=True, vertical_alignment="bottom")
    with row:
        # Widget keys of their own, seeded from the view keys and written back on change: the view
        # keys survive pages that do not draw the map (Streamlit drops an undrawn widget's state).
        st.segmented_control("Show", VIEWS, key=_seeded(f"{key}.view", VIEW), required=True,
                             on_change=_keep, args=(f"{key}.view", VIEW))
        if st.session_state[VIEW] == VIEWS[1]:
            st.number_input("Steps from the block", 1, 20, key=_seeded(f"{key}.steps", STEPS), width=160,
                            on_change=_keep, args=(f"{key}.steps", STEPS))
        if any(a.position for a in report.graph.actions.values()):
            st.toggle("Designer layout", key=_seeded(f"{key}.layout", LAYOUT), on_change=_keep,
                      args=(f"{key}.layout", LAYOUT),
                      help="Place the blocks where the flow designer shows them (off: laid out left "
                           "to right).")
    steps = int(st.session_state[STEPS]) if st.session_state[VIEW] == VIEWS[1] else None
    return steps, bool(st.session_state[LAYOUT])


def _seeded(widget_key: str, view_key: str) -> str:
    if widget_key not in st.session_state:
        st.session_state[widget_key] = st.session_state[view_key]
    return widget_key


def _keep(widget_key: str, view_key: str) -> None:
    value = st.session_state.get(widget_key)
    if value is not None:
        st.session_state[view_key] = value


def _draw(drawn: FlowMap, report: FlowReads) -> None:
    # The chart scales the drawing to the column's width and is as tall as that makes it (a fixed
    # height would cut a tall flow off): a large flow stays readable as the block's neighbourhood.
    st.graphviz_chart(drawn.dot, width="content",
                      alt=f"Map of the flow: {len(drawn.shown)} of {len(report.graph.actions)} actions")
    if drawn.note:
        st.caption(literal(drawn.note))


def open_key(imported: bool) -> str:
    """Session key of the map's expander: open for an imported flow, closed for a lone block, unless
    the user chose otherwise (a view setting, kept across blocks)."""
    return f"{OPEN}.{'flow' if imported else 'block'}"


def render_build_map(block: GetProfileBlock, editing: state.EditingContext | None) -> None:
    """The Build page's map: the imported flow around the block, or the block and its branch targets.
    In an expander that draws nothing while closed (a lone block's page stays as short as it was)."""
    imported = editing is not None and editing.kind == "flow"
    key = open_key(imported)
    st.session_state.setdefault(key, imported)
    with st.expander("**Flow map**" + (" · the flow around this block" if imported else
                                       " · this block and its branch targets"),
                     key=key, on_change="rerun") as box:
        if box.open:
            _render_build_map(block, editing)


def _render_build_map(block: GetProfileBlock, editing: state.EditingContext | None) -> None:
    try:
        report, imported = _report(block, editing)
        if imported:
            steps, layout = _view_controls(report, "build-map")
        else:
            steps, layout = None, True
        drawn = flow_dot(report, block.action_id, steps=steps, designer_layout=layout)
    except Exception as exc:  # noqa: BLE001 - an odd flow must not break the page: say why instead
        st.info(f"The flow map cannot be drawn for this document: {literal(exc)}", icon=":material/info:")
        return
    if imported:
        missing = sum(len(m) for m in report.missing.values())
        st.caption(LEGEND + (f" · **{missing} read{'s' if missing != 1 else ''} not brought back**"
                             if missing else ""))
    else:
        st.caption("The block and its branch targets as the flow download writes them: each target you "
                   "typed becomes a Disconnect placeholder of that name. Import a flow to see the whole "
                   "flow.")
    _draw(drawn, report)
    notes = [f for f in report.notes if f.block_id in ("", block.action_id)]
    if notes:
        with st.expander(f"Notes on the flow ({len(notes)})"):
            for note in notes:
                st.markdown(f"- {literal(note.message)}")


def trace_for(block: GetProfileBlock, editing: state.EditingContext | None, branch: str,
              next_action: str) -> tuple[FlowReads, Trace]:
    """The reads report of the flow in hand and the path a contact takes from ``branch``."""
    report, _ = _report(block, editing)
    return report, trace_path(report.graph, next_action)


def render_trace(block: GetProfileBlock, editing: state.EditingContext | None, branch: str,
                 next_action: str) -> None:
    """The map with the path the contact takes after the block (Lookup; a Batch row's detail)."""
    try:
        report, trace = trace_for(block, editing, branch, next_action)
        path = Trace((block.action_id, *trace.actions), trace.stop) \
            if block.action_id in report.graph.actions else trace
        drawn = flow_dot(report, block.action_id, trace=path,
                         keep=around_trace(report.graph, block.action_id, trace))
    except Exception as exc:  # noqa: BLE001 - the lookup result stands; the map says why it is missing
        st.info(f"The path cannot be traced on this flow: {literal(exc)}", icon=":material/info:")
        return
    names = " → ".join(report.graph.actions[a].name for a in trace.actions[:8])
    more = " → …" if len(trace.actions) > 8 else ""
    st.markdown(f"**Path after the {literal(BRANCH_LABELS.get(branch, branch))} branch** "
                f"(magenta): {literal(names + more) or '(none)'}")
    st.caption(literal(trace.stop) + " The studio assumes each action on the way succeeds.")
    _draw(drawn, report)

