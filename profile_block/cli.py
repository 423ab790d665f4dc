"""Command line: ``python -m profile_block <command> ...`` (CI pipelines lint and build flows with it).

Commands are registered by one function each, ``add_<name>_command(subparsers)``, which adds a
parser and sets its ``run`` default to a function ``(args) -> exit code``; to add a command,
write such a function and append it to ``COMMANDS``. Bad input raises ``UsageError``, which
``main`` prints as one line on stderr with exit code 2 (never a traceback).

Import-light on purpose: nothing here imports boto3, pandas or streamlit at import time, so
``validate`` and ``new`` start fast in a CI job. A command that needs them imports them inside
its ``run`` function.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

from profile_block.documents.document import MAX_DOCUMENT_BYTES, NotAFlowError
from profile_block.documents.flow import (
    MAX_FLOW_CHARS,
    DocumentError,
    ImportedDocument,
    document_problems,
    dump_document,
    find_get_profile_actions,
    read_document,
    wrap_in_flow,
)
from profile_block.documents.input_files import InputFileError, find_json_files, read_regular_file
from profile_block.documents.problem_location import locate_problems
from profile_block.documents.report_formats import (
    FORMATS,
    FileResult,
    ValidationReport,
    format_problem,
    plural,
)
from profile_block.model.block import (
    BRANCHES,
    ERROR,
    MULTIPLE_FOUND,
    NONE_FOUND,
    OPERATORS,
    SUCCESS,
    ActionFormatError,
    GetProfileBlock,
    Identifier,
    Problem,
    new_action_id,
    read_action,
)

# How the user called the command, for its usage and error lines: the installed console script
# (pyproject's [project.scripts]) or the module.
PROG = "profile-block" if os.path.basename(sys.argv[0]) == "profile-block" else "python -m profile_block"
EXIT_OK, EXIT_PROBLEMS, EXIT_BAD_INPUT = 0, 1, 2
# Read no more than a flow can be (profile_block.documents.document), so a huge file is refused without
# loading it all.
MAX_INPUT_BYTES = MAX_DOCUMENT_BYTES


class UsageError(Exception):
    """Bad arguments or unreadable input: printed as one line, exit code 2."""


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line (and exit 2) instead of usage text + message."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: {message} (see --help)")


# --- shared helpers -------------------------------------------------------------------------------

def read_input(path: str) -> str:
    """The text of FILE (``-`` = stdin); UsageError when it cannot be read, is not a regular file
    (a FIFO would block, a device stream without end) or is too large."""
    name = "stdin" if path == "-" else path
    try:
        if path == "-":
            data = sys.stdin.buffer.read(MAX_INPUT_BYTES + 1)
        else:
            data = read_regular_file(path, MAX_INPUT_BYTES)
    except InputFileError as exc:
        raise UsageError(str(exc)) from None
    except OSError as exc:
        raise UsageError(f"cannot read {name}: {exc.strerror or exc}") from None
    if len(data) > MAX_INPUT_BYTES:
        raise UsageError(f"{name} is over {MAX_INPUT_BYTES:,} bytes; Amazon Connect accepts flows of at "
                         f"most {MAX_FLOW_CHARS:,} characters")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UsageError(f"{name} is not UTF-8 text (byte {exc.start + 1}), so it is not JSON") from None


def read_file_document(path: str) -> ImportedDocument:
    """``read_document`` of FILE (the same reader as the Build page's import); its errors become
    a UsageError naming the file."""
    try:
        return read_document(read_input(path))
    except DocumentError as exc:
        raise UsageError(f"{'stdin' if path == '-' else path}: {exc}") from None


def load_input(path: str) -> tuple[str, dict[str, Any]]:
    """("flow" | "action", the parsed object) of FILE; UsageError when it is unusable."""
    document = read_file_document(path)
    return document.kind, document.document


# --- validate -------------------------------------------------------------------------------------

VALIDATE_HELP = """\
Check every Get profile block (GetCustomerProfile action) of each FILE, a whole flow or one action.
A FOLDER is searched for *.json files (hidden folders such as .git are not); a JSON file found there
that is neither a flow nor an action (package.json ...) is passed by, one named on the command line
is an error (unless --skip-other-json).

Each problem is printed as 'FILE:LINE:COLUMN: <block Identifier>: <severity>: <where>: <message>'
(--format picks another form), then one summary for all files.

formats:
  text    the lines above (default)
  json    one JSON object: problems (file, line, column, severity, block, part, where, message),
          files, summary
  github  GitHub Actions workflow commands (::error file=...,line=...,col=...::...): problems show
          on the pull request's lines
  sarif   SARIF 2.1.0, for code scanning (github/codeql-action/upload-sarif)
  junit   JUnit XML, one test case per file (GitLab artifacts:reports:junit, Jenkins)

exit codes (the worst file's):
  0  no errors (warnings allowed, unless --strict)
  1  at least one error (or warning, with --strict)
  2  a FILE unreadable, not a regular file, not JSON, or neither a flow nor a GetCustomerProfile
     action (one line on stderr per file; the other files are still checked)

A flow without any GetCustomerProfile action is not an error (a named one says so on stderr),
so a CI job can check every flow of a repository. Inside a whole flow every branch of a block
must lead to an action of the flow; a lone action may point anywhere.
"""


def add_validate_command(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "validate", help="check the Get profile blocks of flows and actions (files or folders)",
        description=VALIDATE_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", metavar="FILE", nargs="+",
                        help="a flow or action JSON file, or a folder of them; - reads stdin")
    parser.add_argument("--strict", action="store_true", help="exit 1 on warnings too")
    parser.add_argument("--format", choices=list(FORMATS), default="text",
                        help="how to print the problems (default text)")
    parser.add_argument("--skip-other-json", action="store_true",
                        help="pass by named JSON files that are neither a flow nor an action, as in "
                             "folders (for pre-commit, which names every staged JSON file)")
    parser.set_defaults(run=run_validate)


def _files_to_check(paths: Sequence[str]) -> list[tuple[str, bool]]:
    """(path, named on the command line) for every file to check, folders expanded, each once."""
    if paths.count("-") > 1:
        raise UsageError("- (stdin) can be given only once")
    found: dict[str, bool] = {}
    for path in paths:
        if path != "-" and os.path.isdir(path):
            try:
                for inner in find_json_files(path):
                    found.setdefault(os.path.normpath(inner), False)
            except InputFileError as exc:
                raise UsageError(str(exc)) from None
        else:
            found[path] = True
    return list(found.items())


def check_file(path: str, named: bool, skip_other_json: bool) -> FileResult | None:
    """The FileResult of one file; None for a JSON file that is not a flow and may be passed by."""
    shown = "stdin" if path == "-" else path
    try:
        document = read_document(read_input(path))
        blocks, problems = document_problems(document)   # the Build page's verdict too
    except NotAFlowError as exc:
        if not named or skip_other_json:
            return None
        return FileResult(shown, error=str(exc))
    except (DocumentError, ActionFormatError) as exc:
        return FileResult(shown, error=str(exc), error_position=getattr(exc, "position", None))
    except UsageError as exc:
        return FileResult(shown, error=str(exc))
    return FileResult(shown, document.kind, blocks, locate_problems(document, problems))


def _error_line(result: FileResult) -> str:
    """One stderr line for a file that could not be checked (naming the file once)."""
    if result.error and result.error.startswith((result.path, f"cannot read {result.path}")):
        return result.error
    return f"{result.path}: {result.error}"


def run_validate(args: argparse.Namespace) -> int:
    report = ValidationReport([], strict=args.strict)
    for path, named in _files_to_check(args.paths):
        result = check_file(path, named, args.skip_other_json)
        if result is None:
            report.skipped.append(path)
            continue
        report.files.append(result)
        if result.error is not None:
            print(f"{PROG}: {_error_line(result)}", file=sys.stderr)
        elif named and result.kind == "flow" and result.blocks == 0:
            print(f"note: {result.path} has no GetCustomerProfile action; no block to check",
                  file=sys.stderr)
    if not report.files and not report.skipped:
        raise UsageError(f"no *.json file found in {', '.join(args.paths)}")
    sys.stdout.write(FORMATS[args.format](report))
    return report.exit_code


# --- new ------------------------------------------------------------------------------------------

NEW_HELP = """\
Print a new Get profile block (the action JSON, or a whole importable flow with --flow).

example:
  python -m profile_block new --id _phone='$.CustomerEndpoint.Address' --field FirstName \\
      --field Attributes.tier --flow

Problems are printed on stderr; with an error nothing is printed on stdout and the exit code
is 1. Bad arguments (e.g. --id without '=') exit 2.
"""
BRANCH_OPTIONS = {SUCCESS: "--on-success", MULTIPLE_FOUND: "--on-multiple", NONE_FOUND: "--on-none",
                  ERROR: "--on-error"}
assert set(BRANCH_OPTIONS) == set(BRANCHES)


def add_new_command(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "new", help="print a new Get profile block as an action or a whole flow",
        description=NEW_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--id", dest="ids", action="append", required=True, metavar="KEY=VALUE",
                        help="a search key and its value, e.g. _phone='$.CustomerEndpoint.Address' "
                             "or _account=A-1 (1 to 5; repeat the option)")
    parser.add_argument("--operator", choices=OPERATORS, default="OR",
                        help="how 2-5 identifiers combine (default OR)")
    parser.add_argument("--field", dest="fields", action="append", default=[], metavar="NAME",
                        help="a response field, e.g. FirstName or Attributes.tier (repeat; in order)")
    parser.add_argument("--flow", action="store_true", help="print a whole importable flow")
    parser.add_argument("--action-id", metavar="ID", help="the action Identifier (default: a new UUID)")
    for branch, option in BRANCH_OPTIONS.items():
        parser.add_argument(option, dest=f"branch_{branch}", default="", metavar="ID",
                            help=f"Identifier of the action the {branch} branch leads to")
    parser.set_defaults(run=run_new)


def parse_identifier(text: str) -> Identifier:
    """``KEY=VALUE`` -> Identifier; the value may itself contain '='."""
    key, sep, value = text.partition("=")
    if not sep:
        raise UsageError(f"--id '{text}' must be KEY=VALUE, e.g. --id _phone='$.CustomerEndpoint.Address'")
    return Identifier(key, value)


def run_new(args: argparse.Namespace) -> int:
    block = GetProfileBlock(
        action_id=new_action_id() if args.action_id is None else args.action_id,
        identifiers=[parse_identifier(text) for text in args.ids],
        operator=args.operator,
        fields=list(args.fields),
        branches={b: getattr(args, f"branch_{b}") for b in BRANCHES},
    )
    problems = block.validate()
    for problem in problems:
        print(format_problem(Problem(problem.severity, problem.part, problem.message, block.action_id)),
              file=sys.stderr)
    if any(p.is_error for p in problems):
        print(f"not written: {plural(sum(p.is_error for p in problems), 'error')}", file=sys.stderr)
        return EXIT_PROBLEMS
    sys.stdout.write(dump_document(wrap_in_flow(block) if args.flow else block.to_action()))
    return EXIT_OK


# --- lookup ---------------------------------------------------------------------------------------

LOOKUP_HELP = """\
Run the Get profile block of FILE (one action, or a flow: pick the block with --block-id when it
has several) for one test contact against a Customer Profiles domain, and print the result as
JSON: {"branch", "customer", "reason", "request", ...}. branch is Success, MultipleFoundError,
NoneFoundError or NoMatchingError (the Error branch; "reason" says why).

example (against a local service: python -m profiles_sandbox --port 4599):
  python -m profile_block lookup block.json --endpoint http://127.0.0.1:4599 --domain demo \\
      --contact CustomerEndpoint.Address=+15555550100

Credentials come from the standard AWS chain (--profile, environment, SSO ...). With --endpoint
and no credentials in the environment or the shared files, requests are signed with the local
service's default access key.

exit codes:
  0  the lookup ran, whatever the branch (service and network failures are the Error branch)
  2  bad arguments, FILE unreadable, or no single Get profile block in it (one line on stderr)
"""


def add_lookup_command(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "lookup", help="run a Get profile block for a test contact against a domain",
        description=LOOKUP_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("file", metavar="FILE", help="a flow or action JSON file; - reads stdin")
    parser.add_argument("--contact", dest="contact", action="append", default=[], metavar="PATH=VALUE",
                        help="a test-contact value by contact path, e.g. "
                             "CustomerEndpoint.Address=+15555550100 or Attributes.account=A-1 (repeat)")
    add_connection_options(parser)
    parser.add_argument("--block-id", metavar="ID", help="the Identifier of the block to run, in a flow")
    parser.set_defaults(run=run_lookup)


def parse_contact(values: Sequence[str]) -> dict[str, str]:
    """``PATH=VALUE`` options -> {contact path: value}; UsageError for a bad or repeated path."""
    from profile_block.model.references import ReferenceError, parse_contact_path

    contact: dict[str, str] = {}
    for text in values:
        path, sep, value = text.partition("=")
        if not sep:
            raise UsageError(f"--contact '{text}' must be PATH=VALUE, e.g. "
                             "--contact CustomerEndpoint.Address=+15555550100")
        try:
            path = parse_contact_path(path).path
        except ReferenceError as exc:
            raise UsageError(f"--contact: {exc}") from None
        if path in contact:
            raise UsageError(f"--contact {path} is given twice; give each contact path once")
        contact[path] = value
    return contact


def pick_block(kind: str, document: dict[str, Any], block_id: str | None, name: str) -> GetProfileBlock:
    """The one block to run: the action itself, or the flow's only / --block-id's block."""
    actions = [document] if kind == "action" else find_get_profile_actions(document)
    ids = [str(a.get("Identifier", "")) for a in actions]
    if not actions:
        raise UsageError(f"{name} has no GetCustomerProfile action to run")
    if block_id is not None:
        if block_id not in ids:
            raise UsageError(f"{name} has no Get profile block with Identifier '{block_id}'; "
                             f"it has: {', '.join(ids)}")
        action = actions[ids.index(block_id)]
    elif len(actions) > 1:
        raise UsageError(f"{name} has {len(actions)} Get profile blocks; pick one with --block-id "
                         f"(one of: {', '.join(ids)})")
    else:
        action = actions[0]
    try:
        return read_action(action)[0]
    except ActionFormatError as exc:
        raise UsageError(f"{name}: {exc}") from None


def add_connection_options(parser: argparse.ArgumentParser) -> None:
    """--domain, --endpoint, --profile, --region: where lookup and batch search."""
    parser.add_argument("--domain", required=True, help="the Customer Profiles domain to search")
    parser.add_argument("--endpoint", metavar="URL",
                        help="a Customer Profiles endpoint URL, e.g. a local service")
    parser.add_argument("--profile", help="an AWS profile of the shared config (default: the default chain)")
    parser.add_argument("--region", help="the AWS region (default: the profile's or the environment's)")


def check_connection_options(args: argparse.Namespace) -> None:
    """UsageError for an empty --domain or an --endpoint that is not a URL (before any file is read)."""
    if not args.domain.strip():
        raise UsageError("--domain must name a Customer Profiles domain")
    if args.endpoint and not args.endpoint.startswith(("http://", "https://")):
        raise UsageError(f"--endpoint '{args.endpoint}' must be a URL starting with http:// or https://")


def connect(args: argparse.Namespace, max_pool_connections: int | None = None, retries: bool = True) -> Any:
    """The client the connection options name; UsageError (in words) when it cannot be made.
    ``retries=False``: one call per request (a batch run retries each row itself).

    With --endpoint and no credentials anywhere, requests are signed with the local service's
    default access key. botocore is imported here, not at the top: validate/new never pay for it.
    """
    from profile_block.running import aws

    local = bool(args.endpoint) and not args.profile and not aws.credentials_available()
    connection = aws.Connection(profile=args.profile, region=args.region, endpoint_url=args.endpoint,
                                local_service=local)
    try:
        return aws.get_client(connection, max_pool_connections or aws.DEFAULT_POOL_CONNECTIONS,
                              retries=retries)
    except Exception as exc:  # noqa: BLE001 -- unknown profile, no region ...: bad arguments
        hint = "" if args.endpoint or args.region else " Give --endpoint URL, or --profile P --region R."
        raise UsageError(aws.describe_connection_error(exc) + hint) from None


def run_lookup(args: argparse.Namespace) -> int:
    name = "stdin" if args.file == "-" else args.file
    contact = parse_contact(args.contact)
    check_connection_options(args)
    kind, document = load_input(args.file)
    block = pick_block(kind, document, args.block_id, name)
    from profile_block.running.lookup import run_lookup as run_one_lookup

    result = run_one_lookup(connect(args), block, contact, args.domain)
    print(result.to_json())
    return EXIT_OK


# --- batch ----------------------------------------------------------------------------------------

BATCH_HELP = """\
Run the Get profile block of FILE (one action, or a flow: pick the block with --block-id when it
has several) for every test contact of CONTACTS.csv against a Customer Profiles domain, several
lookups at a time, and write one results row per contact, in input order, as CSV (to --out,
else to stdout).

CONTACTS.csv (UTF-8, the first line names the columns):
  id               optional: a name for the row
  <contact path>   a test-contact value by contact path, as lookup --contact takes it:
                   CustomerEndpoint.Address, Attributes.<key>, ... (each path the block reads
                   needs a column)
  expect_branch    optional: Success, MultipleFoundError, NoneFoundError or NoMatchingError
  expect.<field>   optional: the $.Customer.<field> value the row must produce (ProfileId,
                   ProfileARN, FirstName, Attributes.tier ...); an empty cell means "not set"
results: the input columns, then branch, next_action, reason, matches, elapsed_ms, attempts,
customer.ProfileId, customer.ProfileARN and customer.<field> per response field of the block,
result (pass, fail, or empty when the row expects nothing) and mismatches.

example (against a local service: python -m profiles_sandbox --port 4599):
  python -m profile_block batch block.json contacts.csv --endpoint http://127.0.0.1:4599 \\
      --domain demo --out results.csv

A summary line goes to stderr: rows, rows per branch, passes and failures, time, rows per
second; so do the first failing rows. Throttled and failed calls are retried with backoff, up to
--attempts calls for every row alike; a row that still fails takes the Error branch
(NoMatchingError) with the reason, and its "attempts" cell says how many calls it made.

Against AWS a run makes at most 5 SearchProfiles calls per second unless --max-rate says
otherwise: the account's SearchProfiles quota is shared with the live contact flows, whose
callers take the Error branch when it is spent. Against an endpoint on this machine (the local
service) there is no cap unless --max-rate sets one.

exit codes:
  0  every expectation held (or there were none)
  1  at least one expectation failed
  2  bad arguments, FILE or CONTACTS.csv unusable, or a connection or domain that cannot be
     used (one line on stderr; --out is then not written)
"""
SHOWN_FAILURES = 20
PROGRESS_EVERY_S = 0.5


def add_batch_command(subparsers: Any) -> None:
    from profile_block.running.batch_limits import (
        DEFAULT_ATTEMPTS,
        DEFAULT_AWS_MAX_RATE,
        DEFAULT_WORKERS,
        MAX_ATTEMPTS,
        MAX_WORKERS,
    )

    parser = subparsers.add_parser(
        "batch", help="run a Get profile block for every test contact of a CSV, with expectations",
        description=BATCH_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("file", metavar="FILE", help="a flow or action JSON file; - reads stdin")
    parser.add_argument("contacts", metavar="CONTACTS.csv", help="the test contacts, one per row")
    add_connection_options(parser)
    parser.add_argument("--block-id", metavar="ID", help="the Identifier of the block to run, in a flow")
    parser.add_argument("--workers", type=int, default=DEFAULT_WORKERS, metavar="N",
                        help=f"lookups at a time, 1-{MAX_WORKERS} (default {DEFAULT_WORKERS})")
    parser.add_argument("--attempts", type=int, default=DEFAULT_ATTEMPTS, metavar="N",
                        help=f"SearchProfiles calls per row at most, the first included, 1-{MAX_ATTEMPTS} "
                             f"(default {DEFAULT_ATTEMPTS}); the same for every row")
    parser.add_argument("--max-rate", type=float, default=None, metavar="CALLS",
                        help=f"at most CALLS SearchProfiles calls per second in all, retries included; 0: "
                             f"no cap (default: {DEFAULT_AWS_MAX_RATE:g} against AWS, no cap against an "
                             "endpoint on this machine)")
    parser.add_argument("--out", metavar="RESULTS.csv",
                        help="write the results here: a regular file (a link: the file it names) or a "
                             "new path, replaced only once the run is complete; FIFOs, devices and "
                             "folders are refused; default (or -) stdout")
    parser.set_defaults(run=run_batch)


def _same_file(a: str, b: str) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.abspath(a) == os.path.abspath(b)


def _open_out(path: str, contacts: str, flow: str) -> Any:
    """The results file being written for --out (``studio_files.atomic_output``: a temporary
    file renamed over it once complete; FIFOs, devices, folders refused); UsageError if unusable."""
    from studio_files.atomic_output import AtomicOutput, OutputRefused

    if _same_file(path, contacts) or (flow != "-" and _same_file(path, flow)):
        raise UsageError(f"--out {path} is an input file: write the results elsewhere")
    try:
        return AtomicOutput(path, "--out")
    except OutputRefused as exc:
        raise UsageError(str(exc)) from None
    except OSError as exc:
        raise UsageError(f"cannot write --out {path}: {exc.strerror or exc}") from None


def _read_contacts_file(path: str) -> Any:
    """The contacts CSV as text, read as the run goes (closed by the caller): a regular file only,
    so a FIFO or a device is refused at once instead of blocking or streaming without end."""
    from profile_block.documents.input_files import InputFileError, open_regular_file

    try:
        return io.TextIOWrapper(open_regular_file(path, stdin_too=False), encoding="utf-8-sig", newline="")
    except InputFileError as exc:
        raise UsageError(str(exc)) from None


class _ProgressLine:
    """Rows done, rate and time left on one self-erasing stderr line, when stderr is a terminal."""

    def __init__(self) -> None:
        import time

        self._clock = time.monotonic
        self.enabled = sys.stderr.isatty()
        self._last = self._clock()

    def show(self, progress: Any) -> None:
        if self.enabled and self._clock() - self._last >= PROGRESS_EVERY_S:
            self._last = self._clock()
            print(f"\r{progress.text()}\033[K", end="", file=sys.stderr, flush=True)

    def clear(self) -> None:
        if self.enabled:
            print("\r\033[K", end="", file=sys.stderr, flush=True)


def run_batch(args: argparse.Namespace) -> int:
    from profile_block.running.batch import BatchAborted, RowOutcome
    from profile_block.running.batch import run_batch as run_contacts
    from profile_block.running.batch_calls import RetryPolicy
    from profile_block.running.batch_csv import BatchInputError, ContactsReader, check_contacts, csv_writer
    from profile_block.running.batch_limits import (
        check_attempts,
        check_max_rate,
        check_workers,
        default_max_rate,
    )
    from studio_files.atomic_output import OutputRefused

    name = "stdin" if args.file == "-" else args.file
    check_connection_options(args)
    max_rate = default_max_rate(args.endpoint) if args.max_rate is None else (args.max_rate or None)
    problem = check_workers(args.workers) or check_attempts(args.attempts) or check_max_rate(max_rate)
    if problem:
        raise UsageError(f"--{problem}")
    kind, document = load_input(args.file)
    block = pick_block(kind, document, args.block_id, name)
    try:
        with _read_contacts_file(args.contacts) as lines:
            checked = check_contacts(lines, block, args.contacts)
    except BatchInputError as exc:
        raise UsageError(str(exc)) from None
    for note in checked.columns.notes:
        print(f"note: {note}", file=sys.stderr)
    client = connect(args, args.workers, retries=False)
    if args.max_rate is None and max_rate is not None:
        print(f"note: at most {max_rate:g} SearchProfiles calls per second against AWS (--max-rate "
              "changes it; the quota is shared with your live flows)", file=sys.stderr)
    out = _open_out(args.out, args.contacts, args.file) if args.out else None
    writer = csv_writer(out.file if out is not None else sys.stdout)
    failures: list[str] = []
    progress = _ProgressLine()

    def on_row(outcome: RowOutcome) -> None:
        writer.writerow(outcome.cells(block))
        if outcome.mismatches and len(failures) < SHOWN_FAILURES:
            failures.append(f"fail: {outcome.contact.label}: {'; '.join(outcome.mismatches)}")

    committed = False
    try:
        writer.writerow(checked.columns.result_columns(block))
        with _read_contacts_file(args.contacts) as lines:
            summary = run_contacts(client, block, ContactsReader(lines, block, args.contacts), args.domain,
                                   on_row=on_row, workers=args.workers, on_progress=progress.show,
                                   total=checked.rows, retry=RetryPolicy(args.attempts), max_rate=max_rate)
        if out is not None:
            out.commit()
        committed = True
    except BatchAborted as exc:
        raise UsageError(f"the service cannot be used, so the run stopped at {exc}"
                         + (f"; {args.out} was not written" if args.out else "")) from None
    except (BatchInputError, OutputRefused) as exc:   # a file changed since it was checked
        raise UsageError(str(exc)) from None
    except BrokenPipeError:           # the reader of stdout went away (| head): main() says so
        raise
    except OSError as exc:            # e.g. the disk filled up while writing --out
        where = exc.filename or args.out or "stdout"
        raise UsageError(f"cannot write the results to {where}: {exc.strerror or exc}") from None
    finally:
        progress.clear()
        if out is not None and not committed:
            out.discard()
    for line in failures:
        print(line, file=sys.stderr)
    if summary.failed > len(failures):
        print(f"... and {summary.failed - len(failures):,} more failing rows (see the results)",
              file=sys.stderr)
    print(f"batch: {summary.line()}", file=sys.stderr)
    return EXIT_PROBLEMS if summary.failed else EXIT_OK


# --- entry point ----------------------------------------------------------------------------------

COMMANDS: list[Callable[[Any], None]] = [add_validate_command, add_new_command, add_lookup_command,
                                         add_batch_command]


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog=PROG, description="Design and check Amazon Connect Get profile blocks.",
                     epilog="exit codes: 0 ok, 1 problems found (or the output was closed early), "
                            "2 bad arguments or unreadable input. "
                            f"'{PROG} COMMAND --help' describes each command.")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True,
                                       parser_class=_Parser)
    for add_command in COMMANDS:
        add_command(subparsers)
    return parser


def escape_unencodable_output() -> None:
    """Print what the terminal cannot encode as backslash escapes instead of failing on it.

    A JSON file may hold ``"\\ud800"`` (valid JSON, not a character); shown as ``\\ud800`` it is
    readable, and inside a JSON string still the same escape.
    """
    reconfigure = getattr(sys.stdout, "reconfigure", None)
    if reconfigure is not None:
        reconfigure(errors="backslashreplace")


def check_arguments_are_text(argv: Sequence[str]) -> None:
    """UsageError for an argument that is not valid UTF-8 (Python keeps such bytes as lone
    surrogates, which would end up raw in a flow or fail deep inside a request)."""
    for arg in argv:
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:
            try:
                raw = arg.encode("utf-8", "surrogateescape")
            except UnicodeEncodeError:
                raw = arg.encode("utf-8", "backslashreplace")
            raise UsageError(f"argument '{raw.decode('utf-8', 'backslashreplace')}' is not valid UTF-8 "
                             "text; give every name and value in UTF-8") from None


def drop_unwritten_output() -> None:
    """After a broken pipe: send what is still buffered to /dev/null, so that the interpreter's
    final flush does not fail again (and print "Exception ignored ...")."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # stdout is not a file descriptor (e.g. captured in tests)
        pass


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; return its exit code (0 ok, 1 problems or output cut short, 2 bad input)."""
    escape_unencodable_output()
    try:
        arguments = list(sys.argv[1:] if argv is None else argv)
        check_arguments_are_text(arguments)
        args = build_parser().parse_args(arguments)
        code = int(args.run(args))
        sys.stdout.flush()   # a reader that has gone shows here, not at exit
        return code
    except UsageError as exc:
        message = str(exc)
        print(message if message.startswith(PROG) else f"{PROG}: {message}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:   # e.g. ... | head -1
        drop_unwritten_output()
        print(f"{PROG}: the output was closed before all of it was written (broken pipe)", file=sys.stderr)
        return EXIT_PROBLEMS
    except KeyboardInterrupt:
        return 130
