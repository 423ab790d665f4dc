"""Something slow to start (the local Customer Profiles service), started once on a background thread.

local_sandbox keeps one ``BackgroundStart`` per process. app.py begins it when the server starts; a
session's script (studio.py, run without app.py) begins it after its first run has drawn its page.
Either way importing, seeding and serving the local service is not on a page run's path
(benchmarks/cold_start.py). Until it is up the sidebar says it is starting (components.connection);
it never guesses a status.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class BackgroundStart(Generic[T]):
    """Runs ``start`` once on a daemon thread when ``begin()`` is first called; thread-safe.

    A start that failed is not retried by ``begin()``; ``retry()`` starts it again (the user
    pressed Retry after fixing what was wrong, e.g. a read-only data folder).
    """

    def __init__(self, start: Callable[[], T], name: str = "background-start") -> None:
        self._start = start
        self._name = name
        self._lock = threading.Lock()
        self._done = threading.Event()
        self._thread: threading.Thread | None = None
        self._value: T | None = None
        self._error: BaseException | None = None

    def begin(self) -> None:
        """Start it, unless it is started, starting or failed."""
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
                self._thread.start()

    def retry(self) -> None:
        """Start it again if it failed (nothing otherwise)."""
        with self._lock:
            if self._error is None:
                return
            self._error = None
            self._done.clear()
            self._thread = None
        self.begin()

    def _run(self) -> None:
        try:
            value = self._start()
        except BaseException as exc:  # noqa: BLE001 -- handed to whoever asks for the result
            self._error = exc
        else:
            self._value = value
        self._done.set()

    @property
    def begun(self) -> bool:
        return self._thread is not None

    def done(self) -> bool:
        """True once it has started or failed."""
        return self._done.is_set()

    def wait(self, timeout_s: float | None = None) -> bool:
        """Begin if needed and wait until it is done; False if ``timeout_s`` passed first."""
        self.begin()
        return self._done.wait(timeout_s)

    def result(self) -> T | None:
        """The started thing; None while it is not done. Raises the start's exception if it failed."""
        if not self._done.is_set():
            return None
        if self._error is not None:
            raise self._error
        return self._value
