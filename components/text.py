"""Text shown as typed in Streamlit elements that read Markdown.

``st.markdown``, ``st.caption``, the alerts (``st.error`` ...), widget labels and help texts, badges,
button labels and ``st.table`` cells all read GitHub-flavoured Markdown plus LaTeX (``$...$``)
and Streamlit's directives (``:red[...]``, ``:material/icon:``, emoji short codes). A message that
holds a user's input or ``$.`` paths must not be read that way: two ``$`` in one message turned the
text between them into italic maths. Every such text goes through ``literal`` (or ``code`` for an
inline code span); texts we write ourselves with intended Markdown (bold, code) are not passed in.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

# What Markdown, LaTeX or Streamlit's directives read anywhere in a line: emphasis, code, links and
# images ([ ] after ! or before ( ), HTML and entities, maths ($), strike-through, table pipes,
# directives and emoji short codes (":" before a non-space: :red[...], :material/x:, :smile:).
_INLINE = re.compile(r"([\\`*_{}\[\]<>$~|&]|:(?=\S))")
# What it reads only at the start of a line: headings, bullets, setext underlines ("#", "+", "-",
# "=") and numbered items ("1." and "1)": the dot or bracket after the number is escaped).
_LINE_START = re.compile(r"^([ \t]*)([#+\-=]|\d+[.)])", re.MULTILINE)


def literal(text: object) -> str:
    """``text`` escaped so that Markdown shows it character for character (line breaks kept).

    Only what Markdown would read is escaped (CommonMark lets a backslash escape any ASCII
    punctuation), so an ordinary label such as ``CustomerEndpoint.Address`` stays as it is, for
    the page and for a screen reader (a widget's accessible name is its label's source).
    """
    escaped = _INLINE.sub(r"\\\1", str(text))
    escaped = _LINE_START.sub(lambda m: f"{m[1]}{m[2][:-1]}\\{m[2][-1]}", escaped)
    return escaped.replace("\n", "  \n")


def code(text: object) -> str:
    """``text`` as an inline code span, whatever backticks it holds (Markdown's rule: a fence one
    backtick longer than the longest run inside, and a space inside the fence when the text
    starts or ends with a backtick). Line breaks become spaces: a code span is one line."""
    value = " ".join(str(text).splitlines()) if str(text) else " "
    longest = max((len(run) for run in re.findall(r"`+", value)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if value.startswith("`") or value.endswith("`") else ""
    return f"{fence}{pad}{value}{pad}{fence}"


def literal_rows(rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Table rows for ``st.table`` (which reads Markdown in cells and headers), every text literal."""
    return [{literal(k): literal(v) if isinstance(v, str) else v for k, v in row.items()} for row in rows]
