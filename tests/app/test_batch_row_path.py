"""A Batch row's detail: the path its contact takes, traced on the flow map."""

from __future__ import annotations

from profile_block.model.block import BRANCHES, GetProfileBlock, Identifier
from tests.app.conftest import button
from tests.app.test_batch import finish, open_page, sandbox  # noqa: F401 -- the module's service


def test_a_rows_path_is_traced_on_the_map_once_the_detail_is_opened(sandbox):  # noqa: F811
    block = GetProfileBlock(identifiers=[Identifier("_phone", "$.CustomerEndpoint.Address")],
                            fields=["FirstName"])
    block.branches = {b: f"after-{b}" for b in BRANCHES}
    at = open_page(sandbox, block)
    button(at, "Use the demo examples").click().run()
    button(at, "Run batch").click().run()
    finish(at)
    assert not at.get("graphviz_chart")          # closed: nothing drawn
    at.session_state["batch_row_path_open"] = True
    at.run()
    [row] = [s for s in at.selectbox if s.label == "Row"]
    row.set_value(2).run()                      # the third demo contact: None found
    assert any(m.value.startswith("**Path after the None found branch**") for m in at.markdown)
    assert any("Ends at 'after-NoneFoundError' (Disconnect / hang up)." in c.value for c in at.caption)
    [chart] = at.get("graphviz_chart")
    assert 'label="after-NoneFoundError\\n' in chart.proto.spec


def test_a_rows_path_is_the_runs_block_even_after_the_build_page_changed_it(sandbox):  # noqa: F811
    block = GetProfileBlock(identifiers=[Identifier("_phone", "$.CustomerEndpoint.Address")],
                            fields=["FirstName"])
    block.branches = {b: f"after-{b}" for b in BRANCHES}
    at = open_page(sandbox, block)
    button(at, "Use the demo examples").click().run()
    button(at, "Run batch").click().run()
    finish(at)
    # Edited on the Build page once the run has ended: every branch now goes elsewhere.
    edited = GetProfileBlock(identifiers=[Identifier("_phone", "$.CustomerEndpoint.Address")],
                             fields=["FirstName"])
    edited.branches = {b: f"edited-{b}" for b in BRANCHES}
    at.session_state["block"] = edited
    at.session_state["batch_row_path_open"] = True
    at.run()
    [row] = [s for s in at.selectbox if s.label == "Row"]
    row.set_value(2).run()                      # the third demo contact: None found
    assert any("Ends at 'after-NoneFoundError' (Disconnect / hang up)." in c.value for c in at.caption)
    [chart] = at.get("graphviz_chart")
    assert 'label="after-NoneFoundError\\n' in chart.proto.spec and "edited-" not in chart.proto.spec
