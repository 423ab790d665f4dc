"""The graph of a flow's actions: who leads where (``NextAction``, ``Conditions``, ``Errors``), what
each action is called as the designer shows it, and where the designer drew it.

``read_graph`` accepts any parsed flow document, however odd: actions that are not objects, missing
or repeated Identifiers, ``NextAction``s naming no action (kept as ``dangling``), cycles, unknown
types, transitions of the wrong shape. Nothing here recurses, so a 10,000-action flow is walked with
plain loops. The reads check (``flow_reads``) and the flow map (``flow_map``) are built on it.
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from profile_block.model.block import ACTION_TYPE, BRANCH_LABELS, BRANCHES, SUCCESS

# Action types with the block name the flow designer shows for them. Types not listed show their
# own name (an unknown type is still a node of the graph).
DESIGNER_NAMES: Mapping[str, str] = {
    "MessageParticipant": "Play prompt",
    "MessageParticipantIteratively": "Loop prompts",
    "GetParticipantInput": "Get customer input",
    "StoreInput": "Store customer input",
    "UpdateContactAttributes": "Set contact attributes",
    "Compare": "Check contact attributes",
    "InvokeLambdaFunction": "Invoke AWS Lambda function",
    "InvokeFlowModule": "Invoke module",
    "DisconnectParticipant": "Disconnect / hang up",
    "EndFlowExecution": "End flow / Resume",
    "TransferContactToQueue": "Transfer to queue",
    "TransferToFlow": "Transfer to flow",
    "TransferParticipantToThirdParty": "Transfer to phone number",
    "UpdateContactTargetQueue": "Set working queue",
    "UpdateFlowLoggingBehavior": "Set logging behavior",
    "UpdateContactRecordingBehavior": "Set recording and analytics behavior",
    "UpdateContactTextToSpeechVoice": "Set voice",
    "UpdateContactEventHooks": "Set event flow / Set hold flow",
    "UpdateContactData": "Set contact data",
    "UpdateContactRoutingBehavior": "Set routing criteria",
    "ConnectParticipantWithLexBot": "Get customer input (Lex)",
    "CheckHoursOfOperation": "Check hours of operation",
    "CheckMetricData": "Check queue status",
    "GetMetricData": "Get queue metrics",
    "CheckVoiceId": "Check Voice ID",
    "StartVoiceIdStream": "Set Voice ID",
    "Loop": "Loop",
    "Wait": "Wait",
    "ShowView": "Show view",
    "CreateTask": "Create task",
    "CreateCase": "Cases",
    "GetCase": "Cases",
    "UpdateCase": "Cases",
    "CreateWisdomSession": "Amazon Q in Connect",
    "DistributeByPercentage": "Distribute by percentage",
    "CheckCallProgress": "Check call progress",
    # The six actions of the Customer profiles block.
    "GetCustomerProfile": "Customer profiles: Get profile",
    "CreateCustomerProfile": "Customer profiles: Create profile",
    "UpdateCustomerProfile": "Customer profiles: Update profile",
    "GetCustomerProfileObject": "Customer profiles: Get profile object",
    "GetCalculatedAttributesForCustomerProfile": "Customer profiles: Get calculated attributes",
    "AssociateContactToCustomerProfile": "Customer profiles: Associate contact to profile",
}
# Error types the designer labels differently from their name.
_ERROR_LABELS: Mapping[str, str] = {"NoMatchingError": "Error", "NoMatchingCondition": "No match"}
_LABEL_CHARS = 40   # a condition's label is clipped: the map shows it on an edge


@dataclass(frozen=True)
class Edge:
    """One transition: where it leads and the branch label the designer writes on it."""

    source: str
    target: str
    label: str          # "Success", "Multiple found", "= No", "Timeout", "" (plain NextAction)
    branch: str = ""    # for a Get profile block: one of block.BRANCHES; "" otherwise
    is_error: bool = False   # an entry of Transitions.Errors


@dataclass(frozen=True)
class FlowAction:
    """One action of a flow, as the designer shows it."""

    action_id: str
    action_type: str
    parameters: Any                              # the action's Parameters as given (any JSON)
    friendly_name: str = ""                      # the Identifier, when metadata says isFriendlyName
    position: tuple[float, float] | None = None  # the designer's canvas position, when given

    @property
    def kind(self) -> str:
        """The block name the designer shows for this type ("Play prompt")."""
        return DESIGNER_NAMES.get(self.action_type, self.action_type or "(no Type)")

    @property
    def name(self) -> str:
        """The name the designer shows on the block: the user's name, else the block's kind."""
        return self.friendly_name or self.kind

    @property
    def described(self) -> str:
        """The action in words, for messages: "'Greet caller' (Play prompt)" or "Play prompt 3f2a…"."""
        if self.friendly_name:
            return f"'{self.friendly_name}' ({self.kind})"
        return f"{self.kind} '{self.action_id}'"


@dataclass
class FlowGraph:
    """The actions of a flow (in document order, first of a repeated Identifier wins) and their edges."""

    actions: dict[str, FlowAction] = field(default_factory=dict)
    edges: dict[str, list[Edge]] = field(default_factory=dict)        # out-edges by source
    incoming: dict[str, list[Edge]] = field(default_factory=dict)     # in-edges by target
    dangling: list[Edge] = field(default_factory=list)                # targets naming no action
    start: str = ""                                                   # "" when StartAction is unusable
    entry_position: tuple[float, float] | None = None

    def successors(self, action_id: str) -> list[str]:
        return [e.target for e in self.edges.get(action_id, ())]

    def reachable(self, roots: Iterable[str], limit: int | None = None) -> dict[str, int]:
        """Actions reachable from ``roots`` following transitions, with their distance in steps
        (a root is 0); ``limit`` stops after that many steps. Breadth first, no recursion."""
        seen: dict[str, int] = {}
        queue: deque[str] = deque()
        for root in roots:
            if root in self.actions and root not in seen:
                seen[root] = 0
                queue.append(root)
        while queue:
            current = queue.popleft()
            depth = seen[current]
            if limit is not None and depth >= limit:
                continue
            for target in self.successors(current):
                if target not in seen:
                    seen[target] = depth + 1
                    queue.append(target)
        return seen

    def neighbourhood(self, centre: str, steps: int) -> set[str]:
        """Actions within ``steps`` transitions of ``centre``, either way along the arrows."""
        seen = {centre} if centre in self.actions else set()
        frontier = list(seen)
        for _ in range(max(steps, 0)):
            following: list[str] = []
            for current in frontier:
                for e in self.edges.get(current, ()):
                    if e.target not in seen:
                        seen.add(e.target)
                        following.append(e.target)
                for e in self.incoming.get(current, ()):
                    if e.source not in seen:
                        seen.add(e.source)
                        following.append(e.source)
            frontier = following
        return seen

    def roots(self) -> list[str]:
        """Where contacts enter: StartAction, plus every action nothing leads to (a file whose
        StartAction is missing or dangling, or a part of the canvas only reached from outside)."""
        found = [self.start] if self.start else []
        found += [a for a in self.actions if not self.incoming.get(a) and a != self.start]
        return found

    def branch_targets(self, action_id: str) -> dict[str, str]:
        """A Get profile block's branch -> target Identifier ("" when unconnected)."""
        targets = {b: "" for b in BRANCHES}
        for e in self.edges.get(action_id, ()):
            if e.branch and not targets[e.branch]:
                targets[e.branch] = e.target
        for e in self.dangling:
            if e.source == action_id and e.branch and not targets[e.branch]:
                targets[e.branch] = e.target
        return targets


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    return "" if value is None else json.dumps(value, ensure_ascii=False)


def _position(value: Any) -> tuple[float, float] | None:
    if not isinstance(value, dict):
        return None
    x, y = value.get("x", value.get("X")), value.get("y", value.get("Y"))
    if isinstance(x, int | float) and isinstance(y, int | float) and not isinstance(x, bool) \
            and not isinstance(y, bool) and abs(x) < 1e9 and abs(y) < 1e9:
        return float(x), float(y)
    return None


def _condition_label(condition: Any) -> str:
    """A Conditions entry as the designer writes it on the branch: "= No", "contains sales"."""
    if not isinstance(condition, dict):
        return "condition"
    operator = _text(condition.get("Operator"))
    operands = condition.get("Operands")
    shown = ", ".join(_text(o) for o in operands) if isinstance(operands, list) else _text(operands)
    symbol = {"Equals": "=", "NumberGreaterThan": ">", "NumberLessThan": "<",
              "NumberGreaterOrEqualTo": ">=", "NumberLessOrEqualTo": "<="}.get(operator, operator)
    label = f"{symbol} {shown}".strip() or "condition"
    return label if len(label) <= _LABEL_CHARS else label[:_LABEL_CHARS - 1] + "…"


def _transitions(action_id: str, action_type: str, transitions: Any) -> list[Edge]:
    """Every edge a Transitions object describes; members of the wrong shape are skipped."""
    if not isinstance(transitions, dict):
        return []
    profile = action_type == ACTION_TYPE
    edges: list[Edge] = []
    nxt = transitions.get("NextAction")
    if isinstance(nxt, str) and nxt:
        edges.append(Edge(action_id, nxt, "Success" if profile else "", SUCCESS if profile else ""))
    conditions = transitions.get("Conditions")
    for condition in conditions if isinstance(conditions, list) else ():
        if isinstance(condition, dict) and isinstance(condition.get("NextAction"), str) \
                and condition["NextAction"]:
            edges.append(Edge(action_id, condition["NextAction"],
                              _condition_label(condition.get("Condition"))))
    errors = transitions.get("Errors")
    for error in errors if isinstance(errors, list) else ():
        if not (isinstance(error, dict) and isinstance(error.get("NextAction"), str)
                and error["NextAction"]):
            continue
        kind = _text(error.get("ErrorType"))
        branch = kind if profile and kind in BRANCH_LABELS else ""
        label = BRANCH_LABELS[branch] if branch else _ERROR_LABELS.get(kind, kind or "Error")
        edges.append(Edge(action_id, error["NextAction"], label, branch, is_error=True))
    return edges


def read_graph(flow: Any) -> FlowGraph:
    """The graph of a parsed flow document (anything else gives an empty graph)."""
    graph = FlowGraph()
    if not isinstance(flow, dict):
        return graph
    metadata = flow.get("Metadata") if isinstance(flow.get("Metadata"), dict) else {}
    action_metadata = metadata.get("ActionMetadata")
    action_metadata = action_metadata if isinstance(action_metadata, dict) else {}
    graph.entry_position = _position(metadata.get("entryPointPosition"))
    raw = flow.get("Actions")
    pending: list[tuple[str, str, Any]] = []
    for action in raw if isinstance(raw, list) else ():
        if not isinstance(action, dict):
            continue
        action_id = _text(action.get("Identifier"))
        if not action_id or action_id in graph.actions:
            continue   # validate_flow names repeated Identifiers; the first one is the node
        action_type = _text(action.get("Type"))
        meta = action_metadata.get(action_id)
        meta = meta if isinstance(meta, dict) else {}
        graph.actions[action_id] = FlowAction(
            action_id, action_type, action.get("Parameters"),
            friendly_name=action_id if meta.get("isFriendlyName") is True else "",
            position=_position(meta.get("position")))
        pending.append((action_id, action_type, action.get("Transitions")))
    for action_id, action_type, transitions in pending:
        for edge in _transitions(action_id, action_type, transitions):
            if edge.target in graph.actions:
                graph.edges.setdefault(action_id, []).append(edge)
                graph.incoming.setdefault(edge.target, []).append(edge)
            else:
                graph.dangling.append(edge)
    start = flow.get("StartAction")
    graph.start = start if isinstance(start, str) and start in graph.actions else ""
    return graph


def branch_paths(graph: FlowGraph, block_id: str) -> dict[str, dict[str, int]]:
    """For a Get profile block: each branch -> the actions a contact can reach after taking it
    (with the fewest steps to each; the branch's target is 1)."""
    paths: dict[str, dict[str, int]] = {}
    for branch, target in graph.branch_targets(block_id).items():
        reached = graph.reachable([target]) if target in graph.actions else {}
        paths[branch] = {a: d + 1 for a, d in reached.items()}
    return paths
