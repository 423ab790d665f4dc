"""Rendering of ``Problem`` values: next to the widget they concern, and as a list.

Problems come from the core (``GetProfileBlock.validate``, ``flow.validate_flow``); this module
only decides how they look. Each problem names its part (``Problem.part``) so a widget can show
the ones about itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import streamlit as st

from components.text import literal
from profile_block.model.block import Problem
from profile_block.model.readiness import Note


def count_text(problems: Sequence[Problem]) -> str:
    """ "2 errors, 1 warning" (empty when there are none)."""
    errors = sum(p.is_error for p in problems)
    warnings = len(problems) - errors
    parts = []
    if errors:
        parts.append(f"{errors} error{'s' if errors != 1 else ''}")
    if warnings:
        parts.append(f"{warnings} warning{'s' if warnings != 1 else ''}")
    return ", ".join(parts)


def about(problems: Iterable[Problem], *parts: str, prefix: str = "") -> list[Problem]:
    """The problems whose part is one of ``parts`` (or starts with ``prefix``)."""
    return [p for p in problems if p.part in parts or (prefix and p.part.startswith(prefix))]


def show_inline(problems: Iterable[Problem], *parts: str, prefix: str = "") -> None:
    """Show, right here, the problems about ``parts`` (errors red, warnings amber)."""
    for p in about(problems, *parts, prefix=prefix):
        if p.is_error:
            st.error(literal(p.message), icon=":material/error:")
        else:
            st.warning(literal(p.message), icon=":material/warning:")


def show_list(problems: Sequence[Problem], heading: str = "", notes: Sequence[Note] = ()) -> None:
    """Every problem, errors first, each saying which part it concerns, then the notes: what is
    still open, apart from the problems (one element: cheap to redraw)."""
    if not problems and not notes:
        st.success("No problems: this block is ready to download.", icon=":material/check_circle:")
        return
    ordered = sorted(problems, key=lambda p: not p.is_error)
    lines = [heading, ""] if heading and problems else []
    for p in ordered:
        badge = ":red-badge[Error]" if p.is_error else ":orange-badge[Warning]"
        where = f"block {p.block_id}, {p.where}" if p.block_id else p.where
        lines.append(f"- {badge} **{literal(where)}**: {literal(p.message)}")
    if notes:
        if lines:
            lines.append("")
        lead = "" if problems else "No errors or warnings: the JSON downloads. "
        lines += [f"**Still open** · {len(notes)} note{'s' if len(notes) != 1 else ''}", "",
                  f"{lead}Before a flow can use this block:", ""]
        lines += [f"- :blue-badge[Note] **{literal(n.where)}**: "
                  f"{literal(n.message)}" for n in notes]
    st.container(border=True).markdown("\n".join(lines))
