"""The command line through a real subprocess: ``.venv/bin/python -m profile_block ...``."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from profile_block.documents.flow import find_get_profile_actions, validate_flow
from profile_block.model.block import GetProfileBlock
from tests.unit.helpers import valid_block

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = Path(__file__).parent / "fixtures" / "flow_with_two_blocks.json"
BY_ACCOUNT = "7c1e5a3b-2d4f-4a6e-8b9c-0d1e2f3a4b23"


def cli(*args: str, stdin: str | bytes | None = None) -> subprocess.CompletedProcess[str]:
    data = stdin.encode() if isinstance(stdin, str) else stdin
    done = subprocess.run([sys.executable, "-m", "profile_block", *args], cwd=ROOT, input=data,
                          capture_output=True, timeout=60, check=False)
    return subprocess.CompletedProcess(done.args, done.returncode, done.stdout.decode(), done.stderr.decode())


def write(tmp_path: Path, document: Any, name: str = "doc.json") -> str:
    path = tmp_path / name
    path.write_text(document if isinstance(document, str) else json.dumps(document), encoding="utf-8")
    return str(path)


def assert_one_line_no_traceback(run: subprocess.CompletedProcess[str]) -> None:
    assert run.returncode == 2
    assert run.stdout == ""
    assert len(run.stderr.strip().splitlines()) == 1, run.stderr
    assert "Traceback" not in run.stderr


# --- validate -----------------------------------------------------------------------------------------

def test_validate_a_valid_flow_exits_0() -> None:
    run = cli("validate", str(FIXTURE))
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "2 blocks checked: 0 errors, 0 warnings"


def test_validate_a_flow_with_problems_exits_1_and_names_block_part_and_cause(tmp_path: Path) -> None:
    flow = json.loads(FIXTURE.read_text(encoding="utf-8"))
    flow["Actions"][2]["Parameters"]["ProfileRequestData"]["LogicalOperator"] = "XOR"
    flow["Actions"][2]["Transitions"]["NextAction"] = "gone"
    flow["Actions"][1]["Parameters"]["ProfileResponseData"] = {"FirstName": ""}
    path = write(tmp_path, flow)
    text = Path(path).read_text(encoding="utf-8")    # one line: each column is an offset + 1
    run = cli("validate", path)
    assert run.returncode == 1
    lines = run.stdout.splitlines()
    # Each problem at the member it concerns: file:line:column in front, today's line after it.
    operator = text.index('"LogicalOperator": "XOR"') + 1
    assert f"{path}:1:{operator}: {BY_ACCOUNT}: error: operator: 'XOR' is not a logical" in run.stdout
    gone = text.index('"NextAction": "gone"') + 1
    success = f"{path}:1:{gone}: {BY_ACCOUNT}: error: Success branch: "
    assert any(line.startswith(success) and "'gone'" in line for line in lines)
    fields = text.index('"ProfileResponseData": {"FirstName"') + 1
    assert any(line.startswith(f"{path}:1:{fields}: ") and
               ": warning: response fields: ProfileResponseData is an object" in line for line in lines)
    # The first block no longer brings back what the action after it reads (flow_reads).
    assert sum(": warning: $.Customer." in line for line in lines) == 2
    assert lines[-1] == "2 blocks checked: 2 errors, 3 warnings"


def test_validate_a_single_action_uses_its_identifier(tmp_path: Path) -> None:
    action = valid_block(action_id="blk-7", fields=["FirstName", "Nope"]).to_action()
    path = write(tmp_path, action)
    run = cli("validate", path)
    assert run.returncode == 1
    column = Path(path).read_text(encoding="utf-8").index('"Nope"') + 1
    assert run.stdout.splitlines() == [
        f"{path}:1:{column}: blk-7: error: field Nope: 'Nope' is not a response field of the Get profile "
        "block. Pick one of the standard fields or a custom field Attributes.<name>.",
        "1 block checked: 1 error, 0 warnings",
    ]


def test_a_block_without_identifier_is_named_so(tmp_path: Path) -> None:
    flow = json.loads(FIXTURE.read_text(encoding="utf-8"))
    del flow["Actions"][2]["Identifier"]
    run = cli("validate", write(tmp_path, flow))
    assert run.returncode == 1
    assert "(no Identifier): error: action Identifier: The action Identifier is empty" in run.stdout
    assert "(flow)" not in run.stdout
    # The other block's branches led to the removed Identifier: now they dangle.
    assert "3f2a9c1d-6b4e-4d8a-a7c2-9e1f0b3d5c12: error: None found branch: The None found branch " \
        f"leads to '{BY_ACCOUNT}', which is not an action in this flow." in run.stdout


def test_validate_a_lone_action_may_leave_branches_unconnected(tmp_path: Path) -> None:
    run = cli("validate", write(tmp_path, valid_block(branches={}).to_action()))
    assert run.returncode == 0 and run.stdout.strip() == "1 block checked: 0 errors, 0 warnings"


def test_validate_warnings_only_exit_0_unless_strict(tmp_path: Path) -> None:
    parameters = {"ProfileRequestData": {"PhoneNumber": "$.CustomerEndpoint.Address"},
                  "ProfileResponseData": ["FirstName"]}
    path = write(tmp_path, {"Identifier": "legacy-1", "Type": "GetCustomerProfile", "Parameters": parameters})
    run = cli("validate", path)
    assert run.returncode == 0
    assert "legacy-1: warning: request: The request uses the legacy form" in run.stdout
    assert cli("validate", "--strict", path).returncode == 1


def test_validate_reads_stdin() -> None:
    run = cli("validate", "-", stdin=FIXTURE.read_text(encoding="utf-8"))
    assert run.returncode == 0 and "2 blocks checked" in run.stdout


def test_validate_a_flow_without_get_profile_blocks_says_so_and_exits_0() -> None:
    run = cli("validate", "-", stdin='{"Version": "2019-10-30", "StartAction": "e", "Actions": '
                                     '[{"Identifier": "e", "Type": "DisconnectParticipant", '
                                     '"Parameters": {}, "Transitions": {}}]}')
    assert run.returncode == 0
    assert "no GetCustomerProfile action" in run.stderr
    assert run.stdout.strip() == "0 blocks checked: 0 errors, 0 warnings"


@pytest.mark.parametrize("content, cause", [
    ("not json at all", "not JSON: Expecting value at line 1, column 1"),
    ('{"Actions": [}', "line 1, column 14"),
    ("[]", "an array, not an object"),
    ('{"Type": "MessageParticipant"}', "single MessageParticipant action"),
    ('{"hello": "world"}', "neither a flow"),
    ("", "empty"),
    ("[" * 100_000, "nest"),
])
def test_validate_garbage_exits_2_with_one_line(tmp_path: Path, content: str, cause: str) -> None:
    run = cli("validate", write(tmp_path, content))
    assert_one_line_no_traceback(run)
    assert cause in run.stderr


def test_validate_binary_and_missing_and_huge_files_exit_2(tmp_path: Path) -> None:
    binary = tmp_path / "image.png"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\xff\xfe")
    run = cli("validate", str(binary))
    assert_one_line_no_traceback(run)
    assert "not UTF-8" in run.stderr

    run = cli("validate", str(tmp_path / "missing.json"))
    assert_one_line_no_traceback(run)
    assert "missing.json" in run.stderr and "No such file" in run.stderr

    run = cli("validate", str(tmp_path))
    assert_one_line_no_traceback(run)

    big = tmp_path / "big.json"
    big.write_text(json.dumps({"Actions": [], "pad": "x" * 300_000}), encoding="utf-8")
    run = cli("validate", str(big))
    assert_one_line_no_traceback(run)
    assert "256,000" in run.stderr


def test_no_command_or_unknown_option_exits_2_with_one_line() -> None:
    assert_one_line_no_traceback(cli())
    assert_one_line_no_traceback(cli("validate"))
    assert_one_line_no_traceback(cli("validate", "--nope", str(FIXTURE)))
    assert_one_line_no_traceback(cli("frobnicate"))


# --- new ----------------------------------------------------------------------------------------------

def test_new_prints_the_action() -> None:
    run = cli("new", "--id", "_phone=$.CustomerEndpoint.Address", "--field", "FirstName",
              "--field", "Attributes.tier", "--action-id", "blk-1", "--on-success", "next")
    assert run.returncode == 0, run.stderr
    assert run.stderr == ""
    action = json.loads(run.stdout)
    assert action == valid_block(action_id="blk-1", fields=["FirstName", "Attributes.tier"],
                                 branches={"Success": "next"}).to_action()


def test_new_with_several_ids_writes_search_criteria() -> None:
    run = cli("new", "--id", "_account=$.Attributes.acct", "--id", "_email=a=b@example.com",
              "--operator", "AND", "--on-none", "n", "--on-multiple", "m", "--on-error", "e")
    assert run.returncode == 0, run.stderr
    action = json.loads(run.stdout)
    request = action["Parameters"]["ProfileRequestData"]
    assert request["LogicalOperator"] == "AND"
    assert request["SearchCriteria"][1] == {"IdentifierName": "_email", "IdentifierValue": "a=b@example.com"}
    block = GetProfileBlock.from_action(action)
    assert block.branches == {"Success": "", "MultipleFoundError": "m", "NoneFoundError": "n",
                              "NoMatchingError": "e"}


def test_new_flow_is_an_importable_flow() -> None:
    run = cli("new", "--id", "_phone=$.CustomerEndpoint.Address", "--field", "City", "--flow",
              "--action-id", "start-here", "--on-success", "done")
    assert run.returncode == 0, run.stderr
    flow = json.loads(run.stdout)
    assert flow["Version"] == "2019-10-30" and flow["StartAction"] == "start-here"
    assert [a["Identifier"] for a in find_get_profile_actions(flow)] == ["start-here"]
    assert validate_flow(flow) == []


def test_new_with_problems_exits_1_and_prints_nothing_on_stdout() -> None:
    run = cli("new", "--id", "_phone=$.Attributes.", "--field", "Frstname", "--action-id", "a:b")
    assert run.returncode == 1
    assert run.stdout == ""
    assert "a:b: error: action Identifier:" in run.stderr
    assert "a:b: error: criterion 1 value: '$.Attributes.'" in run.stderr
    assert "Did you mean FirstName?" in run.stderr
    assert "Traceback" not in run.stderr


def test_new_with_warnings_only_prints_them_and_the_json() -> None:
    run = cli("new", "--id", "phone=1", "--action-id", "w")
    assert run.returncode == 0
    assert "w: warning: criterion 1 key:" in run.stderr and "_phone" in run.stderr
    assert json.loads(run.stdout)["Identifier"] == "w"


@pytest.mark.parametrize("args, cause", [
    (["--id", "_phone"], "must be KEY=VALUE"),
    (["--id", "_phone=1", "--operator", "XOR"], "invalid choice"),
    ([], "required: --id"),
])
def test_new_bad_arguments_exit_2_with_one_line(args: list[str], cause: str) -> None:
    run = cli("new", *args)
    assert_one_line_no_traceback(run)
    assert cause in run.stderr


def test_more_than_five_ids_is_a_problem_not_a_usage_error() -> None:
    ids = [x for i in range(6) for x in ("--id", f"key{i}=v")]
    run = cli("new", *ids)
    assert run.returncode == 1 and "6 identifiers" in run.stderr


# --- shape of the module ----------------------------------------------------------------------------------

def test_cli_import_is_light() -> None:
    code = ("import sys, profile_block.cli, profile_block.__main__; "
            "print(sorted(m for m in ('boto3', 'botocore', 'pandas', 'streamlit') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_validate_round_trips_what_new_prints(tmp_path: Path) -> None:
    made = cli("new", "--id", "_phone=$.CustomerEndpoint.Address", "--flow", "--on-success", "x")
    flow = json.loads(made.stdout)
    assert cli("validate", write(tmp_path, flow)).returncode == 0
    broken = copy.deepcopy(flow)
    broken["Actions"][0]["Transitions"]["NextAction"] = "nowhere"
    assert cli("validate", write(tmp_path, broken, "broken.json")).returncode == 1
