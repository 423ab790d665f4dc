"""The flow map as Graphviz DOT text, and the path a contact takes after a lookup.

``flow_dot`` draws a flow graph (``flow_graph``) with the reads check (``flow_reads``) on it: the
edited block highlighted with its four branches labelled, the actions that read ``$.Customer``
marked, the reads it does not bring back in the warning colour, and a traced path in its own
colour. Where the file has the designer's positions the map keeps them (Graphviz ``neato`` with
pinned nodes); otherwise Graphviz lays it out left to right. A large flow is drawn as the
neighbourhood of the block within a number of steps; past ``MAX_NODES`` always so, so that a
10,000-action flow still gives a map a browser can lay out.

``trace_path`` follows a contact from a branch target: each action's one non-error transition,
assuming every action succeeds, up to the first decision the studio cannot evaluate (conditions,
another Get profile block), an ending, or a loop; ``Trace.stop`` says which in words.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from profile_block.flow_context.flow_graph import Edge, FlowAction, FlowGraph
from profile_block.flow_context.flow_reads import FlowReads
from profile_block.model.block import ACTION_TYPE

MAX_NODES = 150          # the most actions one map draws (the public exports have at most 70)
MAX_TRACE = 60           # the most actions a trace follows
_NAME_CHARS = 26          # a line of a node at 14 pt stays within a designer block's width
# Colours: the edited block blue, readers green, missing reads amber (the page's warning colour),
# the traced path magenta.
BLOCK_FILL, BLOCK_LINE = "#cfe2ff", "#0b5ed7"
READER_FILL = "#e6f4ea"
MISSING_FILL, MISSING_LINE = "#ffe8b3", "#b45309"
TRACE_LINE = "#c2185b"
# Designer canvas pixels -> Graphviz points: blocks are ~200 px wide there (like a 26-character
# line here) but much taller than these nodes, so rows move closer together.
_SCALE_X, _SCALE_Y = 1.0, 0.6


@dataclass(frozen=True)
class FlowMap:
    """DOT text plus what it shows, in words (for the caption and for tests)."""

    dot: str
    shown: tuple[str, ...]        # Identifiers of the actions drawn, in document order
    note: str = ""                # why the map is narrowed, when it is
    designer_layout: bool = False


@dataclass(frozen=True)
class Trace:
    """The actions a contact goes through after the block, and where the studio stops following."""

    actions: tuple[str, ...]
    stop: str


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ").replace("\r", " ") + '"'


def _clip(text: str, limit: int = _NAME_CHARS) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _short_id(action_id: str) -> str:
    return action_id if len(action_id) <= 12 else action_id[:8] + "…"


def _label(action: FlowAction, reads: Sequence[str], missing: Collection[str]) -> str:
    lines = [_clip(action.name)]
    if action.friendly_name:
        lines.append(_clip(action.kind, _NAME_CHARS + 6))
    else:
        lines.append(_short_id(action.action_id))
    fine = [m for m in reads if m not in missing]
    if fine:
        lines.append(_clip("reads " + ", ".join(fine), _NAME_CHARS + 4))
    if missing:
        lines.append(_clip("⚠ missing " + ", ".join(missing), _NAME_CHARS + 4))
    # Graphviz's line break inside a quoted label is the two characters \n.
    return "\\n".join(_quote(line)[1:-1] for line in lines if line)


def _shown_actions(graph: FlowGraph, focus: str, steps: int | None,
                   keep: Collection[str] | None = None) -> tuple[list[str], str]:
    everything = list(graph.actions)
    if keep is not None:
        shown = [a for a in everything if a in keep][:MAX_NODES]
        return shown, ("" if len(shown) == len(everything) else
                       f"Showing the block, the path and the next branches ({len(shown)} of "
                       f"{len(everything):,} actions).")
    if steps is None and len(everything) <= MAX_NODES:
        return everything, ""
    if focus not in graph.actions:
        return everything[:MAX_NODES], (f"The flow has {len(everything):,} actions; the map shows the "
                                        f"first {MAX_NODES}.")
    chosen = steps if steps is not None else 3
    near = graph.neighbourhood(focus, chosen)
    while len(near) > MAX_NODES and chosen > 1:
        chosen -= 1
        near = graph.neighbourhood(focus, chosen)
    shown = [a for a in everything if a in near][:MAX_NODES]
    why = "" if steps is not None and chosen == steps else (
        f"The flow has {len(everything):,} actions, more than one map draws ({MAX_NODES}); ")
    return shown, (f"{why}showing the actions within {chosen} step{'s' if chosen != 1 else ''} of the "
                   f"block ({len(shown)} of {len(everything):,}).")


def flow_dot(report: FlowReads, focus: str = "", steps: int | None = None, trace: Trace | None = None,
             designer_layout: bool = True, keep: Collection[str] | None = None) -> FlowMap:
    """The map of ``report.graph`` around the block ``focus`` (all of it when ``steps`` is None;
    exactly the actions in ``keep`` when given)."""
    graph = report.graph
    shown, note = _shown_actions(graph, focus, steps, keep)
    shown_set = set(shown)
    node = {action_id: f"n{i}" for i, action_id in enumerate(shown)}
    traced = set(trace.actions) if trace else set()
    trace_edges = set(zip(trace.actions, trace.actions[1:], strict=False)) if trace else set()
    positioned = designer_layout and all(graph.actions[a].position is not None for a in shown)
    lines = ["digraph flow {"]
    if positioned:
        lines.append('  graph [layout=neato, inputscale=72, splines=true, overlap=true, '
                     'fontname="sans-serif"];')
    else:
        lines.append('  graph [rankdir=LR, nodesep=0.25, ranksep=0.5, fontname="sans-serif"];')
    lines.append('  node [shape=box, style="rounded,filled", fillcolor="#ffffff", color="#888888", '
                 'fontname="sans-serif", fontsize=14];')
    lines.append('  edge [fontname="sans-serif", fontsize=12, color="#777777"];')
    if graph.start in shown_set:
        entry_pos = graph.entry_position
        place = f', pos="{entry_pos[0] * _SCALE_X:.0f},{-entry_pos[1] * _SCALE_Y:.0f}!"' \
            if positioned and entry_pos else ""
        lines.append(f'  entry [label="Entry", shape=circle, fontsize=9{place}];')
        lines.append(f"  entry -> {node[graph.start]};")
    for action_id in shown:
        action = graph.actions[action_id]
        reads = report.reads.get(action_id, [])
        missing = report.missing.get(action_id, [])
        attributes = ['label="' + _label(action, reads, missing) + '"',
                      f"tooltip={_quote(action.described)}"]
        if action_id == focus:
            attributes += [f'fillcolor="{BLOCK_FILL}"', f'color="{BLOCK_LINE}"', "penwidth=3"]
        elif missing:
            attributes += [f'fillcolor="{MISSING_FILL}"', f'color="{MISSING_LINE}"', "penwidth=2"]
        elif reads:
            attributes += [f'fillcolor="{READER_FILL}"']
        if action_id in traced and action_id != focus:
            attributes += [f'color="{TRACE_LINE}"', "penwidth=3"]
        if positioned and action.position:
            x, y = action.position
            attributes.append(f'pos="{x * _SCALE_X:.0f},{-y * _SCALE_Y:.0f}!"')
        lines.append(f"  {node[action_id]} [{', '.join(attributes)}];")
    for action_id in shown:
        merged: dict[str, list[Edge]] = {}
        for edge in graph.edges.get(action_id, ()):
            if edge.target in shown_set:
                merged.setdefault(edge.target, []).append(edge)
        for target, edges in merged.items():   # one arrow per pair, its labels joined
            # A plain NextAction beside Errors to the same action: it goes there either way, unlabelled.
            plain = any(not e.label and not e.is_error for e in edges)
            labels = [e.label for e in edges if e.label and not (plain and e.is_error)]
            attributes = []
            if labels:
                attributes.append(f"label={_quote(_clip(' / '.join(dict.fromkeys(labels)), 40))}")
            if action_id == focus:
                attributes += [f'color="{BLOCK_LINE}"', f'fontcolor="{BLOCK_LINE}"', "penwidth=2"]
            elif all(e.is_error for e in edges):
                attributes.append("style=dashed")
            if (action_id, target) in trace_edges:
                attributes += [f'color="{TRACE_LINE}"', "penwidth=3"]
            lines.append(f"  {node[action_id]} -> {node[target]}"
                         + (f" [{', '.join(attributes)}]" if attributes else "") + ";")
    lines.append("}")
    return FlowMap("\n".join(lines), tuple(shown), note, positioned)


def around_trace(graph: FlowGraph, focus: str, trace: Trace) -> set[str]:
    """What a traced map shows: the block, its branch targets, the path, and where the last action
    of the path may lead (the decision the studio stopped at)."""
    shown = {focus, *trace.actions} & set(graph.actions)
    shown |= {t for t in graph.branch_targets(focus).values() if t in graph.actions}
    if trace.actions:
        shown |= set(graph.successors(trace.actions[-1]))
    return shown


def trace_path(graph: FlowGraph, first: str) -> Trace:
    """The actions from ``first`` on, following each action's one non-error transition."""
    if not first:
        return Trace((), "The branch is not connected: the contact goes nowhere.")
    if first not in graph.actions:
        return Trace((), f"The branch leads to '{first}', which is not an action of this flow.")
    path: list[str] = []
    seen: set[str] = set()
    current = first
    while True:
        action = graph.actions[current]
        if current in seen:
            return Trace(tuple(path), f"The path comes back to {action.described}: a loop; the studio "
                                      "follows it once.")
        path.append(current)
        seen.add(current)
        if len(path) >= MAX_TRACE:
            return Trace(tuple(path), f"Followed {MAX_TRACE} actions; the rest is not traced.")
        onward = list(dict.fromkeys(e.target for e in graph.edges.get(current, ()) if not e.is_error))
        if action.action_type == ACTION_TYPE:
            return Trace(tuple(path), f"Stops at {action.described}: another Get profile block, whose "
                                      "branch depends on its own lookup.")
        if not onward:
            dangling = [e.target for e in graph.dangling if e.source == current and not e.is_error]
            if dangling:
                return Trace(tuple(path), f"{action.described} leads to '{dangling[0]}', which is not an "
                                          "action of this flow.")
            return Trace(tuple(path), f"Ends at {action.described}.")
        if len(onward) > 1:
            return Trace(tuple(path), f"Stops at {action.described}: which way it goes depends on values "
                                      "the studio cannot evaluate (its conditions).")
        current = onward[0]
