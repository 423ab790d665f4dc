"""The sandbox's dump (and the Data page's export, the same text) is a data file for ``load``:
formula-looking values are written exactly, not neutralised, and load back equal."""

from __future__ import annotations

import csv
import io

from profiles_sandbox import csv_io
from profiles_sandbox.store import open_store

HYPERLINK = '=HYPERLINK("http://x.example/","x")'


def load(store, domain: str, data: bytes):
    """``profiles_sandbox load`` of ``data`` into ``domain`` (all or nothing): (plan, result)."""
    header, rows = csv_io.open_csv(io.BytesIO(data))
    with store.domain_load(domain, write=True) as target:
        return csv_io.run_load(target, header, rows, commit=True)


def test_formula_values_are_dumped_exactly_and_load_back_equal(tmp_path):
    store = open_store(tmp_path / "cells.sqlite3")
    try:
        text = ("FirstName,PhoneNumber,Attributes.note\n"
                f'"{HYPERLINK.replace(chr(34), chr(34) * 2)}",+15555550100,@SUM(A1)\n'
                "'=x,-3.5,+cmd|x!A0\n")
        plan, result = load(store, "first", text.encode())
        assert plan.ok and result is not None, plan.errors
        dumped = csv_io.dump_text(store, "first")
        rows = sorted((r["FirstName"], r["PhoneNumber"], r["Attributes.note"])
                      for r in csv.DictReader(io.StringIO(dumped, newline="")))
        assert rows == sorted([(HYPERLINK, "+15555550100", "@SUM(A1)"), ("'=x", "-3.5", "+cmd|x!A0")])
        plan, result = load(store, "second", dumped.encode())
        assert plan.ok and result is not None, plan.errors
        assert csv_io.dump_text(store, "second") == dumped
    finally:
        store.close()
