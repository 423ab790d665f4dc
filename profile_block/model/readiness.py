"""What is still open before a flow can use a block that has no problems: notes, not errors.

A block with no errors or warnings downloads, but a new one brings back only ProfileId and
ProfileARN and ends the contact on every branch nobody connected; and a row "Add identifier" filled
in is a guess. ``open_items`` says so in words, each note tied to the part it concerns (the parts of
``block.Problem``), so a page can show them apart from the problems, which stay what ``validate``
says (the CLI's exit code, the download refusal).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from profile_block.flow_context.customer_data import ALWAYS_SET
from profile_block.model.block import BRANCH_LABELS, BRANCHES, GetProfileBlock
from profile_block.model.keys import SUGGESTED_VALUES, key_label


@dataclass(frozen=True)
class Note:
    """Something still open: not wrong, but not decided yet either."""

    part: str        # "fields", "branches" or "criterion:<i>" (as Problem.part)
    message: str     # a full sentence saying what is open and what to do

    @property
    def where(self) -> str:
        """The part in words: "identifier 2", "response fields", "branches"."""
        kind, _, rest = self.part.partition(":")
        if kind == "criterion":
            return f"identifier {int(rest) + 1}"
        return {"fields": "response fields"}.get(kind, kind)


def is_suggestion(block: GetProfileBlock, index: int) -> bool:
    """Whether identifier ``index`` still holds what "Add identifier" guessed for its key."""
    if not 0 <= index < len(block.identifiers):
        return False
    ident = block.identifiers[index]
    return SUGGESTED_VALUES.get(ident.key) == ident.value


def suggestion_text(block: GetProfileBlock, index: int) -> str:
    """The guess of identifier ``index`` in words (markdown), for the user to keep or change."""
    ident = block.identifiers[index]
    joined = f", joined to the others by **{block.operator}**" if len(block.identifiers) > 1 else ""
    return (f"A guess: search {key_label(ident.key)} by `{ident.value}`{joined}. "
            "Keep it only if your flow stores that value there.")


def open_items(block: GetProfileBlock, suggested: Collection[int] = ()) -> list[Note]:
    """The notes for ``block``; ``suggested``: rows "Add identifier" filled in that the user has
    not confirmed (those still holding the guess are noted)."""
    notes: list[Note] = []
    for index in sorted(suggested):
        if is_suggestion(block, index):
            ident = block.identifiers[index]
            notes.append(Note(f"criterion:{index}",
                              f"{ident.key} by {ident.value} is a suggestion: keep it or change it."))
    if not block.fields:
        always = " and ".join(ALWAYS_SET)
        notes.append(Note("fields", f"Only {always} come back: tick the response fields the rest of the "
                                    "flow reads as $.Customer.<field>."))
    open_branches = [b for b in BRANCHES if not (block.branches.get(b) or "").strip()]
    if open_branches:
        names = ", ".join(BRANCH_LABELS[b] for b in open_branches)
        notes.append(Note("branches", f"{len(BRANCHES) - len(open_branches)} of {len(BRANCHES)} branches "
                                      f"connected: a contact that takes an unconnected one ({names}) ends "
                                      "there. Set each branch's next block."))
    return notes
