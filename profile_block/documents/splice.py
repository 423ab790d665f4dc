"""Exports of an imported flow or action, spliced into the text the user gave.

``export`` writes an edited Get-profile block back into its document: the action (and its own
``Metadata.ActionMetadata`` entry) are edited in place in the document's style (indent, newlines,
separators, one line when the document is minified); a renamed Identifier renames exactly the
string tokens that name it (StartAction, NextAction values, the ActionMetadata key, console
Annotations' actionId); every other byte stays as it was. An unchanged block gives back the
original bytes, byte-order mark and missing final newline included.

``flow_file`` and ``block_file`` are the one source of the Build page's downloads, its preview
and any CLI output of an edited flow.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass, replace
from typing import Any

from profile_block.documents import jsontext
from profile_block.documents.document import DocumentError, ImportedDocument, read_document
from profile_block.documents.flow import action_id_of, dump_document, wrap_in_flow
from profile_block.documents.jsontext import Edit, Item, Member
from profile_block.documents.merge import merged_action, merged_metadata, request_rewritten
from profile_block.model.block import ACTION_TYPE, GetProfileBlock, read_action


@dataclass(frozen=True)
class TextIndex:
    """Where the parts an export touches are in a document's text."""

    style: jsontext.Style
    actions: list[Item]                  # Actions' items (a flow) or the document itself (an action)
    start_action: Member | None          # the StartAction member
    metadata: list[Member]               # the members of Metadata.ActionMetadata
    metadata_members: list[Member]       # the members of Metadata


def _object_members(text: str, found: Member | None) -> list[Member]:
    return jsontext.members(text, found.value_start) if found and text[found.value_start] == "{" else []


def text_index(doc: ImportedDocument) -> TextIndex:
    """The document's TextIndex (built once, then kept on the document)."""
    if doc.index is not None:
        return doc.index
    text = doc.text
    start, end = jsontext.root_span(text)
    style = jsontext.detect_style(text)
    if doc.kind == "action":
        doc.index = TextIndex(style, [Item(start, end, doc.document)], None, [], [])
        return doc.index
    root = jsontext.members(text, start)
    actions_member = jsontext.last(root, "Actions")
    actions = jsontext.items(text, actions_member.value_start) if actions_member else []
    meta = _object_members(text, jsontext.last(root, "Metadata"))
    doc.index = TextIndex(style, actions, jsontext.last(root, "StartAction"),
                          _object_members(text, jsontext.last(meta, "ActionMetadata")), meta)
    return doc.index


def _references(doc: ImportedDocument, index: TextIndex, name: str, edited: int) -> list[Member]:
    """The string values naming action ``name`` outside action ``edited``: StartAction, every
    NextAction inside other actions' Transitions (Errors, Conditions ... at any depth), and console
    Annotations' actionId. (Worked out only for a rename.)"""
    text = doc.text
    found = [m for m in (index.start_action,) if m is not None and m.value == name]
    stack = [t.value_start for i, a in enumerate(index.actions) if i != edited
             and isinstance(a.value, dict) and isinstance(a.value.get("Transitions"), dict | list)
             and name in json.dumps(a.value["Transitions"])
             and (t := jsontext.member(text, a.start, "Transitions")) is not None]
    while stack:
        pos = stack.pop()
        if text[pos] == "{":
            for m in jsontext.members(text, pos):
                if m.key == "NextAction" and m.value == name:
                    found.append(m)
                elif text[m.value_start] in "{[":
                    stack.append(m.value_start)
        elif text[pos] == "[":
            stack.extend(it.start for it in jsontext.items(text, pos) if text[it.start] in "{[")
    notes = jsontext.last(index.metadata_members, "Annotations")
    if notes is not None and text[notes.value_start] == "[":
        found += [m for it in jsontext.items(text, notes.value_start)
                  if (m := jsontext.member(text, it.start, "actionId")) is not None and m.value == name]
    return found


def _is_get_profile(value: Any) -> bool:
    return isinstance(value, dict) and value.get("Type") == ACTION_TYPE


@dataclass(frozen=True)
class Opened:
    """One Get-profile block of an imported document, as the user opened it for editing."""

    doc: ImportedDocument
    position: int          # its index in Actions (0 for a lone action): Identifiers may repeat
    original_id: str       # its Identifier in the document, as text

    @property
    def action(self) -> dict[str, Any]:
        return text_index(self.doc).actions[self.position].value


def blocks_of(doc: ImportedDocument) -> list[Opened]:
    """Every GetCustomerProfile action of a document, in document order."""
    found = text_index(doc).actions
    return [Opened(doc, i, action_id_of(item.value)) for i, item in enumerate(found)
            if _is_get_profile(item.value)]


def open_block(doc: ImportedDocument, original_id: str) -> Opened:
    """The (first) GetCustomerProfile action named ``original_id``; DocumentError when there is none."""
    if doc.kind == "action":
        return blocks_of(doc)[0]
    found = next((b for b in blocks_of(doc) if b.original_id == original_id), None)
    if found is None:
        raise DocumentError(
            f"This flow has no GetCustomerProfile action with the Identifier '{original_id}'.")
    return found


@dataclass(frozen=True)
class Export:
    """The text of an exported document, and where the edited action now is in it."""

    text: str
    action_start: int
    action_end: int
    changed: bool          # False: the text is the original, byte for byte
    original: str = ""
    edits: tuple[Edit, ...] = ()   # the edits made to ``original``, in order

    @property
    def data(self) -> bytes:
        return self.text.encode("utf-8")

    @property
    def action_text(self) -> str:
        """The edited action alone, as it reads in the document (dedented to its own line)."""
        indent = jsontext.line_indent(self.text, self.action_start)
        body = self.text[self.action_start:self.action_end]
        return body.replace("\n" + indent, "\n") if indent else body


def _shifted(pos: int, edits: list[Edit]) -> int:
    """Where ``pos`` of the original text is after ``edits`` (edits ending at or before it count)."""
    return pos + sum(len(e.new) - (e.end - e.start) for e in edits if e.end <= pos and e.start < pos)


def needs_rewrite(opened: Opened) -> bool:
    """Whether writing the block back unchanged would still change the action (legacy or misplaced
    request, misspellings ...): the page then offers to write it in the current shape."""
    original = opened.action
    return not jsontext.same(merged_action(original, read_action(original)[0]), original)


def export(opened: Opened, block: GetProfileBlock, *, rewrite: bool = False) -> Export:
    """The opened block's document with its action replaced by ``block``.

    When ``block`` says what the action already says (and ``rewrite`` is not asked for) the original
    text comes back unchanged, byte for byte.
    """
    doc, position, original_id = opened.doc, opened.position, opened.original_id
    index = text_index(doc)
    text, style = doc.text, index.style
    item = index.actions[position]
    original = item.value
    original_block = read_action(original)[0]
    if block == original_block and not rewrite:
        return Export(text, item.start, item.end, False)
    new_id = block.action_id
    renamed = new_id != original_id
    if renamed:  # the block's own branches may loop back to itself
        loops = {b: new_id if t == original_id else t for b, t in block.branches.items()}
        block = replace(block, branches=loops)
    new_action = merged_action(original, block)
    edits = jsontext.value_edits(text, item.start, item.end, new_action, style)
    entries = [m for m in index.metadata if m.key == original_id]
    if entries and request_rewritten(original, new_action):
        entry = entries[-1]   # the one json.loads reads
        edits += jsontext.value_edits(text, entry.value_start, entry.value_end,
                                      merged_metadata(entry.value, block, original_block), style)
    if renamed:
        token = jsontext.string_token(new_id, style)
        edits += [Edit(m.value_start, m.value_end, token)
                  for m in _references(doc, index, original_id, position)]
        edits += [Edit(m.key_start, m.key_end, token) for m in entries]
    new_text = jsontext.apply_edits(text, edits)
    return Export(new_text, _shifted(item.start, edits), _shifted(item.end, edits), new_text != text,
                  text, tuple(sorted(edits)))


def flow_file(block: GetProfileBlock, opened: Opened | None = None, *, rewrite: bool = False) -> str:
    """The text of "Download flow JSON": the imported flow with the block spliced in, or (for a new
    block or a lone imported action) a new importable flow around the block."""
    if opened is None or opened.doc.kind == "action":
        return dump_document(wrap_in_flow(block))
    return export(opened, block, rewrite=rewrite).text


def block_file(block: GetProfileBlock, opened: Opened | None = None, *, rewrite: bool = False) -> str:
    """The text of "Download block JSON" and of the preview: the action as it reads in the imported
    document (the whole document when it is a lone action), or the new block's action."""
    if opened is None:
        return dump_document(block.to_action())
    exported = export(opened, block, rewrite=rewrite)
    if opened.doc.kind == "action":
        return exported.text
    return exported.action_text + text_index(opened.doc).style.newline


def reopened(opened: Opened, block: GetProfileBlock, *, rewrite: bool = False) -> Opened:
    """The block opened again in the document its export gives (what the checks and the next edit
    of the same import work on)."""
    exported = export(opened, block, rewrite=rewrite)
    if not exported.changed:
        return opened
    return Opened(read_document(exported.text), opened.position, block.action_id)


def changed_lines(exported: Export) -> list[tuple[int, int]]:
    """The line ranges (1-based, inclusive, in the exported text) that differ from the original.

    Compares line by line only around each edit, so a one-field change in a 7,000-line flow costs
    what the edit does, not a diff of the whole file.
    """
    old, new = exported.original, exported.text
    ranges: list[tuple[int, int]] = []
    shift = 0
    for edit in exported.edits:
        new_start, new_end = edit.start + shift, edit.start + shift + len(edit.new)
        shift += len(edit.new) - (edit.end - edit.start)
        old_from, new_from = old.rfind("\n", 0, edit.start) + 1, new.rfind("\n", 0, new_start) + 1
        old_to, new_to = _line_end(old, edit.end), _line_end(new, new_end)
        first_line = new.count("\n", 0, new_from) + 1
        matcher = difflib.SequenceMatcher(None, old[old_from:old_to].split("\n"),
                                          new[new_from:new_to].split("\n"), autojunk=False)
        ranges += [(first_line + j1, first_line + max(j2, j1 + 1) - 1)
                   for tag, _, _, j1, j2 in matcher.get_opcodes() if tag != "equal"]
    merged: list[tuple[int, int]] = []
    for start, end in sorted(ranges):
        if merged and start <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _line_end(text: str, pos: int) -> int:
    end = text.find("\n", pos)
    return len(text) if end < 0 else end


def lines_text(ranges: list[tuple[int, int]]) -> str:
    """``[(5, 5), (9, 12)]`` -> "lines 5 and 9–12"; "line 1" for one line."""
    parts = [str(a) if a == b else f"{a}–{b}" for a, b in ranges]
    if not parts:
        return "no line"
    word = "line" if len(parts) == 1 and "–" not in parts[0] else "lines"
    joined = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return f"{word} {joined}"
