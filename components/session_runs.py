"""A session's state read from outside its script runs (a download file made when clicked).

``st.download_button`` with a callable makes the file in a worker thread of the server, where
``st.session_state`` is not available. ``SessionReader`` captures the session's state object in a
script run and reads it from any thread later, optionally waiting for a condition a script run
sets (see components.build_preview: the click's own rerun has run its callbacks).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

_POLL_S = 0.01


class SessionReader:
    """The current session's state, captured in a script run, readable from any thread."""

    def __init__(self) -> None:
        ctx = get_script_run_ctx()
        # A thread-safe view of the session state (Streamlit's own, behind st.session_state).
        self._state = ctx.session_state if ctx is not None else None

    def get(self, key: str, default: Any = None) -> Any:
        """``st.session_state[key]``, or ``default`` when it is not set."""
        if self._state is None or key not in self._state:
            return default
        return self._state[key]

    def wait_until(self, condition: Callable[[Callable[..., Any]], bool], timeout_s: float) -> bool:
        """Wait until ``condition(self.get)`` holds; False when ``timeout_s`` passed first."""
        deadline = time.monotonic() + timeout_s
        while not condition(self.get):
            if time.monotonic() >= deadline:
                return False
            time.sleep(_POLL_S)
        return True
