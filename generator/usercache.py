"""The user's cache: what factsheet keeps between runs because it can always make it again
(the fonts' code points, the PDF's font configuration, `check`'s verdicts).

It is `$XDG_CACHE_HOME/factsheet`, else a folder of the user's own in the temporary folder
(`factsheet-<uid>`): the installed package may be read-only. In the shared temporary folder
another user could have made that folder first and put files of theirs in it, so a folder
is used only if it is a real folder of this user's that nobody else can write into, and a
file only if it is a regular file of theirs (never a link followed, never a pipe waited for).
Files are replaced whole: a reader never sees half of one. Deleting the folder is always safe.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

MAX_FILE = 16 * 1024 * 1024  # bytes: anything larger was not written by factsheet


def folder() -> Path:
    cache = os.environ.get("XDG_CACHE_HOME")
    if cache:
        return Path(cache) / "factsheet"
    import tempfile  # here: a check with XDG_CACHE_HOME set does without it

    return Path(tempfile.gettempdir()) / f"factsheet-{os.getuid()}"


def own_folder(path: Path) -> bool:
    """Whether `path` is a folder (not a link) of this user's that nobody else can write into."""
    try:
        info = os.lstat(path)
    except OSError:
        return False
    return stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid() and not info.st_mode & 0o022


def read(name: str) -> bytes | None:
    """The cache file `name`'s bytes; None when it is missing, unreadable, not a regular file
    of this user's that only they can write, in a folder that is not theirs, or too large."""
    base = folder()
    if not own_folder(base):
        return None
    try:
        fd = os.open(base / name, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW)
        with os.fdopen(fd, "rb") as f:
            info = os.fstat(f.fileno())
            if (not stat.S_ISREG(info.st_mode) or info.st_uid != os.getuid()
                    or info.st_mode & 0o022 or info.st_size > MAX_FILE):
                return None
            return f.read(MAX_FILE + 1)
    except OSError:
        return None


def write(name: str, data: bytes) -> Path:
    """Replace the cache file `name` with `data` whole; its path. OSError when it cannot be
    written, or when the cache folder is not this user's own (EACCES)."""
    import tempfile

    base = folder()
    base.mkdir(parents=True, exist_ok=True, mode=0o700)
    if not own_folder(base):
        raise PermissionError(errno.EACCES, "not a folder of this user's that only they can write into",
                              str(base))
    fd, tmp = tempfile.mkstemp(dir=base, prefix=f".{name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, base / name)
    except BaseException:
        os.unlink(tmp)
        raise
    return base / name
