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

import streamlit as st

from components import connection
from components.text import literal
from local_sandbox import local_service_start
from profile_block.running.host_names import host_refusal

# The tab's icon is app.py's: the server answers /favicon.png with assets/page-icon.png. Here no
# page_icon and no page has an icon, because each way of giving one costs every start: a
# ":material/...:" icon (also a page's, which the tab takes when page_icon is unset) makes every
# browser fetch it from fonts.gstatic.com (tests/e2e/test_offline.py); any image or URL makes
# Streamlit import numpy and PIL on the first run (~150 ms of CPU); an emoji makes it compile its
# emoji table (~130 ms). That CPU competes with the browser drawing the first page: 0.08-0.10 of
# the cold-start ratio (benchmarks/cold_start.py; tests/app/test_first_run_imports.py).

# First of all, which name the browser used: under a name that is not allowed (a web page that
# pointed its own name at this machine: DNS rebinding) nothing else runs: no sidebar, no connection,
# no local service, no page.
_refusal = host_refusal(st.context.headers.get_all("host"), os.environ)
if _refusal:
    st.error(literal(_refusal), icon=":material/block:")
    st.stop()

st.set_page_config(page_title="Get-profile block studio", layout="wide")

PAGES = [
    st.Page("app_pages/build.py", title="Build", default=True),
    st.Page("app_pages/lookup.py", title="Lookup"),
    st.Page("app_pages/batch.py", title="Batch"),
    st.Page("app_pages/data.py", title="Data"),
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
