"""The batch CSV: test contacts in, results out. One format for the Batch page, the CLI and the
results download; pandas reads and writes it (``pd.read_csv(path, dtype=str, keep_default_na=False)``).

Input columns, in any order, one row per test contact:

- ``id`` (optional): a name for the row.
- a contact path per value of the test contact, named as ``lookup --contact`` takes it:
  ``CustomerEndpoint.Address``, ``Attributes.email``, ``StoredCustomerInput`` ... Every path the
  block reads must have a column.
- ``expect_branch`` (optional): Success, MultipleFoundError, NoneFoundError or NoMatchingError;
  an empty cell expects nothing of the branch.
- ``expect.<field>`` (optional): the ``$.Customer.<field>`` value the row must produce, for
  ProfileId, ProfileARN or any response field (``expect.FirstName``, ``expect.Attributes.tier``); an empty
  cell means "not set" (the flow gets no value).

Results: the input columns, then ``branch``, ``next_action``, ``reason``, ``matches``,
``elapsed_ms``, ``attempts`` (SearchProfiles calls made for the row), ``customer.ProfileId``,
``customer.ProfileARN`` and one ``customer.<field>`` column per response field of the block
(empty = not set), ``result`` (pass, fail, or empty when the row expects nothing) and
``mismatches`` (what did not hold, in words).

Written cells are spreadsheet-safe: one a spreadsheet would run as a formula gets a leading
``'`` (``studio_files.spreadsheet_cells``; phone numbers stay as they are), and reading takes it
off again, so a template downloaded and uploaded runs the values it showed.

Reading streams: a file is checked and run row by row, never loaded whole. Bad files raise
``BatchInputError`` with one message naming the problem (and the line; a cell holding text that is
not Unicode, a lone surrogate, is one); a row with an unusable
contact value is not bad input: its lookup takes the Error branch with the reason.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TextIO

from profile_block.flow_context.customer_data import ALWAYS_SET
from profile_block.model import references
from profile_block.model.block import (
    BRANCH_LABELS,
    BRANCHES,
    ERROR,
    GetProfileBlock,
)
from profile_block.model.fields import field_for
from profile_block.model.surrogates import is_unicode, surrogate_problem
from profile_block.running.demo_contacts import demo_contacts
from profile_block.running.lookup import LookupResult, contact_paths, suggest_contact_value
from studio_files.spreadsheet_cells import neutralise_row, restore

ID = "id"
EXPECT_BRANCH = "expect_branch"
EXPECT_PREFIX = "expect."
CUSTOMER_PREFIX = "customer."
PROFILE_ID = "ProfileId"
LOOKUP_COLUMNS: tuple[str, ...] = ("branch", "next_action", "reason", "matches", "elapsed_ms", "attempts")
RESULT, MISMATCHES = "result", "mismatches"
PASS, FAIL = "pass", "fail"
# Every CSV this project writes ends lines like pandas does on Linux.
LINE_END = "\n"

_BRANCH_NAMES: Mapping[str, str] = {
    **{b.lower(): b for b in BRANCHES}, **{label.lower(): b for b, label in BRANCH_LABELS.items()}}


class BatchInputError(ValueError):
    """A contacts CSV that cannot be run: one message naming the problem."""


def customer_fields(block: GetProfileBlock) -> list[str]:
    """The ``$.Customer`` fields a result row reports: ProfileId, ProfileARN, then the block's fields
    once each."""
    return list(dict.fromkeys([*ALWAYS_SET, *block.fields]))


@dataclass(frozen=True)
class ContactColumns:
    """What the header of a contacts CSV holds, checked against a block."""

    names: tuple[str, ...]                       # the header as written (white space trimmed)
    paths: tuple[tuple[int, str], ...]           # (column index, contact path)
    id_index: int | None
    branch_index: int | None
    expected: tuple[tuple[int, str], ...]        # (column index, field name) of expect.<field>
    notes: tuple[str, ...] = ()                  # things worth saying that are not errors

    @property
    def has_expectations(self) -> bool:
        return self.branch_index is not None or bool(self.expected)

    def result_columns(self, block: GetProfileBlock) -> list[str]:
        """The header of the results CSV."""
        return [*self.names, *LOOKUP_COLUMNS, *(CUSTOMER_PREFIX + f for f in customer_fields(block)),
                RESULT, MISMATCHES]


_RESULT_NAMES = frozenset({*LOOKUP_COLUMNS, RESULT, MISMATCHES})


def _column_problem(name: str) -> str | None:
    """Why a header name is no input column, or None (contact paths are checked by the caller)."""
    if name in _RESULT_NAMES or name.startswith(CUSTOMER_PREFIX):
        return (f"'{name}' is a column of the results CSV: run the contacts CSV (id, contact paths, "
                f"{EXPECT_BRANCH}, {EXPECT_PREFIX}<field>), not a results file")
    return None


def read_columns(header: Sequence[str], block: GetProfileBlock, name: str = "the CSV") -> ContactColumns:
    """Check a header against ``block``; BatchInputError for a nameless, unknown or duplicate
    column, or a contact path the block reads that has no column."""
    names = tuple(cell.strip() for cell in header)
    if not any(names):
        raise BatchInputError(f"{name}: the first line must name the columns (id, contact paths such as "
                              f"CustomerEndpoint.Address, {EXPECT_BRANCH}, {EXPECT_PREFIX}<field>)")
    paths: list[tuple[int, str]] = []
    expected: list[tuple[int, str]] = []
    id_index = branch_index = None
    unknown: list[str] = []
    seen: dict[str, int] = {}
    duplicates: list[str] = []
    for index, column in enumerate(names):
        if not column:
            hint = " (a pandas index? write the CSV with index=False)" if index == 0 else ""
            raise BatchInputError(f"{name}: column {index + 1} has no name{hint}")
        problem = _column_problem(column)
        if problem:
            raise BatchInputError(f"{name}: {problem}")
        if column == ID:
            canonical = ID
            id_index = index
        elif column == EXPECT_BRANCH:
            canonical = EXPECT_BRANCH
            branch_index = index
        elif column.startswith(EXPECT_PREFIX):
            field_name = column[len(EXPECT_PREFIX):]
            if field_name not in ALWAYS_SET and field_for(field_name) is None:
                unknown.append(f"'{column}' (no response field {field_name or '(empty)'})")
                continue
            canonical = column
            expected.append((index, field_name))
        else:
            path = column[len(references.REFERENCE_PREFIX):] if references.is_reference(column) else column
            try:    # strict: a column must name a contact value the tool knows, as --contact does
                canonical = references.parse_contact_path(path, column).path
            except references.ReferenceError:
                unknown.append(f"'{column}'")
                continue
            paths.append((index, canonical))
        if canonical in seen:
            duplicates.append(column if column == canonical else f"{column} (= {canonical})")
        seen.setdefault(canonical, index)
    if duplicates:
        raise BatchInputError(f"{name}: duplicate column{'s' if len(duplicates) > 1 else ''} "
                              f"{', '.join(duplicates)}: name each column once")
    if unknown:
        raise BatchInputError(
            f"{name}: unknown column{'s' if len(unknown) > 1 else ''} {', '.join(unknown)}. Columns are "
            f"{ID}, contact paths (CustomerEndpoint.Address, Attributes.<key>, ...), {EXPECT_BRANCH} "
            f"and {EXPECT_PREFIX}<field> (ProfileId, ProfileARN or a response field such as FirstName)")
    given = {path for _, path in paths}
    missing = [path for path in contact_paths(block) if path not in given]
    if missing:
        raise BatchInputError(f"{name} has no column for {', '.join(missing)}, which the block reads "
                              f"({', '.join('$.' + p for p in missing)}): add "
                              f"{'that column' if len(missing) == 1 else 'those columns'}")
    return ContactColumns(names, tuple(paths), id_index, branch_index, tuple(expected),
                          tuple(_column_notes(block, paths, expected)))


def _column_notes(block: GetProfileBlock, paths: Sequence[tuple[int, str]],
                  expected: Sequence[tuple[int, str]]) -> list[str]:
    notes = []
    read = set(contact_paths(block))
    unused = [path for _, path in paths if path not in read]
    if unused:
        kept = "that column is" if len(unused) == 1 else "those columns are"
        notes.append(f"The block does not read {', '.join(unused)}: {kept} only copied to the results.")
    returned = set(customer_fields(block))
    absent = [name for _, name in expected if name not in returned]
    if absent:
        notes.append(f"The block does not bring back {', '.join(absent)}: a row expecting a value for "
                     f"{'it' if len(absent) == 1 else 'them'} fails (tick the field on the Build page).")
    return notes


@dataclass(frozen=True)
class TestContact:
    """One row of a contacts CSV."""

    __test__ = False   # not a pytest test class, despite the name

    number: int                                  # 1 for the first row under the header
    cells: tuple[str, ...]                       # as written, one per column
    contact: Mapping[str, str]                   # contact path -> value
    expect_branch: str = ""                      # "" = any branch
    expect_fields: tuple[tuple[str, str], ...] = ()   # (field, value; "" = not set)
    row_id: str = ""

    @property
    def has_expectation(self) -> bool:
        return bool(self.expect_branch or self.expect_fields)

    @property
    def label(self) -> str:
        """"row 3 (id maria)" for messages."""
        return f"row {self.number}" + (f" (id {self.row_id})" if self.row_id else "")


def parse_branch(text: str) -> str:
    """An expect_branch cell -> branch name ("" stays ""); ValueError for anything else.

    Branch names and the designer's labels are accepted in any case (``success``, ``None found``).
    """
    text = text.strip()
    if not text:
        return ""
    branch = _BRANCH_NAMES.get(text.lower())
    if branch is None:
        raise ValueError(f"{EXPECT_BRANCH} '{text}' is not a branch: use {', '.join(BRANCHES)}")
    return branch


class ContactsReader:
    """Test contacts of a CSV, read lazily: iterate to get each ``TestContact`` in file order.

    The header is read (and checked) on creation; rows are checked as they are read.
    Iterating raises BatchInputError naming the line of a bad row.
    """

    def __init__(self, lines: Iterable[str], block: GetProfileBlock, name: str = "the CSV") -> None:
        self.name = name
        self._reader = csv.reader(iter(lines), strict=True)
        try:
            header = next(self._reader, None)
        except (csv.Error, UnicodeDecodeError) as exc:
            raise self._error(exc) from None
        if header is None:
            raise BatchInputError(f"{name} is empty: the first line must name the columns "
                                  "(e.g. id,CustomerEndpoint.Address,expect_branch)")
        self._check_unicode(header, [f"The name of column {i + 1}" for i in range(len(header))])
        self.columns = read_columns([restore(cell) for cell in header], block, name)
        self._cell_names = [f"The {column} cell" for column in self.columns.names]

    def _check_unicode(self, cells: Sequence[str], what: Sequence[str]) -> None:
        """BatchInputError naming the line and column of a cell with a lone surrogate (text that is
        not Unicode: no lookup, page or results file could carry it). One search per row."""
        if is_unicode("".join(cells)):
            return
        for cell, said in zip(cells, what, strict=False):
            reason = surrogate_problem(cell, said)
            if reason:
                raise BatchInputError(f"{self.name}, line {self._reader.line_num}: {reason}")

    def _error(self, exc: Exception) -> BatchInputError:
        line = self._reader.line_num
        if isinstance(exc, UnicodeDecodeError):
            return BatchInputError(f"{self.name} is not UTF-8 text (near line {max(line, 1)}): save it as "
                                   "CSV UTF-8")
        return BatchInputError(f"{self.name}, line {line}: not readable as CSV ({exc})")

    def __iter__(self) -> Iterator[TestContact]:
        columns = self.columns
        width = len(columns.names)
        number = 0
        while True:
            try:
                cells = next(self._reader, None)
            except (csv.Error, UnicodeDecodeError) as exc:
                raise self._error(exc) from None
            if cells is None:
                return
            if not cells:           # a blank line, as pandas skips it
                continue
            cells = [restore(cell) for cell in cells]   # a cell our own CSVs made spreadsheet-safe
            number += 1
            if len(cells) > width:
                raise BatchInputError(f"{self.name}, line {self._reader.line_num}: {len(cells)} cells, but "
                                      f"the header names {width} columns")
            cells += [""] * (width - len(cells))
            self._check_unicode(cells, self._cell_names)
            try:
                branch = parse_branch(cells[columns.branch_index]) if columns.branch_index is not None else ""
            except ValueError as exc:
                raise BatchInputError(f"{self.name}, line {self._reader.line_num}: {exc}") from None
            yield TestContact(
                number=number, cells=tuple(cells),
                contact={path: cells[i] for i, path in columns.paths},
                expect_branch=branch,
                expect_fields=tuple((field_name, cells[i]) for i, field_name in columns.expected),
                row_id=cells[columns.id_index] if columns.id_index is not None else "",
            )


@dataclass(frozen=True)
class ContactsCheck:
    """A contacts CSV read through once: its columns and how many rows it has."""

    columns: ContactColumns
    rows: int


def check_contacts(lines: Iterable[str], block: GetProfileBlock, name: str = "the CSV") -> ContactsCheck:
    """Read every row once (nothing kept); BatchInputError for the first problem, or no rows."""
    reader = ContactsReader(lines, block, name)
    rows = sum(1 for _ in reader)
    if rows == 0:
        raise BatchInputError(f"{name} has a header but no rows: add one row per test contact")
    return ContactsCheck(reader.columns, rows)


def decode_upload(data: bytes, name: str) -> str:
    """The text of an uploaded CSV (UTF-8, with or without BOM); BatchInputError otherwise."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BatchInputError(f"{name} is not UTF-8 text (byte {exc.start + 1}): "
                              "save it as CSV UTF-8") from None


def text_lines(text: str) -> Iterator[str]:
    """Lines of ``text`` for the CSV reader (quoted cells may span lines)."""
    return iter(io.StringIO(text, newline=""))


# --- results -------------------------------------------------------------------------------------

def matches_cell(lookup: LookupResult) -> str:
    """How many profiles the search returned: "0", "1", "5+" (more exist); "" if it did not answer."""
    if lookup.branch == ERROR:
        return ""
    more = "+" if (lookup.response or {}).get("NextToken") else ""
    return f"{len(lookup.matches)}{more}"


def result_cells(contact: TestContact, lookup: LookupResult, block: GetProfileBlock, outcome: str,
                 mismatches: Sequence[str], attempts: int) -> list[str]:
    """One results row, in the order of ``ContactColumns.result_columns``; ``attempts``: the
    SearchProfiles calls the row made (0 when its values sent it to the Error branch uncalled)."""
    customer = [lookup.customer.get(f"$.Customer.{name}") for name in customer_fields(block)]
    return [*contact.cells, lookup.branch, lookup.next_action, lookup.reason, matches_cell(lookup),
            f"{lookup.elapsed_ms:.1f}", str(attempts), *(value or "" for value in customer), outcome,
            "; ".join(mismatches)]


class SpreadsheetCsvWriter:
    """A csv writer in this project's dialect (comma, minimal quoting, "\\n" line ends) whose
    cells are safe to open in a spreadsheet: a cell it would run as a formula (``=HYPERLINK(...)``
    in a contact id) is written with a leading ``'`` (``studio_files.spreadsheet_cells``; phone
    numbers such as ``+15555550100`` stay as they are). ``ContactsReader`` undoes it, so a
    template downloaded, edited and uploaded again runs the values it showed."""

    def __init__(self, stream: TextIO) -> None:
        self._writer = csv.writer(stream, lineterminator=LINE_END)
        # Python's csv quotes a cell holding "\n" (the line end) but not one holding a lone "\r",
        # which every reader takes for a line break: such a row is written with every cell quoted.
        self._quoting_writer = csv.writer(stream, lineterminator=LINE_END, quoting=csv.QUOTE_ALL)

    def writerow(self, cells: Sequence[str]) -> None:
        safe = neutralise_row(cells)
        (self._quoting_writer if any("\r" in cell for cell in safe) else self._writer).writerow(safe)

    def writerows(self, rows: Iterable[Sequence[str]]) -> None:
        for cells in rows:
            self.writerow(cells)


def csv_writer(stream: TextIO) -> SpreadsheetCsvWriter:
    """The writer of every batch CSV (results, the Batch page's downloads, templates)."""
    return SpreadsheetCsvWriter(stream)


def csv_text(columns: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """A whole CSV as text (the Batch page's downloads, spreadsheet-safe like ``csv_writer``);
    the CLI streams the same format."""
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow(columns)
    writer.writerows(rows)
    return out.getvalue()


# --- templates -----------------------------------------------------------------------------------

def template_rows(block: GetProfileBlock, examples: Sequence[Mapping[str, Any]] = ()
                  ) -> tuple[list[str], list[list[str]]]:
    """(header, rows) of a contacts CSV made for ``block``: ``id``, one column per contact path the
    block reads, ``expect_branch``.

    With ``examples`` (the local service's demo values), the demo contacts made for the block
    (``demo_contacts``: every row with the branch it must take, its label as the id). Without
    examples, or when they tell nothing about this block: one row of sample values.
    """
    paths = contact_paths(block)
    header = [ID, *paths, EXPECT_BRANCH]
    made = demo_contacts(block, examples)
    if made:
        return header, [[c.label, *(c.contact[p] for p in paths), c.branch] for c in made]
    sample = [suggest_contact_value(path, block, examples) for path in paths]
    return header, [["example", *sample, ""]]


def template_csv(block: GetProfileBlock, examples: Sequence[Mapping[str, Any]] = ()) -> str:
    """``template_rows`` as CSV text."""
    header, rows = template_rows(block, examples)
    return csv_text(header, rows)
