"""studio.py freezes the process's long-lived objects again whenever a run grew it by new modules
(a page's first table imports pandas and pyarrow), so Streamlit's gc.collect() after every run
does not walk them; a run that imports nothing freezes nothing (benchmarks/lookup_click.py)."""

from __future__ import annotations

import gc
import sys
import types

from streamlit.testing.v1 import AppTest

from tests.app.conftest import APP, TIMEOUT, full, until_started


def _walked_by_gc(thing: object) -> bool:
    """Whether gc.collect() still walks ``thing`` (frozen objects are in no generation)."""
    return any(o is thing for o in gc.get_objects())


def test_a_run_that_imported_modules_freezes_them_and_other_runs_do_not():
    at = until_started(AppTest.from_file(str(APP), default_timeout=TIMEOUT))
    for _ in range(10):     # a library may import a module lazily on a later run: until none does
        modules = len(sys.modules)
        kept = [[n] for n in range(10)]     # alive across the run, like a session's objects
        full(at)
        if len(sys.modules) == modules:
            break
    assert len(sys.modules) == modules, "every run imported new modules"
    assert _walked_by_gc(kept)

    name = "_studio_test_library_imported_by_a_page"
    library = types.ModuleType(name)
    library.objects = [[n] for n in range(10)]     # what a library leaves alive for the process
    sys.modules[name] = library
    try:
        full(at)
        assert not _walked_by_gc(library.objects)
    finally:
        del sys.modules[name]
