"""Reading a file that someone else may have put in place: a regular file only (a pipe or a
device is never waited for), never more than a cap read, and where asked never through a link.

Data files, their includes and sidecars, the user's cache and the PDF's resources are all read
so; each caller says what a refusal means to its user (a data error, a cache not believed, a
resource refused).
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from collections.abc import Callable
from pathlib import Path


class NotAFile(OSError):
    """A folder, a pipe or a device where a file was expected."""


class TooLarge(OSError):
    def __init__(self, path: Path, size: int) -> None:
        super().__init__(errno.EFBIG, "too large", str(path))
        self.size = size


def read_capped(path: Path, cap: int, *, follow: bool = True,
                trusted: Callable[[os.stat_result], bool] | None = None) -> bytes:
    """The file's bytes. FileNotFoundError, NotAFile, TooLarge (more than `cap` bytes, found
    before reading or while reading: it may grow), PermissionError when `trusted` refuses the
    open file's status; with `follow` false, a link is refused (ELOOP) and never read through."""
    flags = os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC | (0 if follow else os.O_NOFOLLOW)
    fd = os.open(path, flags)
    with os.fdopen(fd, "rb") as f:
        # Asked of the open file: the path may have been swapped since the caller looked at it.
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotAFile(errno.EINVAL, "not a regular file", str(path))
        if trusted is not None and not trusted(info):
            raise PermissionError(errno.EACCES, "written by another user", str(path))
        if info.st_size > cap:
            raise TooLarge(path, info.st_size)
        data = f.read(cap + 1)
    if len(data) > cap:
        raise TooLarge(path, len(data))
    return data


def content_digest(data: bytes) -> str:
    """How fingerprints name a file's bytes."""
    return "sha256:" + hashlib.sha256(data).hexdigest()
