"""Fuzz: random JSON, and mutations of a valid action and flow, never raise anything but the two
documented errors (DocumentError, ActionFormatError) from the importer and the validators.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from profile_block.documents.flow import (
    DocumentError,
    document_problems,
    dump_document,
    load_document,
    read_document,
    validate_flow,
    wrap_in_flow,
)
from profile_block.documents.splice import blocks_of, export
from profile_block.model.block import ActionFormatError, GetProfileBlock, read_action, validate_action
from tests.unit.helpers import valid_block
from tests.unit.strategies import json_scalars, json_values

FIXTURE = json.loads((Path(__file__).parent / "fixtures" / "flow_with_two_blocks.json").read_text("utf-8"))
ACTION = valid_block(fields=["FirstName", "Attributes.tier"],
                     branches={"Success": "a", "MultipleFoundError": "b", "NoneFoundError": "c",
                               "NoMatchingError": "d"}).to_action()
ACTION["Parameters"]["ProfileRequestData"] = {
    "SearchCriteria": [{"IdentifierName": "_phone", "IdentifierValue": "$.CustomerEndpoint.Address"},
                       {"IdentifierName": "_email", "IdentifierValue": "$.Attributes.email"}],
    "LogicalOperator": "OR"}
EXPECTED = (DocumentError, ActionFormatError)
FUZZ = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a member of ``node`` (dict keys and list indexes)."""
    found: list[tuple[Any, ...]] = []
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else []
    for key, child in items:
        found.append(prefix + (key,))
        found += paths(child, prefix + (key,))
    return found


@st.composite
def mutated(draw: st.DrawFn, original: Any) -> Any:
    """``original`` with a few members dropped or replaced by values of the wrong type."""
    doc = copy.deepcopy(original)
    for _ in range(draw(st.integers(1, 4))):
        targets = paths(doc)
        if not targets:
            break
        path = draw(st.sampled_from(targets))
        parent = doc
        for step in path[:-1]:
            parent = parent[step]
        if draw(st.booleans()):
            del parent[path[-1]]
        else:
            parent[path[-1]] = draw(st.one_of(json_scalars, json_values))
    return doc


def exercise(document: Any, indent: int | None = None) -> None:
    """Everything the page and the CLI do with an imported document: read it, check it, export
    each block unchanged (the same text) and changed (text that reads back)."""
    try:
        text = json.dumps(document, indent=indent)
    except (TypeError, ValueError):
        return
    try:
        doc = read_document(text)
    except DocumentError as exc:
        assert str(exc)
        return
    _, problems = document_problems(doc)
    assert all(p.message and p.part for p in problems)
    if doc.kind == "action":
        assert all(p.message for p in read_action(doc.document)[1] + validate_action(doc.document))
    for opened in blocks_of(doc):
        block, _ = read_action(opened.action)
        _use(block)
        assert export(opened, block).text == text
        block.fields.append("Attributes.fuzzed")
        changed = read_document(export(opened, block).text)
        document_problems(changed)


def _id_of(action: dict[str, Any]) -> str:
    value = action.get("Identifier")
    return value if isinstance(value, str) else ("" if value is None else json.dumps(value))


def _use(block: GetProfileBlock) -> None:
    """A block read from anything is a well-typed model the page can show and export."""
    assert isinstance(block.action_id, str) and isinstance(block.operator, str)
    assert all(isinstance(i.key, str) and isinstance(i.value, str) for i in block.identifiers)
    assert all(isinstance(f, str) for f in block.fields)
    assert all(isinstance(t, str) for t in block.branches.values())
    problems = block.validate()
    assert all(p.where for p in problems)
    dump_document(wrap_in_flow(block))
    block.to_action()


@FUZZ
@given(json_values)
def test_random_json_never_raises_anything_else(document: Any) -> None:
    try:
        exercise(document)
        read_action(document)
    except EXPECTED:
        pass


@FUZZ
@given(json_values)
def test_random_json_as_validators_input(document: Any) -> None:
    for check in (validate_action, validate_flow, read_action):
        try:
            check(document)
        except EXPECTED:
            pass


@FUZZ
@given(mutated(ACTION))
def test_mutated_action_never_raises_anything_else(document: Any) -> None:
    try:
        exercise(document)
        read_action(document)
        validate_action(document)
    except EXPECTED:
        pass


@FUZZ
@given(mutated(FIXTURE), st.sampled_from([None, 2, 4]))
def test_mutated_flow_never_raises_anything_else(document: Any, indent: int | None) -> None:
    try:
        exercise(document, indent)
        validate_flow(document)
    except EXPECTED:
        pass


REAL_FLOW = (Path(__file__).parents[1] / "fixtures" / "real-flows" / "01-sbs-agentworkspace-guide.json"
             ).read_text("utf-8")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, len(REAL_FLOW)), st.integers(0, 3), st.text(max_size=3)),
                min_size=1, max_size=4))
def test_damaged_real_flow_text_never_raises_anything_else(damage: list[tuple[int, int, str]]) -> None:
    """A real export with a few characters cut or inserted: a clear DocumentError, or a document
    whose blocks export."""
    text = REAL_FLOW
    for at, cut, insert in damage:
        text = text[:at] + insert + text[at + cut:]
    try:
        doc = read_document(text)
    except DocumentError as exc:
        assert str(exc)
        return
    document_problems(doc)
    for opened in blocks_of(doc):
        assert export(opened, read_action(opened.action)[0]).text == text


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_random_text_never_raises_anything_else(text: str) -> None:
    try:
        load_document(text)
    except DocumentError as exc:
        assert str(exc)
