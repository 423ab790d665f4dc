"""Test contacts made for a block from the demo data: a value for every contact path the block
reads, and on every contact the branch the block must take for it, with a label that says so.

The demo data comes in as an argument (the core never imports the local service): a list of
examples, each a dict with "key" (a search key), "value", "count" (how many profiles that key
and value find) and "profiles" (their ProfileIds). With the ProfileIds, what a block's criteria
find together is worked out exactly: AND finds the profiles every criterion finds, OR those any
finds. A contact whose outcome the examples cannot tell (a static value or a key they do not
describe) is left out, so every contact returned carries an expectation that holds.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from profile_block.model import references
from profile_block.model.block import BRANCH_LABELS, ERROR, NONE_FOUND, SUCCESS, GetProfileBlock, Identifier
from profile_block.running.lookup import (
    LookupInputError,
    choose_branch,
    contact_paths,
    resolve_identifiers,
    suggest_contact_value,
)

Example = Mapping[str, Any]


@dataclass(frozen=True)
class DemoContact:
    """One test contact: its values (contact path -> value), the branch the block takes for it, and
    a label naming that branch and the search that leads there."""

    label: str                   # "Multiple found: _phone +15555550111 AND _account A-2002"
    contact: dict[str, str]      # every contact path the block reads -> the value to send
    branch: str                  # Success, MultipleFoundError, NoneFoundError or NoMatchingError


@dataclass(frozen=True)
class _Found:
    """What one criterion finds: the ProfileIds when the example lists them, else only how many."""

    count: int
    ids: frozenset[str] | None


def _found(example: Example) -> _Found:
    count = int(example.get("count", 1))
    profiles = example.get("profiles")
    if profiles is not None:
        return _Found(len(set(profiles)), frozenset(str(p) for p in profiles))
    return _Found(count, frozenset() if count == 0 else None)


def _examples_by_criterion(examples: Sequence[Example]) -> dict[tuple[str, str], _Found]:
    known: dict[tuple[str, str], _Found] = {}
    for example in examples:
        known.setdefault((str(example.get("key", "")), str(example.get("value", ""))), _found(example))
    return known


def _reads(identifier: Identifier, path: str) -> bool:
    value = identifier.value
    return (references.is_reference(value) and references.check_reference(value) is None
            and references.parse_reference(value).path == path)


def expected_branch(block: GetProfileBlock, contact: Mapping[str, str],
                    examples: Sequence[Example]) -> str | None:
    """The branch ``block`` takes for ``contact`` on the data the examples describe, or None when
    they cannot tell (a criterion they do not describe, unless an AND partner finds nobody)."""
    try:
        criteria = resolve_identifiers(block, contact)
    except LookupInputError:
        return ERROR                    # an empty or unusable value: the Error branch, no call made
    known = _examples_by_criterion(examples)
    found = [known.get(criterion) for criterion in criteria]
    if len(found) == 1:
        return choose_branch(found[0].count, False) if found[0] is not None else None
    if block.operator == "AND" and any(f is not None and f.count == 0 for f in found):
        return NONE_FOUND
    if any(f is None or f.ids is None for f in found):
        return None
    id_sets = [f.ids for f in found if f is not None and f.ids is not None]
    together = frozenset.intersection(*id_sets) if block.operator == "AND" else frozenset.union(*id_sets)
    return choose_branch(len(together), False)


def _label(block: GetProfileBlock, contact: Mapping[str, str], branch: str) -> str:
    try:
        criteria = resolve_identifiers(block, contact)
    except LookupInputError:
        empty = [path for path in contact_paths(block) if not contact.get(path, "").strip()]
        why = f"empty {', '.join(empty)}" if empty else "a value the block cannot send"
        return f"{BRANCH_LABELS[ERROR]}: {why}"
    joiner = f" {block.operator} "
    return f"{BRANCH_LABELS.get(branch, branch)}: " + joiner.join(f"{k} {v}" for k, v in criteria)


def demo_contacts(block: GetProfileBlock, examples: Sequence[Example]) -> list[DemoContact]:
    """Test contacts for ``block`` from the demo ``examples``, each with the branch it must take.

    First a contact that takes the Success branch (when the examples allow one), then contacts
    whose every value finds the same profiles (each set of profiles the examples know, so an AND
    block reaches Multiple found and None found too), then the first contact with one path changed
    to another demo value for its key (each branch once per path), and last one with an empty value
    (the Error branch). Duplicates and contacts whose outcome cannot be told are left out.
    No examples, no contacts.
    """
    if not examples:
        return []
    paths = contact_paths(block)
    known = _examples_by_criterion(examples)
    keys_of = {path: [i.key for i in block.identifiers if _reads(i, path)] for path in paths}
    candidates: dict[str, list[str]] = {path: [] for path in paths}
    for example in examples:
        for path in paths:
            value = str(example.get("value", ""))
            if example.get("key") in keys_of[path] and value not in candidates[path]:
                candidates[path].append(value)

    def aligned(ids: frozenset[str]) -> dict[str, str] | None:
        """A contact whose every value finds exactly the profiles ``ids``, if the examples have one."""
        contact: dict[str, str] = {}
        for path in paths:
            fits = [v for v in candidates[path]
                    if all((f := known.get((key, v))) is not None and f.ids == ids for key in keys_of[path])]
            if not fits:
                return None
            contact[path] = fits[0]
        return contact

    profile_sets = list(dict.fromkeys(f.ids for f in known.values() if f.ids is not None))
    found_alike = [c for c in (aligned(s) for s in profile_sets) if c is not None]
    one_profile = [c for c in (aligned(s) for s in profile_sets if len(s) == 1) if c is not None]
    first = (one_profile or [{path: suggest_contact_value(path, block, examples) for path in paths}])[0]
    tries = [*one_profile, *found_alike, *({**first, path: v} for path in paths for v in candidates[path])]
    base = next((c for c in tries if expected_branch(block, c, examples) == SUCCESS), first)
    made: list[DemoContact] = []
    seen: set[tuple[str, ...]] = set()

    def add(contact: dict[str, str], skip_branches: set[str] | None = None) -> str | None:
        signature = tuple(contact[p] for p in paths)
        branch = expected_branch(block, contact, examples)
        if signature in seen or branch is None or branch in (skip_branches or ()) \
                or (branch == ERROR and any(c.branch == ERROR for c in made)):
            return None
        seen.add(signature)
        made.append(DemoContact(_label(block, contact, branch), dict(contact), branch))
        return branch

    for contact in (base, *found_alike):
        add(contact)
    for path in paths:     # one value changed: each branch it leads to once per path
        reached: set[str] = set()
        for value in candidates[path]:
            branch = add({**base, path: value}, reached)
            if branch is not None:
                reached.add(branch)
    if paths:
        add({**base, paths[0]: ""})
    return made
