"""A Batch row's detail: the path its contact takes, traced on the flow map."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from profile_block.model.block import BRANCHES, GetProfileBlock, Identifier
from tests.app.conftest import button
from tests.app.test_batch import finish, open_page, sandbox  # noqa: F401 -- the module's service


def block_going_to(prefix: str) -> GetProfileBlock:
    """A phone lookup whose branches go to '<prefix>-<branch>'."""
    block = GetProfileBlock(identifiers=[Identifier("_phone", "$.CustomerEndpoint.Address")],
                            fields=["FirstName"])
    block.branches = {b: f"{prefix}-{b}" for b in BRANCHES}
    return block


def ran_the_demo_examples(sandbox) -> AppTest:  # noqa: F811
    """The Batch page after a run of the demo examples with block_going_to("after")."""
    at = open_page(sandbox, block_going_to("after"))
    button(at, "Use the demo examples").click().run()
    button(at, "Run batch").click().run()
    finish(at)
    return at


def open_row(at: AppTest, index: int) -> None:
    at.session_state["batch_row_path_open"] = True
    at.run()
    [row] = [s for s in at.selectbox if s.label == "Row"]
    row.set_value(index).run()


def test_a_rows_path_is_traced_on_the_map_once_the_detail_is_opened(sandbox):  # noqa: F811
    at = ran_the_demo_examples(sandbox)
    assert not at.get("graphviz_chart")          # closed: nothing drawn
    open_row(at, 2)                             # the third demo contact: None found
    assert any(m.value.startswith("**Path after the None found branch**") for m in at.markdown)
    assert any("Ends at 'after-NoneFoundError' (Disconnect / hang up)." in c.value for c in at.caption)
    [chart] = at.get("graphviz_chart")
    assert 'label="after-NoneFoundError\\n' in chart.proto.spec


def test_a_rows_path_is_the_runs_block_even_after_the_build_page_changed_it(sandbox):  # noqa: F811
    at = ran_the_demo_examples(sandbox)
    at.session_state["block"] = block_going_to("edited")   # edited on the Build page after the run
    open_row(at, 2)
    assert any("Ends at 'after-NoneFoundError' (Disconnect / hang up)." in c.value for c in at.caption)
    [chart] = at.get("graphviz_chart")
    assert 'label="after-NoneFoundError\\n' in chart.proto.spec and "edited-" not in chart.proto.spec
