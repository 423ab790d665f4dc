"""The reads check: does every action after a Get profile block get the ``$.Customer`` values it reads?

``check_reads`` walks the flow graph (``flow_graph``) once with bit masks: a ``$.Customer`` value is
*set* at an action when every path from the flow's entry to it passes a Customer profiles action that
stores it (``customer_data.customer_sets``). A read that is not set that way is explained by the Get
profile blocks it comes after:

- reached from a block's Success branch, and the block does not fetch the field -> warning on the block;
- reached only through the block's Multiple found / None found / Error branches -> warning of its own
  (on those branches the block sets no ``$.Customer`` value);
- after no Customer profiles action at all -> a note (a flow module gets them from the flow that
  invoked it: reference, section 3).

A path that passes a storing action but leaves it by an Errors branch is not held against a reader
that the action's Success path also reaches: the public flows send Create's Error and Get profile's
Multiple found branches into the Success path on purpose, and the reference counts those readers as
covered. Notes: fetched fields that nothing reads (with their cost), the
flow's 14,000-character budget over every Customer profiles action, and the block's own
``$.Attributes``/``$.External`` values that no action before it sets.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from dataclasses import replace as with_changes
from typing import Any, Literal

from profile_block.flow_context.customer_data import (
    PROFILE_ARN,
    contact_sets,
    customer_reads,
    customer_sets,
    dynamic_reads,
    is_customer_profiles,
)
from profile_block.flow_context.flow_graph import FlowGraph, read_graph
from profile_block.model.block import (
    ACTION_TYPE,
    BRANCH_LABELS,
    ERROR_TYPES,
    SUCCESS,
    WORST_CASE_VALUE_CHARS,
    Problem,
)
from profile_block.model.fields import ATTRIBUTE_BUDGET

Severity = Literal["warning", "note"]
READ_PART = "reads"   # Problem part of a reads warning: "reads:<member>"


@dataclass(frozen=True)
class ReadFinding:
    """One result of the reads check, tied to the Get profile block it concerns ("" = the flow)."""

    severity: Severity
    kind: str            # "not-fetched", "error-branches-only", "unset-path", "from-outside",
                         # "unread", "budget", "dynamic"
    block_id: str
    message: str
    reader_id: str = ""  # the reading action's Identifier
    member: str = ""     # the $.Customer member ("LastName"), or the dynamic value for "dynamic"

    def problem(self) -> Problem:
        """As a Problem for the shared problem list (warnings only have one); a finding tied to no
        Get profile block is about the whole flow."""
        if not self.block_id:
            return Problem("warning", "flow", self.message)
        part = f"{READ_PART}:{self.member}" if self.member else "budget"
        return Problem("warning", part, self.message, self.block_id)


@dataclass
class FlowReads:
    """What the check found, and what the map needs to draw it."""

    graph: FlowGraph
    findings: list[ReadFinding] = field(default_factory=list)
    reads: dict[str, list[str]] = field(default_factory=dict)   # action -> $.Customer members read
    sets: dict[str, list[str]] = field(default_factory=dict)    # action -> members stored on success
    missing: dict[str, list[str]] = field(default_factory=dict)  # reader -> members warned about
    budget_used: int = 0

    @property
    def warnings(self) -> list[ReadFinding]:
        return [f for f in self.findings if f.severity == "warning"]

    @property
    def notes(self) -> list[ReadFinding]:
        return [f for f in self.findings if f.severity == "note"]

    def for_block(self, block_id: str) -> list[ReadFinding]:
        return [f for f in self.findings if f.block_id == block_id]


def _must_set(graph: FlowGraph, gen: dict[str, int], success_only: bool) -> dict[str, int]:
    """For every action reached from the flow's roots: the members (bits) stored on every path to it.

    A forward "available values" pass: in(a) = AND over reached predecessors p of (in(p) | gen(p)),
    roots start empty; with ``success_only`` an action's Errors branches carry only in(p) (it stored
    nothing). Masks only shrink, so the worklist ends, cycles included; no recursion.
    """
    roots = graph.roots()
    known: dict[str, int] = dict.fromkeys(roots, 0)
    queue = deque(roots)
    queued = set(roots)
    while queue:
        current = queue.popleft()
        queued.discard(current)
        passed = known[current]
        stored = passed | gen.get(current, 0)
        for edge in graph.edges.get(current, ()):
            target = edge.target
            out = passed if success_only and edge.is_error else stored
            if target == graph.start:
                continue   # the entry: a contact also arrives with nothing set
            before = known.get(target)
            after = out if before is None else before & out
            if after != before:
                known[target] = after
                if target not in queued:
                    queued.add(target)
                    queue.append(target)
    return known


def _upstream(graph: FlowGraph, action_id: str) -> set[str]:
    """Every action from which ``action_id`` can be reached (itself excluded unless in a cycle)."""
    seen: set[str] = set()
    stack = [e.source for e in graph.incoming.get(action_id, ())]
    while stack:
        current = stack.pop()
        if current in seen:
            continue
        seen.add(current)
        stack += [e.source for e in graph.incoming.get(current, ()) if e.source not in seen]
    return seen


def _join(labels: list[str]) -> str:
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]


def check_reads(flow: Any, replace: dict[str, Any] | None = None,
                graph: FlowGraph | None = None) -> FlowReads:
    """Check the ``$.Customer`` reads of a parsed flow document.

    ``replace`` maps an Identifier to an action that stands for it (the Build page's edited block,
    not yet written into the document). Never raises on odd input: what cannot be read is skipped.
    """
    if graph is None:
        graph = read_graph(flow)
    if replace:
        # A copy of the actions: the caller's graph keeps the document's own.
        graph = FlowGraph(dict(graph.actions), graph.edges, graph.incoming, graph.dangling, graph.start,
                          graph.entry_position)
        for action_id, action in replace.items():
            if action_id in graph.actions and isinstance(action, dict):
                graph.actions[action_id] = with_changes(
                    graph.actions[action_id], parameters=action.get("Parameters"))
    report = FlowReads(graph)
    bits: dict[str, int] = {}
    gen: dict[str, int] = {}
    for action in graph.actions.values():
        reads = customer_reads(action.parameters)
        if reads:
            report.reads[action.action_id] = reads
        if is_customer_profiles(action.action_type):
            stored = list(dict.fromkeys(customer_sets(action.action_type, action.parameters)))
            report.sets[action.action_id] = stored
            mask = 0
            for member in stored:
                mask |= 1 << bits.setdefault(member, len(bits))
            gen[action.action_id] = mask
    blocks = [a for a in graph.actions.values() if a.action_type == ACTION_TYPE]
    # Each block's reach per branch, once (the flow's few blocks times its actions).
    reach: dict[str, dict[str, set[str]]] = {}
    for block in blocks:
        reach[block.action_id] = {
            branch: set(graph.reachable([target])) if target in graph.actions else set()
            for branch, target in graph.branch_targets(block.action_id).items()}
    passed_setter = _must_set(graph, gen, success_only=False)
    available = _must_set(graph, gen, success_only=True)
    all_profile_actions = set(report.sets)
    for reader_id, members in report.reads.items():
        if reader_id not in available:
            continue   # no contact reaches it from the flow's entry
        reader = graph.actions[reader_id]
        upstream: set[str] | None = None
        for member in members:
            bit = bits.get(member)
            if bit is not None and available[reader_id] >> bit & 1:
                continue
            found = _explain(report, reach, blocks, reader_id, member)
            if bit is not None and passed_setter[reader_id] >> bit & 1:
                # Every path passes an action storing it, some leave it by an Errors branch: only a
                # Get profile block that reaches the reader by no Success path is worth a warning.
                pass
            elif not found:
                if upstream is None:
                    upstream = _upstream(graph, reader_id)
                before = upstream & all_profile_actions
                if before:
                    # Tied to the blocks whose Success path reaches the reader (else the flow).
                    owners = [b.action_id for b in blocks
                              if reader_id in reach[b.action_id][SUCCESS]] or [""]
                    found = [ReadFinding(
                        "warning", "unset-path", owner,
                        f"{reader.described} reads $.Customer.{member}, but on some paths to it no "
                        "Customer profiles action before it stores that value.", reader_id, member)
                        for owner in owners]
                else:
                    found = [ReadFinding(
                        "note", "from-outside", "",
                        f"{reader.described} reads $.Customer.{member} with no Customer profiles "
                        "action before it: the value must come from the flow that invoked this one.",
                        reader_id, member)]
            report.findings += found
            if any(f.severity == "warning" for f in found):
                report.missing.setdefault(reader_id, []).append(member)
    _notes(report, blocks)
    return report


def _explain(report: FlowReads, reach: dict[str, dict[str, set[str]]], blocks: list[Any],
             reader_id: str, member: str) -> list[ReadFinding]:
    """Warnings on the Get profile blocks a read comes after, for a value not set on every path."""
    reader = report.graph.actions[reader_id]
    found: list[ReadFinding] = []
    for block in blocks:
        paths = reach[block.action_id]
        if reader_id in paths[SUCCESS]:
            if member in report.sets.get(block.action_id, ()):
                continue
            found.append(ReadFinding(
                "warning", "not-fetched", block.action_id,
                f"{reader.described} reads $.Customer.{member}, which this block does not bring "
                f"back; tick {member} in the block's response fields.", reader_id, member))
            continue
        via = [BRANCH_LABELS[b] for b in ERROR_TYPES if reader_id in paths[b]]
        if via:
            found.append(ReadFinding(
                "warning", "error-branches-only", block.action_id,
                f"{reader.described} reads $.Customer.{member}, but a contact reaches it only through "
                f"this block's {_join(via)} branch{'es' if len(via) > 1 else ''}, where the block sets "
                "no $.Customer value.", reader_id, member))
    return found


def _notes(report: FlowReads, blocks: list[Any]) -> None:
    """Unread fields with their cost, the flow's budget, and the blocks' own unset dynamic values."""
    graph = report.graph
    read_anywhere = {m for members in report.reads.values() for m in members}
    stored_in_flow = {m for members in report.sets.values() for m in members if m != PROFILE_ARN}
    report.budget_used = len(stored_in_flow) * WORST_CASE_VALUE_CHARS
    over = report.budget_used > ATTRIBUTE_BUDGET
    for block in blocks:
        block_id = block.action_id
        fetched = [m for m in report.sets.get(block_id, ()) if m not in ("ProfileId", PROFILE_ARN)]
        unread = [m for m in fetched if m not in read_anywhere]
        if unread:
            cost = len(unread) * WORST_CASE_VALUE_CHARS
            report.findings.append(ReadFinding(
                "note", "unread", block_id,
                f"Nothing in the flow reads {len(unread)} of the fields this block fetches "
                f"({', '.join(unread)}); at worst they take {cost:,} of the flow's "
                f"{ATTRIBUTE_BUDGET:,} characters."))
        if over:
            report.findings.append(ReadFinding(
                "warning", "budget", block_id,
                f"The Customer profiles actions of this flow store {len(stored_in_flow)} values; at worst "
                f"{report.budget_used:,} characters, over the {ATTRIBUTE_BUDGET:,} a flow's Customer "
                "Profiles attributes share: values past the budget are not stored."))
        upstream: set[str] | None = None
        for namespace, key in dynamic_reads(block.parameters):
            if upstream is None:
                upstream = _upstream(graph, block_id)
            given = {s for a in upstream
                     for s in contact_sets(graph.actions[a].action_type, graph.actions[a].parameters)}
            if (namespace, key) in given or (namespace, "*") in given:
                continue
            report.findings.append(ReadFinding(
                "note", "dynamic", block_id,
                f"This block reads $.{namespace}.{key}, which no action before it in this flow sets; "
                "it may arrive with the contact (set by an earlier flow or the API), otherwise the "
                "request is sent without it.", member=f"$.{namespace}.{key}"))


def reads_problems(flow: Any) -> list[Problem]:
    """The reads check's warnings as Problems, for ``flow.document_problems``."""
    return [f.problem() for f in check_reads(flow).warnings]
