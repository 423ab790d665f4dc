"""Hypothesis strategies: valid blocks (for round trips) and arbitrary JSON (for fuzzing)."""

from __future__ import annotations

import string
from typing import Any

from hypothesis import strategies as st

from profile_block.model.block import (
    BRANCHES,
    FORBIDDEN_ID_CHARS,
    MAX_IDENTIFIERS,
    GetProfileBlock,
    Identifier,
)
from profile_block.model.fields import STANDARD_FIELDS
from profile_block.model.keys import STANDARD_KEYS
from profile_block.model.references import NAMESPACES

_ID_CHARS = "".join(c for c in string.ascii_letters + string.digits + "-_.#@ " if c not in FORBIDDEN_ID_CHARS)
action_ids = st.text(_ID_CHARS, min_size=1, max_size=50).filter(lambda s: s.strip() != "")
key_names = st.one_of(st.sampled_from([k.name for k in STANDARD_KEYS]),
                      st.from_regex(r"\A[a-zA-Z0-9_-]{1,64}\Z"))
_ref_keys = st.from_regex(r"\A[a-zA-Z0-9_-]{1,20}\Z")


@st.composite
def references(draw: st.DrawFn) -> str:
    ns = draw(st.sampled_from(NAMESPACES))
    return "$." + ns.path(draw(_ref_keys) if ns.keyed else "")


# Static text: not blank, at most 255 characters, not looking like a reference.
static_values = st.text(min_size=1, max_size=255).filter(
    lambda s: s.strip() != "" and "$." not in s and not s.startswith("$['"))
values = st.one_of(references(), static_values)
custom_fields = st.from_regex(r"\A[a-zA-Z0-9_-]{1,30}\Z").map(lambda s: "Attributes." + s)
field_names = st.one_of(st.sampled_from([f.name for f in STANDARD_FIELDS]), custom_fields)


@st.composite
def valid_blocks(draw: st.DrawFn) -> GetProfileBlock:
    idents = draw(st.lists(st.builds(Identifier, key_names, values), min_size=1, max_size=MAX_IDENTIFIERS,
                           unique_by=lambda i: (i.key, i.value)))
    return GetProfileBlock(
        action_id=draw(action_ids),
        identifiers=idents,
        operator=draw(st.sampled_from(["AND", "OR"])),
        fields=draw(st.lists(field_names, unique=True, max_size=60)),
        branches={b: draw(st.one_of(st.just(""), action_ids)) for b in BRANCHES},
    )


@st.composite
def any_blocks(draw: st.DrawFn) -> GetProfileBlock:
    """Any block the page can hold while a user edits it or after an import: every part any text
    (empty keys, odd operators, repeated or unknown fields, more than five identifiers)."""
    text = st.text(max_size=40)
    return GetProfileBlock(
        action_id=draw(text),
        identifiers=draw(st.lists(st.builds(Identifier, text, text), max_size=7)),
        operator=draw(st.one_of(st.sampled_from(["AND", "OR"]), text)),
        fields=draw(st.lists(st.one_of(field_names, text), max_size=70)),
        branches={b: draw(text) for b in BRANCHES},
    )


json_scalars = st.one_of(st.none(), st.booleans(), st.integers(-(10**6), 10**6),
                         st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=20))
json_values: st.SearchStrategy[Any] = st.recursive(
    json_scalars,
    lambda children: st.one_of(st.lists(children, max_size=5),
                               st.dictionaries(st.text(max_size=15), children, max_size=5)),
    max_leaves=25,
)
