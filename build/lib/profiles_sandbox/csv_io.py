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

Loading is all or nothing: every row is first checked as the API would check the CreateProfile,
UpdateProfile, AddProfileKey and PutProfileObjectType requests it stands for (botocore's model,
through ``validation``); if any row is bad nothing is written, and each error names its row and
column. A good load is written in one transaction (``Store.load``).

Rows may also come as records (column -> value, from the Data page's form): there ``""`` clears a
value of an existing profile (UpdateProfile's meaning), and a missing column or None is "not set".
"""

from __future__ import annotations

import codecs
import csv
import difflib
import io
import json
import re
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, TextIO

from .custom_keys import key_object_type, key_object_type_name
from .store import INTEGRATION_KEYS, NOT_ATTACHABLE_KEYS, STANDARD_KEYS, Store, StoredProfile, full_name
from .validation import RequestParser, Violation, load_service_model

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


def read_csv(data: bytes) -> tuple[list[str], list[Row]]:
    """The header and the rows of CSV bytes; empty cells are dropped ("not set"), and so are rows
    with no cell set (blank lines). CsvUnreadable when the bytes are not CSV text."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CsvUnreadable(f"the file is not UTF-8 text (byte {exc.start + 1:,} is not UTF-8): save it "
                            "as CSV UTF-8") from None
    if "\x00" in text:
        raise CsvUnreadable("the file holds NUL bytes: it is not a CSV text file")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [name.strip() for name in next(reader, [])]
        if not any(header):
            raise CsvUnreadable("the file has no header row: its first row must name the columns "
                                "(FirstName, PhoneNumber, Address.City, Attributes.<name> ...)")
        rows = []
        for number, cells in enumerate(reader, start=2):
            if len(cells) > len(header) and any(cells[len(header):]):
                rows.append(Row(number, {}, f"it has {len(cells)} cells but the header names "
                                            f"{len(header)} columns"))
                continue
            row = {name: value for name, value in zip(header, cells, strict=False) if value != ""}
            if row:
                rows.append(Row(number, row))
    except csv.Error as exc:
        raise CsvUnreadable(f"row {reader.line_num}: {exc}") from None
    return header, rows


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


# --- checking rows against the domain ---------------------------------------------------------
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
    """A checked load: what it will write, or why it will write nothing."""

    domain: str
    create_domain: bool
    new_keys: list[tuple[str, str]] = field(default_factory=list)    # (key, object type name)
    profiles: list[PlannedProfile] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def creates(self) -> int:
        return sum(1 for p in self.profiles if p.action == "create")

    @property
    def updates(self) -> int:
        return sum(1 for p in self.profiles if p.action == "update")


def plan_load(store: Store, domain: str, header: Sequence[str], rows: Sequence[Row]) -> LoadPlan:
    """Check every row as the API would, against ``domain`` as ``store`` holds it now."""
    state = store.domain_state(domain)
    plan = LoadPlan(domain, create_domain=state is None)
    if domain_name_problem(domain):
        plan.errors.append(RowError(1, "", f"domain {domain!r}: {domain_name_problem(domain)}"))
    plan.errors += check_header(header)
    if plan.errors:
        return plan
    known_keys = set(state.search_keys) if state else set(STANDARD_KEYS + INTEGRATION_KEYS)
    taken_types = set(state.object_types) if state else set()
    for column in header:
        kind = csv_format().kind(column)
        if kind and kind[0] == "key" and kind[2] not in known_keys:
            type_name = key_object_type_name(kind[2], taken_types)
            taken_types.add(type_name)
            plan.new_keys.append((kind[2], type_name))
    ids = [row.cells[PROFILE_ID] for row in rows if row.cells.get(PROFILE_ID)]
    existing = store.existing_profile_ids(domain, ids) if state else set()
    first_row_of: dict[str, int] = {}
    for row in rows:
        planned, errors = _plan_row(domain, row, existing, first_row_of)
        if errors:
            plan.errors += errors
        elif planned is not None:
            plan.profiles.append(planned)
    return plan


def _plan_row(domain: str, row: Row, existing: set[str],
              first_row_of: dict[str, int]) -> tuple[PlannedProfile | None, list[RowError]]:
    if row.problem:
        return None, [RowError(row.number, "", row.problem)]
    fields, keys, errors = _cells_to_request(row)
    profile_id = row.cells.get(PROFILE_ID, "")
    if profile_id:
        if profile_id in first_row_of:
            errors.append(RowError(row.number, PROFILE_ID, f"ProfileId {profile_id} is also on row "
                                   f"{first_row_of[profile_id]}: give each profile one row"))
        first_row_of.setdefault(profile_id, row.number)
    action = "update" if profile_id in existing else "create"
    if action == "create":
        fields = _without_clears(fields)
        if profile_id:
            errors += [RowError(row.number, PROFILE_ID, m) for m in _new_profile_id_problems(profile_id)]
        violations = _parser().check("CreateProfile", {"DomainName": domain, **fields})
    else:
        violations = _parser().check("UpdateProfile", {"DomainName": domain, "ProfileId": profile_id,
                                                       **fields})
    errors += [RowError(row.number, _column_of(v, row.cells), str(v)) for v in violations]
    if errors:
        return None, errors
    if not fields and not keys and action == "update":
        return None, []          # nothing to change
    return PlannedProfile(row.number, action, profile_id, fields, keys), []


def _cells_to_request(row: Row) -> tuple[dict[str, Any], list[tuple[str, str]], list[RowError]]:
    """The request members and (key, value) pairs a row's cells stand for."""
    fmt = csv_format()
    fields: dict[str, Any] = {}
    keys: list[tuple[str, str]] = []
    errors: list[RowError] = []
    for column, text in row.cells.items():
        kind, member, name = fmt.kind(column) or ("", "", "")
        if kind == "plain":
            fields[member] = text
        elif kind in ("part", "map"):
            fields.setdefault(member, {})[name] = text
        elif kind == "json" and text:
            try:
                fields[member] = json.loads(text)
            except ValueError as exc:
                errors.append(RowError(row.number, column, f"not JSON ({exc}): {member} is written as "
                                       "the API's JSON"))
        elif kind == "key":
            values = [v for v in text.replace("\r\n", "\n").split(VALUE_SEPARATOR) if v]
            errors += [RowError(row.number, column, str(v)) for v in
                       _parser().check("AddProfileKey", {"Values": values}, partial=True)]
            keys += [(name, value) for value in dict.fromkeys(values)]
    return fields, keys, errors


def _without_clears(fields: dict[str, Any]) -> dict[str, Any]:
    """A create has nothing to clear: "" values (and emptied maps) are left out."""
    out = {}
    for name, value in fields.items():
        if isinstance(value, dict):
            value = {k: v for k, v in value.items() if v != ""}
        if value not in ("", {}):
            out[name] = value
    return out


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


# --- what a plan will change (for a preview) --------------------------------------------------
def describe_plan(store: Store, plan: LoadPlan, *, sample: int = SAMPLE_ROWS,
                  max_errors: int = 1_000) -> dict[str, Any]:
    """A JSON-ready account of a plan: counts, new keys, the first ``sample`` rows with what they
    change (old -> new for updates), the first ``max_errors`` errors."""
    shown = plan.profiles[:sample]
    updated = [p.profile_id for p in shown if p.action == "update"]
    before = {s.profile_id: profile_cells(s) for s in store.profiles_by_id(plan.domain, updated)} \
        if updated else {}
    rows = []
    for planned in shown:
        after = _request_cells(planned)
        old = before.get(planned.profile_id, {})
        changes = {c: {"from": old.get(c, ""), "to": v} for c, v in after.items() if old.get(c, "") != v}
        rows.append({"row": planned.row, "action": planned.action, PROFILE_ID: planned.profile_id,
                     "name": full_name(planned.fields) or old.get("FirstName", ""), "changes": changes})
    return {
        "domain": plan.domain, "create_domain": plan.create_domain, "ok": plan.ok,
        "creates": plan.creates, "updates": plan.updates,
        "new_keys": [key for key, _ in plan.new_keys],
        "attached_values": sum(len(p.keys) for p in plan.profiles),
        "rows": rows, "error_count": len(plan.errors),
        "errors": [e.as_dict() for e in plan.errors[:max_errors]],
    }


def _request_cells(planned: PlannedProfile) -> dict[str, str]:
    """The cells a planned row sets, as columns (Key.<name> values joined one per line)."""
    cells = _flatten(planned.fields)
    for key, values in _group(planned.keys).items():
        cells[f"{KEY_PREFIX}{key}"] = VALUE_SEPARATOR.join(values)
    return cells


# --- writing ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class LoadResult:
    created: int
    updated: int
    new_keys: list[str]
    created_domain: bool
    profile_ids: list[str]            # of every planned row, in row order (new ids included)


def apply_load(store: Store, plan: LoadPlan) -> LoadResult:
    """Write a plan that has no errors, in one transaction (``Store.load``)."""
    if not plan.ok:
        raise ValueError("a load with errors writes nothing")
    creates, updates, ids = [], [], []
    for planned in plan.profiles:
        profile_id = planned.profile_id or uuid.uuid4().hex
        ids.append(profile_id)
        (creates if planned.action == "create" else updates).append((profile_id, planned.fields,
                                                                     planned.keys))
    store.load(plan.domain, domain_settings=dict(NEW_DOMAIN_SETTINGS) if plan.create_domain else None,
               object_types=[(name, key_object_type(key)) for key, name in plan.new_keys],
               creates=creates, updates=updates)
    return LoadResult(len(creates), len(updates), [k for k, _ in plan.new_keys], plan.create_domain, ids)


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


def load_csv(store: Store, domain: str, data: bytes) -> tuple[LoadPlan, LoadResult | None]:
    """Check CSV bytes and, when every row is good, write them; CsvUnreadable when unreadable."""
    header, rows = read_csv(data)
    plan = plan_load(store, domain, header, rows)
    return plan, (apply_load(store, plan) if plan.ok else None)


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
