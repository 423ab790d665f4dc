"""profile_block.model.link: a block in a page address, and what a damaged or foreign address gives."""

from __future__ import annotations

import base64
import json
import zlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from profile_block.model.block import GetProfileBlock, read_action
from profile_block.model.link import (
    MAX_JSON_BYTES,
    Linked,
    LinkError,
    Source,
    block_link,
    fits,
    read_link,
)
from tests.app.flows import maximal_action
from tests.unit.strategies import any_blocks, valid_blocks


def same(a: GetProfileBlock, b: GetProfileBlock) -> bool:
    """Equal in every part, the operator of a one-identifier block included."""
    return (a.action_id, [(i.key, i.value) for i in a.identifiers], a.operator, a.fields, a.branches) == \
        (b.action_id, [(i.key, i.value) for i in b.identifiers], b.operator, b.fields, b.branches)


def pack(payload: object, version: str = "1") -> str:
    data = zlib.compress(json.dumps(payload).encode())
    return version + "." + base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@given(any_blocks())
def test_any_block_comes_back_from_its_link(block):
    linked = read_link(block_link(block))
    assert same(linked.block, block) and linked.source is None


@given(valid_blocks(), st.text(max_size=30), st.text(max_size=30), st.sampled_from(["flow", "action"]))
def test_the_imported_file_it_came_from_comes_back_too(block, name, original_id, kind):
    source = Source(name, original_id, kind)
    assert read_link(block_link(block, source)) == Linked(read_link(block_link(block)).block, source)


def test_a_link_is_url_safe_versioned_and_short_for_the_largest_block():
    block = read_action(maximal_action())[0]
    text = block_link(block)
    assert text.startswith("1.") and fits(text)
    assert set(text[2:]) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    # 5 criteria, 55 fields and 10 custom attributes in a few hundred characters.
    assert len(text) < 600, len(text)


@pytest.mark.parametrize(("text", "says"), [
    ("", "not a block link"),
    ("hello", "not a block link"),
    ("2.eJzLSM3JyQcABiwCFQ", "format 2, and this page reads format 1"),
    ("1.!!!!", "damaged"),
    ("1.aGVsbG8", "damaged"),                                  # base64 of text that is not zlib
    (pack({"a": 1}), "not a block"),
    (pack(["id", [["k"]], "OR", [], ["", "", "", ""]]), "not a block"),
    (pack(["id", [], "OR", [999], ["", "", "", ""]]), "not a block"),
    (pack(["id", [], "OR", [], ["", "", "", ""], {"name": 1}]), "imported file"),
])
def test_a_damaged_or_foreign_link_says_why(text, says):
    with pytest.raises(LinkError, match=says):
        read_link(text)


def test_a_cut_link_and_a_zip_bomb_are_refused_in_words():
    whole = block_link(read_action(maximal_action())[0])
    with pytest.raises(LinkError, match="cut short|damaged"):
        read_link(whole[: len(whole) // 2])
    bomb = "1." + base64.urlsafe_b64encode(zlib.compress(b"[" * (MAX_JSON_BYTES * 4))).decode()
    with pytest.raises(LinkError, match="more than"):
        read_link(bomb)


@given(st.text(max_size=200))
def test_any_text_gives_a_block_or_a_link_error(text):
    try:
        assert isinstance(read_link(text), Linked)
    except LinkError:
        pass


# The two hostile links of issue 18: 5,000 nested arrays in 50 characters, and a lone surrogate.
DEEP_LINK = "1.eNrtwTENAAAAAqCgzv41TOEHJAAAAADAWwEAAACAuwEdaAqT"
SURROGATE_LINK = "1.eNqLVoopTbEwMFDSiY7VUXL0cwEzopWUdGAoNhYApSIITQ"


def test_a_link_that_nests_thousands_deep_is_refused_in_words():
    with pytest.raises(LinkError, match="nests far deeper than any block"):
        read_link(DEEP_LINK)
    nested = "[" * 50_000 + "]" * 50_000
    inside_a_block = json.dumps(["id", [], "OR", [], ["", "", "", ""]]).replace('"OR"', nested)
    packed = base64.urlsafe_b64encode(zlib.compress(inside_a_block.encode())).rstrip(b"=").decode()
    with pytest.raises(LinkError, match="nests far deeper"):
        read_link("1." + packed)


@pytest.mark.parametrize("payload", [
    ["\ud800", [], "AND", [], ["", "", "", ""]],                                   # the action Identifier
    ["id", [["_phone", "+1555\udfff"]], "OR", [], ["", "", "", ""]],               # a value
    ["id", [["_ph\udc00", "x"]], "OR", [], ["", "", "", ""]],                      # a key
    ["id", [], "OR", ["Attributes.t\ud801"], ["", "", "", ""]],                    # a custom field
    ["id", [], "OR", [], ["", "", "\ud802", ""]],                                 # a branch target
    ["id", [], "OR", [], ["", "", "", ""], {"name": "f\udbff.json", "id": "x", "kind": "flow"}],
])
def test_a_link_with_a_lone_surrogate_anywhere_is_refused_in_words(payload):
    with pytest.raises(LinkError, match="not Unicode: a lone surrogate"):
        read_link(pack(payload))
    with pytest.raises(LinkError, match="not Unicode"):
        read_link(SURROGATE_LINK)
