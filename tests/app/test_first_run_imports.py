"""The Build page's first run imports no library it does not draw with.

The tab's icon was one: given as an image (or a data: URL) it made Streamlit import numpy and PIL on
the process's first run, as an emoji it made it compile its emoji table, each ~130-150 ms of CPU that
competed with the browser drawing the first page (studio.py; benchmarks/cold_start.py). Run in a
fresh interpreter: this test process may have imported them for other tests.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.app.conftest import APP, ROOT

HEAVY = ("numpy", "PIL", "pandas", "pyarrow", "streamlit.emojis")
FIRST_RUN = f"""
import json, sys
from streamlit.testing.v1 import AppTest
before = {{name for name in {HEAVY!r} if name in sys.modules}}
app = AppTest.from_file(sys.argv[1], default_timeout=60)
app.run()
assert not app.exception, app.exception
assert [h.value for h in app.title] == ["Build a Get profile block"], [h.value for h in app.title]
print(json.dumps({{"before": sorted(before),
                  "after": sorted(name for name in {HEAVY!r} if name in sys.modules)}}))
"""


def test_the_build_pages_first_run_imports_no_numpy_pil_pandas_or_emoji_table(tmp_path: Path):
    env = dict(os.environ, STUDIO_DATA_DIR=str(tmp_path / "data"))
    done = subprocess.run([sys.executable, "-c", FIRST_RUN, str(APP)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    imported = json.loads(done.stdout.strip().splitlines()[-1])
    assert imported == {"before": [], "after": []}
