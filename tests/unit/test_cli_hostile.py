"""The command line never shows a traceback, whatever it is given or wherever its output goes:
text that is not Unicode (lone surrogates in a file, undecodable bytes in arguments) and a reader
that stops early (``| head -1``) end with exit 1 or 2 and one line on stderr."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.unit.helpers import valid_block

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str | bytes) -> subprocess.CompletedProcess[bytes]:
    """Arguments may be bytes: what a shell passes on when they are not valid UTF-8."""
    return subprocess.run([sys.executable, "-m", "profile_block", *args], cwd=ROOT, capture_output=True,
                          timeout=60, check=False)


def assert_one_line(done: subprocess.CompletedProcess[bytes], code: int, fragment: str) -> None:
    stderr = done.stderr.decode("utf-8", "replace")
    assert done.returncode == code, stderr
    assert "Traceback" not in stderr
    assert len(stderr.strip().splitlines()) == 1, stderr
    assert fragment in stderr


def test_validate_an_identifier_with_a_lone_surrogate_prints_it_escaped(tmp_path: Path) -> None:
    action = valid_block(action_id="block-\ud800").to_action()
    action["Parameters"]["ProfileResponseData"] = ["NoSuchField"]          # one error to report
    path = tmp_path / "action.json"
    path.write_text(json.dumps(action), encoding="ascii")      # "\ud800" is a JSON escape: valid JSON
    done = run("validate", str(path))
    assert done.returncode == 1, done.stderr
    assert b"Traceback" not in done.stderr
    out = done.stdout.decode("utf-8")                          # and the output is UTF-8 text
    assert "block-\\ud800: error:" in out


def test_validate_an_action_whose_only_fault_is_a_lone_surrogate_in_its_identifier_exits_1(
        tmp_path: Path) -> None:
    """Text that is not Unicode is a problem of the file (exit 1), said with its line, not a pass."""
    path = tmp_path / "action.json"
    path.write_text(json.dumps(valid_block(action_id="block-\ud800").to_action()), encoding="ascii")
    done = run("validate", str(path))
    assert done.returncode == 1, done.stderr
    assert b"Traceback" not in done.stderr
    out = done.stdout.decode("utf-8")
    assert "(document): error: whole document: Identifier (line 1, column" in out
    assert "holds a lone surrogate" in out and "1 block checked: 1 error" in out


def test_new_with_an_identifier_that_is_not_utf8_exits_2_and_writes_nothing() -> None:
    done = run("new", "--id", b"_phone=caf\xe9")
    assert_one_line(done, 2, "not valid UTF-8")
    assert done.stdout == b""                               # no raw 0xff/0xe9 byte in a flow


def test_an_option_name_that_is_not_utf8_exits_2() -> None:
    assert_one_line(run("validate", b"--str\xffict", "-"), 2, "not valid UTF-8")


def test_a_reader_that_stops_early_is_one_line_not_a_traceback() -> None:
    """``python -m profile_block new ... | head -c0``: the pipe is closed before anything is written."""
    proc = subprocess.Popen([sys.executable, "-m", "profile_block", "new", "--id", "_phone=+15555550100",
                             "--flow"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()                                     # the reader is gone at once
    stderr = proc.stderr.read().decode()
    code = proc.wait(timeout=60)
    assert code == 1, stderr
    assert "Traceback" not in stderr and "Exception ignored" not in stderr
    assert len(stderr.strip().splitlines()) == 1 and "output" in stderr, stderr


def test_the_output_is_still_utf8_json() -> None:
    done = run("new", "--id", "_fullName=José Müller", "--action-id", "blöck")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.decode("utf-8"))["Identifier"] == "blöck"
