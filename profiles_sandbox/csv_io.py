"""Profiles <-> CSV: one format for ``python -m profiles_sandbox load|dump`` and the Data page.

The format:

- One row per profile; the first row names the columns. UTF-8, with or without a byte-order mark.
- Columns are the API's Profile members, derived from botocore's CreateProfile input shape (not a
  hand-made list): plain members by name (``FirstName``, ``PhoneNumber`` ...), address parts as
  ``Address.City``, ``ShippingAddress.Address1`` ..., ``Attributes.<name>`` for custom attributes,
  and members that are neither (``EngagementPreferences``) as JSON in one cell.
- ``Key.<name>``: values of a search key, attached to the profile as AddProfileKey does. A custom
  key the domain does not have yet is defined on it the way the demo's ``loyaltyId`` is (see
  ``custom_keys``). Several values of one key: one per line in the cell.
- ``ProfileId`` (optional): the ProfileId of an existing profile updates it (UpdateProfile: the
  cells given replace, the others stay); a ProfileId the domain does not have creates the profile
  with that id (so a dump loads back to the same profiles); no ProfileId creates a new profile.
- An empty cell means "not set". Rows are numbered as a spreadsheet shows them: the header is row 1.

Loading is all or nothing: every row is checked as the API would check the CreateProfile,
UpdateProfile, AddProfileKey and PutProfileObjectType requests it stands for (botocore's model,
through ``validation``); if any row is bad nothing is written, and each error names its row and
column. Rows are read, checked and written a chunk at a time inside ONE transaction that rolls
back at the first bad row (``run_load`` in ``Store.domain_load``), so no load holds its rows in
memory; into a new database file they go the way seeding does (``load_seeder``): the file gets
its name only when every row was good.

A NUL character in a value is text like any other: a dump writes it, a load reads it back.

Rows may also come as records (column -> value, from the Data page's form): there ``""`` clears a
value of an existing profile (UpdateProfile's meaning), and a missing column or None is "not set".
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import difflib
import io
import itertools
import json
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, BinaryIO, TextIO, TypeVar

from .custom_keys import key_object_type, key_object_type_name
from .store import (
    INTEGRATION_KEYS,
    NOT_ATTACHABLE_KEYS,
    STANDARD_KEYS,
    BulkWriter,
    DomainLoad,
    DomainState,
    ProfileRow,
    Seeder,
    Store,
    StoredProfile,
    full_name,
)
from .validation import RequestParser, Violation, load_service_model

T = TypeVar("T")
PROFILE_ID = "ProfileId"
KEY_PREFIX = "Key."
VALUE_SEPARATOR = "\n"          # several values of one key in one cell: one per line
NEW_DOMAIN_SETTINGS: dict[str, Any] = {"DefaultExpirationDays": 366}
SAMPLE_ROWS = 200               # planned rows a preview describes one by one
_CHECKED_OPERATIONS = ("CreateDomain", "CreateProfile", "UpdateProfile", "AddProfileKey",
                       "PutProfileObjectType")
_ATTACHABLE_STANDARD = frozenset((*STANDARD_KEYS, *INTEGRATION_KEYS)) - NOT_ATTACHABLE_KEYS


class CsvUnreadable(ValueError):
    """The bytes are not CSV text this format can read (not UTF-8, binary, no header row ...)."""


@dataclass(frozen=True)
class RowError:
    """One problem of a load: its row (1 is the header), its column ("" for the whole row)."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"row {self.row}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.message}"

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


# --- the columns, from botocore's model -------------------------------------------------------
@dataclass(frozen=True)
class CsvFormat:
    """The standard columns, derived from the CreateProfile input shape."""

    plain: tuple[str, ...]                    # string members: FirstName, PhoneNumber ...
    parts: Mapping[str, tuple[str, ...]]      # structures of strings: Address -> (Address1, ...)
    maps: tuple[str, ...]                     # string maps: Attributes -> Attributes.<name>
    json_members: tuple[str, ...]             # anything else, as JSON in one cell
    choices: Mapping[str, tuple[str, ...]]    # enum columns -> their values
    order: tuple[str, ...]                    # the standard columns in the model's member order

    def kind(self, column: str) -> tuple[str, str, str] | None:
        """(kind, member, name) of a column: ("plain", "FirstName", ""), ("part", "Address",
        "City"), ("map", "Attributes", "tier"), ("json", member, ""), ("key", "", key name),
        ("id", "", ""); None for a column the format does not have."""
        if column == PROFILE_ID:
            return ("id", "", "")
        if column in self.plain:
            return ("plain", column, "")
        if column in self.json_members:
            return ("json", column, "")
        member, dot, name = column.partition(".")
        if dot and name:
            if column.startswith(KEY_PREFIX):
                return ("key", "", name)
            if member in self.maps:
                return ("map", member, name)
            if name in self.parts.get(member, ()):
                return ("part", member, name)
        return None


@lru_cache(maxsize=1)
def _parser() -> RequestParser:
    # Values are shown in messages: the rows are the user's own data, checked on their machine.
    return RequestParser(load_service_model(), _CHECKED_OPERATIONS, mask_sensitive=False)


@lru_cache(maxsize=1)
def csv_format() -> CsvFormat:
    """The format's columns for the installed botocore."""
    shape = _parser().model.operation_model("CreateProfile").input_shape
    plain, json_members, maps, order = [], [], [], []
    parts: dict[str, tuple[str, ...]] = {}
    choices: dict[str, tuple[str, ...]] = {}
    for name, member in shape.members.items():
        if name == "DomainName":
            continue
        kind = member.type_name
        if kind == "string":
            plain.append(name)
            order.append(name)
            if member.metadata.get("enum"):
                choices[name] = tuple(member.metadata["enum"])
        elif kind == "structure" and all(m.type_name == "string" for m in member.members.values()):
            parts[name] = tuple(member.members)
            order += [f"{name}.{part}" for part in member.members]
        elif kind == "map" and member.value.type_name == "string":
            maps.append(name)
        else:
            json_members.append(name)
            order.append(name)
    return CsvFormat(tuple(plain), parts, tuple(maps), tuple(json_members), choices, tuple(order))


def standard_columns() -> list[str]:
    """ProfileId and every standard column, in the model's order (the form's fields)."""
    return [PROFILE_ID, *csv_format().order]


# --- reading ----------------------------------------------------------------------------------
@dataclass
class Row:
    """One profile row: its number and its cells (column -> text; "" clears, records only), or
    the reason it cannot be read as one."""

    number: int
    cells: dict[str, str]
    problem: str = ""


def open_csv(source: BinaryIO) -> tuple[list[str], CsvRows]:
    """The header of the CSV text in ``source`` (a seekable binary file), and its rows, read one
    at a time as they are iterated: memory stays that of one row, whatever the file's size.

    CsvUnreadable when the bytes are not CSV text: for the header at once, for a later row when
    the iteration reaches it (a load then writes nothing)."""
    text = io.TextIOWrapper(source, encoding="utf-8-sig", newline="")
    reader = csv.reader(text, strict=True)
    with _unreadable_as_csv_error(source, reader):
        header = [name.strip() for name in next(reader, [])]
    if not any(header):
        raise CsvUnreadable("the file has no header row: its first row must name the columns "
                            "(FirstName, PhoneNumber, Address.City, Attributes.<name> ...)")
    if any("\x00" in name for name in header):
        # A NUL inside a cell is text (a dump writes it, a load reads it back), but column names
        # never hold one: NULs there mean UTF-16 or a binary file.
        raise CsvUnreadable("the file holds NUL bytes in its header row: it is not a CSV text file "
                            "(UTF-16?): save it as CSV UTF-8")
    return header, CsvRows(header, _raw_rows(source, text, reader))


class CsvRows:
    """The rows of a CSV file as its reader gives them, read as they are iterated: ``raw()``
    gives (row number, cells in header order), iterating gives ``Row``s (empty cells dropped:
    "not set"; rows with no cell set, blank lines, skipped)."""

    def __init__(self, header: Sequence[str], raw: Iterator[tuple[int, list[str]]]) -> None:
        self.header = list(header)
        self._raw = raw

    def raw(self) -> Iterator[tuple[int, list[str]]]:
        return self._raw

    def __iter__(self) -> Iterator[Row]:
        for number, cells in self._raw:
            row = self.as_row(number, cells)
            if row is not None:
                yield row

    def as_row(self, number: int, cells: list[str]) -> Row | None:
        width = len(self.header)
        if len(cells) > width and any(cells[width:]):
            return Row(number, {}, f"it has {len(cells)} cells but the header names {width} columns")
        row = {name: value for name, value in zip(self.header, cells, strict=False) if value != ""}
        return Row(number, row) if row else None


def _raw_rows(source: BinaryIO, text: io.TextIOWrapper, reader: Any) -> Iterator[tuple[int, list[str]]]:
    try:
        with _unreadable_as_csv_error(source, reader):
            yield from enumerate(reader, start=2)
    finally:
        text.detach()    # the caller's file stays open (and its own)


@contextlib.contextmanager
def _unreadable_as_csv_error(source: BinaryIO, reader: Any) -> Iterator[None]:
    try:
        yield
    except UnicodeDecodeError:
        raise CsvUnreadable(f"the file is not UTF-8 text (byte {_first_bad_byte(source):,} is not "
                            "UTF-8): save it as CSV UTF-8") from None
    except csv.Error as exc:
        raise CsvUnreadable(f"row {reader.line_num}: {exc}") from None


def _first_bad_byte(source: BinaryIO) -> int:
    """The 1-based position of the first byte that is not UTF-8 (read again from the start, a
    block at a time: the decoding error itself only knows its place in one block)."""
    source.seek(0)
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset = 0
    while True:
        block = source.read(1 << 16)
        pending = len(decoder.getstate()[0])
        try:
            decoder.decode(block, final=not block)
        except UnicodeDecodeError as exc:
            return offset - pending + exc.start + 1
        if not block:
            return offset + 1
        offset += len(block)


def rows_from_records(records: Sequence[Mapping[str, Any]]) -> tuple[list[str], list[Row]]:
    """Records (column -> value; None or missing: not set) as a header and rows numbered from 1."""
    header = list(dict.fromkeys(name for record in records for name in record))
    rows = []
    for number, record in enumerate(records, start=1):
        cells = {}
        for name, value in record.items():
            if value is not None:
                cells[name] = value if isinstance(value, str) else json.dumps(value)
        rows.append(Row(number, cells))
    return header, rows


def check_header(header: Sequence[str]) -> list[RowError]:
    """Problems of the header row (row 1): unknown, duplicate or badly named columns."""
    fmt = csv_format()
    errors = []
    seen: set[str] = set()
    for column in header:
        if column in seen:
            errors.append(RowError(1, column, "the column appears twice; keep one"))
        seen.add(column)
        kind = fmt.kind(column)
        if kind is None:
            errors.append(RowError(1, column, _unknown_column(column)))
        elif kind[0] == "key":
            errors += [RowError(1, column, m) for m in _key_name_problems(kind[2])]
        elif kind[0] == "map":
            errors += [RowError(1, column, v) for v in
                       _parser().check("CreateProfile", {kind[1]: {kind[2]: "x"}}, partial=True)]
    return errors


def _unknown_column(column: str) -> str:
    fmt = csv_format()
    if not column:
        return "a column has no name: name every column of the header row"
    if column in fmt.parts:
        return f"'{column}' is an address: give its parts as {column}.City, {column}.PostalCode ..."
    if column in fmt.maps:
        return f"give each of the {column} its own column, {column}.<name> (e.g. {column}.tier)"
    close = difflib.get_close_matches(column, standard_columns(), n=1)
    hint = f"did you mean {close[0]}? " if close else ""
    return (f"unknown column: {hint}columns are Profile members (FirstName, PhoneNumber ...), "
            f"Address.City and other address parts, Attributes.<name>, {KEY_PREFIX}<name> or {PROFILE_ID}")


def _key_name_problems(key: str) -> list[str]:
    if key in NOT_ATTACHABLE_KEYS:
        return [f"{key} is derived from the profile itself; values cannot be attached to it"]
    problems = [str(v) for v in _parser().check("AddProfileKey", {"KeyName": key}, partial=True)]
    if not problems and key.startswith("_") and key not in _ATTACHABLE_STANDARD:
        problems.append(f"names starting with '_' are the service's own keys, and {key} is not one: "
                        "name a custom key without the leading '_'")
    return problems


# --- checking rows and writing them --------------------------------------------------------------
CHECK_CHUNK = 5_000             # rows checked (and written) at a time: memory stays one chunk's
MAX_KEPT_ERRORS = 1_000         # errors a load keeps to show (all are counted)
MAX_KEPT_IDS = 1_000            # ProfileIds a load's result keeps (the first rows')


@dataclass
class PlannedProfile:
    """What one good row will do."""

    row: int
    action: str                       # "create" or "update"
    profile_id: str                   # "" for a create that gets a new ProfileId
    fields: dict[str, Any]            # the CreateProfile / UpdateProfile members it sets
    keys: list[tuple[str, str]]       # (key, value) pairs to attach


@dataclass
class LoadPlan:
    """A checked load: what it writes (counted; the first ``SAMPLE_ROWS`` rows kept to describe),
    or why it writes nothing (every error counted, the first ``MAX_KEPT_ERRORS`` kept)."""

    domain: str
    create_domain: bool
    new_keys: list[tuple[str, str]] = field(default_factory=list)    # (key, object type name)
    profiles: list[PlannedProfile] = field(default_factory=list)    # the first SAMPLE_ROWS
    before: dict[str, dict[str, str]] = field(default_factory=dict)  # their stored cells (updates)
    errors: list[RowError] = field(default_factory=list)             # the first MAX_KEPT_ERRORS
    error_count: int = 0
    bad_rows: int = 0
    creates: int = 0
    updates: int = 0
    attached_values: int = 0

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    def add_errors(self, errors: Sequence[RowError]) -> None:
        """The errors of one row (or of the header)."""
        if errors:
            self.error_count += len(errors)
            self.bad_rows += 1
            self.errors += errors[:max(0, MAX_KEPT_ERRORS - len(self.errors))]


@dataclass(frozen=True)
class LoadResult:
    created: int
    updated: int
    new_keys: list[str]
    created_domain: bool
    profile_ids: list[str]            # of the first MAX_KEPT_IDS planned rows, in row order


class LoadRejected(Exception):
    """A load that found errors: raised inside its transaction so that nothing is written."""

    def __init__(self, plan: LoadPlan) -> None:
        super().__init__(f"{plan.error_count} errors")
        self.plan = plan


def run_load(target: DomainLoad, header: Sequence[str], rows: Iterable[Row], *, commit: bool,
             max_rows: int | None = None) -> tuple[LoadPlan, LoadResult | None]:
    """Check every row as the API would, against the domain as ``target`` holds it, and with
    ``commit`` write the good ones as they go, a chunk at a time. Rows are read as they come
    (never all held). A load with any error raises LoadRejected when it commits (the caller's
    transaction rolls back: all or nothing) and returns the plan when it only checks. More than
    ``max_rows`` rows is an error (reading stops there)."""
    plan = LoadPlan(target.domain, create_domain=target.state is None)
    problem = domain_name_problem(target.domain)
    if problem:
        plan.add_errors([RowError(1, "", f"domain {target.domain!r}: {problem}")])
    plan.add_errors(check_header(header))
    if plan.ok:
        plan.new_keys = _new_keys(header, target.state)
        if commit:
            target.prepare(dict(NEW_DOMAIN_SETTINGS),
                           [(name, key_object_type(key)) for key, name in plan.new_keys])
        ids = _check_rows(target, plan, rows, commit=commit, max_rows=max_rows)
    if not plan.ok:
        if commit:
            raise LoadRejected(plan)
        return plan, None
    if not commit:
        return plan, None
    return plan, LoadResult(plan.creates, plan.updates, [k for k, _ in plan.new_keys], plan.create_domain,
                            ids)


def _new_keys(header: Sequence[str], state: DomainState | None) -> list[tuple[str, str]]:
    """(key, object type name) of each Key.<name> column the domain does not have yet."""
    known_keys = set(state.search_keys) if state else set(STANDARD_KEYS + INTEGRATION_KEYS)
    taken_types = set(state.object_types) if state else set()
    new = []
    for column in header:
        kind = _column_kind(column)
        if kind and kind[0] == "key" and kind[2] not in known_keys:
            type_name = key_object_type_name(kind[2], taken_types)
            taken_types.add(type_name)
            new.append((kind[2], type_name))
    return new


# (row number, action, ProfileId ("" for a new one), fields, (key, value) pairs): one checked row.
Checked = tuple[int, str, str, dict[str, Any], list[tuple[str, str]]]
# (min length, max length, enum values or None, pattern or None) of a string shape.
Limits = tuple[int, int, frozenset[str] | None, re.Pattern[str] | None]


def _check_rows(target: DomainLoad, plan: LoadPlan, rows: Iterable[Row], *, commit: bool,
                max_rows: int | None) -> list[str]:
    """Plan each row (writing the good ones while no row has failed); the first ProfileIds."""
    first_row_of: dict[str, int] = {}     # the one thing that grows with the rows: ids given
    kept_ids: list[str] = []
    read = 0
    csv_rows = rows if isinstance(rows, CsvRows) else None
    quick = _quick_columns(tuple(csv_rows.header)) if csv_rows is not None else None
    for chunk in _chunks(csv_rows.raw() if csv_rows is not None else rows, CHECK_CHUNK):
        read += len(chunk) if csv_rows is None else sum(1 for _, cells in chunk if any(cells))  # not blank
        if max_rows is not None and read > max_rows:
            plan.add_errors([RowError(max_rows + 2, "", f"the load has more than {max_rows:,} rows, the "
                                      "most this local service loads at once: split the file")])
            break
        if csv_rows is not None and quick is None:
            chunk = _as_rows(csv_rows, chunk)
        if quick is not None:
            index = quick.id_index
            ids = [] if index is None else [cells[index] for _, cells in chunk if len(cells) > index]
        else:
            ids = [row.cells.get(PROFILE_ID, "") for row in chunk]
        ids = [i for i in ids if i]
        existing = target.existing_ids(ids) if ids and target.state is not None else set()
        checked = quick.check(chunk, existing, first_row_of) if quick is not None else None
        if checked is None:
            if quick is not None and csv_rows is not None:
                chunk = _as_rows(csv_rows, chunk)
            checked = []
            for row in chunk:
                planned, errors = _plan_row(plan.domain, row, existing, first_row_of)
                plan.add_errors(errors)
                if planned is not None:
                    checked.append((planned.row, planned.action, planned.profile_id, planned.fields,
                                    planned.keys))
        if not plan.ok:
            continue          # checking on, for the errors of every row; nothing more is written
        new_ids = iter(_random_ids(len(checked)))      # 32 random hex digits, as the API's ids are
        if len(kept_ids) >= MAX_KEPT_IDS:     # past the rows a result shows: just sort them out
            creates: list[ProfileRow] = [(given or next(new_ids), f, k)
                                         for _, action, given, f, k in checked if action == "create"]
            updates: list[ProfileRow] = [(given, f, k) for _, action, given, f, k in checked
                                         if action != "create"]
            plan.attached_values += sum(len(k) for *_, k in checked)
            plan.creates += len(creates)
            plan.updates += len(updates)
            if commit:
                target.write(creates, updates)
            continue
        creates, updates = [], []
        sampled: list[str] = []
        for number, action, given_id, fields, keys in checked:
            if action == "create":
                profile_id = given_id or next(new_ids)
                creates.append((profile_id, fields, keys))
            else:
                profile_id = given_id
                updates.append((profile_id, fields, keys))
            if keys:
                plan.attached_values += len(keys)
            if len(kept_ids) < MAX_KEPT_IDS:
                kept_ids.append(profile_id)
                if len(plan.profiles) < SAMPLE_ROWS:
                    plan.profiles.append(PlannedProfile(number, action, given_id, fields, keys))
                    if action == "update":
                        sampled.append(profile_id)
        plan.creates += len(creates)
        plan.updates += len(updates)
        if sampled:      # read before this chunk is written: a preview shows old -> new
            plan.before.update({p.profile_id: profile_cells(p) for p in target.stored(sampled)})
        if commit:
            target.write(creates, updates)
    return kept_ids


def _as_rows(rows: CsvRows, chunk: list[tuple[int, list[str]]]) -> list[Row]:
    return [row for row in (rows.as_row(number, cells) for number, cells in chunk) if row is not None]


@dataclass(frozen=True)
class _QuickColumns:
    """A CSV header compiled for checking a chunk of rows column by column: each column's values
    tested at once against its shape's limits (C loops: len, min, max, set, re), and the request
    built from the cells with no per-cell dispatch. It proves a chunk has no error, or gives up
    (None) and lets ``_plan_row`` check the chunk row by row and word the errors."""

    width: int
    id_index: int | None
    steps: tuple[tuple[int, str, tuple[tuple[int, str], ...] | None], ...]   # header order
    keys: tuple[tuple[int, str], ...]
    limits: dict[bool, tuple[tuple[int, Limits], ...]]     # create? -> (column index, limits)
    key_limits: Limits | None

    def check(self, chunk: list[tuple[int, list[str]]], existing: set[str],
              first_row_of: dict[str, int]) -> list[Checked] | None:
        width, id_index = self.width, self.id_index
        rows: list[tuple[int, list[str]]] = []
        for number, cells in chunk:
            if len(cells) != width:
                if len(cells) > width:
                    if any(cells[width:]):
                        return None
                    cells = cells[:width]
                else:
                    cells = cells + [""] * (width - len(cells))
            if any(cells):
                rows.append((number, cells))
        creates, updates = rows, []
        if id_index is not None:
            creates, seen = [], set()
            for number, cells in rows:
                profile_id = cells[id_index]
                if profile_id:
                    if profile_id in seen or profile_id in first_row_of:
                        return None
                    seen.add(profile_id)
                    if profile_id in existing:
                        updates.append((number, cells))
                        continue
                    if not _profile_id_pattern().fullmatch(profile_id):
                        return None
                creates.append((number, cells))
        if not (_values_fit(creates, self.limits[True]) and _values_fit(updates, self.limits[False])):
            return None
        for index, _ in self.keys:     # one value per cell, and it fits (else the full check)
            values = [cells[index] for _, cells in rows if cells[index]]
            if values and (any("\n" in v or "\r" in v for v in values)
                           or not _strings_fit(values, self.key_limits)):
                return None
        checked: list[Checked] = []
        for number, cells in rows:
            fields: dict[str, Any] = {}
            for index, member, parts in self.steps:
                if parts is None:
                    if cells[index]:
                        fields[member] = cells[index]
                elif len(parts) == 1:
                    if cells[index]:
                        fields[member] = {parts[0][1]: cells[index]}
                else:
                    inner = {name: cells[i] for i, name in parts if cells[i]}
                    if inner:
                        fields[member] = inner
            keys = [(key, cells[index]) for index, key in self.keys if cells[index]]
            profile_id = cells[id_index] if id_index is not None else ""
            if profile_id:
                first_row_of[profile_id] = number
                if profile_id in existing:
                    if fields or keys:         # else nothing to change
                        checked.append((number, "update", profile_id, fields, keys))
                    continue
            checked.append((number, "create", profile_id, fields, keys))
        return checked


def _strings_fit(values: list[str], limits: Limits | None) -> bool:
    if limits is None:
        return False
    low, high, choices, pattern = limits
    lengths = list(map(len, values))
    return (min(lengths) >= low and max(lengths) <= high
            and (choices is None or choices.issuperset(values))
            and (pattern is None or all(map(pattern.search, values))))


def _values_fit(rows: list[tuple[int, list[str]]], limits: tuple[tuple[int, Limits], ...]) -> bool:
    """Whether every set cell of ``rows`` fits its column's limits, a column at a time."""
    if not rows:
        return True
    for index, rule in limits:
        values = [cells[index] for _, cells in rows if cells[index]]
        if values and not _strings_fit(values, rule):
            return False
    return True


@lru_cache(maxsize=16)
def _quick_columns(header: tuple[str, ...]) -> _QuickColumns | None:
    """The header compiled for the quick check; None when a column needs the full one (JSON
    members, or a limit the quick check does not cover)."""
    steps: list[tuple[int, str, list[tuple[int, str]] | None]] = []
    groups: dict[str, list[tuple[int, str]]] = {}
    keys: list[tuple[int, str]] = []
    limits: dict[bool, list[tuple[int, Limits]]] = {True: [], False: []}
    id_index = None
    for index, column in enumerate(header):
        kind, member, name, _ = _column_rule(column, True)
        if kind == "id":
            id_index = index
        elif kind == "key":
            keys.append((index, name))
        elif kind in ("plain", "part", "map"):
            for create in (True, False):
                rule = _column_rule(column, create)[3]
                if rule is None:
                    return None
                limits[create].append((index, rule))
            if kind == "plain":
                steps.append((index, member, None))
            elif member in groups:
                groups[member].append((index, name))
            else:
                groups[member] = [(index, name)]
                steps.append((index, member, groups[member]))
        else:
            return None
    low, high, string = _key_values_limits()
    key_limits = (string.low, string.high, string.choices, string.pattern) if low <= 1 <= high else None
    return _QuickColumns(len(header), id_index,
                         tuple((i, m, None if p is None else tuple(p)) for i, m, p in steps),
                         tuple(keys), {c: tuple(v) for c, v in limits.items()}, key_limits)


def _random_ids(count: int) -> list[str]:
    """``count`` new ProfileIds (random 32-hex-digit ids; one urandom call for them all)."""
    digits = os.urandom(16 * count).hex()
    return [digits[i:i + 32] for i in range(0, len(digits), 32)]


def _chunks(rows: Iterable[T], size: int) -> Iterator[list[T]]:
    source = iter(rows)
    while chunk := list(itertools.islice(source, size)):
        yield chunk


def _plan_row(domain: str, row: Row, existing: set[str],
              first_row_of: dict[str, int]) -> tuple[PlannedProfile | None, list[RowError]]:
    if row.problem:
        return None, [RowError(row.number, "", row.problem)]
    profile_id = row.cells.get(PROFILE_ID, "")
    action = "update" if profile_id in existing else "create"
    fields, keys, errors, fits = _cells_to_request(row, create=action == "create")
    if profile_id:
        if profile_id in first_row_of:
            errors.append(RowError(row.number, PROFILE_ID, f"ProfileId {profile_id} is also on row "
                                   f"{first_row_of[profile_id]}: give each profile one row"))
        first_row_of.setdefault(profile_id, row.number)
    # Most rows break nothing, and the quick test of the cells said so; the full walk of the
    # model (which words the errors) runs only for a row that may break something.
    if action == "create":
        if profile_id:
            errors += [RowError(row.number, PROFILE_ID, m) for m in _new_profile_id_problems(profile_id)]
        violations = [] if fits else _parser().check("CreateProfile", {"DomainName": domain, **fields})
    else:
        violations = [] if fits else _parser().check("UpdateProfile", {"DomainName": domain,
                                                                        "ProfileId": profile_id, **fields})
    errors += [RowError(row.number, _column_of(v, row.cells), str(v)) for v in violations]
    if errors:
        return None, errors
    if not fields and not keys and action == "update":
        return None, []          # nothing to change
    return PlannedProfile(row.number, action, profile_id, fields, keys), []


@lru_cache(maxsize=4096)
def _column_kind(column: str) -> tuple[str, str, str] | None:
    return csv_format().kind(column)


@lru_cache(maxsize=8192)
def _column_rule(column: str, create: bool) -> tuple[str, str, str, Limits | None]:
    """(kind, member, name, limits) of a column for a create or an update: limits (min, max,
    enum values, pattern) of the string shape its value goes to, None when a value there takes
    the full check (JSON members, maps with size limits, addresses with required parts)."""
    kind, member, name = _column_kind(column) or ("", "", "")
    limits = None
    if kind in ("plain", "part", "map"):
        parser = _parser()
        shape = parser.model.operation_model("CreateProfile" if create else "UpdateProfile").input_shape
        member_shape = shape.members[member]
        leaf = None
        if kind == "plain":
            leaf = member_shape
        elif kind == "part" and not member_shape.required_members:
            leaf = member_shape.members[name]
        elif kind == "map" and "min" not in member_shape.metadata and "max" not in member_shape.metadata:
            leaf = member_shape.value
        if leaf is not None and leaf.type_name == "string":
            rule = parser.string_limits(leaf)
            limits = (rule.low, rule.high, rule.choices, rule.pattern)
    return kind, member, name, limits


def _cells_to_request(row: Row, *, create: bool) -> tuple[dict[str, Any], list[tuple[str, str]],
                                                          list[RowError], bool]:
    """The request members and (key, value) pairs a row's cells stand for, and whether every
    value surely fits the model (else the full check words what does not). A create has
    nothing to clear: its "" values (and maps left empty) are left out."""
    fields: dict[str, Any] = {}
    keys: list[tuple[str, str]] = []
    errors: list[RowError] = []
    fits = True
    for column, text in row.cells.items():
        kind, member, name, limits = _column_rule(column, create)
        if kind == "plain":
            if create and text == "":
                continue
            fields[member] = text
        elif kind == "part" or kind == "map":
            if create and text == "":
                continue
            inner = fields.get(member)
            if inner is None:
                inner = fields[member] = {}
            inner[name] = text
        elif kind == "json":
            fits = False
            if text:
                try:
                    value = json.loads(text)
                except ValueError as exc:
                    errors.append(RowError(row.number, column, f"not JSON ({exc}): {member} is written "
                                           "as the API's JSON"))
                    continue
                if not (create and value in ("", {})):
                    fields[member] = value
            continue
        elif kind == "key":
            values = [v for v in text.replace("\r\n", "\n").split(VALUE_SEPARATOR) if v]
            errors += [RowError(row.number, column, str(v)) for v in _key_values_problems(values)]
            keys += [(name, value) for value in dict.fromkeys(values)]
            continue
        else:
            continue
        if limits is None:
            fits = False
        elif fits:
            low, high, choices, pattern = limits
            if not low <= len(text) <= high or (choices is not None and text not in choices) \
                    or (pattern is not None and pattern.search(text) is None):
                fits = False
    return fields, keys, errors, fits


@lru_cache(maxsize=1)
def _key_values_limits() -> tuple[int, int, Any]:
    shape = _parser().model.operation_model("AddProfileKey").input_shape.members["Values"]
    return (shape.metadata.get("min", 0), shape.metadata.get("max", 1 << 62),
            _parser().string_limits(shape.member))


def _key_values_problems(values: list[str]) -> list[Violation]:
    low, high, limits = _key_values_limits()
    if low <= len(values) <= high and all(limits.fits(v) for v in values):
        return []
    return _parser().check("AddProfileKey", {"Values": values}, partial=True)


@lru_cache(maxsize=1)
def _profile_id_pattern() -> re.Pattern[str]:
    shape = _parser().model.operation_model("UpdateProfile").input_shape.members[PROFILE_ID]
    return re.compile(shape.metadata["pattern"])


def _new_profile_id_problems(profile_id: str) -> list[str]:
    """A profile created with a given id: it must be the whole of what the API's ProfileId
    pattern describes (32 lower-case hex digits), as the ids the service makes are."""
    if _profile_id_pattern().fullmatch(profile_id):
        return []
    return [f"ProfileId '{profile_id[:40]}' is not in this domain, and a new profile's id must be "
            f"{_profile_id_pattern().pattern} (32 lower-case hex digits); leave the cell empty to get a "
            "new id"]


def _column_of(violation: Violation, cells: Mapping[str, str]) -> str:
    """The column a violation is about: its member path, else the member's own column."""
    where = violation.where
    if where in cells:
        return where
    head = where.split(".", 1)[0].split("[", 1)[0]
    return head if head in cells else ""


def load_seeder(domain: str, header: Sequence[str], rows: Iterable[Row],
                on_loaded: Callable[[LoadPlan, LoadResult], None]) -> Seeder:
    """A seeder for a database being built (``store.open_store``) that loads the rows into
    ``domain`` the fast way (no index kept up to date while writing; they are built once at the
    end). LoadRejected when a row is bad (the file is then never given its name)."""
    def seed(writer: BulkWriter) -> None:
        target = DomainLoad(writer.conn, domain, writer)
        if target.state is not None:        # a seeder made the domain: its ProfileIds are looked up
            writer.build_indexes()
        plan, result = run_load(target, header, rows, commit=True)
        assert result is not None
        on_loaded(plan, result)
    return seed


# --- what a plan will change (for a preview) --------------------------------------------------
def describe_plan(plan: LoadPlan, *, max_errors: int = MAX_KEPT_ERRORS) -> dict[str, Any]:
    """A JSON-ready account of a plan: counts, new keys, its first rows with what they change
    (old -> new for updates), its first ``max_errors`` errors."""
    rows = []
    for planned in plan.profiles:
        after = _request_cells(planned)
        old = plan.before.get(planned.profile_id, {})
        changes = {c: {"from": old.get(c, ""), "to": v} for c, v in after.items() if old.get(c, "") != v}
        rows.append({"row": planned.row, "action": planned.action, PROFILE_ID: planned.profile_id,
                     "name": full_name(planned.fields) or old.get("FirstName", ""), "changes": changes})
    return {
        "domain": plan.domain, "create_domain": plan.create_domain, "ok": plan.ok,
        "creates": plan.creates, "updates": plan.updates,
        "new_keys": [key for key, _ in plan.new_keys],
        "attached_values": plan.attached_values,
        "rows": rows, "error_count": plan.error_count,
        "errors": [e.as_dict() for e in plan.errors[:max_errors]],
    }


def _request_cells(planned: PlannedProfile) -> dict[str, str]:
    """The cells a planned row sets, as columns (Key.<name> values joined one per line)."""
    cells = _flatten(planned.fields)
    for key, values in _group(planned.keys).items():
        cells[f"{KEY_PREFIX}{key}"] = VALUE_SEPARATOR.join(values)
    return cells


def describe_result(result: LoadResult, domain: str) -> str:
    """One line: what a load wrote."""
    parts = [f"{result.created:,} created", f"{result.updated:,} updated"]
    if result.new_keys:
        noun = "new custom keys" if len(result.new_keys) > 1 else "new custom key"
        parts.append(f"{noun} {', '.join(result.new_keys)}")
    made = " (new domain)" if result.created_domain else ""
    return f"loaded domain {domain}{made}: " + ", ".join(parts)


def domain_name_problem(domain: str) -> str:
    """Why ``domain`` cannot be a domain name (the API's DomainName rules), or ""."""
    return "; ".join(_parser().check("CreateDomain", {"DomainName": domain}, partial=True))


# --- profiles as rows (dump, the Data page's table) ---------------------------------------------
def _flatten(fields: Mapping[str, Any]) -> dict[str, str]:
    fmt = csv_format()
    cells: dict[str, str] = {}
    for member, value in fields.items():
        if member in fmt.parts or member in fmt.maps:
            for name, inner in (value or {}).items():
                cells[f"{member}.{name}"] = inner
        elif member in fmt.json_members:
            cells[member] = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        else:
            cells[member] = value
    return cells


def _group(pairs: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for key, value in pairs:
        grouped.setdefault(key, []).append(value)
    return grouped


def profile_cells(profile: StoredProfile) -> dict[str, str]:
    """A stored profile as the format's cells (only the ones set)."""
    cells = {PROFILE_ID: profile.profile_id, **_flatten(profile.fields)}
    for key, values in _group(profile.attached).items():
        cells[f"{KEY_PREFIX}{key}"] = VALUE_SEPARATOR.join(values)
    return cells


def column_order(columns: Iterable[str]) -> list[str]:
    """Columns in the format's order: ProfileId, the standard ones as the model lists them, then
    Attributes.<name> and Key.<name> in the order given."""
    given = list(dict.fromkeys(columns))
    present = set(given)
    standard = [c for c in standard_columns() if c in present]
    attributes = [c for c in given if (csv_format().kind(c) or ("",))[0] == "map"]
    keys = [c for c in given if c.startswith(KEY_PREFIX)]
    return standard + attributes + keys


def dump(store: Store, domain: str, out: TextIO) -> int:
    """Write ``domain`` as CSV (only the columns some profile uses); the number of profiles."""
    seen: dict[str, None] = {}
    for profile in store.iter_profiles(domain):      # first pass: which columns
        seen.update(dict.fromkeys(profile_cells(profile)))
    writer = csv.DictWriter(out, fieldnames=column_order(seen) or [PROFILE_ID], restval="",
                            lineterminator="\r\n")
    writer.writeheader()
    count = 0
    for profile in store.iter_profiles(domain):
        writer.writerow(profile_cells(profile))
        count += 1
    return count


def dump_text(store: Store, domain: str) -> str:
    out = io.StringIO(newline="")
    dump(store, domain, out)
    return out.getvalue()
