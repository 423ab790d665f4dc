"""What a path is, in words: the one list behind every message that refuses a path because it is
not a regular file (``--out``, ``--db``, ``validate``'s inputs, the batch contacts file)."""

from __future__ import annotations

import stat

_KINDS = ((stat.S_ISREG, "a regular file"), (stat.S_ISDIR, "a folder"),
          (stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))


def file_kind(mode: int) -> str:
    """ "a regular file", "a folder", "a named pipe (FIFO)" ... for an ``st_mode``."""
    return next((kind for is_kind, kind in _KINDS if is_kind(mode)), "a special file")
