"""Get-profile block studio: the server `streamlit run app.py` starts (an ``st.App``; `make run`).

It serves studio.py, the script each browser session runs (router, sidebar, pages), and adds two
things a plain script cannot have, because they happen before any browser session:
  * every request passes ``HostCheck`` first: under a host name the app does not answer (DNS
    rebinding: a web page that points its own name at this machine) the browser gets one sentence,
    and no page, static file or session (profile_block.running.host_names);
  * the local Customer Profiles service starts with the server, on a background thread
    (local_sandbox), while the first browser is still loading Streamlit's scripts: the first page
    finds it up, with no "starting" status, no polling and no second run (benchmarks/cold_start.py).
It also answers /favicon.png (under server.baseUrlPath when one is set), the tab's icon every page
asks for, with assets/page-icon.png (a route of ours takes precedence over Streamlit's file of that
name): studio.py says why not page_icon.
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import streamlit as st
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import FileResponse
from starlette.routing import Route

from local_sandbox import local_service_start
from profile_block.running.host_names import HostCheck


@asynccontextmanager
async def _start_local_service(_app: st.App) -> AsyncIterator[None]:
    local_service_start().begin()     # a failed start is shown, with Retry, in the sidebar
    yield


TAB_ICON = Path(__file__).parent / "assets" / "page-icon.png"


async def _tab_icon(_request: Request) -> FileResponse:
    return FileResponse(TAB_ICON, media_type="image/png")


# Where pages ask for the tab's icon: next to them, under the base path when there is one (the
# configuration is read before this module is).
_BASE = str(st.get_option("server.baseUrlPath") or "").strip("/")
TAB_ICON_PATH = f"/{_BASE}/favicon.png" if _BASE else "/favicon.png"

app = st.App("studio.py", lifespan=_start_local_service, middleware=[Middleware(HostCheck)],
             routes=[Route(TAB_ICON_PATH, _tab_icon, methods=["GET", "HEAD"])])
