"""What splice tests compare: a flow's text outside one action and its own metadata entry (shared by
the unit tests of splice.py and the browser test of a downloaded flow)."""

from __future__ import annotations

from profile_block.documents.document import read_document
from profile_block.documents.splice import text_index
from profile_block.model.block import read_action


def around(text: str, position: int) -> list[str]:
    """The text outside the action at ``position`` and its own ActionMetadata entry."""
    doc = read_document(text)
    index = text_index(doc)
    action = index.actions[position]
    block_id = read_action(action.value)[0].action_id
    spans = sorted([(action.start, action.end)] + [(m.key_start, m.value_end) for m in index.metadata
                                                    if m.key == block_id])
    pieces, pos = [], 0
    for start, end in spans:
        pieces.append(text[pos:start])
        pos = end
    return [*pieces, text[pos:]]
