"""The Build page's first paint with none of the app's work: benchmarks/cold_start.py --replay.

A Streamlit script that sends the browser, unchanged, the messages the app's first run sent it
(page config, navigation, every element of the sidebar and the Build page), read from the file
``FIRST_PAINT_MESSAGES`` names (cold_start.py records them from the app's WebSocket). The browser
draws the same page; the server imports nothing of ours, starts no local service and computes
nothing. Its cold start is the floor of this first paint in Streamlit: what drawing exactly these
elements costs, whoever computes them.
"""

import os
from pathlib import Path

import streamlit as st
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx


def recorded(path: Path) -> list[bytes]:
    """The messages in ``path``: each a 4-byte big-endian length, then a serialized ForwardMsg."""
    data, at, out = path.read_bytes(), 0, []
    while at < len(data):
        size = int.from_bytes(data[at:at + 4], "big")
        out.append(data[at + 4:at + 4 + size])
        at += 4 + size
    return out


source = os.environ.get("FIRST_PAINT_MESSAGES", "")
if not source or not Path(source).is_file():
    st.error("FIRST_PAINT_MESSAGES names no file of recorded messages: "
             "run benchmarks/cold_start.py --replay.")
    st.stop()
context = get_script_run_ctx()
for raw in recorded(Path(source)):
    message = ForwardMsg()
    message.ParseFromString(raw)
    context.enqueue(message)
