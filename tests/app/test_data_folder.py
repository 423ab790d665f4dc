"""AppTests of studio.py keep the local service's data in a temporary folder, never in the
repository's .data folder (a developer's own profiles)."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from components.connection import CONNECTION
from profile_block.running import local_service
from tests.app.conftest import APP, ROOT, until_started


def test_the_app_under_test_keeps_its_local_data_in_the_session_folder(isolated_data_dir: Path):
    at = until_started(AppTest.from_file(str(APP), default_timeout=60))
    assert at.session_state[CONNECTION].ok
    database = isolated_data_dir / "sandbox.sqlite3"
    assert database.is_file()
    assert not isolated_data_dir.resolve().is_relative_to(ROOT.resolve())
    # The service the app talks to is the one whose file that is: a profile it holds is in the file.
    endpoint = at.session_state[CONNECTION].connection.endpoint_url
    assert local_service.profiles_page(endpoint, "demo", 0, 1).count > 0
    assert b"Maria" in database.read_bytes() + _wal(database)


def _wal(database: Path) -> bytes:
    wal = database.with_name(database.name + "-wal")
    return wal.read_bytes() if wal.exists() else b""
