"""The quick column-by-column check of CSV rows (csv_io._QuickColumns) must decide exactly as the
row-by-row check does: the same profiles written, the same errors, word for word."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest

from profiles_sandbox import csv_io
from profiles_sandbox.demo import MARIA_PROFILE_ID, seed_demo
from profiles_sandbox.store import Store, open_store

GOOD = (
    "ProfileId,FirstName,LastName,Gender,PhoneNumber,Address.City,Address.PostalCode,Attributes.tier,"
    "Key.memberId\n"
    f"{MARIA_PROFILE_ID},Mary,,,,Porto,,platinum,M-1\n"          # an update of an existing profile
    + "".join(f",N{i},L{i},{'MALE' if i % 2 else ''},+1555000{i:04d},City{i % 7},{i:05d},t{i % 3},"
              f"M-{i}\n" for i in range(12_000))                   # creates: more than one chunk
    + f"{'ab' * 16},Given,,,,,,,\n"                                # a create with a ProfileId given
    + ",,,,,,,,\n"                                                 # a blank row
)
BAD_ROWS = [
    ",Bad,,MAL,,,,,\n",                                  # enum
    f",{'x' * 256},,,,,,,\n",                            # too long
    f"{'ab' * 16},Twice,,,,,,,\n",                        # ProfileId already on a row
    "not-an-id,X,,,,,,,\n",                              # a new id that is not 32 hex digits
    ",Extra,,,,,,,,surplus\n",                           # more cells than the header
]


def run(store: Store, domain: str, text: str, *, quick: bool) -> tuple[csv_io.LoadPlan, str]:
    header, rows = csv_io.open_csv(io.BytesIO(text.encode()))
    given = rows if quick else list(rows)         # a list of Rows takes the row-by-row check
    try:
        with store.domain_load(domain, write=True) as target:
            plan, _ = csv_io.run_load(target, header, given, commit=True)
    except csv_io.LoadRejected as rejected:
        return rejected.plan, ""
    return plan, csv_io.dump_text(store, domain)


def without_new_ids(dump: str, keep: set[str]) -> list[str]:
    """Dump lines with the random ProfileIds of new profiles blanked (those given are kept)."""
    lines = []
    for line in filter(None, dump.split("\r\n")):       # the records (a cell may hold a \n)
        profile_id, rest = line.split(",", 1)
        lines.append(f"{profile_id if profile_id in keep or profile_id == 'ProfileId' else '?'},{rest}")
    return sorted(lines)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    store = open_store(tmp_path_factory.mktemp("quick") / "s.sqlite3", [seed_demo])
    yield store
    store.close()


def test_good_rows_are_written_the_same_by_both_checks(store):
    quick_plan, quick_dump = run(store, "demo", GOOD, quick=True)
    store.reseed_domain("demo", seed_demo)
    full_plan, full_dump = run(store, "demo", GOOD, quick=False)
    assert quick_plan.ok and full_plan.ok
    assert (quick_plan.creates, quick_plan.updates, quick_plan.attached_values) == \
        (full_plan.creates, full_plan.updates, full_plan.attached_values) == (12_001, 1, 12_001)
    keep = {MARIA_PROFILE_ID, "ab" * 16}
    assert without_new_ids(quick_dump, keep) == without_new_ids(full_dump, keep)


def test_a_chunk_the_quick_check_gives_up_on_is_written_the_same(store):
    """Two values of a key in one cell: the quick check leaves the chunk to the full one."""
    text = GOOD + ',Two,,,,,,,"K-1\nK-2"\n'
    _, quick_dump = run(store, "multi-q", text, quick=True)
    _, full_dump = run(store, "multi-f", text, quick=False)
    assert ",Two," in quick_dump and "K-1\nK-2" in quick_dump
    assert without_new_ids(quick_dump, {"ab" * 16}) == without_new_ids(full_dump, {"ab" * 16})


@pytest.mark.parametrize("bad", BAD_ROWS)
def test_a_bad_row_gets_the_same_errors_from_both_checks(store, bad):
    text = GOOD + bad
    quick_plan, written = run(store, "fresh-q", text, quick=True)
    full_plan, _ = run(store, "fresh-f", text, quick=False)
    assert not written and not quick_plan.ok
    assert [str(e) for e in quick_plan.errors] == [str(e) for e in full_plan.errors]
    assert (quick_plan.error_count, quick_plan.bad_rows) == (full_plan.error_count, full_plan.bad_rows)
    assert store.domain_state("fresh-q") is None          # rolled back: not even the domain


def test_every_error_of_a_large_file_is_counted_and_the_first_are_kept(tmp_path: Path, store):
    text = "FirstName,Gender\n" + "".join(f"N{i},MAL\n" for i in range(3_000))
    plan, _ = run(store, "many", text, quick=True)
    assert (plan.error_count, plan.bad_rows) == (3_000, 3_000)
    assert len(plan.errors) == csv_io.MAX_KEPT_ERRORS and plan.errors[0].row == 2
