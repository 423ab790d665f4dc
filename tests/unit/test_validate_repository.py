"""``validate`` over a repository of flows, the way a CI job runs it: the public real-world flows
plus a flow with an error, one with a warning and one that is not JSON; every output format checked
for the exact file, line and column of each problem; SARIF against the published 2.1.0 schema."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest

ROOT = Path(__file__).resolve().parents[2]
REAL_FLOWS = ROOT / "tests" / "fixtures" / "real-flows"
TWO_BLOCKS = ROOT / "tests" / "unit" / "fixtures" / "flow_with_two_blocks.json"
SARIF_SCHEMA = ROOT / "tests" / "fixtures" / "sarif" / "sarif-schema-2.1.0.json"
BY_PHONE = "3f2a9c1d-6b4e-4d8a-a7c2-9e1f0b3d5c12"
BY_ACCOUNT = "7c1e5a3b-2d4f-4a6e-8b9c-0d1e2f3a4b23"
LINE = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+):(?P<col>\d+): "
                  r"(?P<block>.+?): (?P<severity>error|warning): ")

# (file, line, column, severity, block) of every problem in the repository, in report order.
# The real flows' positions were read off the files: each is the "ProfileRequestData" key of the
# block's legacy request ({"PhoneNumber": ...}) or, for the lone actions 14 and 15, the action
# itself (no Identifier) and the Parameters holding the misplaced request.
REAL_PROBLEMS = [
    ("flows/01-sbs-agentworkspace-guide.json", 343, 9, "warning", "e7b54b1d-829a-47f3-b01b-3a022e66a698"),
    ("flows/02-sbs-agentworkspace-handler.json", 256, 9, "warning", "7290d274-493a-4210-9b2d-b3ddc9117725"),
    ("flows/03-sbs-backend-guide.json", 214, 9, "warning", "35f6935a-b3f2-4b29-90f2-6cd2998da07b"),
    ("flows/04-sbs-cards-guide.json", 185, 9, "warning", "35f6935a-b3f2-4b29-90f2-6cd2998da07b"),
    ("flows/05-sbs-financial-contactflow.json", 1, 12731, "warning", "bcd2dc6c-a1e2-43c2-9b50-3522388eaddf"),
    ("flows/07-gts-get-customer-profile-information.json", 1569, 9, "warning",
     "f7a627b1-1e6a-4810-8a9b-a462ed693c95"),
    ("flows/08-gts-partner-assessment-entry.json", 2687, 9, "warning",
     "66e70481-fdf9-49b9-93e0-8743fbabdac7"),
    ("flows/14-aicc-import-errors-wrong-flat.json", 3, 3, "error", "(no Identifier)"),
    ("flows/14-aicc-import-errors-wrong-flat.json", 1, 1, "error", "(no Identifier)"),
    ("flows/15-aicc-import-errors-correct.json", 1, 1, "error", "(no Identifier)"),
]


def position_of(text: str, needle: str) -> tuple[int, int]:
    pos = text.index(needle)
    return text.count("\n", 0, pos) + 1, pos - (text.rfind("\n", 0, pos) + 1) + 1


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A repository: flows/ (every public real flow, byte for byte), team/ (a flow with an error, one
    with a warning, one with a merge conflict), a package.json, and JSON under .git that is not searched."""
    root = tmp_path_factory.mktemp("repo")
    shutil.copytree(REAL_FLOWS, root / "flows")
    team = root / "team"
    team.mkdir()
    flow = json.loads(TWO_BLOCKS.read_text(encoding="utf-8"))
    flow["Actions"][2]["Parameters"]["ProfileRequestData"]["LogicalOperator"] = "XOR"
    (team / "error-flow.json").write_text(json.dumps(flow, indent=2), encoding="utf-8")
    flow = json.loads(TWO_BLOCKS.read_text(encoding="utf-8"))
    flow["Actions"][1]["Parameters"]["ProfileRequestData"]["IdentifierValue"] = "+15555550100 "
    (team / "warning-flow.json").write_text(json.dumps(flow, indent=4), encoding="utf-8")
    (team / "conflict.json").write_text('{\n<<<<<<< HEAD\n  "Actions": []\n}\n', encoding="utf-8")
    (root / "package.json").write_text('{"name": "flows", "private": true}\n', encoding="utf-8")
    (root / ".git").mkdir()
    (root / ".git" / "config.json").write_text("not json", encoding="utf-8")
    return root


def expected(repo: Path) -> list[tuple[str, int, int, str, str]]:
    error_text = (repo / "team" / "error-flow.json").read_text(encoding="utf-8")
    warning_text = (repo / "team" / "warning-flow.json").read_text(encoding="utf-8")
    return REAL_PROBLEMS + [
        ("team/error-flow.json", *position_of(error_text, '"LogicalOperator": "XOR"'), "error", BY_ACCOUNT),
        ("team/warning-flow.json", *position_of(warning_text, '"IdentifierValue": "+15555550100 "'),
         "warning", BY_PHONE),
    ]


def validate(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "profile_block", "validate", *args], cwd=repo, env=env,
                          capture_output=True, text=True, timeout=120, check=False)


def from_lines(text: str) -> list[tuple[str, int, int, str, str]]:
    found = []
    for line in text.splitlines():
        match = LINE.match(line)
        if match:
            found.append((match["file"], int(match["line"]), int(match["col"]), match["severity"],
                          match["block"]))
    return found


def test_the_real_positions_name_the_reported_block(repo: Path) -> None:
    """The hand-read table above: each position is the key it claims, inside that block's action."""
    for file, line, col, _, block in REAL_PROBLEMS:
        text = (repo / file).read_text(encoding="utf-8-sig")
        offset = sum(len(x) for x in text.splitlines(keepends=True)[:line - 1]) + col - 1
        if block.startswith("("):
            continue
        assert text.startswith('"ProfileRequestData"', offset), file
        after = text[offset:]
        assert re.search(r'"Identifier"\s*:\s*"([^"]+)"', after)[1] == block, file  # type: ignore[index]


def test_text_format_lists_every_problem_at_its_file_line_and_column(repo: Path) -> None:
    run = validate(repo, ".")
    assert run.returncode == 2   # the worst file: two could not be checked
    assert from_lines(run.stdout) == expected(repo)
    assert run.stdout.splitlines()[-1] == ("17 files, 18 blocks checked: 4 errors, 8 warnings (3 files could "
                                           "not be checked; 1 JSON file that is not a flow skipped)")
    unreadable = run.stderr.splitlines()
    assert [line.split(": ", 2)[1] for line in unreadable] == [
        "flows/13-aicc-get-profile-wrong-params-only.json",
        "flows/17-aicc-complete-pattern-concatenated.json", "team/conflict.json"]
    assert "team/conflict.json: This is not JSON: Expecting property name enclosed in double quotes at " \
           "line 2, column 1." in run.stderr
    assert "package.json" not in run.stdout + run.stderr and ".git" not in run.stdout + run.stderr


def test_the_worst_file_decides_the_exit_code_and_strict_still_counts_warnings(repo: Path) -> None:
    assert validate(repo, "flows/01-sbs-agentworkspace-guide.json", "team").returncode == 2
    assert validate(repo, "flows/01-sbs-agentworkspace-guide.json", "team/error-flow.json").returncode == 1
    for fmt in ("text", "json", "github", "sarif", "junit"):
        assert validate(repo, "--format", fmt, "team/warning-flow.json",
                        "flows/09-starterkit-jp-main-inbound.json").returncode == 0
        assert validate(repo, "--strict", "--format", fmt, "team/warning-flow.json").returncode == 1


def test_a_named_json_that_is_not_a_flow_is_an_error_unless_told_to_skip_it(repo: Path) -> None:
    run = validate(repo, "package.json", "team/warning-flow.json")
    assert run.returncode == 2 and "package.json: This JSON object is neither a flow" in run.stderr
    run = validate(repo, "--skip-other-json", "package.json", "team/warning-flow.json")
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines()[-1] == ("1 file, 2 blocks checked: 0 errors, 1 warning "
                                           "(1 JSON file that is not a flow skipped)")


def test_json_format(repo: Path) -> None:
    run = validate(repo, "--format", "json", ".")
    report = json.loads(run.stdout)
    assert [(p["file"], p["line"], p["column"], p["severity"], p["block"]) for p in report["problems"]] \
        == [(f, line, col, sev, "" if block == "(no Identifier)" else block)
            for f, line, col, sev, block in expected(repo)]
    errors = {f["file"]: f["error"] for f in report["files"] if f["error"]}
    assert errors["team/conflict.json"]["line"] == 2 and errors["team/conflict.json"]["column"] == 1
    assert report["skipped"] == ["package.json"]
    assert report["summary"]["exit_code"] == run.returncode == 2
    assert (report["summary"]["errors"], report["summary"]["warnings"]) == (4, 8)


def test_github_format_annotates_each_line(repo: Path) -> None:
    run = validate(repo, "--format", "github", ".")
    command = re.compile(r"^::(error|warning) file=([^,]+),line=(\d+),col=(\d+),title=([^:]*)::(.*)$")
    found = [command.match(line) for line in run.stdout.splitlines() if ",line=" in line]
    assert all(found) and len(found) == len(expected(repo)) + 1
    located = [(m[2], int(m[3]), int(m[4]), m[1]) for m in found if m]  # type: ignore[index]
    assert located[0] == ("team/conflict.json", 2, 1, "error")
    assert located[1:] == [(f, line, col, sev) for f, line, col, sev, _ in expected(repo)]
    # A property value cannot hold ':' or ',' raw: the title's are escaped.
    assert "title=Get profile block e7b54b1d-829a-47f3-b01b-3a022e66a698%3A request::" in run.stdout
    unplaced = [line for line in run.stdout.splitlines() if line.startswith("::error file=flows/17")]
    assert len(unplaced) == 1 and ",line=" not in unplaced[0]


def test_sarif_format_is_valid_sarif_2_1_0_with_every_location(repo: Path) -> None:
    run = validate(repo, "--format", "sarif", ".")
    log = json.loads(run.stdout)
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(schema).validate(log)
    (only,) = log["runs"]
    results = only["results"]
    places = [(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
               r["locations"][0]["physicalLocation"]["region"].get("startColumn"),
               r["locations"][0]["physicalLocation"]["region"]["startLine"], r["level"]) for r in results]
    assert [(uri, line, col, level) for uri, col, line, level in places if uri.startswith("flows/0")
            or uri.startswith(("flows/14", "flows/15", "team/error", "team/warning"))] \
        == [(f, line, col, sev) for f, line, col, sev, _ in expected(repo)]
    rules = [rule["id"] for rule in only["tool"]["driver"]["rules"]]
    assert all(rules[r["ruleIndex"]] == r["ruleId"] for r in results)
    assert {"unreadable-file", "request", "logical-operator", "search-value", "action-identifier"} \
        <= set(rules)
    assert only["invocations"][0]["exitCode"] == 2


def test_junit_format_has_a_test_case_per_file(repo: Path) -> None:
    run = validate(repo, "--format", "junit", ".")
    suites = ET.fromstring(run.stdout)
    (suite,) = suites
    cases = {case.get("name"): case for case in suite}
    assert len(cases) == 17 + 3 and suite.get("tests") == "20"
    assert suite.get("failures") == "3" and suite.get("errors") == "3"
    failing = cases["team/error-flow.json"].find("failure")
    assert failing is not None and failing.get("message") == "1 error, 0 warnings"
    assert cases["team/conflict.json"].find("error") is not None
    assert cases["flows/09-starterkit-jp-main-inbound.json"].find("failure") is None
    texts = "\n".join((e.text or "") for case in suite for e in case if e.tag in ("failure", "system-out"))
    assert sorted(from_lines(texts)) == sorted(expected(repo))


def test_a_fifo_is_refused_at_once_never_read(tmp_path: Path) -> None:
    """A named pipe with no writer would block open() forever: it is refused, exit 2, one line."""
    fifo = tmp_path / "flow.json"
    os.mkfifo(fifo)
    link = tmp_path / "link.json"
    link.symlink_to(fifo)
    for target in (fifo, link):
        run = validate(tmp_path, str(target))   # the timeout of validate() fails the test if it blocks
        assert run.returncode == 2 and run.stdout == ""
        assert run.stderr.strip().splitlines() == [
            f"python -m profile_block: {target} is a named pipe (FIFO), not a regular file; name a file "
            "(or - to read stdin)"]
    run = validate(tmp_path, "/dev/null")
    assert run.returncode == 2 and "/dev/null is a character device, not a regular file" in run.stderr
    # Found in a folder, it is no flow file: passed by.
    (tmp_path / "real.json").write_text(TWO_BLOCKS.read_text(encoding="utf-8"), encoding="utf-8")
    run = validate(tmp_path, ".")
    assert run.returncode == 0 and run.stdout == "2 blocks checked: 0 errors, 0 warnings\n", run.stderr
