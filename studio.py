"""Get-profile block studio: the script each browser session runs (app.py serves it): router and sidebar.

First it checks the name the browser reached it under (profile_block.running.host_names: loopback names
and STUDIO_ALLOWED_HOSTS; any other name is DNS rebinding or a misconfigured proxy, and gets one
sentence and nothing else). app.py's server refuses such a request before it reaches this script;
the check here holds where the script runs without it (``streamlit run studio.py``, AppTest). Then it
sets the page up, draws the sidebar connection panel (shared by every page) and runs the page
st.navigation picked. Pages live in app_pages/, shared widgets in components/, every rule in
profile_block/. The folder is app_pages/, not pages/: Streamlit treats a pages/ folder next to the
main script as a legacy multipage app and runs a deep-linked page (/lookup) alone, without this
router and its sidebar. The local Customer Profiles service is local_sandbox's: the components see
only its URL.
"""

import gc
import os
import sys
from pathlib import Path
from urllib.parse import quote

import streamlit as st

from components import connection
from components.text import literal
from local_sandbox import local_service_start
from profile_block.running.host_names import host_refusal

# The tab's icon, as a data: URL. A ":material/...:" icon makes every browser fetch it from
# fonts.gstatic.com (tests/e2e/test_offline.py); an image file is read, hashed and registered as a
# media file on every run of every page; a URL is passed on as it is. Any of them but the material
# one costs the process's first run CPU once: an image or URL makes Streamlit import numpy and PIL
# (~150 ms), an emoji makes it compile its emoji table (~130 ms); in cold-start A/Bs both were
# within the noise (benchmarks/cold_start.py).
PAGE_ICON = "data:image/svg+xml," + quote((Path(__file__).parent / "assets" / "page-icon.svg").read_text())

# First of all, which name the browser used: under a name that is not allowed (a web page that
# pointed its own name at this machine: DNS rebinding) nothing else runs: no sidebar, no connection,
# no local service, no page.
_refusal = host_refusal(st.context.headers.get_all("host"), os.environ)
if _refusal:
    st.error(literal(_refusal), icon=":material/block:")
    st.stop()

st.set_page_config(page_title="Get-profile block studio", page_icon=PAGE_ICON, layout="wide")

PAGES = [
    st.Page("app_pages/build.py", title="Build", icon=":material/construction:", default=True),
    st.Page("app_pages/lookup.py", title="Lookup", icon=":material/search:"),
    st.Page("app_pages/batch.py", title="Batch", icon=":material/playlist_play:"),
    st.Page("app_pages/data.py", title="Data", icon=":material/database:"),
]


@st.cache_resource(show_spinner=False)
def _frozen_at() -> dict[str, int]:
    """How many modules the process had when its objects were last frozen (one count per process)."""
    return {"modules": 0}


def _freeze_long_lived_objects() -> None:
    """After a run that imported modules (the first run; a page's first st.table imports pandas and
    pyarrow; the local service's start imports uvicorn), collect and freeze what is alive.
    Streamlit runs a full gc.collect() after every script run (runner.postScriptGC), which walks
    every tracked object of the process; frozen, the libraries' objects are left out of it
    (benchmarks/builder_rerun.py, benchmarks/lookup_click.py). The young generations are collected
    first, so this run's fresh garbage is not frozen with them (a full collection would cost the
    first paint ~40 ms)."""
    frozen = _frozen_at()
    if len(sys.modules) != frozen["modules"]:
        gc.collect(1)
        gc.freeze()
        frozen["modules"] = len(sys.modules)


navigation = st.navigation(PAGES)
active = connection.render_sidebar(local_service_start())
try:
    navigation.run()
finally:
    if active.is_local:
        # Under app.py it began with the server (this does nothing). Without it, it begins after the
        # page is drawn: on a 2-core machine a thread starting the service beside the first run would
        # slow that run down (one GIL); the sidebar shows it is starting.
        local_service_start().begin()
_freeze_long_lived_objects()
