"""Lookup traces the path a contact takes through the imported flow, up to the first decision the
studio cannot evaluate (against the real local service)."""

from __future__ import annotations

from pathlib import Path

from components.build_state import EditingContext
from profile_block.documents.document import read_document
from profile_block.documents.splice import open_block
from profile_block.flow_context.flow_map import TRACE_LINE
from profile_block.model.block import read_action
from tests.app.conftest import texts
from tests.app.test_lookup import open_page, run_with, sandbox  # noqa: F401 -- the module's service

REAL = Path(__file__).parents[1] / "fixtures" / "real-flows" / "11-aicc-q-in-connect-self-service-flow.json"
PHONE = "CustomerEndpoint__Address"


def open_flow_page(service):
    opened = open_block(read_document(REAL.read_bytes()), "get-profile")
    at = open_page(service, read_action(opened.action)[0])
    at.session_state["build_editing"] = EditingContext(opened, REAL.name, 19)
    at.run()
    return at


def test_a_success_is_traced_through_the_flow_to_the_first_condition(sandbox):  # noqa: F811
    at = run_with(open_flow_page(sandbox), **{PHONE: "+15555550100"})
    [path] = [m.value for m in at.markdown if m.value.startswith("**Path after the Success branch**")]
    assert "associate-profile → update-attrs → update-q-session" in path
    stop = [c for c in texts(at, "caption") if c.startswith("Stops at 'check-result'")]
    assert stop and "cannot evaluate" in stop[0]
    [chart] = at.get("graphviz_chart")
    assert TRACE_LINE in chart.proto.spec and 'label="update-attrs\\n' in chart.proto.spec


def test_none_found_is_traced_along_its_own_branch(sandbox):  # noqa: F811
    at = run_with(open_flow_page(sandbox), **{PHONE: "+15555550199"})
    assert any(m.value.startswith("**Path after the None found branch**") for m in at.markdown)
