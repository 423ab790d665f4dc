"""Rules of the Data page's profile form, on profiles as CSV cells (column -> text), the local
service's one format (``local_service.CsvFormat``): how the form is laid out, which cells an edit
sends, and the attribute editor's rows as cells. Checking the values is the service's job: it
checks them as the API would, and its errors name the column, which the form shows beside it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from .local_service import CsvFormat

NAME_SECTION, CONTACT_SECTION, MORE_SECTION = "Name", "Contact", "More"
# Drawn open; the address sections are folded away while empty.
OPEN_SECTIONS = (NAME_SECTION, CONTACT_SECTION, MORE_SECTION)


def form_sections(fmt: CsvFormat) -> list[tuple[str, list[str]]]:
    """The form's sections in the order people read a profile: the name ("Name": the person's,
    then the business's), how to reach them ("Contact": every phone number and email address),
    one section per address (``Address``, ``ShippingAddress`` ...), then the rest ("More": account
    number, birth date, gender, ..., JSON members last), each in the format's order. ProfileId, key
    and attribute columns are not fields of their own."""
    names = [c for c in (*NAME_COLUMNS, "BusinessName") if c in fmt.columns]
    contact = [c for c in fmt.columns if "." not in c and c.endswith(("PhoneNumber", "EmailAddress"))]
    addresses: dict[str, list[str]] = {}
    more: list[str] = []
    for column in fmt.columns:
        if column == "ProfileId" or column in names or column in contact or column in fmt.json_members:
            continue
        if "." in column:
            addresses.setdefault(column.split(".", 1)[0], []).append(column)
        else:
            more.append(column)
    more += [c for c in fmt.columns if c in fmt.json_members]
    sections = [(NAME_SECTION, names), (CONTACT_SECTION, contact), *addresses.items(), (MORE_SECTION, more)]
    return [(name, columns) for name, columns in sections if columns]


NAME_COLUMNS = ("FirstName", "MiddleName", "LastName")


def table_columns(columns: Sequence[str]) -> list[str]:
    """The table's column order: ProfileId and the name first (what a person scans for), then the
    rest in the format's order."""
    first = [c for c in ("ProfileId", *NAME_COLUMNS) if c in columns]
    return first + [c for c in columns if c not in first]


def attribute_prefix(fmt: CsvFormat) -> str:
    """``Attributes.``: the prefix of custom attribute columns."""
    return f"{fmt.map_members[0]}." if fmt.map_members else "Attributes."


def attribute_cells(rows: Iterable[tuple[str | None, str | None]],
                    prefix: str) -> tuple[dict[str, str], list[str]]:
    """The attribute editor's (name, value) rows as cells, and what is wrong with them.

    Names are trimmed; a row with neither is ignored; a value needs a name, and a name may appear
    once. A name with an empty value is kept as "" (on an edit, that clears the attribute).
    """
    cells: dict[str, str] = {}
    problems: list[str] = []
    for raw_name, raw_value in rows:
        name, value = (raw_name or "").strip(), raw_value or ""
        if not name:
            if value:
                problems.append(f"The attribute value '{value[:40]}' has no name: give it one, or "
                                "empty the row.")
            continue
        if f"{prefix}{name}" in cells:
            problems.append(f"The attribute '{name}' is listed twice: keep one row.")
            continue
        cells[f"{prefix}{name}"] = value
    return cells, problems


def attribute_rows(cells: Mapping[str, str], prefix: str) -> list[dict[str, str]]:
    """A profile's attributes as the editor's rows (name, value), in column order."""
    return [{"name": c[len(prefix):], "value": v} for c, v in cells.items() if c.startswith(prefix)]


def edited_cells(original: Mapping[str, str], edited: Mapping[str, str],
                 ignore_prefixes: Sequence[str] = ()) -> dict[str, str]:
    """What saving the form sends: for a new profile (``original`` empty) the filled cells; for an
    existing one the cells whose value changed, with "" for a value the user emptied (the service
    clears it, as UpdateProfile does). Columns starting with ``ignore_prefixes`` (attached keys,
    which the form does not edit) are left out."""
    def kept(column: str) -> bool:
        return not any(column.startswith(p) for p in ignore_prefixes)

    changes = {c: v for c, v in edited.items() if kept(c) and v != original.get(c, "")}
    if not original:
        return {c: v for c, v in changes.items() if v != ""}
    cleared = {c: "" for c in original if kept(c) and c != "ProfileId" and c not in edited}
    return {**cleared, **changes}
