"""CSV cells that a spreadsheet would run, made inert, and back.

A CSV opened in Excel, LibreOffice or Google Sheets runs a cell as a formula when it starts with
``=``, ``@``, ``+`` or ``-`` (and, after a tab or carriage return, so do some importers):
``=HYPERLINK("http://x.example/","x")`` in a contact id becomes a live link, ``=WEBSERVICE(...)``
or a DDE call worse. Such a cell is written with a leading ``'``, which spreadsheets read as
"this is text" (the OWASP advice for CSV injection).

What stays exactly as it is: a ``+`` or ``-`` followed only by digits, spaces and ``( ) . -``,
such as the phone number ``+15555550100``, ``+1 (555) 555-0100`` or the number ``-3.5``: without
a letter, a quote or an operator other than ``-`` there is no function, reference or link for a
spreadsheet to run (at most it shows the number).

The change is reversible: ``restore(neutralise(text)) == text`` for any text. To keep it so, a
cell that already starts with ``'`` in front of something ``neutralise`` would protect (``'=x``,
``''=x``) gets one more ``'``; every other cell, ``'abc`` included, is written as it is.
"""

from __future__ import annotations

import re

QUOTE = "'"
# Leading characters after which a spreadsheet may evaluate the cell.
FORMULA_STARTS = ("=", "@", "+", "-", "\t", "\r")
# A sign followed by these only is a number or a phone number, not a formula.
_INERT_AFTER_SIGN = re.compile(r"[0-9 ().\-]*")


def runs_as_formula(text: str) -> bool:
    """True when a spreadsheet opening the CSV could run ``text`` (see the module)."""
    stripped = text.lstrip(" ")    # importers that trim spaces would see what follows them
    if not stripped.startswith(FORMULA_STARTS):
        return False
    if stripped[0] in "+-":
        return _INERT_AFTER_SIGN.fullmatch(stripped, 1) is None
    return True


def _protected(text: str) -> bool:
    """Cells ``neutralise`` writes with a leading quote: formulas, and quoted forms of them."""
    while text.startswith(QUOTE):
        text = text[1:]
    return runs_as_formula(text)


def neutralise(text: str) -> str:
    """``text`` as a spreadsheet-safe cell: ``'`` in front of what could run, else unchanged."""
    return QUOTE + text if _protected(text) else text


def restore(cell: str) -> str:
    """The text a ``neutralise``d cell stands for (any other cell comes back unchanged)."""
    return cell[1:] if cell.startswith(QUOTE) and _protected(cell[1:]) else cell


def neutralise_row(cells: list[str] | tuple[str, ...]) -> list[str]:
    """Every cell of a row through ``neutralise``."""
    return [neutralise(cell) for cell in cells]
