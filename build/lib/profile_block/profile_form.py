"""Rules of the Data page's profile form, on profiles as CSV cells (column -> text), the local
service's one format (``local_service.CsvFormat``): how the form is laid out, which cells an edit
sends, and the attribute editor's rows as cells. Checking the values is the service's job: it
checks them as the API would, and its errors name the column, which the form shows beside it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from .local_service import CsvFormat

PROFILE_SECTION = "Profile"
OTHER_SECTION = "Other"


def form_sections(fmt: CsvFormat) -> list[tuple[str, list[str]]]:
    """The form's sections in the format's order: plain members first ("Profile"), then one per
    address (``Address``, ``ShippingAddress`` ...), then JSON members ("Other"). ProfileId, key
    and attribute columns are not fields of their own."""
    sections: dict[str, list[str]] = {PROFILE_SECTION: []}
    for column in fmt.columns:
        if column == "ProfileId":
            continue
        if column in fmt.json_members:
            sections.setdefault(OTHER_SECTION, []).append(column)
        elif "." in column:
            sections.setdefault(column.split(".", 1)[0], []).append(column)
        else:
            sections[PROFILE_SECTION].append(column)
    other = sections.pop(OTHER_SECTION, None)
    return list(sections.items()) + ([(OTHER_SECTION, other)] if other else [])


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
