"""The local Customer Profiles service this app process runs, started once per process.

The only app module that imports profiles_sandbox: it starts the service on a free loopback port
(data in ``STUDIO_DATA_DIR``, else ``.data/``; demo data on first start) and hands the components a
``LocalService``, which holds only its URL. app.py begins the start when the server starts (before
any browser asks: the first page finds it up); studio.py, run without app.py (AppTest, or
``streamlit run studio.py``), begins it after its first page is drawn. Either way it is one
``BackgroundStart`` per process, on a background thread (components.service_start).
"""

from __future__ import annotations

import os
from pathlib import Path

from components.connection import LocalService
from components.service_start import BackgroundStart
from profile_block.running import aws

ROOT = Path(__file__).resolve().parent


def _start_local_service() -> LocalService:
    """The local service on a free loopback port, demo data on first start, and the client that
    talks to it (its imports, the seeding and the service model are read here, off any page's run)."""
    from profiles_sandbox.demo import DEMO_DOMAIN, DEMO_EXAMPLES
    from profiles_sandbox.server import start_in_thread
    from profiles_sandbox.validation import data_loader

    folder = Path(os.environ.get("STUDIO_DATA_DIR") or ROOT / ".data")
    folder.mkdir(parents=True, exist_ok=True)
    # The app's clients read botocore's data through the loader the local service read its model
    # with: the large Customer Profiles model is parsed once per process, not twice.
    aws.share_data_loader(data_loader())
    running = start_in_thread(folder / "sandbox.sqlite3", seed="demo")
    aws.get_client(aws.Connection(endpoint_url=running.endpoint_url, local_service=True))
    return LocalService(running.endpoint_url, DEMO_DOMAIN, DEMO_EXAMPLES)


_START = BackgroundStart(_start_local_service, name="local-service-start")   # made once, on import


def local_service_start() -> BackgroundStart[LocalService]:
    """This process's start of the local service (not begun until someone calls ``begin()``)."""
    return _START
