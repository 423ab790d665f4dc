"""Writing a file the user named (``--out``): whole or not at all, never over something that is
not a regular file.

The rule, for every command that writes a file it is given:

- The text goes to a temporary file in the target's own folder, is flushed to disk (fsync) and
  only then renamed over the target (``os.replace``): a reader sees the old file or the whole new
  one, never part of it; a run that fails or is interrupted leaves the old file as it was and no
  temporary file behind.
- Only a regular file (or a path that does not exist yet, in a folder that does) is written. A
  FIFO, a character or block device (``/dev/null`` itself, even as root), a socket or a folder is
  refused with a one-line reason, before anything is written, and stays as it is: renaming over
  such a node would silently replace it with a regular file.
- A symbolic link is followed to the regular file it names, and that file is replaced (same
  rule); the link itself stays a link, pointing where it pointed. A link to a missing file, or to
  anything but a regular file, is refused: we never create or replace something the user did not
  name as a file.
- A replaced file keeps its permission bits (and, when we run as root, its owner); a new file
  gets the usual ones (0666 less the umask), not the temporary file's.
- ``-`` means standard output (nothing is renamed then).
"""

from __future__ import annotations

import os
import secrets
import stat
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TextIO, TypeVar

from studio_files.file_kinds import file_kind

STDOUT = "-"
T = TypeVar("T")



class OutputRefused(ValueError):
    """A path that will not be written (not a regular file, missing folder ...): one line why."""


def output_path(given: str | os.PathLike[str], option: str = "--out", *, new_folder: bool = False) -> Path:
    """The file that writing ``given`` replaces: ``given`` itself, or the regular file a link
    names. OutputRefused (naming ``option``) for anything that is not a regular file or a new
    path in an existing folder (``new_folder``: or in a folder the caller will create, as a new
    database's is). Decided from the file type alone: nothing is opened or written."""
    target = Path(given)
    try:
        mode = target.stat().st_mode            # follows links: a link to /dev/null is a device
    except FileNotFoundError:
        if target.is_symlink():
            raise OutputRefused(f"{target} is a link to a missing file; {option} needs a regular file "
                                "or a path that does not exist yet") from None
        if not new_folder and not target.parent.is_dir():
            raise OutputRefused(f"cannot write {target}: the folder {target.parent} does not exist") from None
        return target
    except OSError as exc:
        raise OutputRefused(f"cannot use {target}: {exc.strerror or exc}") from None
    if not stat.S_ISREG(mode):
        raise OutputRefused(f"{target} is {file_kind(mode)}, not a regular file; {option} needs a "
                            "regular file or a path that does not exist yet")
    return Path(os.path.realpath(target)) if target.is_symlink() else target


class AtomicOutput:
    """A file being written for ``given``: write to ``file``, then ``commit()`` (rename over the
    target) or ``discard()``. As a context manager, anything not committed is discarded.

    For ``-`` the file is standard output: commit flushes it, discard does nothing.
    """

    def __init__(self, given: str | os.PathLike[str], option: str = "--out", *, encoding: str = "utf-8",
                 newline: str = "") -> None:
        self.given, self.option = str(given), option
        self._done = False
        if self.given == STDOUT:
            self.target: Path | None = None
            self.temporary: Path | None = None
            self.file: TextIO = sys.stdout
            return
        self.target = output_path(given, option)
        self.temporary, descriptor = _create_beside(self.target)
        try:
            self.file = open(descriptor, "w", encoding=encoding, newline=newline)  # noqa: SIM115 -- see commit
        except BaseException:
            os.close(descriptor)
            self.temporary.unlink(missing_ok=True)
            raise

    def commit(self) -> None:
        """Flush to disk and rename over the target. OutputRefused if the target became something
        else than a regular file meanwhile (the temporary file is then removed); OSError if the
        disk refuses (likewise)."""
        if self._done:
            return
        if self.target is None:
            self.file.flush()
            self._done = True
            return
        assert self.temporary is not None
        try:
            self.file.flush()
            _keep_mode_and_owner(self.file.fileno(), self.target)
            os.fsync(self.file.fileno())
            self.file.close()
            # Checked again just before the rename: a FIFO made in its place during a long run
            # (or a link moved elsewhere) is refused, not replaced.
            if output_path(self.given, self.option) != self.target:
                raise OutputRefused(f"{self.given} changed while it was being written; it was left as it is")
            os.replace(self.temporary, self.target)
            self._done = True
        finally:
            if not self._done:
                self.discard()

    def discard(self) -> None:
        """Drop what was written; the target stays as it was."""
        self._done = True
        if self.temporary is None:
            return
        try:
            self.file.close()
        except OSError:
            pass
        self.temporary.unlink(missing_ok=True)

    def __enter__(self) -> AtomicOutput:
        return self

    def __exit__(self, *exc_info: object) -> None:
        if not self._done:
            self.discard()


def write_replacing(given: str | os.PathLike[str], write: Callable[[TextIO], T], option: str = "--out") -> T:
    """Write ``given`` with ``write(file)`` under the rule above; returns what ``write`` returned.

    Raises OutputRefused for a path that is not to be written, OSError when the disk refuses,
    and whatever ``write`` raises; in every such case the target is as it was.
    """
    with AtomicOutput(given, option) as output:
        result = write(output.file)
        output.commit()
    return result


def _create_beside(target: Path) -> tuple[Path, int]:
    """A new, empty temporary file in ``target``'s folder (same file system, so the rename is
    atomic), created with 0666 less the umask, like any new file."""
    while True:
        temporary = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
        try:
            return temporary, os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            continue


def _keep_mode_and_owner(descriptor: int, target: Path) -> None:
    try:
        existing = target.stat()
    except FileNotFoundError:
        return
    os.fchmod(descriptor, stat.S_IMODE(existing.st_mode))
    if os.geteuid() == 0:    # root writing someone's file must not make it root's
        os.fchown(descriptor, existing.st_uid, existing.st_gid)
