"""JSON text with positions: where the members and items of a document are, which keys repeat, how
the document is written (indent, newlines, separators), and edits spliced into the original text.

An edit to an imported flow must leave every other byte as the user wrote it, so exports are made
by replacing spans of the original text (``value_edits`` + ``apply_edits``), never by
re-serialising the whole document.

Parsing is the standard library's C-accelerated ``json``: ``members`` and ``items`` walk only the
objects and arrays a caller asks about and let ``raw_decode`` read (and skip) everything else, so
indexing a 256,000-character flow costs a few ``json.loads``. Nothing here recurses on the
document's nesting except ``value_edits``, which follows the caller's (small) edited value.
Callers hand these functions text that ``json.loads`` accepted.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from json.decoder import scanstring
from typing import Any

from profile_block.model.surrogates import HOLDS_ONE, is_unicode, lone_surrogate_at, shown

_WS = re.compile(r"[ \t\n\r]*")
# A \uXXXX escape of a character outside ASCII: the document escapes non-ASCII text.
_NON_ASCII_ESCAPE = re.compile(r"\\u(?!00[0-7][0-9a-fA-F])[0-9a-fA-F]{4}")
_PLAIN_KEY = re.compile(r"\A[A-Za-z_][A-Za-z0-9_]*\Z")


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


_DECODER = json.JSONDecoder(parse_constant=_no_constant)


@dataclass(frozen=True, slots=True)
class Member:
    """One member of an object: its key, where the key's string token is, where the value is."""

    key: str
    key_start: int
    key_end: int
    value_start: int
    value_end: int
    value: Any


@dataclass(frozen=True, slots=True)
class Item:
    """One item of an array: where it is and what it holds."""

    start: int
    end: int
    value: Any


def skip_ws(text: str, pos: int) -> int:
    return _WS.match(text, pos).end()  # type: ignore[union-attr]  # always matches


def decode_at(text: str, pos: int) -> tuple[Any, int]:
    """The JSON value starting at ``pos`` and the index just after it."""
    return _DECODER.raw_decode(text, pos)


def root_span(text: str) -> tuple[int, int]:
    """Where the document's one value starts and ends (leading/trailing whitespace and a BOM excluded).

    ``text`` holds exactly one JSON value (json.loads accepted it), so it ends where the text does.
    """
    start = skip_ws(text, 1 if text.startswith("\ufeff") else 0)
    return start, len(text.rstrip(" \t\n\r"))


def members(text: str, start: int, limit: int | None = None) -> list[Member]:
    """The members of the object whose ``{`` is at ``start``, in document order (repeats included);
    only the first ``limit`` when given."""
    found: list[Member] = []
    pos = skip_ws(text, start + 1)
    if text[pos] == "}":
        return found
    while limit is None or len(found) < limit:
        key, key_end = scanstring(text, pos + 1)
        colon = skip_ws(text, key_end)
        value_start = skip_ws(text, colon + 1)
        value, value_end = decode_at(text, value_start)
        found.append(Member(key, pos, key_end, value_start, value_end, value))
        pos = skip_ws(text, value_end)
        if text[pos] == "}":
            return found
        pos = skip_ws(text, pos + 1)   # past the comma
    return found


def items(text: str, start: int) -> list[Item]:
    """The items of the array whose ``[`` is at ``start``, in order."""
    found: list[Item] = []
    pos = skip_ws(text, start + 1)
    if text[pos] == "]":
        return found
    while True:
        value, end = decode_at(text, pos)
        found.append(Item(pos, end, value))
        pos = skip_ws(text, end)
        if text[pos] == "]":
            return found
        pos = skip_ws(text, pos + 1)


def member(text: str, start: int, key: str) -> Member | None:
    """The member ``key`` of the object at ``start`` (the last one if it repeats, as json.loads reads)."""
    if not text.startswith("{", start):
        return None
    return last(members(text, start), key)


def last(found: list[Member], key: str) -> Member | None:
    """The last member named ``key`` (the one json.loads reads), or None."""
    return next((m for m in reversed(found) if m.key == key), None)


def line_col(text: str, pos: int) -> tuple[int, int]:
    """1-based line and column of ``pos``."""
    line = text.count("\n", 0, pos) + 1
    return line, pos - (text.rfind("\n", 0, pos) + 1) + 1


def where(text: str, pos: int) -> str:
    line, col = line_col(text, pos)
    return f"line {line}, column {col}"


def path_text(steps: Iterable[str | int]) -> str:
    """``["Actions", 3, "Parameters"]`` -> ``Actions[3].Parameters``; odd keys as ``["key"]``."""
    out = ""
    for step in steps:
        if isinstance(step, int):
            out += f"[{step}]"
        elif _PLAIN_KEY.match(step):
            out += f".{step}" if out else step
        else:
            out += f"[{json.dumps(step, ensure_ascii=False)}]"
    return out or "(the document)"


# --- repeated keys ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class DuplicateKey:
    """A key written twice in one object: where the object is and both occurrences."""

    path: str            # the object's JSON path, e.g. Actions[3].Parameters
    key: str
    first: int           # positions of the key tokens
    again: int

    def message(self, text: str) -> str:
        return (f"{self.path} has the key \"{self.key}\" twice ({where(text, self.first)} and "
                f"{where(text, self.again)}); JSON readers disagree on which one counts, and this "
                "tool would read only the last. Remove one.")


def has_duplicate_keys(text: str, parse_constant: Callable[[str], Any] | None = None) -> tuple[Any, bool]:
    """``json.loads`` that also says whether any object repeats a key (C speed plus one call per object)."""
    repeated = False

    def pairs_hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        nonlocal repeated
        obj = dict(pairs)
        if len(obj) != len(pairs):
            repeated = True
        return obj

    value = json.loads(text, object_pairs_hook=pairs_hook, parse_constant=parse_constant)
    return value, repeated


def walk(text: str, strings: bool = False) -> Iterator[tuple[int, list[str | int], list[Member] | None]]:
    """Every object and array of the document (with ``strings``, every string value too), depth
    first and without recursion (deep documents must not exhaust the stack): where it starts, its
    JSON path, and its members when it is an object (None otherwise)."""
    wanted = '{["' if strings else "{["
    start, _ = root_span(text)
    stack: list[tuple[int, list[str | int]]] = [(start, [])]
    while stack:
        pos, path = stack.pop()
        found: list[Member] | None = None
        children: list[tuple[int, list[str | int]]] = []
        if text[pos] == "{":
            found = members(text, pos)
            children = [(m.value_start, [*path, m.key]) for m in found]
        elif text[pos] == "[":
            children = [(it.start, [*path, i]) for i, it in enumerate(items(text, pos))]
        yield pos, path, found
        stack.extend(reversed([c for c in children if text[c[0]] in wanted]))


def duplicate_keys(text: str) -> list[DuplicateKey]:
    """Every repeated key of the document, with the JSON path of its object (document order)."""
    found: list[DuplicateKey] = []
    for _, path, object_members in walk(text):
        seen: dict[str, int] = {}
        for m in object_members or ():
            if m.key in seen:
                found.append(DuplicateKey(path_text(path), m.key, seen[m.key], m.key_start))
            seen.setdefault(m.key, m.key_start)
    return sorted(found, key=lambda d: d.again)


# --- text that is not Unicode ------------------------------------------------------------------------

# Where a lone surrogate can come from in JSON text: a \uD800-\uDFFF escape (its pair may follow)
# or, in text that was never UTF-8 bytes, the character itself. Without either, there is none.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


@dataclass(frozen=True)
class LoneSurrogate:
    """A string token (a key or a value) of the document whose text holds a lone surrogate."""

    path: str            # the JSON path of the value, or of the object whose key it is
    position: int        # where the string token starts
    key: str | None      # the key, when it is a key that holds one

    def message(self, text: str) -> str:
        what = self.path if self.key is None else \
            f"The key {json.dumps(self.key)} of {self.path or 'the document'}"
        return shown(f"{what} ({where(text, self.position)}) {HOLDS_ONE} (a \\ud800-\\udfff "
                     "escape without its pair), which is not Unicode text: Connect cannot store it and this "
                     "tool cannot show or write it. Replace it with the character it was meant to be, or "
                     "remove it.")


def may_hold_lone_surrogates(text: str) -> bool:
    """False when the text certainly holds none (no surrogate escape, no surrogate): one regex pass."""
    return _SURROGATE_ESCAPE.search(text) is not None or not is_unicode(text)


def lone_surrogates(text: str) -> list[LoneSurrogate]:
    """Every key and string value of the document whose text holds a lone surrogate (document order)."""
    if not may_hold_lone_surrogates(text):
        return []
    found: list[LoneSurrogate] = []
    for pos, path, object_members in walk(text, strings=True):
        if object_members is not None:
            found.extend(LoneSurrogate(path_text(path) if path else "", m.key_start, m.key)
                         for m in object_members if lone_surrogate_at(m.key) is not None)
        elif text[pos] == '"' and lone_surrogate_at(decode_at(text, pos)[0]) is not None:
            found.append(LoneSurrogate(path_text(path), pos, None))
    return sorted(found, key=lambda s: s.position)


def split_values(text: str) -> tuple[list[tuple[int, int]], int | None]:
    """The JSON values written one after another in ``text`` and where unreadable text starts (or None)."""
    spans: list[tuple[int, int]] = []
    pos = skip_ws(text, 1 if text.startswith("\ufeff") else 0)
    while pos < len(text):
        try:
            _, end = decode_at(text, pos)
        except (ValueError, RecursionError):
            return spans, pos
        spans.append((pos, end))
        pos = skip_ws(text, end)
    return spans, None


# --- style ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Style:
    """How a document is written, so spliced values look like the rest of it."""

    indent: str | None       # one indentation level ("  ", "    ", "\t"); None: all on one line
    newline: str             # "\n" or "\r\n"
    key_separator: str       # between a key and its value: ": ", ":" ...
    item_separator: str      # between members/items written on one line: "," or ", "
    ensure_ascii: bool       # non-ASCII text is written as \\uXXXX escapes


def line_indent(text: str, pos: int) -> str:
    """The leading whitespace of the line that holds ``pos``."""
    line_start = text.rfind("\n", 0, pos) + 1
    end = line_start
    while end < pos and text[end] in " \t":
        end += 1
    return text[line_start:end]


def detect_style(text: str) -> Style:
    """The style of a whole document (its one value)."""
    start, end = root_span(text)
    body = text[start:end]
    newline = "\r\n" if "\r\n" in body else "\n"
    indent: str | None = None
    if "\n" in body:
        lines = [line for line in body.split("\n")[1:] if line.strip()]
        indents = [line[: len(line) - len(line.lstrip(" \t"))] for line in lines]
        nonempty = [i for i in indents if i]
        indent = min(nonempty, key=len) if nonempty else ""
    key_separator, item_separator = ": ", ", "
    if body.startswith("{"):
        found = members(text, start, limit=2)
        if found:
            key_separator = text[found[0].key_end:found[0].value_start].strip("\r\n")
        if indent is None:
            item_separator = _between(text, found) or ","
    elif body.startswith("[") and indent is None:
        item_separator = _between(text, items(text, start)[:2]) or ","
    ensure_ascii = body.isascii() and bool(_NON_ASCII_ESCAPE.search(body))
    return Style(indent, newline, key_separator, item_separator, ensure_ascii)


def _between(text: str, parts: list[Member] | list[Item]) -> str:
    """The separator written between the first two members/items on one line ("" if it cannot tell)."""
    if len(parts) < 2:
        return ""
    first, second = parts[0], parts[1]
    end = first.value_end if isinstance(first, Member) else first.end
    start = second.key_start if isinstance(second, Member) else second.start
    gap = text[end:start]
    return gap if "\n" not in gap else ""


def render(value: Any, style: Style, base_indent: str = "", *, one_line: bool = False,
           item_separator: str | None = None, key_separator: str | None = None) -> str:
    """``value`` as JSON text in ``style``; lines after the first start with ``base_indent``."""
    key_sep = key_separator if key_separator is not None else style.key_separator
    if one_line or style.indent is None:
        item_sep = item_separator if item_separator is not None else style.item_separator
        return json.dumps(value, ensure_ascii=style.ensure_ascii, separators=(item_sep, key_sep))
    out = json.dumps(value, ensure_ascii=style.ensure_ascii, indent=style.indent, separators=(",", key_sep))
    return out.replace("\n", style.newline + base_indent)


# --- edits ------------------------------------------------------------------------------------------

@dataclass(frozen=True, order=True)
class Edit:
    """Replace ``text[start:end]`` by ``new``."""

    start: int
    end: int
    new: str


def apply_edits(text: str, edits: Iterable[Edit]) -> str:
    """``text`` with every edit made; edits must not overlap."""
    out, pos = [], 0
    for edit in sorted(edits):
        if edit.start < pos:
            raise ValueError(f"overlapping edits at {edit.start}")
        out += [text[pos:edit.start], edit.new]
        pos = edit.end
    out.append(text[pos:])
    return "".join(out)


def same(a: Any, b: Any) -> bool:
    """JSON equality that tells 1 from 1.0 from true, and object key order apart."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def value_edits(text: str, start: int, end: int, new: Any, style: Style, *,
                inline: bool = False) -> list[Edit]:
    """The smallest edits that turn the value at ``text[start:end]`` into ``new``.

    Unchanged values keep their text; an object with the same keys in the same order, or an array
    of the same length, is edited member by member; anything else is written anew in ``style`` at
    its line's indentation (on one line when it sits inside a one-line object or array).
    """
    old, _ = decode_at(text, start)
    if same(old, new):
        return []
    opener = text[start]
    filled = opener in "{[" and text[start + 1:end - 1].strip() != ""
    node_inline = inline or (filled and "\n" not in text[start:end])
    if opener == "{" and isinstance(new, dict):
        found = members(text, start)
        if [m.key for m in found] == list(new):
            return [e for m in found for e in
                    value_edits(text, m.value_start, m.value_end, new[m.key], style, inline=node_inline)]
    if opener == "[" and isinstance(new, list):
        found_items = items(text, start)
        if len(found_items) == len(new):
            return [e for it, value in zip(found_items, new, strict=True)
                    for e in value_edits(text, it.start, it.end, value, style, inline=node_inline)]
    return [Edit(start, end, _render_in_place(text, start, end, new, style, node_inline))]


def _render_in_place(text: str, start: int, end: int, new: Any, style: Style, one_line: bool) -> str:
    """``new`` written where ``text[start:end]`` was, with that value's own separators when on one line."""
    item_sep = key_sep = None
    if one_line and text[start] == "{":
        found = members(text, start)
        if found:
            key_sep = text[found[0].key_end:found[0].value_start]
        item_sep = _between(text, found) or None
    elif one_line and text[start] == "[":
        item_sep = _between(text, items(text, start)) or None
    if one_line and item_sep is None and style.indent is not None:
        # An inline object or array in an indented document: as compact as its key separator.
        item_sep = "," if key_sep == ":" else ", "
    return render(new, style, line_indent(text, start), one_line=one_line,
                  item_separator=item_sep, key_separator=key_sep)


def string_token(value: str, style: Style) -> str:
    """A JSON string token written as the document writes strings."""
    return json.dumps(value, ensure_ascii=style.ensure_ascii)
