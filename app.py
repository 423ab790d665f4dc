"""Get-profile block studio: entry point and router.

First it checks the name the browser reached it under (profile_block.running.host_names: loopback names
and STUDIO_ALLOWED_HOSTS; any other name is DNS rebinding or a misconfigured proxy, and gets one
sentence and nothing else). Then it sets the page up, draws the sidebar connection panel (shared by
every page) and runs the page st.navigation picked. Pages live in app_pages/, shared widgets in
components/, every rule in profile_block/. The folder is app_pages/, not pages/: Streamlit treats a
pages/ folder next to the entry point as a legacy multipage app and runs a deep-linked page (/lookup)
alone, without this router and its sidebar. This is the only module that imports profiles_sandbox:
it starts the local Customer Profiles service and hands its endpoint to the components, which see
only a URL.
"""

import gc
import os
import sys
from pathlib import Path

import streamlit as st

from components import connection
from components.service_start import BackgroundStart
from components.text import literal
from profile_block.running import aws
from profile_block.running.host_names import host_refusal

ROOT = Path(__file__).resolve().parent

# First of all, which name the browser used: under a name that is not allowed (a web page that
# pointed its own name at this machine: DNS rebinding) nothing else runs: no sidebar, no connection,
# no local service, no page.
_refusal = host_refusal(st.context.headers.get_all("host"), os.environ)
if _refusal:
    st.error(literal(_refusal), icon=":material/block:")
    st.stop()

st.set_page_config(page_title="Get-profile block studio", page_icon=":material/person_search:", layout="wide")

PAGES = [
    st.Page("app_pages/build.py", title="Build", icon=":material/construction:", default=True),
    st.Page("app_pages/lookup.py", title="Lookup", icon=":material/search:"),
    st.Page("app_pages/batch.py", title="Batch", icon=":material/playlist_play:"),
    st.Page("app_pages/data.py", title="Data", icon=":material/database:"),
]


def _start_local_service() -> connection.LocalService:
    """The local service on a free loopback port, demo data on first start, and the client that
    talks to it. Runs on a background thread: its imports (uvicorn, Starlette, the store), the
    seeding and the model are not on the first paint's path (benchmarks/cold_start.py)."""
    from profiles_sandbox.demo import DEMO_DOMAIN, DEMO_EXAMPLES
    from profiles_sandbox.server import start_in_thread
    from profiles_sandbox.validation import data_loader

    data_dir = Path(os.environ.get("STUDIO_DATA_DIR") or ROOT / ".data")
    data_dir.mkdir(parents=True, exist_ok=True)
    # The app's clients read botocore's data through the loader the local service read its model
    # with: the large Customer Profiles model is parsed once per process, not twice.
    aws.share_data_loader(data_loader())
    running = start_in_thread(data_dir / "sandbox.sqlite3", seed="demo")
    aws.get_client(aws.Connection(endpoint_url=running.endpoint_url, local_service=True))
    return connection.LocalService(running.endpoint_url, DEMO_DOMAIN, DEMO_EXAMPLES)


@st.cache_resource(show_spinner=False)
def _local_service_start() -> BackgroundStart[connection.LocalService]:
    """Once per app process: the local service's start (begun by the first run that uses it)."""
    return BackgroundStart(_start_local_service, name="local-service-start")


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
active = connection.render_sidebar(_local_service_start())
try:
    navigation.run()
finally:
    if active.is_local:
        # Begun after the page is drawn: on a 2-core machine a thread starting the service beside
        # the first run would slow that run down (one GIL); the sidebar shows it is starting.
        _local_service_start().begin()
_freeze_long_lived_objects()
