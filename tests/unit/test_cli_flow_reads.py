"""`validate` prints the reads check's warnings in its line format; `--strict` fails on them."""

from __future__ import annotations

import json
from pathlib import Path

from tests.unit.test_cli import cli, write

REAL = Path(__file__).parents[1] / "fixtures" / "real-flows" / "11-aicc-q-in-connect-self-service-flow.json"


def test_an_unticked_field_that_the_flow_reads_is_a_warning_line_and_fails_strict(tmp_path: Path) -> None:
    flow = json.loads(REAL.read_text("utf-8"))
    block = next(a for a in flow["Actions"] if a["Type"] == "GetCustomerProfile")
    block["Parameters"]["ProfileResponseData"].remove("LastName")
    path = write(tmp_path, flow)
    run = cli("validate", path)
    assert run.returncode == 0, run.stderr
    tail = ("reads $.Customer.LastName, which this block does not bring back; tick LastName in the "
            "block's response fields.")
    lines = run.stdout.splitlines()
    assert all(line.startswith(f"{path}:1:") for line in lines[:-1])      # file:line:col: in front
    assert [line.split(": ", 1)[1] for line in lines[:-1]] + lines[-1:] == [   # both readers, named
        f"get-profile: warning: $.Customer.LastName: 'update-attrs' (Set contact attributes) {tail}",
        f"get-profile: warning: $.Customer.LastName: 'update-q-session' (Invoke AWS Lambda function) {tail}",
        "1 block checked: 0 errors, 2 warnings"]
    assert cli("validate", "--strict", path).returncode == 1


def test_the_public_flow_as_published_validates_clean_under_strict() -> None:
    run = cli("validate", "--strict", str(REAL))
    assert run.returncode == 0, run.stdout + run.stderr
