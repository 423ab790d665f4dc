"""What the flow around the block (the reads check and the flow map) adds to a Build page run.

Runs the Build page in-process (Streamlit AppTest, the whole script each time) and interleaves N
full runs of each case, printing medians side by side:
  * no flow            a block built from scratch (its map: the block and its branch targets);
  * flow, analysis off the largest public flow (08, 70 actions) imported, with the reads check and
                       the map switched off (``flow.reads_problems`` and ``render_build_map`` stubbed);
  * flow, analysis on  the same, as shipped.
Each run is timed as after a change of the block (the page's memo of its verdict is dropped, so
``document_problems`` checks the flow again). The figure that matters is on - off (goal: at most
50 ms). Also times the core alone (check_reads +
flow_dot) on flow 08 and on a 10,000-action chain. The browser's Graphviz layout is not part of a
run (it happens in the page after the run ends).

    .venv/bin/python benchmarks/flow_analysis.py [--n 30]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("STUDIO_DATA_DIR", tempfile.mkdtemp(prefix="flow-analysis-"))

from streamlit.testing.v1 import AppTest  # noqa: E402

from components import flow_map as flow_map_component  # noqa: E402
from profile_block.documents import flow as flow_module  # noqa: E402
from profile_block.flow_context.flow_map import flow_dot  # noqa: E402
from profile_block.flow_context.flow_reads import check_reads  # noqa: E402

BUILD = ROOT / "app_pages" / "build.py"
LARGEST = ROOT / "tests" / "fixtures" / "real-flows" / "08-gts-partner-assessment-entry.json"
GOAL_MS = 50.0


def _page() -> AppTest:
    at = AppTest.from_file(str(BUILD), default_timeout=60)
    at.run()
    return at


def _imported() -> AppTest:
    at = _page()
    at.session_state["build_import_open"] = True
    at.run()
    at.file_uploader[0].upload(LARGEST.name, LARGEST.read_bytes(), "application/json").run()
    at.run()
    assert at.session_state["build_editing"] is not None, "the flow did not open"
    # The whole flow on the map: the largest drawing the page makes of this file.
    at.session_state["flow_map_view"] = "Whole flow"
    at.run()
    assert at.get("graphviz_chart"), "no map drawn"
    return at


def _timed_run(at: AppTest) -> float:
    # As after a change of the block: the page's verdict (document_problems, which runs the reads
    # check) is worked out again, not taken from its memo.
    at.session_state["build_problems_memo"] = None
    started = time.perf_counter()
    at.run()
    elapsed = (time.perf_counter() - started) * 1000
    assert not at.exception, at.exception
    return elapsed


class _AnalysisOff:
    """Stub the reads check and the map for the duration of a run."""

    def __enter__(self) -> None:
        self.saved = (flow_module.reads_problems, flow_map_component.render_build_map)
        flow_module.reads_problems = lambda document: []
        flow_map_component.render_build_map = lambda block, editing: None

    def __exit__(self, *exc: object) -> None:
        flow_module.reads_problems, flow_map_component.render_build_map = self.saved


def _median_ms(fn: Callable[[], object], n: int) -> float:
    times = []
    for _ in range(n):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def _chain(count: int) -> dict:
    actions = [{"Identifier": "gp", "Type": "GetCustomerProfile", "Parameters": {
        "ProfileRequestData": {"IdentifierName": "_phone", "IdentifierValue": "$.CustomerEndpoint.Address"},
        "ProfileResponseData": ["FirstName"]}, "Transitions": {"NextAction": "p0", "Errors": []}}]
    actions += [{"Identifier": f"p{i}", "Type": "MessageParticipant",
                 "Parameters": {"Text": "Hello $.Customer.FirstName"},
                 "Transitions": {"NextAction": f"p{i + 1}"} if i + 1 < count else {}} for i in range(count)]
    return {"Version": "2019-10-30", "StartAction": "gp", "Actions": actions}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=30, help="runs of each case (interleaved)")
    args = parser.parse_args()

    scratch, imported = _page(), _imported()
    for at in (scratch, imported):   # warm up: imports, caches
        _timed_run(at)
    no_flow, off, on = [], [], []
    for _ in range(args.n):
        no_flow.append(_timed_run(scratch))
        with _AnalysisOff():
            off.append(_timed_run(imported))
        on.append(_timed_run(imported))
    m_none, m_off, m_on = (statistics.median(x) for x in (no_flow, off, on))
    added = m_on - m_off
    print(f"Build page run, median of {args.n} (AppTest, whole script):")
    print(f"  no flow (block from scratch, its map)       {m_none:8.1f} ms")
    print(f"  flow 08 imported, reads check + map OFF     {m_off:8.1f} ms")
    print(f"  flow 08 imported, reads check + map ON      {m_on:8.1f} ms")
    print(f"  added by the analysis and the map           {added:8.1f} ms  "
          f"(goal <= {GOAL_MS:.0f} ms: {'met' if added <= GOAL_MS else 'NOT met'})")

    document = json.loads(LARGEST.read_text("utf-8"))
    focus = next(a["Identifier"] for a in document["Actions"] if a["Type"] == "GetCustomerProfile")
    core = _median_ms(lambda: flow_dot(check_reads(document), focus), 50)
    big = _chain(10_000)
    core_big = _median_ms(lambda: flow_dot(check_reads(big), "gp"), 5)
    print("Core alone (check_reads + flow_dot):")
    print(f"  flow 08 (70 actions)                        {core:8.2f} ms")
    print(f"  a 10,000-action chain (map: its neighbourhood) {core_big:5.1f} ms")


if __name__ == "__main__":
    main()
