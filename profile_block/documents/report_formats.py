"""What ``validate`` found, in the formats CI systems read: text, JSON, GitHub workflow commands,
SARIF 2.1.0 (code scanning) and JUnit XML (GitLab, Jenkins, Azure test reports).

``ValidationReport`` holds one ``FileResult`` per file checked, each with its problems (positioned by
``problem_location``) or the reason it could not be checked; ``FORMATS`` maps a format name to the
function that renders a report as the text to print. Every format carries the same facts: file, line,
column, severity, the block and part concerned, and the message.
"""

from __future__ import annotations

import json
import os
import re
import urllib.parse
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from profile_block.model.block import Position, Problem

EXIT_OK, EXIT_PROBLEMS, EXIT_BAD_INPUT = 0, 1, 2
TOOL_NAME = "profile-block"
DISTRIBUTION = "get-profile-block-studio"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def format_problem(problem: Problem) -> str:
    """``<block Identifier>: <severity>: <where>: <message>``; flow-level problems say "(flow)",
    document-level ones (keys written twice) "(document)"."""
    return f"{_who(problem)}: {problem.severity}: {problem.where}: {problem.message}"


def _who(problem: Problem) -> str:
    whole = problem.part in ("flow", "document")
    return f"({problem.part})" if whole else problem.block_id or "(no Identifier)"


def summary_line(blocks: int, problems: Sequence[Problem]) -> str:
    """ "2 blocks checked: 1 error, 1 warning" """
    errors = sum(p.is_error for p in problems)
    return (f"{plural(blocks, 'block')} checked: {plural(errors, 'error')}, "
            f"{plural(len(problems) - errors, 'warning')}")


@dataclass
class FileResult:
    """One file: what it is and its problems, or why it could not be checked."""

    path: str                            # as named on the command line or found in a folder
    kind: str | None = None              # "flow" | "action"; None when unreadable
    blocks: int = 0
    problems: list[Problem] = field(default_factory=list)
    error: str | None = None             # why the file could not be checked (exit code 2)
    error_position: Position | None = None

    def exit_code(self, strict: bool) -> int:
        if self.error is not None:
            return EXIT_BAD_INPUT
        return EXIT_PROBLEMS if any(p.is_error or strict for p in self.problems) else EXIT_OK

    def counts(self) -> str:
        """ "2 errors, 1 warning" """
        errors = sum(p.is_error for p in self.problems)
        return f"{plural(errors, 'error')}, {plural(len(self.problems) - errors, 'warning')}"


@dataclass
class ValidationReport:
    files: list[FileResult]
    strict: bool = False
    skipped: list[str] = field(default_factory=list)   # JSON files in folders that are not flows

    @property
    def exit_code(self) -> int:
        """The worst file's: 2 if any file could not be checked, else 1 if any failed, else 0."""
        return max((f.exit_code(self.strict) for f in self.files), default=EXIT_OK)

    @property
    def problems(self) -> list[tuple[FileResult, Problem]]:
        return [(f, p) for f in self.files for p in f.problems]

    @property
    def unreadable(self) -> list[FileResult]:
        return [f for f in self.files if f.error is not None]

    def summary(self) -> str:
        """Today's one-file line ("2 blocks checked: 0 errors, 1 warning"), with the number of files
        (and of files that could not be checked or were skipped) in front when there are several."""
        checked = [f for f in self.files if f.error is None]
        blocks = sum(f.blocks for f in checked)
        line = summary_line(blocks, [p for _, p in self.problems])
        if len(self.files) == 1 and not self.skipped:
            return line
        head = plural(len(checked), "file")
        extra = []
        if self.unreadable:
            extra.append(f"{plural(len(self.unreadable), 'file')} could not be checked")
        if self.skipped:
            extra.append(f"{plural(len(self.skipped), 'JSON file')} that "
                         f"{'is' if len(self.skipped) == 1 else 'are'} not a flow skipped")
        return f"{head}, {line}" + (f" ({'; '.join(extra)})" if extra else "")


def _place(path: str, position: Position | None) -> str:
    return f"{path}:{position.line}:{position.column}" if position else path


# --- text -----------------------------------------------------------------------------------------

def text_report(report: ValidationReport) -> str:
    """Each problem as ``file:line:col: <block Identifier>: <severity>: <where>: <message>``, then the
    summary. Files that could not be checked are not here: the command says why on stderr (and a
    single such file prints nothing here, as the one line on stderr says it all)."""
    if len(report.files) == 1 and report.unreadable and not report.skipped:
        return ""
    lines = [f"{_place(f.path, p.position)}: {format_problem(p)}" for f, p in report.problems]
    return "\n".join([*lines, report.summary()]) + "\n"


# --- json -----------------------------------------------------------------------------------------

def _problem_json(result: FileResult, problem: Problem) -> dict[str, Any]:
    position = problem.position
    return {"file": result.path, "line": position.line if position else None,
            "column": position.column if position else None, "severity": problem.severity,
            "block": problem.block_id if problem.part not in ("flow", "document") else None,
            "part": problem.part, "where": problem.where, "message": problem.message}


def json_report(report: ValidationReport) -> str:
    """One JSON object: every problem (file, line, column, severity, block, part, where, message),
    every file with its outcome, the skipped files and the summary."""
    files = [{"file": f.path, "kind": f.kind, "blocks": f.blocks, "exit_code": f.exit_code(report.strict),
              "error": None if f.error is None else {
                  "message": f.error,
                  "line": f.error_position.line if f.error_position else None,
                  "column": f.error_position.column if f.error_position else None}}
             for f in report.files]
    problems = [p for _, p in report.problems]
    errors = sum(p.is_error for p in problems)
    return json.dumps({
        "problems": [_problem_json(f, p) for f, p in report.problems],
        "files": files,
        "skipped": report.skipped,
        "summary": {"files": len(report.files), "blocks": sum(f.blocks for f in report.files),
                    "errors": errors, "warnings": len(problems) - errors,
                    "unreadable": len(report.unreadable), "skipped": len(report.skipped),
                    "strict": report.strict, "exit_code": report.exit_code, "text": report.summary()},
    }, indent=2, ensure_ascii=False) + "\n"


# --- GitHub workflow commands -----------------------------------------------------------------------

def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _command(level: str, path: str, position: Position | None, title: str, message: str) -> str:
    props = [f"file={_escape_property(path)}"]
    if position:
        props += [f"line={position.line}", f"col={position.column}"]
    props.append(f"title={_escape_property(title)}")
    return f"::{level} {','.join(props)}::{_escape_data(message)}"


def _title(problem: Problem) -> str:
    if problem.part in ("flow", "document"):
        return f"Get profile block check: {problem.where}"
    return f"Get profile block {problem.block_id or '(no Identifier)'}: {problem.where}"


def github_report(report: ValidationReport) -> str:
    """``::error file=F,line=L,col=C,title=T::message`` per problem (``::warning`` for warnings;
    with --strict warnings are errors, as the exit code says), so they show on the pull request's
    lines; then the summary as a plain log line."""
    lines = []
    for f in report.unreadable:
        lines.append(_command("error", f.path, f.error_position, "Not a checkable flow", f.error or ""))
    for f, p in report.problems:
        level = "error" if p.is_error or report.strict else "warning"
        lines.append(_command(level, f.path, p.position, _title(p), p.message))
    return "\n".join([*lines, report.summary()]) + "\n"


# --- SARIF 2.1.0 ------------------------------------------------------------------------------------

# Rule per kind of part (the part names of profile_block.model.block): id and a one-line description.
RULES: dict[str, tuple[str, str]] = {
    "identifier": ("action-identifier", "The action Identifier of a Get profile block"),
    "request": ("request", "The request (ProfileRequestData) of a Get profile block"),
    "operator": ("logical-operator", "The LogicalOperator joining a Get profile block's criteria"),
    "criterion:key": ("search-key", "A search key (IdentifierName) of a Get profile block"),
    "criterion:value": ("search-value", "A search value (IdentifierValue) of a Get profile block"),
    "fields": ("response-fields", "The response fields (ProfileResponseData) of a Get profile block"),
    "field": ("response-field", "One response field of a Get profile block"),
    "budget": ("attribute-budget", "The attribute budget a Get profile block's fields take"),
    "branch": ("branch", "A branch (transition) of a Get profile block"),
    "branches": ("branches", "The Transitions of a Get profile block"),
    "flow": ("flow", "The flow as a whole"),
    "document": ("document", "The JSON document as a whole (keys written twice)"),
    "unreadable": ("unreadable-file", "A file that is not JSON, or not a flow or action Connect can read"),
}


def rule_key(part: str) -> str:
    """The RULES key of a Problem part: "criterion:1:value" -> "criterion:value", "field:X" -> "field"."""
    kind, _, rest = part.partition(":")
    if kind == "criterion":
        return f"criterion:{rest.rpartition(':')[2]}"
    return kind


def _artifact_uri(path: str) -> str:
    if os.path.isabs(path):
        return Path(path).as_uri()
    return urllib.parse.quote(Path(path).as_posix())


def _sarif_result(rule_ids: list[str], key: str, level: str, message: str, path: str,
                  position: Position | None) -> dict[str, Any]:
    rule_id = RULES.get(key, (key, ""))[0]
    if rule_id not in rule_ids:
        rule_ids.append(rule_id)
    region = {"startLine": position.line, "startColumn": position.column} if position else {"startLine": 1}
    return {"ruleId": rule_id, "ruleIndex": rule_ids.index(rule_id), "level": level,
            "message": {"text": message},
            "locations": [{"physicalLocation": {"artifactLocation": {"uri": _artifact_uri(path)},
                                                "region": region}}]}


def _tool_version() -> str | None:
    from importlib import metadata

    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:   # run from a checkout, not installed
        return None


def sarif_report(report: ValidationReport) -> str:
    """A SARIF 2.1.0 log with one run: a result per problem (rule = the kind of part it concerns,
    level error or warning; with --strict warnings are errors), columns in Unicode code points."""
    rule_ids: list[str] = []
    results = [_sarif_result(rule_ids, "unreadable", "error", f.error or "", f.path, f.error_position)
               for f in report.unreadable]
    for f, p in report.problems:
        level = "error" if p.is_error or report.strict else "warning"
        text = f"{_who(p)}: {p.where}: {p.message}"
        results.append(_sarif_result(rule_ids, rule_key(p.part), level, text, f.path, p.position))
    descriptions = {rule_id: text for rule_id, text in RULES.values()}
    driver: dict[str, Any] = {
        "name": TOOL_NAME,
        "rules": [{"id": rule_id, "shortDescription": {"text": descriptions.get(rule_id, rule_id)}}
                  for rule_id in rule_ids]}
    version = _tool_version()
    if version:
        driver["version"] = version
    run = {"tool": {"driver": driver}, "columnKind": "unicodeCodePoints", "results": results,
           "invocations": [{"executionSuccessful": True, "exitCode": report.exit_code}]}
    return json.dumps({"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]},
                      indent=2, ensure_ascii=False) + "\n"


# --- JUnit XML --------------------------------------------------------------------------------------

# Characters XML 1.0 cannot hold (control characters, lone surrogates): written as \\uXXXX instead.
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml_text(text: str) -> str:
    return _NOT_XML.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def junit_report(report: ValidationReport) -> str:
    """One test case per file: a failure listing its problems when it fails (errors, or warnings
    with --strict), an error when it could not be checked; warnings of a passing file in its
    system-out."""
    suite = ET.Element("testsuite", name=f"{TOOL_NAME} validate")
    failures = errors = 0
    for f in report.files:
        case = ET.SubElement(suite, "testcase", name=_xml_text(f.path), classname=f"{TOOL_NAME}.validate",
                             file=_xml_text(f.path))
        if f.error is not None:
            errors += 1
            detail = ET.SubElement(case, "error", type="unreadable", message=_xml_text(f.error))
            detail.text = _xml_text(f"{_place(f.path, f.error_position)}: {f.error}")
            continue
        lines = "\n".join(f"{_place(f.path, p.position)}: {format_problem(p)}" for p in f.problems)
        if f.exit_code(report.strict) == EXIT_PROBLEMS:
            failures += 1
            detail = ET.SubElement(case, "failure", type="error" if any(p.is_error for p in f.problems)
                                   else "warning", message=_xml_text(f.counts()))
            detail.text = _xml_text(lines)
        elif lines:
            ET.SubElement(case, "system-out").text = _xml_text(lines)
    counts = {"tests": str(len(report.files)), "failures": str(failures), "errors": str(errors),
              "skipped": "0"}
    suite.attrib.update(counts)
    root = ET.Element("testsuites", name=f"{TOOL_NAME} validate", **{k: counts[k] for k in
                                                                     ("tests", "failures", "errors")})
    root.append(suite)
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


FORMATS: dict[str, Callable[[ValidationReport], str]] = {
    "text": text_report, "json": json_report, "github": github_report, "sarif": sarif_report,
    "junit": junit_report,
}
