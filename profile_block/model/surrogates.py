"""Lone surrogates: text that looks like a string but is not Unicode.

A JSON escape in the range ``\\ud800``-``\\udfff`` without its partner (a block link, an imported
flow), or a Python string made from bytes that were not UTF-8, holds a surrogate code point alone.
No UTF-8 encoder writes one: Streamlit cannot send it to the browser, no file or URL can hold it,
and Customer Profiles cannot be asked for it. So wherever text comes in, one is an error that says
where, and every message quotes such text through ``shown`` so that saying so cannot fail too.
"""

from __future__ import annotations

import re
from typing import Any

_LONE = re.compile("[\ud800-\udfff]")
# Every message about such text says this (``is_about_lone_surrogates`` finds them).
HOLDS_ONE = "holds a lone surrogate"


def lone_surrogate_at(text: str) -> int | None:
    """The index of the first lone surrogate of ``text``, or None when it is Unicode text.

    (A Python string holds a well-formed pair as one character, so any surrogate left is alone.)
    """
    found = _LONE.search(text)
    return None if found is None else found.start()


def is_unicode(text: str) -> bool:
    """Whether ``text`` holds no lone surrogate: the fastest test (UTF-8 encoding is C speed and
    fails on exactly those), for checks of every row or every document."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def shown(text: str) -> str:
    """``text`` with each lone surrogate written as its escape (``\\ud800``): printable, encodable."""
    return _LONE.sub(lambda m: f"\\u{ord(m[0]):04x}", text)


def surrogate_problem(text: str, what: str) -> str | None:
    """Why ``text`` cannot be used, when it holds a lone surrogate (``what`` starts the sentence:
    "The action Identifier"); None when it is Unicode text."""
    at = lone_surrogate_at(text)
    if at is None:
        return None
    return (f"{what} {HOLDS_ONE} ({shown(text[at])} at character {at + 1}), which is not "
            "Unicode text: nothing can store or send it. Retype it (or remove that character).")


def is_about_lone_surrogates(message: str) -> bool:
    """Whether a problem message is one of those above (a document's own report, with its line and
    column, then says it in place of the block's)."""
    return HOLDS_ONE in message


def first_in_json(value: Any) -> list[str | int] | None:
    """The path (keys and indexes) to the first string or object key with a lone surrogate in a
    parsed JSON value, or None. Iterative: a deeply nested value must not exhaust the stack."""
    stack: list[tuple[Any, list[str | int]]] = [(value, [])]
    while stack:
        node, path = stack.pop()
        if isinstance(node, str):
            if lone_surrogate_at(node) is not None:
                return path
        elif isinstance(node, dict):
            for key in node:
                if lone_surrogate_at(key) is not None:
                    return [*path, key]
            stack += [(child, [*path, key]) for key, child in reversed(node.items())]
        elif isinstance(node, list):
            stack += [(child, [*path, i]) for i, child in reversed(list(enumerate(node)))]
    return None
