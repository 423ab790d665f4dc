"""The report formats hold whatever text a flow puts in a message (narrow unit tests; the formats
over a whole repository are in test_validate_repository.py)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from profile_block.documents.report_formats import (
    FileResult,
    ValidationReport,
    github_report,
    json_report,
    junit_report,
)
from profile_block.model.block import Position, Problem

# An Identifier as a hostile file can write it: a control character, a lone surrogate, newlines, '%'.
ODD = "a\x01b\ud800c\n::error::%0A,:"


def report(strict: bool = False) -> ValidationReport:
    problem = Problem("warning", "identifier", f"Identifier '{ODD}' is odd.", ODD, position=Position(3, 7))
    return ValidationReport([FileResult("flows/a b,c:d.json", "action", 1, [problem])], strict=strict)


def test_junit_is_well_formed_xml_whatever_the_message_holds() -> None:
    suite = ET.fromstring(junit_report(report(strict=True)))[0]
    failure = suite[0].find("failure")
    assert failure is not None and failure.text is not None
    assert failure.text.startswith("flows/a b,c:d.json:3:7: a\\u0001b\\ud800c\n")


def test_a_github_command_stays_one_line_and_cannot_be_ended_early() -> None:
    lines = github_report(report()).splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("::warning file=flows/a b%2Cc%3Ad.json,line=3,col=7,title=Get profile block "
                               "a\x01b\\ud800c%0A%3A%3Aerror%3A%3A%250A%2C%3A%3A action Identifier::")
    # (a lone surrogate is shown as its escape: Problem escapes it, so every output can be written)
    assert lines[0].endswith("Identifier 'a\x01b\\ud800c%0A::error::%250A,:' is odd.")


def test_strict_makes_warnings_errors_in_every_machine_format() -> None:
    assert github_report(report(strict=True)).startswith("::error ")
    assert json.loads(json_report(report(strict=True)))["summary"]["exit_code"] == 1
    assert json.loads(json_report(report()))["summary"]["exit_code"] == 0
