"""The files a command is pointed at: regular files only, opened so that nothing can block, and the
JSON files of a folder.

A named pipe with no writer blocks a plain ``open()`` forever, and a device can stream without end,
so a path is checked with ``os.stat`` first and opened with ``O_NONBLOCK`` (a path swapped for a FIFO
between the check and the open still does not block), then checked again on the open descriptor.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from typing import BinaryIO

from studio_files.file_kinds import file_kind

JSON_SUFFIX = ".json"


class InputFileError(ValueError):
    """A path that cannot be read as a file (missing, not a regular file, no permission)."""


def _refuse(path: str, mode: int, stdin_too: bool = True) -> InputFileError:
    also = " (or - to read stdin)" if stdin_too else ""
    return InputFileError(f"{path} is {file_kind(mode)}, not a regular file; name a file{also}")


def open_regular_file(path: str, stdin_too: bool = True) -> BinaryIO:
    """The regular file at ``path`` opened for reading (binary); InputFileError for anything else
    (a FIFO, a device, a folder, a missing file). Never blocks. ``stdin_too``: the refusal says
    that ``-`` reads stdin (for a command that takes it)."""
    try:
        mode = os.stat(path).st_mode          # follows links: a link to a FIFO is a FIFO
        if not stat.S_ISREG(mode):
            raise _refuse(path, mode, stdin_too)
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise InputFileError(f"cannot read {path}: {exc.strerror or exc}") from None
    handle = os.fdopen(fd, "rb")
    try:
        mode = os.fstat(handle.fileno()).st_mode
    except OSError as exc:
        handle.close()
        raise InputFileError(f"cannot read {path}: {exc.strerror or exc}") from None
    if not stat.S_ISREG(mode):                # replaced between the stat and the open
        handle.close()
        raise _refuse(path, mode, stdin_too)
    return handle


def read_regular_file(path: str, limit: int) -> bytes:
    """At most ``limit + 1`` bytes of the regular file at ``path`` (one more than allowed, so the
    caller can tell a file that is too large); InputFileError for anything else. Never blocks."""
    with open_regular_file(path) as handle:
        try:
            return handle.read(limit + 1)
        except OSError as exc:
            raise InputFileError(f"cannot read {path}: {exc.strerror or exc}") from None


def find_json_files(folder: str) -> Iterator[str]:
    """The ``*.json`` regular files under ``folder``, in sorted order, folder by folder.

    Hidden folders (``.git``, ``.venv`` ...) are not searched, links to folders are not followed
    (no loops), and anything that is not a regular file (a FIFO named ``x.json``) is passed by.
    """
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as exc:
        raise InputFileError(f"cannot read the folder {folder}: {exc.strerror or exc}") from None
    subfolders = []
    for entry in entries:
        try:
            if entry.is_dir(follow_symlinks=False):
                if not entry.name.startswith("."):
                    subfolders.append(entry.path)
            elif entry.name.lower().endswith(JSON_SUFFIX) and entry.is_file():
                yield entry.path
        except OSError:   # vanished or unreadable while listing: not ours to report
            continue
    for subfolder in subfolders:
        yield from find_json_files(subfolder)
