"""A character device for tests of output files, safe to aim a regression at."""

from __future__ import annotations

import os
import stat
from pathlib import Path


def a_character_device(folder: Path) -> Path:
    """As root (tests here run as root), a null device made in ``folder`` with mknod, never
    /dev/null itself: a regression that renames over the target would otherwise replace the
    machine's /dev/null with a regular file. As a user, /dev/null (a user cannot replace it)."""
    if os.geteuid() != 0:
        return Path(os.devnull)
    device = folder / "null-device"
    os.mknod(device, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    return device
